#!/usr/bin/env node
// pnpm release:check — what npm users would get, checked before anything is published.
//
// For every public workspace package (not "private"): `pnpm pack` into a temporary folder, then
// publint and @arethetypeswrong/cli (attw, profile "strict": node10, node16 CJS, node16 ESM and
// bundler resolution) on the tarball. Prints one line per package with its packed size, writes
// node_modules/.cache/tswats/release-check.json, and exits 1 on any problem (a publint error or
// warning, an attw problem, a pack failure). Expects the packages built (the root script builds
// them first; the build is incremental, so that is quick when nothing changed).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { mapConcurrent } from "@tswats/core";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name) => join(root, "node_modules/.bin", name);
const CONCURRENCY = 2;

const packages = await publicPackages();
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const selected = only.length > 0 ? packages.filter((p) => only.includes(p.name)) : packages;
if (selected.length === 0) {
  console.error(`release:check: no public package matches ${only.join(", ")}`);
  process.exit(1);
}

const temp = await mkdtemp(join(tmpdir(), "tswats-release-check-"));
const started = performance.now();
let results;
try {
  const settled = await mapConcurrent(selected, (pkg) => checkPackage(pkg, temp), {
    concurrency: CONCURRENCY,
  });
  // A check that threw (an unreadable manifest, ...) is that package's problem, not the end of the run.
  results = settled.map((outcome, i) =>
    outcome.ok
      ? outcome.value
      : {
          name: selected[i].name,
          version: selected[i].version,
          problems: [`check failed: ${outcome.error.message}`],
        },
  );
} finally {
  await rm(temp, { recursive: true, force: true });
}

const failed = results.filter((r) => r.problems.length > 0);
printTable(results);
for (const r of failed) {
  console.log(`\n${r.name}:`);
  for (const p of r.problems) console.log(`  - ${p}`);
}
const report = {
  checkedAt: new Date().toISOString(),
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  ok: failed.length === 0,
  packages: results,
};
const out = join(root, "node_modules/.cache/tswats/release-check.json");
await mkdir(join(out, ".."), { recursive: true });
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\nrelease:check: ${results.length} packages, ${failed.length} with problems, ` +
    `${kb(results.reduce((n, r) => n + (r.packedBytes ?? 0), 0))} packed in total, ${report.seconds} s ` +
    `(${relative(root, out)})`,
);
process.exitCode = failed.length === 0 ? 0 : 1;

async function publicPackages() {
  const { stdout } = await run(bin("pnpm"), ["ls", "-r", "--depth", "-1", "--json"], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout)
    .filter((p) => p.private !== true && p.path !== root)
    .map((p) => ({ name: p.name, version: p.version, dir: p.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function checkPackage(pkg, temp) {
  const result = { name: pkg.name, version: pkg.version, dir: relative(root, pkg.dir), problems: [] };
  const manifest = JSON.parse(await readFile(join(pkg.dir, "package.json"), "utf8"));
  if (manifest.main) {
    const main = join(pkg.dir, manifest.main);
    if (!(await exists(main))) {
      result.problems.push(`not built (${manifest.main} is missing): run pnpm build first`);
      return result;
    }
  }
  const destination = join(temp, pkg.name.replace(/[@/]/g, "_"));
  await mkdir(destination, { recursive: true });
  let tarball;
  try {
    const { stdout } = await run(bin("pnpm"), ["pack", "--json", "--pack-destination", destination], {
      cwd: pkg.dir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const packed = JSON.parse(stdout);
    tarball = packed.filename;
    result.files = packed.files?.length;
  } catch (error) {
    result.problems.push(`pnpm pack failed: ${firstLine(error)}`);
    return result;
  }
  result.packedBytes = (await stat(tarball)).size;

  const buffer = await readFile(tarball);
  const lint = await publint({
    pack: { tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) },
    level: "warning",
  });
  result.publint = lint.messages.map((m) => ({
    type: m.type,
    code: m.code,
    message: formatMessage(m, lint.pkg),
  }));
  for (const m of lint.messages) result.problems.push(`publint ${m.type}: ${formatMessage(m, lint.pkg)}`);

  const attw = await runAttw(tarball);
  result.attw = attw;
  for (const p of attw.problems) result.problems.push(`attw: ${p}`);
  return result;
}

/** attw --format json: exit 1 with a JSON body when it finds problems. */
async function runAttw(tarball) {
  let stdout;
  try {
    ({ stdout } = await run(bin("attw"), [tarball, "--format", "json", "--profile", "strict"], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    stdout = error.stdout;
    if (!stdout) return { problems: [`attw failed: ${firstLine(error)}`] };
  }
  const { analysis } = JSON.parse(stdout);
  const entrypoints = Object.keys(analysis.entrypoints ?? {});
  if (!analysis.types) return { entrypoints, problems: ["the package has no types"] };
  const problems = analysis.problems.map((p) => {
    const where = [p.entrypoint, p.resolutionKind].filter(Boolean).join(" ");
    return `${p.kind}${where ? ` (${where})` : ""}`;
  });
  return { entrypoints, problems };
}

function printTable(rows) {
  const header = ["package", "version", "files", "packed", "publint", "attw"];
  const lines = rows.map((r) => [
    r.name,
    r.version,
    String(r.files ?? "-"),
    r.packedBytes === undefined ? "-" : kb(r.packedBytes),
    r.publint === undefined ? "-" : r.publint.length === 0 ? "ok" : `${r.publint.length} issue(s)`,
    r.attw === undefined ? "-" : r.attw.problems.length === 0 ? "ok" : `${r.attw.problems.length} problem(s)`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) =>
    cells.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  console.log(format(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(format(l));
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function firstLine(error) {
  return String(error.stderr || error.message || error)
    .trim()
    .split("\n")[0];
}
