import { ENGINE_THREAD_MARK } from "./protocol.js";

/** Marks the current thread as a sync engine thread. */
export function markEngineThread(): void {
  Object.defineProperty(globalThis, ENGINE_THREAD_MARK, { value: true, configurable: false });
}

/** True on an engine worker's thread, where a blocking sync call would wait for itself. */
export function isEngineThread(): boolean {
  return (globalThis as Record<symbol, unknown>)[ENGINE_THREAD_MARK] === true;
}
