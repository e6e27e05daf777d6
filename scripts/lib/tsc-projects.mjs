// TypeScript project references for the whole workspace, derived from each package's own
// tsconfig files and package.json, so that one `tsc -b` builds every package once:
//
//   <pkg>/tsconfig.build.json  (hand-kept: src -> dist)   becomes  <cache>/<pkg>/build.json
//   <pkg>/tsconfig.json        (hand-kept: src + tests)   becomes  <cache>/<pkg>/check.json
//
// build.json extends the package's tsconfig.build.json and adds `composite` (declarations once,
// incremental) and a reference to the build project of each workspace package it depends on.
// check.json extends tsconfig.json and references the package's own build project and those of its
// workspace dependencies: tsc then reads src and the dependencies through their emitted
// declarations, so a test project checks only its tests (and bench), never src a second time.
//
// Third-party declarations (zod, node, pino, undici...) are not checked again in every project
// (`skipLibCheck`: that alone was half of each project's time). Instead one more project,
// declarations.json, checks every public package's emitted declarations once with skipLibCheck
// off, the third-party ones they reach included, resolved as a user's project would resolve them.
//
// The generated files live in node_modules/.cache (git-ignored) and are rewritten only when their
// content changes, so `tsc -b` stays incremental. A package that follows the usual layout needs
// nothing else to take part.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ts from "typescript";
import { dependencyOrder, root, workspacePackages } from "./workspace.mjs";

export const cacheDir = join(root, "node_modules/.cache/tswats/tsc");

/**
 * Writes the generated projects and the two solutions:
 *   <cache>/build.json  every build project (src -> dist)
 *   <cache>/all.json    every build project and every check project (tests, bench, examples)
 * and returns the graph: every project with the projects it references.
 * @returns {{ build: string, all: string, declarations: string,
 *   packages: { name: string, relDir: string, build?: string, check?: string }[],
 *   projects: Map<string, { name: string, kind: "build" | "check" | "declarations", references: string[] }> }}
 */
export function writeProjects() {
  const packages = dependencyOrder(workspacePackages());
  const buildOf = new Map();
  for (const p of packages)
    if (existsSync(join(p.dir, "tsconfig.build.json")))
      buildOf.set(p.name, join(cacheDir, p.relDir, "build.json"));

  const written = [];
  const projects = new Map();
  for (const p of packages) {
    const entry = { name: p.name, relDir: p.relDir };
    const build = buildOf.get(p.name);
    if (build) {
      const refs = p.runtimeDeps.filter((d) => buildOf.has(d)).map((d) => buildOf.get(d));
      writeConfig(build, {
        extends: rel(build, join(p.dir, "tsconfig.build.json")),
        compilerOptions: {
          composite: true,
          skipLibCheck: true,
          tsBuildInfoFile: "./build.tsbuildinfo",
        },
        references: refs.map((path) => ({ path: rel(build, path) })),
      });
      entry.build = build;
      projects.set(build, { name: p.name, kind: "build", references: refs });
    }
    if (existsSync(join(p.dir, "tsconfig.json")) && hasFilesBesideSrc(join(p.dir, "tsconfig.json"), p.dir)) {
      const check = join(cacheDir, p.relDir, "check.json");
      const refs = [
        ...(build ? [build] : []),
        ...p.workspaceDeps.filter((d) => buildOf.has(d)).map((d) => buildOf.get(d)),
      ];
      writeConfig(check, {
        extends: rel(check, join(p.dir, "tsconfig.json")),
        compilerOptions: {
          noEmit: true,
          skipLibCheck: true,
          incremental: true,
          tsBuildInfoFile: "./check.tsbuildinfo",
        },
        references: refs.map((path) => ({ path: rel(check, path) })),
      });
      entry.check = check;
      projects.set(check, { name: p.name, kind: "check", references: refs });
    }
    written.push(entry);
  }

  // Every public package's emitted declarations (ESM side; dist/cjs holds copies of the same files),
  // checked once as a user's project sees them: no source condition, skipLibCheck off.
  const declarations = join(cacheDir, "declarations.json");
  const published = packages.filter((p) => !p.private && buildOf.has(p.name));
  writeConfig(declarations, {
    extends: rel(declarations, join(root, "tsconfig.base.json")),
    compilerOptions: {
      noEmit: true,
      skipLibCheck: false,
      customConditions: [],
      incremental: true,
      tsBuildInfoFile: "./declarations.tsbuildinfo",
    },
    include: published.map((p) => rel(declarations, join(p.dir, "dist/**/*.d.ts"))),
    exclude: published.map((p) => rel(declarations, join(p.dir, "dist/cjs"))),
    references: published.map((p) => ({ path: rel(declarations, buildOf.get(p.name)) })),
  });
  projects.set(declarations, {
    name: "declarations",
    kind: "declarations",
    references: published.map((p) => buildOf.get(p.name)),
  });

  const buildSolution = join(cacheDir, "build.json");
  writeConfig(buildSolution, {
    files: [],
    references: written.filter((e) => e.build).map((e) => ({ path: rel(buildSolution, e.build) })),
  });
  const allSolution = join(cacheDir, "all.json");
  writeConfig(allSolution, {
    files: [],
    references: [...written.flatMap((e) => [e.build, e.check]).filter(Boolean), declarations].map((path) => ({
      path: rel(allSolution, path),
    })),
  });
  return { build: buildSolution, all: allSolution, declarations, packages: written, projects };
}

/** Whether a package's tsconfig.json takes in files outside src/ (tests, bench, examples). */
function hasFilesBesideSrc(configFile, dir) {
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error)
    throw new Error(
      `${relative(root, configFile)}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`,
    );
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, undefined, configFile);
  const src = join(dir, "src") + sep;
  return parsed.fileNames.some((f) => !join(f).startsWith(src));
}

function rel(fromFile, to) {
  const path = relative(dirname(fromFile), to);
  return path.startsWith(".") ? path : `./${path}`;
}

function writeConfig(file, value) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
