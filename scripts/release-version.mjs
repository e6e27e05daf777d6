#!/usr/bin/env node
// pnpm release:version — applies the pending changesets (`changeset version`: versions, CHANGELOG.md
// files, dependents' ranges), then writes the new versions into the constants that repeat them in
// code (a test checks each against its package.json).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./lib/workspace.mjs";

/** The version constants in code: the package folder, the file in it, the constant's name. */
const VERSION_CONSTANTS = [
  { dir: "packages/core", file: "src/version.ts", name: "CORE_VERSION" },
  { dir: "packages/client", file: "src/version.ts", name: "CLIENT_VERSION" },
];

if (!process.argv.includes("--constants-only")) {
  execFileSync(join(root, "node_modules/.bin/changeset"), ["version"], { cwd: root, stdio: "inherit" });
}

for (const { dir, file, name } of VERSION_CONSTANTS) {
  const { version } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  const path = join(root, dir, file);
  const text = readFileSync(path, "utf8");
  const pattern = new RegExp(`(export const ${name} = )"[^"]*";`);
  if (!pattern.test(text)) {
    console.error(`release:version: ${relative(root, path)} has no line 'export const ${name} = "...";'`);
    process.exit(1);
  }
  const updated = text.replace(pattern, `$1${JSON.stringify(version)};`);
  if (updated !== text) {
    writeFileSync(path, updated);
    console.log(`release:version: ${relative(root, path)}: ${name} = "${version}"`);
  }
}
