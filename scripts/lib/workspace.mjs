// The workspace's packages, read from pnpm-workspace.yaml and each package.json: one concept used
// by the build (scripts/build.mjs), the release rehearsal and the release check.
//
// Only the two pattern forms this repository uses are understood: a folder ("codegen") and a
// folder of packages ("packages/*"). Anything else is refused with the line that has it, rather
// than silently matching nothing.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name            package.json "name"
 * @property {string} version
 * @property {string} dir             absolute folder
 * @property {string} relDir          folder relative to the repository root ("packages/core")
 * @property {boolean} private
 * @property {Record<string, unknown>} manifest  the parsed package.json
 * @property {string[]} workspaceDeps names of workspace packages it depends on (any dependency kind)
 * @property {string[]} runtimeDeps   names of workspace packages in "dependencies"
 */

/** @returns {string[]} the package patterns of pnpm-workspace.yaml */
export function workspacePatterns(file = join(root, "pnpm-workspace.yaml")) {
  const lines = readFileSync(file, "utf8").split("\n");
  const patterns = [];
  let inPackages = false;
  lines.forEach((line, index) => {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      return;
    }
    if (!inPackages) return;
    const item = /^\s+-\s+["']?([^"'#]+?)["']?\s*(#.*)?$/.exec(line);
    if (item) {
      const pattern = item[1];
      if (!/^[\w.-]+(\/[\w.-]+)*(\/\*)?$/.test(pattern))
        throw new Error(
          `${relative(root, file)}:${index + 1}: package pattern '${pattern}' is not supported ` +
            "(only 'folder' and 'folder/*')",
        );
      patterns.push(pattern);
    } else if (/^\S/.test(line)) inPackages = false;
  });
  if (patterns.length === 0) throw new Error(`${relative(root, file)}: no "packages:" list`);
  return patterns;
}

/** @returns {WorkspacePackage[]} every workspace package (not the root), sorted by folder */
export function workspacePackages() {
  const dirs = [];
  for (const pattern of workspacePatterns()) {
    if (pattern.endsWith("/*")) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true }))
        if (entry.isDirectory() && existsSync(join(parent, entry.name, "package.json")))
          dirs.push(join(parent, entry.name));
    } else if (existsSync(join(root, pattern, "package.json"))) dirs.push(join(root, pattern));
  }
  const manifests = dirs.map((dir) => {
    const file = join(dir, "package.json");
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`${relative(root, file)}: ${error.message}`);
    }
    if (typeof manifest.name !== "string")
      throw new Error(`${relative(root, file)}: "name" is missing or not a string`);
    return { dir, manifest };
  });
  const names = new Set(manifests.map((m) => m.manifest.name));
  return manifests
    .map(({ dir, manifest }) => {
      const depsOf = (...fields) =>
        [...new Set(fields.flatMap((f) => Object.keys(manifest[f] ?? {})))]
          .filter((n) => names.has(n) && n !== manifest.name)
          .sort();
      return {
        name: manifest.name,
        version: manifest.version ?? "0.0.0",
        dir,
        relDir: relative(root, dir),
        private: manifest.private === true,
        manifest,
        workspaceDeps: depsOf("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"),
        runtimeDeps: depsOf("dependencies", "peerDependencies", "optionalDependencies"),
      };
    })
    .sort((a, b) => a.relDir.localeCompare(b.relDir));
}

/**
 * The packages ordered so that each comes after the workspace packages it depends on (by
 * `depsOf`, default: every dependency kind). A cycle is an error naming the packages in it.
 * @param {WorkspacePackage[]} packages
 * @param {(p: WorkspacePackage) => string[]} [depsOf]
 */
export function dependencyOrder(packages, depsOf = (p) => p.workspaceDeps) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const state = new Map();
  const ordered = [];
  const visit = (p, path) => {
    if (state.get(p.name) === "done") return;
    if (state.get(p.name) === "visiting")
      throw new Error(`workspace dependency cycle: ${[...path, p.name].join(" -> ")}`);
    state.set(p.name, "visiting");
    for (const dep of depsOf(p)) {
      const target = byName.get(dep);
      if (target) visit(target, [...path, p.name]);
    }
    state.set(p.name, "done");
    ordered.push(p);
  };
  for (const p of packages) visit(p, []);
  return ordered;
}
