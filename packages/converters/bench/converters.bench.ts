/**
 * Converter throughput: files per second and MB per second for each input below, converted
 * through the worker host (read + sha256 + hand-over to a pooled worker + convert + id +
 * validate + structured clone back) and in this thread (the same steps without a worker), side
 * by side in one run. Writes bench-results/converters.json at the repository root. Not a test:
 * nothing fails on a timing.
 *
 * Adding a format is one entry in INPUTS: a name, the converter, and how to make the file.
 *
 * Run: cd packages/converters && npx tsx --conditions=@tswats/source bench/converters.bench.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { ConverterHost } from "../src/host.js";
import { largeAtml } from "../test/atml-files.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const fixtures = path.join(repoRoot, "fixtures");
const outDir = path.join(repoRoot, "bench-results");
const outFile = path.join(outDir, "converters.json");
const tmp = mkdtempSync(path.join(tmpdir(), "tswats-conv-bench-"));

interface Input {
  name: string;
  converter: string;
  parameters?: Record<string, unknown>;
  /** Writes the input file and returns its path, plus what it holds. */
  make(dir: string): { file: string; holds: string };
}

/**
 * A large plain TestStand report made from Virinco's sample (TsWithoutWats.xml): the main
 * sequence's 13 results (17 steps with the nested CPU Test sequence) repeated until the file
 * has about `targetMb` MB, with the element IDs and the report's StepCount renumbered.
 */
