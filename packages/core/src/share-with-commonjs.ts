import { CORE_VERSION } from "./version.js";

/**
 * One @tswats/core per process, whichever way it is loaded. The package ships an ES module and a
 * CommonJS copy; a process that loads both would have two of everything (two `WatsError`
 * classes, so `instanceof` fails across them; two throttle registries). That happens when an ES
 * module graph meets code that `require()`s the package: a CommonJS dependency, or a domain that
 * the SDK loads on first use under a loader that turns ES modules into CommonJS (tsx).
 *
 * So the ES module, once loaded, offers itself on `globalThis`, and the CommonJS copy's entry
 * (its first lines, written by the build: scripts/lib/commonjs-copy.mjs) returns that module
 * instead of loading its own when the versions are equal. The other order (CommonJS first, the ES
 * module later) still gives two: an ES module cannot hand out another module's bindings.
 */
export const SHARED_CORE_KEY = "tswats.core.esModule";

export function shareWithCommonJs(coreModule: object, moduleUrl: string): void {
  // The CommonJS copy runs this file too: only the ES module offers itself.
  if (/[\\/]dist[\\/]cjs[\\/]/.test(moduleUrl)) return;
  const shared = globalThis as Record<symbol, unknown>;
  shared[Symbol.for(SHARED_CORE_KEY)] ??= { version: CORE_VERSION, exports: coreModule };
}
