// The service class alone, without the package's zod schemas (the SDK's `Wats` loads this);
// the model types too (types only), so declarations built on the service can name them.

export type * from "./generated/index.js";
export * from "./generated/service.js";
// Reads a takeSerialNumbers answer; needs no schema, so the SDK re-exports it from here.
export { serialNumbersOf, type TakenSerialNumber } from "./serial-numbers.js";