function largeTestStand(dir: string, targetMb: number): { file: string; holds: string } {
  const xml = readFileSync(path.join(fixtures, "converters/teststand/TsWithoutWats.xml"), "latin1");
  const open = xml.indexOf("\t\t\t<Prop Name='ResultList'");
  const bodyStart = xml.indexOf("\t\t\t\t<Value ID='[0]'>", open);
  const close = xml.indexOf("\n\t\t\t</Prop>", bodyStart);
  const body = xml.slice(bodyStart, close + 1);
  const results = (body.match(/^\t\t\t\t<Value ID='\[\d+\]'>/gm) ?? []).length;
  const stepCount = Number(/StepCount='(\d+)'/.exec(xml)?.[1]);
  const copies = Math.max(1, Math.round((targetMb * 1024 * 1024) / body.length));
  let index = 0;
  const parts: string[] = [];
  for (let c = 0; c < copies; c++)
    parts.push(body.replace(/^(\t\t\t\t<Value ID=')\[\d+\]/gm, (_, lead: string) => `${lead}[${index++}]`));
  const out =
    xml.slice(0, bodyStart).replace(/HBound='\[\d+\]'/, `HBound='[${index - 1}]'`) +
    parts.join("") +
    xml.slice(close + 1);
  const file = path.join(dir, "teststand-large.xml");
  writeFileSync(file, out.replace(/StepCount='\d+'/, `StepCount='${stepCount * copies}'`), "latin1");
  return { file, holds: `${copies} x the sample's ${results} main results = ${stepCount * copies} steps` };
}

function csv10k(dir: string): { file: string; holds: string } {
  const lines = [
    "SerialNumber,PartNumber,TestDate,OperationType,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result",
  ];
  for (let u = 0; u < 100; u++)
    for (let s = 0; s < 100; s++) {
      const sn = `SN${String(u).padStart(5, "0")}`;
      const date = `2026-02-03 14:${String(u % 60).padStart(2, "0")}:00`;
      const v = (4.9 + ((u * 31 + s * 17) % 20) / 100).toFixed(3);
      lines.push(
        s % 10 === 0
          ? `${sn},PN-001,${date},50,Check ${s},PassFail,,,,,PASS`
          : `${sn},PN-001,${date},50,Step ${s},NumericLimit,${v},4.90,5.10,V,PASS`,
      );
    }
  const file = path.join(dir, "10k.csv");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return { file, holds: "10,000 rows: 100 units x 100 steps -> 100 reports" };
}

const INPUTS: Input[] = [
  {
    name: "teststand large",
    converter: "teststand-xml",
    parameters: { partNumber: "MB-100" },
    make: (dir) => largeTestStand(dir, 4),
  },
  {
    name: "teststand sample",
    converter: "teststand-xml",
    make: () => ({
      file: path.join(fixtures, "teststand/TSWithWats.xml"),
      holds: "Virinco's TSWithWats.xml",
    }),
  },
  { name: "csv 10k rows", converter: "csv", parameters: { timeZone: "UTC" }, make: csv10k },
  {
    name: "atml large",
    converter: "atml",
    make: (dir) => {
      // A single-UUT ATML 6.01 report in the samples' structure, about 5 MB.
      const file = path.join(dir, "atml-large.xml");
      writeFileSync(file, largeAtml(5_000_000), "latin1");
      return { file, holds: "one UUT, ATML 6.01 layout, generated to about 5 MB" };
    },
  },
];

const worker = await ConverterHost.create({ workers: 1 });
const inThread = await ConverterHost.create({ inProcess: true });
const prepared = INPUTS.map((input) => {
  const made = input.make(tmp);
  return { ...input, ...made, bytes: statSync(made.file).size };
});

// Sanity (every input converts, without warnings) and a warm worker (its start-up is not measured).
for (const p of prepared) {
  const options = { converter: p.converter, ...(p.parameters ? { parameters: p.parameters } : {}) };
  const r = await worker.convertFile(p.file, options);
  if (r.warnings.length > 0)
    throw new Error(`${p.name}: unexpected warnings ${r.warnings.slice(0, 3).join("; ")}`);
  await inThread.convertFile(p.file, options);
}

const bench = new Bench({ time: 0, iterations: 6, warmupTime: 0, warmupIterations: 1 });
for (const p of prepared) {
  const options = { converter: p.converter, ...(p.parameters ? { parameters: p.parameters } : {}) };
  bench
    .add(`${p.name}: worker host`, async () => {
      await worker.convertFile(p.file, options);
    })
    .add(`${p.name}: in-thread`, async () => {
      await inThread.convertFile(p.file, options);
    });
}
await bench.run();
await worker.close();
await inThread.close();
rmSync(tmp, { recursive: true, force: true });

const results: Record<string, unknown> = {};
const ratios: Record<string, number> = {};
const table: Record<string, unknown>[] = [];
for (const p of prepared) {
  const entry: Record<string, unknown> = { converter: p.converter, holds: p.holds, bytes: p.bytes };
  const medians: Record<string, number> = {};
  for (const mode of ["worker host", "in-thread"] as const) {
    const task = bench.tasks.find((t) => t.name === `${p.name}: ${mode}`);
    const result = task?.result;
    if (!result || result.state !== "completed") throw new Error(`${p.name}: ${mode}: ${result?.state}`);
    const ms = result.latency.p50;
    medians[mode] = ms;
    entry[mode] = {
      medianMs: Number(ms.toFixed(2)),
      filesPerSecond: Number((1000 / ms).toFixed(2)),
      mbPerSecond: Number((p.bytes / 1024 / 1024 / (ms / 1000)).toFixed(2)),
    };
    table.push({
      input: p.name,
      mode,
      MB: (p.bytes / 1024 / 1024).toFixed(2),
      "median ms": ms.toFixed(1),
      "files/s": (1000 / ms).toFixed(2),
      "MB/s": (p.bytes / 1024 / 1024 / (ms / 1000)).toFixed(2),
    });
  }
  ratios[`${p.name}: worker / in-thread`] = Number(
    ((medians["worker host"] as number) / (medians["in-thread"] as number)).toFixed(2),
  );
  results[p.name] = entry;
}
console.table(table);
mkdirSync(outDir, { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      benchmark: "converters",
      date: new Date().toISOString(),
      node: process.version,
      unit: "median of 6 conversions per input and mode (1 warm-up); one file at a time; worker host: pool of 1 warm worker with the default limits (30 s, 256 MB heap)",
      results,
      ratios,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
