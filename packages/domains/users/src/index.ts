// @tswats/users exists only for the WATS internal API: its root entry is the internal module.
export * from "./generated/internal/index.js";
