/**
 * A module (or any value) loaded on first use and kept: how code an idle process does not need
 * stays out of memory until it is needed. `load` runs on the first call only; later calls return
 * what it returned. It works for both ways of loading:
 *
 *   const xml = loadOnFirstUse(() => createRequire(import.meta.url)("fast-xml-parser")); // sync
 *   const pages = loadOnFirstUse(() => import("./pages.js")); // async: the same promise every call
 *
 * A dynamic `import()` is kept as it is in the CommonJS copy of the build (Node runs it there too);
 * a CommonJS dependency can be `require`d through `createRequire(import.meta.url)` synchronously.
 * When `load` throws or its promise rejects, nothing is kept: the next call tries again.
 */
export function loadOnFirstUse<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    if (loaded) return loaded.value;
    const value = load();
    const kept = { value };
    loaded = kept;
    if (value instanceof Promise) {
      value.catch(() => {
        if (loaded === kept) loaded = undefined;
      });
    }
    return value;
  };
}
