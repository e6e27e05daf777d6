/**
 * Converter throughput: files converted per second
 *  - the NI TestStand fixture (fixtures/teststand/TSWithWats.xml), and
 *  - a generated 10,000-row CSV (100 units x 100 steps -> 100 reports per file),
 * each measured through the worker host (read + sha256 + hand-over to a pooled worker + convert +
 * id + validate + structured clone back) and raw in this thread (same steps, no worker), side by
 * side in one run. Writes bench-results/converters.json at the repository root. Not a test:
 * nothing fails on a timing.
 *
 * Run: cd packages/client && npx tsx --conditions=@tswats/source bench/converters.bench.ts
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { ConverterHost } from "../src/host.js";
import { largeAtml } from "../test/atml-files.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const fixture = path.join(repoRoot, "fixtures/teststand/TSWithWats.xml");
const outDir = path.join(repoRoot, "bench-results");
const outFile = path.join(outDir, "converters.json");

const tmp = mkdtempSync(path.join(tmpdir(), "tswats-conv-bench-"));
const csvPath = path.join(tmp, "10k.csv");
const lines = [
  "SerialNumber,PartNumber,TestDate,OperationType,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result",
];
for (let u = 0; u < 100; u++) {
  for (let s = 0; s < 100; s++) {
    const kind = s % 10 === 0 ? "PassFail" : "NumericLimit";
    const v = (4.9 + ((u * 31 + s * 17) % 20) / 100).toFixed(3);
    lines.push(
      kind === "PassFail"
        ? `SN${String(u).padStart(5, "0")},PN-001,2026-02-03 14:${String(u % 60).padStart(2, "0")}:00,50,Check ${s},PassFail,,,,,PASS`
        : `SN${String(u).padStart(5, "0")},PN-001,2026-02-03 14:${String(u % 60).padStart(2, "0")}:00,50,Step ${s},NumericLimit,${v},4.90,5.10,V,PASS`,
    );
  }
}
writeFileSync(csvPath, `${lines.join("\n")}\n`);
const csvParams = { timeZone: "UTC" };

const worker = await ConverterHost.create({ workers: 1 });
const inThread = await ConverterHost.create({ inProcess: true });
const haveFixture = existsSync(fixture);

// sanity + warm the worker (its start-up is not what is measured)
const check = await worker.convertFile(csvPath, { converter: "csv", parameters: csvParams });
if (check.reports.length !== 100) throw new Error(`expected 100 reports, got ${check.reports.length}`);
if (haveFixture) await worker.convertFile(fixture, { converter: "teststand-xml" });

const bench = new Bench({ time: 2000, warmupTime: 300 });
if (haveFixture) {
  bench
    .add("teststand fixture: worker host", async () => {
      await worker.convertFile(fixture, { converter: "teststand-xml" });
    })
    .add("teststand fixture: in-thread", async () => {
      await inThread.convertFile(fixture, { converter: "teststand-xml" });
    });
}
bench
  .add("csv 10k rows: worker host", async () => {
    await worker.convertFile(csvPath, { converter: "csv", parameters: csvParams });
  })
  .add("csv 10k rows: in-thread", async () => {
    await inThread.convertFile(csvPath, { converter: "csv", parameters: csvParams });
  });

// ATML: a large single-UUT report generated from the samples' structure (ATML 6.01 layout)
const atmlPath = path.join(tmp, "large-atml.xml");
writeFileSync(atmlPath, largeAtml(5_000_000), "latin1");
const atmlBytes = Buffer.byteLength(largeAtml(5_000_000), "latin1");
await worker.convertFile(atmlPath, { converter: "atml" });
// a few iterations only: one 5 MB file takes seconds
const atmlBench = new Bench({ time: 0, iterations: 3, warmupTime: 0, warmupIterations: 1 });
atmlBench
  .add("atml 5 MB: worker host", async () => {
    await worker.convertFile(atmlPath, { converter: "atml" });
  })
  .add("atml 5 MB: in-thread", async () => {
    await inThread.convertFile(atmlPath, { converter: "atml" });
  });

await bench.run();
await atmlBench.run();
await worker.close();
await inThread.close();
rmSync(tmp, { recursive: true, force: true });

const medians: Record<string, number> = {};
const filesPerSecond: Record<string, number> = {};
for (const task of [...bench.tasks, ...atmlBench.tasks]) {
  const result = task.result;
  if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
  medians[task.name] = Number(result.latency.p50.toFixed(4));
  filesPerSecond[task.name] = Number((1000 / result.latency.p50).toFixed(1));
}
console.table(
  Object.keys(medians).map((name) => ({
    task: name,
    "median ms": medians[name],
    "files/s": filesPerSecond[name],
  })),
);

const ratio = (a: string, b: string) =>
  medians[a] !== undefined && medians[b] !== undefined
    ? Number(((medians[a] as number) / (medians[b] as number)).toFixed(2))
    : null;
mkdirSync(outDir, { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      benchmark: "converters",
      date: new Date().toISOString(),
      node: process.version,
      unit: "median ms per file; files/s = 1000 / median; one file at a time, pool of 1 warm worker",
      inputs: {
        teststand: haveFixture
          ? { file: "TSWithWats.xml" }
          : { skipped: `${fixture} not found (../shared absent)` },
        csv: { rows: 10_000, units: 100, reportsPerFile: 100, bytes: Buffer.byteLength(lines.join("\n")) },
        atml: {
          bytes: atmlBytes,
          megabytesPerSecond: Object.fromEntries(
            ["atml 5 MB: worker host", "atml 5 MB: in-thread"].map((k) => [
              k,
              Number((atmlBytes / 1e6 / ((medians[k] as number) / 1000)).toFixed(2)),
            ]),
          ),
        },
      },
      medians,
      filesPerSecond,
      ratios: {
        "teststand worker / in-thread": ratio(
          "teststand fixture: worker host",
          "teststand fixture: in-thread",
        ),
        "csv worker / in-thread": ratio("csv 10k rows: worker host", "csv 10k rows: in-thread"),
        "atml worker / in-thread": ratio("atml 5 MB: worker host", "atml 5 MB: in-thread"),
      },
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
