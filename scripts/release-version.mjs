#!/usr/bin/env node
// pnpm release:version — applies the pending changesets (`changeset version`: versions, CHANGELOG.md
// files, dependents' ranges), then writes the new versions into the constants that repeat them in
// code (a test checks each against its package.json).
//
// Before 1.0, a breaking change bumps the minor version (semver's 0.x rule: 0.1.0 -> 0.2.0), not the
// major one: a pending changeset's `major` for a package still at 0.x is applied as `minor`, and
// the line saying so is printed. From 1.0.0 on, changesets apply as written.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root, workspacePackages } from "./lib/workspace.mjs";

/** Rewrites `"<pkg>": major` to `minor` in pending changesets for packages whose version is 0.x. */
function applyPreOneRule() {
  const preOne = new Set(
    workspacePackages()
      .filter((p) => /^0\./.test(p.version))
      .map((p) => p.name),
  );
  const dir = join(root, ".changeset");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md")) {
    const path = join(dir, file);
    const text = readFileSync(path, "utf8");
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
    if (!front) continue;
    const lines = front[1].split("\n").map((line) => {
      const entry = /^(\s*["']?)(@?[^"':]+)(["']?\s*:\s*)major\s*$/.exec(line);
      if (!entry || !preOne.has(entry[2])) return line;
      console.log(
        `release:version: .changeset/${file}: ${entry[2]} is before 1.0, so major applies as minor`,
      );
      return `${entry[1]}${entry[2]}${entry[3]}minor`;
    });
    const updated = `---\n${lines.join("\n")}\n---\n${text.slice(front[0].length)}`;
    if (updated !== text) writeFileSync(path, updated);
  }
}

/** The version constants in code: the package folder, the file in it, the constant's name. */
const VERSION_CONSTANTS = [
  { dir: "packages/core", file: "src/version.ts", name: "CORE_VERSION" },
  { dir: "packages/client", file: "src/version.ts", name: "CLIENT_VERSION" },
];

if (!process.argv.includes("--constants-only")) {
  applyPreOneRule();
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
