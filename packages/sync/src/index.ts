// The error classes, helpers and types of @tswats/core, so a script needs one import (the
// classes are the same objects: `instanceof` works across both import paths).
export * from "@tswats/core";
export { type EngineFailure, WatsEngineError } from "./engine-error.js";
export { isEngineThread } from "./engine-thread.js";
export { createSyncWats, syncWatsFromEnv } from "./facade.js";
export type {
  SyncArgs,
  SyncCallOptions,
  SyncDomains,
  SyncEngineInfo,
  SyncMethod,
  SyncPaginated,
  SyncResult,
  SyncService,
  SyncWats,
  SyncWatsOptions,
} from "./types.js";
