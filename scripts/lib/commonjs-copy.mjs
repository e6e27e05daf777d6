// The CommonJS copy of a built package (see docs/RELEASING.md, "Package format"):
//
//   dist/cjs/**/*.js     every dist/**/*.js transpiled to CommonJS by esbuild (file by file)
//   dist/cjs/**/*.d.ts   the declarations again, read as CommonJS types under
//   dist/cjs/package.json  {"type": "commonjs"}
//
// The programs a package's bin files start are ESM only (top-level await) and left out; nobody
// requires them. A bin is either such a program in dist/ itself or a small launcher outside dist/
// (bin/<name>.js, committed, so that `pnpm install` can link it before anything is built) that
// imports one: `import "../dist/cli.js"`.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { transform } from "esbuild";

/**
 * Writes dist/cjs of the package in `dir` from its dist/ (built by tsc), unless it is already newer
 * than every file there. Returns the number of modules transpiled (0 when it was up to date).
 * @param {string} dir  the package folder
 * @param {Record<string, unknown>} manifest  its package.json
 */
export async function writeCommonJsCopy(dir, manifest) {
  const dist = join(dir, "dist");
  const cjs = join(dist, "cjs");
  // dist/cjs/package.json is written last: its time says when the copy was complete.
  const stamp = join(cjs, "package.json");
  const files = await listFiles(dist, cjs);
  if (existsSync(stamp)) {
    const copied = (await stat(stamp)).mtimeMs;
    const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
    if (times.every((t) => t < copied)) return 0;
  }
  const programs = esmOnlyPrograms(dir, manifest);
  await rm(cjs, { recursive: true, force: true });
  const modules = files.filter((f) => f.endsWith(".js") && !programs.has(f));
  const declarations = files.filter(
    (f) => f.endsWith(".d.ts") && !programs.has(f.replace(/\.d\.ts$/, ".js")),
  );

  // esbuild's transform API, one file at a time: it does not know these files sit in a
  // "type": "module" package, so a default import of a CommonJS dependency follows its
  // `__esModule` marker (as TypeScript's own CommonJS output would) instead of Node's ESM rule
  // (default = module.exports), which would be wrong for a require()d openapi-fetch.
  // `import.meta.url` (used to find files beside a module, e.g. a worker's entry) becomes the
  // CommonJS module's own file URL and `import.meta.resolve` undefined; any other `import.meta`
  // use fails the build instead of silently turning into `{}`.
  // @tswats/core's CommonJS entry first returns the package's ES module when the process has
  // loaded it already, at the same version (packages/core/src/share-with-commonjs.ts).
  const sharedEntry =
    manifest.name === "@tswats/core"
      ? [
          `var __tswatsShared = globalThis[Symbol.for("tswats.core.esModule")];`,
          `if (__tswatsShared !== undefined && __tswatsShared.version === ${JSON.stringify(manifest.version)}) {`,
          "  module.exports = __tswatsShared.exports;",
          "  return;",
          "}",
        ].join("\n")
      : undefined;

  await Promise.all(
    modules.map(async (file) => {
      const source = await readFile(file, "utf8");
      const usesImportMeta = source.includes("import.meta");
      const entryBanner =
        sharedEntry !== undefined && file === join(dist, "index.js") ? sharedEntry : undefined;
      const result = await transform(source, {
        sourcefile: relative(dir, file),
        loader: "js",
        format: "cjs",
        platform: "node",
        target: "node20",
        logLevel: "warning",
        logOverride: { "empty-import-meta": "error" },
        ...(usesImportMeta
          ? {
              // import.meta.resolve is left undefined: a module that finds an ES module through it
              // (the SDK's domain loader) then takes require()'s CommonJS resolution instead.
              define: { "import.meta.url": "__tswatsImportMetaUrl", "import.meta.resolve": "undefined" },
              banner: 'var __tswatsImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
            }
          : {}),
      });
      const target = join(cjs, relative(dist, file));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, entryBanner === undefined ? result.code : `${entryBanner}\n${result.code}`);
    }),
  );

  await Promise.all(
    declarations.map(async (file) => {
      const target = join(cjs, relative(dist, file));
      await mkdir(dirname(target), { recursive: true });
      // The declaration map's relative paths would point nowhere from dist/cjs: drop the link.
      const text = (await readFile(file, "utf8")).replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
      await writeFile(target, text);
    }),
  );
  await mkdir(cjs, { recursive: true });
  await writeFile(stamp, `${JSON.stringify({ type: "commonjs" })}\n`);
  return modules.length;
}

/** The dist/ files the package's bins run: directly, or imported by a launcher outside dist/. */
export function esmOnlyPrograms(dir, manifest) {
  const bin = manifest.bin;
  const paths = typeof bin === "string" ? [bin] : Object.values(bin ?? {});
  const dist = join(dir, "dist");
  const programs = new Set();
  for (const path of paths) {
    const file = resolve(dir, path);
    if (file.startsWith(dist)) {
      programs.add(file);
      continue;
    }
    if (!existsSync(file)) throw new Error(`${manifest.name}: bin ${path} does not exist`);
    const imported = [...readFileSync(file, "utf8").matchAll(/import\s*\(?\s*["']([^"']+)["']/g)].map((m) =>
      resolve(dirname(file), m[1]),
    );
    const inDist = imported.filter((f) => f.startsWith(dist));
    if (inDist.length === 0)
      throw new Error(
        `${manifest.name}: bin ${path} imports nothing from dist/ (expected e.g. import "../dist/cli.js")`,
      );
    for (const f of inDist) programs.add(f);
  }
  return programs;
}

async function listFiles(dir, skip) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== skip) out.push(...(await listFiles(path, skip)));
    } else out.push(path);
  }
  return out;
}
