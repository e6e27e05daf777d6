export * from "@tswats/core";
export { serialNumbersOf, type TakenSerialNumber } from "@tswats/production/service";
export { type DomainName, type DomainServices, domainPackages, domainServices } from "./generated/domains.js";
export { Wats, type WatsOptions, watsOptionsFromEnv } from "./wats.js";
