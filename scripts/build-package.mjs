#!/usr/bin/env node
// Each package's `build` script: builds the package in the current folder and the workspace
// packages it depends on, the same way as the whole-workspace build (scripts/build.mjs):
// ESM, declarations and maps in dist/, the CommonJS copy in dist/cjs/. See docs/RELEASING.md.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BuildError, buildWorkspace } from "./lib/build-workspace.mjs";

const { name } = JSON.parse(readFileSync(join(process.cwd(), "package.json"), "utf8"));
try {
  await buildWorkspace({ only: [name], verbose: process.argv.includes("--verbose") });
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build ${name}: ${error.message}`);
  process.exit(1);
}
