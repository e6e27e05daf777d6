/**
 * Domain packages loaded on first use. `wats.product` loads @tswats/product's service module the
 * first time it is read, so a script that uses one domain does not load the other thirteen (in a
 * fresh process that is about 5 MiB of peak RSS, and the young generation then stays at half the
 * size: see the README).
 *
 * The load is synchronous (`wats.product` is a plain property): the built ES module requires the
 * domain's ES module through `require()`, which loads ES modules from Node 20.19 on and shares the
 * graph already loaded, so the domain and this package use the same @tswats/core. The CommonJS
 * copy of this package (dist/cjs) requires the domain's CommonJS copy, for the same reason.
 *
 * Run from TypeScript sources (tests, tsx), a module cannot be required like that; the sources
 * entry (from-sources.ts) imports every domain at once and registers them here instead.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const modules = new Map<string, Record<string, unknown>>();
const requireHere = createRequire(import.meta.url);

/** Domain modules loaded already (the sources entry's), by their specifier. */
export function registerDomainModules(loaded: Record<string, Record<string, unknown>>): void {
  for (const [specifier, module] of Object.entries(loaded)) modules.set(specifier, module);
}

/** `exportName` of the domain module `specifier` ("@tswats/product/service"), loaded now if it is not yet. */
export function loadDomainService<T>(specifier: string, exportName: string): T {
  let module = modules.get(specifier);
  if (module === undefined) {
    module = requireDomainModule(specifier);
    modules.set(specifier, module);
  }
  const value = module[exportName];
  if (value === undefined) throw new Error(`${specifier} has no export ${exportName}`);
  return value as T;
}

function requireDomainModule(specifier: string): Record<string, unknown> {
  // In the CommonJS copy the build defines import.meta.resolve as undefined: require() then
  // resolves the domain's CommonJS copy itself.
  const resolveModule: ((specifier: string) => string) | undefined = import.meta.resolve;
  const target = typeof resolveModule === "function" ? fileURLToPath(resolveModule(specifier)) : specifier;
  return requireHere(target) as Record<string, unknown>;
}
