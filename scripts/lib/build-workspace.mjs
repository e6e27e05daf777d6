// The workspace build (scripts/build.mjs, each package's `build` script through
// scripts/build-package.mjs): one TypeScript build, then the CommonJS copies.
//
// TypeScript project references generated from the packages' own tsconfig files
// (tsc-projects.mjs), built as `tsc -b` would but on every core (tsc-lanes.mjs): each file is
// parsed and checked once, declarations are emitted once, a lane parses third-party declarations
// once for all its projects, and a second run rebuilds only what changed. Then the CommonJS copies
// (commonjs-copy.mjs) of the packages built, in this process.
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { writeCommonJsCopy } from "./commonjs-copy.mjs";
import { buildLanes } from "./tsc-lanes.mjs";
import { writeProjects } from "./tsc-projects.mjs";
import { root, workspacePackages } from "./workspace.mjs";

export class BuildError extends Error {}

/**
 * @param {{ only?: string[], check?: boolean, verbose?: boolean }} options
 *   only: package names (default all; what they depend on is built too);
 *   check: also type-check tests, bench, examples, codegen (and, for the whole workspace, every
 *   public package's declarations with skipLibCheck off); verbose: tsc -b says what it builds and why
 * @returns {Promise<{ packages: number, modules: number, tscSeconds: number, copySeconds: number }>}
 */
export async function buildWorkspace({ only = [], check = false, verbose = false } = {}) {
  const started = performance.now();
  const packages = workspacePackages();
  const projects = writeProjects();
  const selected = selectPackages(packages, only, check);
  const entries = projects.packages.filter((e) => selected.has(e.name));

  // tsc -b trusts its .tsbuildinfo: outputs deleted by hand (rm -rf dist) would not come back, and
  // outputs of deleted sources would linger and be published. Settle both before building.
  for (const entry of entries) if (entry.build) settleOutputs(entry);

  const targets =
    only.length === 0
      ? [...projects.projects].filter(([, p]) => check || p.kind === "build").map(([config]) => config)
      : entries.flatMap((e) => [e.build, check ? e.check : undefined]).filter(Boolean);
  const result = await buildLanes(projects.projects, projects.all, targets, { verbose });
  if (result.failed.length > 0)
    throw new BuildError(
      `type errors in ${result.failed.join(", ")} (above); ${result.skipped.length} project(s) skipped`,
    );
  const tscSeconds = (performance.now() - started) / 1000;

  const built = entries.filter((e) => e.build).map((e) => packages.find((p) => p.name === e.name));
  let modules = 0;
  try {
    const counts = await Promise.all(built.map((p) => writeCommonJsCopy(p.dir, p.manifest)));
    modules = counts.reduce((a, b) => a + b, 0);
  } catch (error) {
    throw new BuildError(`CommonJS copy failed: ${error.message}`);
  }
  const copySeconds = (performance.now() - started) / 1000 - tscSeconds;
  return { packages: built.length, modules, tscSeconds, copySeconds };
}

/** The named packages and the workspace packages they need (with check: dev dependencies too). */
function selectPackages(packages, names, check) {
  if (names.length === 0) return new Set(packages.map((p) => p.name));
  const byName = new Map(packages.map((p) => [p.name, p]));
  const wanted = new Set();
  const stack = [...names];
  while (stack.length > 0) {
    const name = stack.pop();
    const p = byName.get(name);
    if (!p) throw new BuildError(`${name} is not a workspace package`);
    if (wanted.has(name)) continue;
    wanted.add(name);
    stack.push(...(check ? p.workspaceDeps : p.runtimeDeps));
  }
  return wanted;
}

/**
 * Before `tsc -b`: removes dist/ outputs whose source is gone, and forgets the build info of a
 * package whose outputs are incomplete so that tsc emits them again.
 */
function settleOutputs(entry) {
  const dir = join(root, entry.relDir);
  const src = join(dir, "src");
  const dist = join(dir, "dist");
  const sources = new Set(
    listFiles(src)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => relative(src, f).slice(0, -3)),
  );
  let incomplete = !existsSync(dist);
  if (!incomplete) {
    for (const file of listFiles(dist, join(dist, "cjs"))) {
      const name = relative(dist, file);
      const stem = name.replace(/(\.d\.ts|\.js)(\.map)?$/, "");
      if (stem !== name && !sources.has(stem)) rmSync(file);
    }
    for (const stem of sources)
      if (!existsSync(join(dist, `${stem}.js`)) || !existsSync(join(dist, `${stem}.d.ts`))) incomplete = true;
  }
  if (incomplete) rmSync(entry.build.replace(/build\.json$/, "build.tsbuildinfo"), { force: true });
}

function listFiles(dir, skip) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === skip) continue;
    if (statSync(path).isDirectory()) out.push(...listFiles(path, skip));
    else out.push(path);
  }
  return out;
}
