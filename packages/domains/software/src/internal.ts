export * from "./generated/internal/index.js";
export * from "./package-contents.js";
