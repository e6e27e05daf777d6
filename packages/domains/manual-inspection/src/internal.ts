export * from "./generated/internal/index.js";
export * from "./inspection.js";
