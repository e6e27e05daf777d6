/**
 * Throughput of the in-circuit, flying-probe and boundary-scan converters on their sample files
 * (fixtures/converters/): milliseconds per file and test steps per second, in this thread, and
 * for the largest multi-board sample also through the worker host, side by side in one run.
 * Writes bench-results/converters-ict.json at the repository root. Not a test: nothing fails on a
 * timing.
 *
 * Run: cd packages/converters && npx tsx --conditions=@tswats/source bench/ict.bench.ts
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Step } from "@tswats/report";
import { Bench } from "tinybench";
import { ConverterHost } from "../src/host.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const outDir = path.join(repoRoot, "bench-results");
const samples: [string, string][] = [
  ["teradyne-gr228x", "teradyne-gr228x/43420_BIO2.LOG"],
  ["teradyne-spectrum", "teradyne-spectrum/sample_ict_data.txt"],
  ["spea-3030", "spea-3030/testdata_SN9871234012.csv"],
  ["takaya", "takaya/V682589_K_TOP-20230504130808.ATD"],
  ["takaya", "takaya/WO250319-0162__20250525_122655.atdx"],
  ["xjtag", "xjtag/Demonstration hardware--28_10_2019.xjlog"],
];
const parameters = { timeZone: "Europe/Oslo" };
const inThread = await ConverterHost.create({ inProcess: true });
const worker = await ConverterHost.create({ workers: 1 });

const countSteps = (s: Step | null | undefined): number =>
  s ? (s.steps ?? []).reduce((n, c) => n + 1 + countSteps(c), 0) : 0;
const stepsPerFile = new Map<string, number>();
const bench = new Bench({ time: 1500, warmupTime: 200 });
for (const [converter, sample] of samples) {
  const file = path.join(repoRoot, "fixtures/converters", sample);
  if (!existsSync(file)) continue;
  const r = await inThread.convertFile(file, { converter, parameters });
  stepsPerFile.set(
    sample,
    r.reports.reduce((n, rep) => n + countSteps(rep.root), 0),
  );
  bench.add(`${sample}: in-thread`, async () => {
    await inThread.convertFile(file, { converter, parameters });
  });
  if (converter === "spea-3030") {
    await worker.convertFile(file, { converter, parameters }); // start the worker before measuring
    bench.add(`${sample}: worker host`, async () => {
      await worker.convertFile(file, { converter, parameters });
    });
  }
}
await bench.run();
await inThread.close();
await worker.close();

const results: Record<string, { medianMs: number; stepsPerSecond: number }> = {};
for (const task of bench.tasks) {
  if (task.result.state !== "completed") throw new Error(`${task.name}: ${task.result.state}`);
  const median = task.result.latency.p50 as number;
  const sample = task.name.split(": ")[0] as string;
  results[task.name] = {
    medianMs: Number(median.toFixed(2)),
    stepsPerSecond: Math.round(((stepsPerFile.get(sample) ?? 0) / median) * 1000),
  };
}
const spea = "spea-3030/testdata_SN9871234012.csv";
const ratios = {
  "spea worker host / in-thread": Number(
    (
      (results[`${spea}: worker host`]?.medianMs ?? Number.NaN) /
      (results[`${spea}: in-thread`]?.medianMs ?? Number.NaN)
    ).toFixed(2),
  ),
};
mkdirSync(outDir, { recursive: true });
const out = { date: new Date().toISOString(), node: process.version, results, ratios };
writeFileSync(path.join(outDir, "converters-ict.json"), `${JSON.stringify(out, null, 2)}\n`);
console.table(results);
console.log(ratios);
