export * from "@tswats/core";
export { type DomainName, type DomainServices, domainPackages, domainServices } from "./generated/domains.js";
export { serialNumbersOf, type TakenSerialNumber } from "./serial-numbers.js";
export { Wats, type WatsOptions, watsOptionsFromEnv } from "./wats.js";
