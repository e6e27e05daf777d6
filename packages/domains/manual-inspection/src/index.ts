// @tswats/manual-inspection exists only for the WATS internal API: its root entry is the internal module.
export * from "./internal.js";
