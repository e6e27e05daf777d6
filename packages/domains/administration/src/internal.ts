export * from "./generated/internal/index.js";
