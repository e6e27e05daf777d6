export * from "./generated/internal/index.js";
export * from "./processes.js";
export * from "./unit-hierarchy.js";
