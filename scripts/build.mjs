#!/usr/bin/env node
// pnpm build / pnpm typecheck: the whole workspace in one TypeScript build, then the CommonJS
// copies (scripts/lib/build-workspace.mjs).
//
//   node scripts/build.mjs                 every package: src -> dist (ESM, declarations, maps)
//                                          and dist/cjs (CommonJS copy)
//   node scripts/build.mjs --check         the same, and type-checks tests, bench, examples and
//                                          codegen against the built declarations, and every
//                                          public package's declarations once with skipLibCheck off
//   node scripts/build.mjs @tswats/sdk ... only these packages (and what they depend on)
//   --verbose                              tsc -b says what it builds and why
import { BuildError, buildWorkspace } from "./lib/build-workspace.mjs";

const KNOWN = ["--check", "--verbose"];
const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith("-") && !KNOWN.includes(a));
if (unknown.length > 0) {
  console.error(`build: unknown option ${unknown.join(", ")} (known: ${KNOWN.join(", ")})`);
  process.exit(2);
}
const check = args.includes("--check");
try {
  const result = await buildWorkspace({
    only: args.filter((a) => !a.startsWith("-")),
    check,
    verbose: args.includes("--verbose"),
  });
  console.log(
    `build: ${result.packages} packages built${check ? ", tests and declarations checked" : ""} ` +
      `(tsc -b ${result.tscSeconds.toFixed(1)} s; CommonJS copy of ${result.modules} modules ` +
      `${result.copySeconds.toFixed(1)} s)`,
  );
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`build: ${error.message}`);
  process.exit(1);
}
