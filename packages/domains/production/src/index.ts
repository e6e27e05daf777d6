export * from "./generated/index.js";
export { serialNumbersOf, type TakenSerialNumber } from "./serial-numbers.js";
