/**
 * Plugins import the report builders and the plugin API by their package names
 * (`import { defineConverter, UutReport } from "@tswats/converters"`). A plugin in a plugin
 * folder sits outside any node_modules tree, so Node could not find those packages from there.
 * This registers a module resolve hook in the conversion process that resolves these bare
 * specifiers as if this host had imported them: the plugin gets the host's own copies (the same
 * version, the same module instances). Dynamic `import()` from a CommonJS plugin goes through
 * the same hook; a plain `require()` does not (Node 20 runs no hooks for it).
 */
import { register } from "node:module";

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
    data: { hostUrl: import.meta.url, names: [...HOST_PACKAGES] },
  });
}
