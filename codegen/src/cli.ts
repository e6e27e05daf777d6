#!/usr/bin/env node
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { GeneratedPackage } from "./generate.js";
import { runCodegen, type SurfaceOutcome } from "./run.js";
import type { PackagePlan } from "./split.js";

const usage = `Usage: pnpm codegen [--check] [--spec <file>] [--internal-spec <file>] [--from <url|file> [--token <token>]]

  --check            regenerate in memory and fail when the committed output or specs/lock.json differs
  --spec <file>      the public WATS spec (OpenAPI 3.0, or Swagger 2.0 which is converted first)
  --internal-spec    the internal WATS spec (its internal-only operations, and the WSJF report schema)
  --from <url|file>  a new public spec: a server's Swagger endpoint (downloaded) or a file; saved in
                     specs/wats/ and used from then on
  --token <token>    API token for --from <url> (default: WATS_AUTH_TOKEN)

A run that writes compares the new API surface with specs/surface.json and, when operations or
models changed, writes .changeset/wats-api-<hash>.md with each affected package's semver bump.
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
      for (const path of result.updated) console.log(`  updated ${path} (build and exports fields)`);
      for (const note of result.notes) console.log(`  note: ${note}`);
      console.log(surfaceMessage(result.surface));
      return 0;
    }
  }
}

function surfaceMessage(outcome: SurfaceOutcome): string {
  switch (outcome.kind) {
    case "baseline":
      return "API surface recorded in specs/surface.json (no previous surface to compare: no changeset)";
    case "unchanged":
      return "API surface unchanged since specs/surface.json: no changeset written";
    case "changed": {
      const bumps = Object.entries(outcome.changeset.bumps)
        .map(([name, bump]) => `${name} ${bump}`)
        .join(", ");
      const counts = { added: 0, removed: 0, changed: 0 };
      for (const c of outcome.changes) counts[c.change]++;
      const what = `${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`;
      return outcome.alreadyWritten
        ? `API changes (${what}) already in ${outcome.changeset.path}: nothing new written`
        : `API changes (${what}): wrote ${outcome.changeset.path} (${bumps})`;
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
