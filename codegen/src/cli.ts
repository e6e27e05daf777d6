#!/usr/bin/env node
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { GeneratedPackage } from "./generate.js";
import { runCodegen } from "./run.js";
import type { PackagePlan } from "./split.js";

const usage = `Usage: pnpm codegen [--check] [--spec <file>] [--internal-spec <file>] [--from <url> [--token <token>]]

  --check            regenerate in memory and fail when the committed output or specs/lock.json differs
  --spec <file>      the public WATS spec (OpenAPI 3.0, or Swagger 2.0 which is converted first)
  --internal-spec    the internal WATS spec (its internal-only operations, and the WSJF report schema)
  --from <url>       download the public spec from a server's Swagger endpoint (saved in specs/wats/)
  --token <token>    API token for --from (default: WATS_AUTH_TOKEN)
  --overlay <file>   overlay file (default specs/overlay.json)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: "boolean", default: false },
      spec: { type: "string" },
      "internal-spec": { type: "string" },
      from: { type: "string" },
      token: { type: "string" },
      overlay: { type: "string" },
      root: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const root = resolve(values.root ?? join(dirname(fileURLToPath(import.meta.url)), "../.."));
  const started = performance.now();
  const result = await runCodegen({
    root,
    check: values.check,
    spec: values.spec,
    internalSpec: values["internal-spec"],
    from: values.from,
    token: values.token ?? process.env.WATS_AUTH_TOKEN,
    overlay: values.overlay,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  switch (result.status) {
    case "no-spec":
      if (values.check) {
        console.log(`codegen --check skipped: ${result.message}`);
        return 0;
      }
      console.error(`codegen: ${result.message}`);
      return 1;
    case "clean":
      console.log(`codegen --check: up to date (${summary(result.packages)}) in ${seconds} s`);
      return 0;
    case "drift":
      console.error(
        `codegen --check: the committed output differs from what the spec generates (${result.drift.length}):`,
      );
      for (const d of result.drift.slice(0, 40))
        console.error(`  ${d.change.padEnd(8)} ${d.path}${d.detail ? `: ${d.detail}` : ""}`);
      if (result.drift.length > 40) console.error(`  ... and ${result.drift.length - 40} more`);
      console.error("Run `pnpm codegen` and commit the result.");
      return 1;
    case "written": {
      console.log(`codegen: ${summary(result.packages)}, ${result.files} files in ${seconds} s`);
      for (const path of result.scaffolded) console.log(`  new ${path}`);
      return 0;
    }
  }
}

function summary(packages: GeneratedPackage[]): string {
  const count = (pick: (p: GeneratedPackage) => PackagePlan | undefined) =>
    packages.reduce((n, p) => n + (pick(p)?.operations.length ?? 0), 0);
  return (
    `${packages.length - 1} domain packages + sdk, ${count((p) => p.plan)} public + ` +
    `${count((p) => p.internalPlan)} internal operations`
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`codegen failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
