/**
 * Where third-party converters come from: every `.js`/`.mjs`/`.cjs` file and every package folder
 * in a configured plugin folder, and npm packages by name (looked up in `node_modules` from the
 * working directory upwards). Returns absolute file URLs; the modules themselves are imported
 * only inside conversion workers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginError } from "./plugin-check.js";

export interface PluginLocation {
  /** Human-readable origin: "folder /x/plugins: my.mjs" or "npm my-converter". */
  source: string;
  /** File URL of the module to import. */
  module: string;
}

const MODULE_FILE = /\.(mjs|cjs|js)$/i;

export function pluginsInFolder(folder: string): PluginLocation[] {
  const dir = resolve(folder);
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error) {
    throw new PluginError(`plugin folder ${dir} cannot be read: ${(error as Error).message}`);
  }
  const out: PluginLocation[] = [];
  for (const entry of entries) {
    if (entry.startsWith(".") || entry === "node_modules") continue;
    const full = join(dir, entry);
    let isDir = false;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      continue;
    }
    if (isDir) {
      if (
        existsSync(join(full, "package.json")) ||
        existsSync(join(full, "index.js")) ||
        existsSync(join(full, "index.mjs"))
      )
        out.push({
          source: `plugin folder ${dir}: ${entry}/`,
          module: pathToFileURL(packageEntry(full)).href,
        });
    } else if (MODULE_FILE.test(entry))
      out.push({ source: `plugin folder ${dir}: ${entry}`, module: pathToFileURL(full).href });
  }
  return out;
}

/** The entry file of a package folder: exports["."] (import/default), module, main, index.js. */
export function packageEntry(dir: string): string {
  const pkgPath = join(dir, "package.json");
  if (!existsSync(pkgPath)) {
    for (const f of ["index.mjs", "index.js", "index.cjs"]) if (existsSync(join(dir, f))) return join(dir, f);
    throw new PluginError(`${dir}: no package.json and no index.js`);
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new PluginError(`${pkgPath}: not valid JSON (${(error as Error).message})`);
  }
  const pick = (e: unknown): string | undefined => {
    if (typeof e === "string") return e;
    if (typeof e === "object" && e !== null) {
      const o = e as Record<string, unknown>;
      return pick(o["."]) ?? pick(o.import) ?? pick(o.node) ?? pick(o.default) ?? pick(o.require);
    }
    return undefined;
  };
  const rel =
    pick(pkg.exports) ??
    (typeof pkg.module === "string" ? pkg.module : undefined) ??
    (typeof pkg.main === "string" ? pkg.main : undefined) ??
    "index.js";
  const file = resolve(dir, rel);
  if (!existsSync(file)) throw new PluginError(`${pkgPath}: its entry ${rel} does not exist`);
  return file;
}

/** An npm package by name, found in node_modules from `from` (default: working directory) upwards. */
export function npmPlugin(name: string, from = process.cwd()): PluginLocation {
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name))
    throw new PluginError(`npm plugin ${JSON.stringify(name)}: not a package name`);
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json")))
      return { source: `npm ${name}`, module: pathToFileURL(packageEntry(candidate)).href };
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new PluginError(
    `npm plugin ${name}: not installed (no node_modules/${name} from ${resolve(from)} upwards); install it with npm i ${name}`,
  );
}
