#!/usr/bin/env node
// Builds the workspace package in the current directory, ESM first with a CommonJS copy:
//
//   dist/**/*.js, *.d.ts       tsc -p tsconfig.build.json (ESM, declarations, maps)
//   dist/cjs/**/*.js           the same modules transpiled to CommonJS by esbuild (file by file)
//   dist/cjs/**/*.d.ts         the declarations again, read as CommonJS types under
//   dist/cjs/package.json      {"type": "commonjs"}
//
// package.json then exports `import` -> dist/, `require` -> dist/cjs/ (see docs/RELEASING.md).
// The files a package's "bin" points at are left out of the CommonJS copy: they are ESM programs
// (top-level await) that nobody requires.
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { transform } from "esbuild";

const require = createRequire(import.meta.url);
const cwd = process.cwd();
const dist = join(cwd, "dist");
const cjs = join(dist, "cjs");

const manifest = JSON.parse(await readFile(join(cwd, "package.json"), "utf8"));
const bins = new Set(
  Object.values(
    typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}),
  ).map((path) => join(cwd, path)),
);

await rm(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd,
  stdio: "inherit",
});

const files = await listFiles(dist);
const modules = files.filter((f) => f.endsWith(".js") && !bins.has(f));
const declarations = files.filter((f) => f.endsWith(".d.ts") && !bins.has(f.replace(/\.d\.ts$/, ".js")));

// esbuild's transform API, one file at a time: it does not know these files sit in a
// "type": "module" package, so a default import of a CommonJS dependency follows its
// `__esModule` marker (as TypeScript's own CommonJS output would) instead of Node's ESM rule
// (default = module.exports), which would be wrong for a require()d openapi-fetch.
// `import.meta.url` (used to find files beside a module, e.g. a worker's entry) becomes the
// CommonJS module's own file URL; any other `import.meta` use fails the build instead of silently
// turning into `{}`.
await Promise.all(
  modules.map(async (file) => {
    const source = await readFile(file, "utf8");
    const usesImportMeta = source.includes("import.meta");
    const result = await transform(source, {
      sourcefile: relative(cwd, file),
      loader: "js",
      format: "cjs",
      platform: "node",
      target: "node20",
      logLevel: "warning",
      logOverride: { "empty-import-meta": "error" },
      ...(usesImportMeta
        ? {
            define: { "import.meta.url": "__tswatsImportMetaUrl" },
            banner: 'var __tswatsImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
          }
        : {}),
    });
    const target = join(cjs, relative(dist, file));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, result.code);
  }),
);

await mkdir(cjs, { recursive: true });
await writeFile(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
await Promise.all(
  declarations.map(async (file) => {
    const target = join(cjs, relative(dist, file));
    await mkdir(dirname(target), { recursive: true });
    // The declaration map's relative paths would point nowhere from dist/cjs: drop the link.
    const text = (await readFile(file, "utf8")).replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
    await writeFile(target, text);
  }),
);

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== cjs) out.push(...(await listFiles(path)));
    } else out.push(path);
  }
  return out;
}
