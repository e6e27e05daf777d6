/**
 * Plugins import the report builders and the plugin API by their package names
 * (`import { defineConverter, UutReport } from "@tswats/converters"`). A plugin in a plugin
 * folder sits outside any node_modules tree, so Node could not find those packages from there.
 * This registers a module resolve hook in the conversion process that resolves these bare
 * specifiers as if this host had imported them: the plugin gets the host's own copies (the same
 * version, the same module instances). Dynamic `import()` from a CommonJS plugin goes through
 * the same hook; a plain `require()` does not (Node 20 runs no hooks for it).
 */
import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The package names a plugin may import without installing them. */
export const HOST_PACKAGES = ["@tswats/converters", "@tswats/report"] as const;

const HOOKS = `
let hostUrl;
let names;
export function initialize(data) { hostUrl = data.hostUrl; names = new Set(data.names); }
export async function resolve(specifier, context, nextResolve) {
  const slash = specifier.startsWith("@") ? specifier.indexOf("/", specifier.indexOf("/") + 1) : -1;
  const name = slash === -1 ? specifier : specifier.slice(0, slash);
  if (names.has(name) && context.parentURL !== hostUrl) {
    return nextResolve(specifier, { ...context, parentURL: hostUrl });
  }
  return nextResolve(specifier, context);
}
`;

let registered = false;

/** Installs the hook once per process (before the first plugin is imported). */
export function resolvePluginImportsToHost(): void {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { hostUrl: packageManifestUrl(), names: [...HOST_PACKAGES] },
  });
}

/**
 * The URL of this package's package.json: resolving from there finds the package itself (by its
 * name) and its dependencies, from src/, dist/ and dist/cjs/ alike (dist/cjs has its own
 * nameless package.json, from which a self-reference would fail).
 */
function packageManifestUrl(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "@tswats/converters")
          return pathToFileURL(manifest).href;
      } catch {
        // not ours; keep looking upwards
      }
    }
    const up = dirname(dir);
    if (up === dir) return import.meta.url;
    dir = up;
  }
}
