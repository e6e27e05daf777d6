/**
 * Report pipeline benchmark on the 97 KB TestStand export (fixtures/wsjf/
 * uut-large-example.json, 281 steps, 182 measurements):
 *
 * - `pipeline`: parseReport (decoded JSON -> model) + validateReport + serialiseReport (model ->
 *   wire object) per iteration. The claim: at least 2000 per second.
 * - `pipeline + JSON text`: the same with JSON.parse before and JSON.stringify after, i.e. what
 *   reading a file and posting it costs; V8's JSON handling alone is measured beside it.
 * - the parts, the zod `ReportSchema` beside the fast reader (the ratio says why parseReport does
 *   not use zod), WSXF write/read, and building a 280-step report with the builder.
 * - the submit path (`ReportClient.submit`: validateReport, the wire form, one JSON.stringify)
 *   beside a one-pass design's floor: a JSON writer in JavaScript that checks nothing. If that
 *   writer alone costs more than the check plus V8's native JSON.stringify, validating while
 *   writing cannot be faster than two passes (issue 20, item 4).
 * - `toWatsDateTime` with a time zone (two zone-offset look-ups through the cached formatter)
 *   beside constructing one `Intl.DateTimeFormat`, which every call did before the cache.
 *
 * Writes bench-results/report.json at the repository root (medians in ms, ops/s). Not a test:
 * nothing fails on a timing.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import {
  parseReport,
  parseWsxf,
  serialiseReport,
  stripServerFields,
  toWatsDateTime,
  toWsxf,
  UutReport,
  validateReport,
} from "../src/index.js";
import { ReportSchema } from "../src/schemas.js";

const TARGET_PER_SECOND = 2000;
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
const fixtureDir = path.join(repoRoot, "fixtures/wsjf");
const outDir = path.join(repoRoot, "bench-results");
const outFile = path.join(outDir, "report.json");

function write(result: object): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

const fixture = path.join(fixtureDir, "uut-large-example.json");

const text = readFileSync(fixture, "utf8");
const decoded: unknown = JSON.parse(text);
const model = parseReport(decoded);
const xml = readFileSync(path.join(fixtureDir, "uut-server-export.wsxf.xml"), "utf8");
const fatModel = parseWsxf(xml);
if (!validateReport(model).valid) throw new Error("the fixture should be valid");

function buildLarge(): void {
  const uut = new UutReport({
    pn: "PCBA-1",
    sn: "SN-1",
    rev: "A",
    processCode: 10,
    operator: "op",
    station: "bench",
    location: "lab",
    purpose: "bench",
    start: "2026-01-30T10:00:00Z",
  });
  for (let s = 0; s < 20; s++) {
    uut.root.sequence(`Sequence ${s}`, (seq) => {
      for (let i = 0; i < 13; i++) seq.numericLimit(`Test ${i}`, { value: i, low: 0, high: 10, unit: "V" });
    });
  }
  uut.build();
}

/**
 * The least a one-pass validate-and-write must do besides its checks: walk the report and build
 * the JSON text in JavaScript (strings quoted by JSON.stringify, as a real writer would).
 */
function jsonWriterFloor(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (Array.isArray(value)) {
        let text = "[";
        for (let i = 0; i < value.length; i++) text += (i > 0 ? "," : "") + jsonWriterFloor(value[i]);
        return `${text}]`;
      }
      let text = "{";
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        text += `${text.length > 1 ? "," : ""}${JSON.stringify(key)}:${jsonWriterFloor(v)}`;
      }
      return `${text}}`;
    }
    default:
      return "null";
  }
}
if (jsonWriterFloor(model) !== JSON.stringify(model))
  throw new Error("the floor writer must write what JSON.stringify does");

let sink: unknown;
const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add("pipeline", () => {
    const report = parseReport(decoded);
    if (!validateReport(report).valid) throw new Error("invalid");
    sink = serialiseReport(report);
  })
  .add("pipeline + JSON text", () => {
    const report = parseReport(JSON.parse(text));
    if (!validateReport(report).valid) throw new Error("invalid");
    sink = JSON.stringify(serialiseReport(report));
  })
  .add("JSON.parse + JSON.stringify only", () => {
    sink = JSON.stringify(JSON.parse(text));
  })
  .add("submit path: validateReport + wire form + JSON.stringify", () => {
    if (!validateReport(model).valid) throw new Error("invalid");
    sink = JSON.stringify(stripServerFields(model));
  })
  .add("submit path before: validateReport + serialiseReport + JSON.stringify", () => {
    if (!validateReport(model).valid) throw new Error("invalid");
    sink = JSON.stringify(serialiseReport(model));
  })
  .add("JSON.stringify", () => {
    sink = JSON.stringify(model);
  })
  .add("one-pass floor: a JSON writer in JavaScript, no checks", () => {
    sink = jsonWriterFloor(model);
  })
  .add("parseReport", () => {
    sink = parseReport(decoded);
  })
  .add("ReportSchema.parse (zod)", () => {
    sink = ReportSchema.parse(decoded);
  })
  .add("validateReport", () => {
    sink = validateReport(model);
  })
  .add("serialiseReport", () => {
    sink = serialiseReport(model);
  })
  .add("toWsxf (FAT report)", () => {
    sink = toWsxf(fatModel);
  })
  .add("parseWsxf (59 KB FAT export)", () => {
    sink = parseWsxf(xml);
  })
  .add("UutReport: build 280 steps", buildLarge)
  .add("toWatsDateTime: wall time in Europe/Oslo", () => {
    sink = toWatsDateTime("2026-07-01T12:00:00", "Europe/Oslo");
  })
  .add("Intl.DateTimeFormat: construct one (what each call cost before the cache)", () => {
    sink = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Oslo", timeZoneName: "longOffset" });
  });

await bench.run();
void sink;

const medians: Record<string, number> = {};
const opsPerSecond: Record<string, number> = {};
for (const task of bench.tasks) {
  const result = task.result;
  if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
  medians[task.name] = Number(result.latency.p50.toFixed(4));
  opsPerSecond[task.name] = Math.round(1000 / result.latency.p50);
}
console.table(
  Object.keys(medians).map((name) => ({
    task: name,
    "median ms": medians[name],
    "ops/s": opsPerSecond[name],
  })),
);

const pipelinePerSecond = opsPerSecond.pipeline ?? 0;
write({
  benchmark: "report",
  date: new Date().toISOString(),
  node: process.version,
  fixture: { name: "uut-large-example.json", bytes: Buffer.byteLength(text) },
  unit: "median ms per call; ops/s = 1000 / median",
  medians,
  opsPerSecond,
  claim: {
    what: "parseReport + validateReport + serialiseReport of the 97 KB fixture per second",
    target: TARGET_PER_SECOND,
    measured: pipelinePerSecond,
    met: pipelinePerSecond >= TARGET_PER_SECOND,
  },
  ratios: {
    "zod / parseReport": Number(
      ((medians["ReportSchema.parse (zod)"] ?? 0) / (medians.parseReport ?? 1)).toFixed(2),
    ),
    "one-pass floor / submit path (above 1: two passes are faster)": Number(
      (
        (medians["one-pass floor: a JSON writer in JavaScript, no checks"] ?? 0) /
        (medians["submit path: validateReport + wire form + JSON.stringify"] ?? 1)
      ).toFixed(2),
    ),
    "JSON text share of the text pipeline": Number(
      ((medians["JSON.parse + JSON.stringify only"] ?? 0) / (medians["pipeline + JSON text"] ?? 1)).toFixed(
        2,
      ),
    ),
  },
});
