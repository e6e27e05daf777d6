/**
 * The XML reader the standard converters share (src/standard/shared/xml-tree.ts), on a 3 MB
 * ATML 6.01 report (test/atml-files.ts `largeAtml`: groups of numeric, pass/fail, string and
 * action steps):
 *
 * - `tree`: text -> element tree (well-formedness, namespaces and lines included);
 * - `fast-xml-parser parse`: fast-xml-parser's validate + order-preserving parse of the same
 *   text, the reader ATML, WRML and WSXF used before (parse only: building the tree costs more);
 * - `atml conversion`: the whole `atml` converter in this thread (read, tree, steps, report,
 *   id, validation) through the in-process host.
 *
 * Writes bench-results/xml-tree.json at the repository root (medians in ms and the ratio of the
 * fast-xml-parser parse to the tree, measured in this run). Not a test: nothing fails on a timing.
 *
 * Run: cd packages/converters && npx tsx --conditions=@tswats/source bench/xml-tree.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { Bench } from "tinybench";
import { ConverterHost } from "../src/host.js";
import * as xmlTree from "../src/standard/shared/xml-tree.js";
import { largeAtml } from "../test/atml-files.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const outDir = path.join(repoRoot, "bench-results");
const outFile = path.join(outDir, "xml-tree.json");

/** The tree reader, under its name before (parseXmlTree) or after (readXmlTree) the merge of the four readers. */
const readTree = ((xmlTree as Record<string, unknown>).readXmlTree ??
  (xmlTree as Record<string, unknown>).parseXmlTree) as (text: string, fileName: string) => unknown;

const text = largeAtml(3 * 1024 * 1024);
const tmp = mkdtempSync(path.join(tmpdir(), "tswats-xml-bench-"));
const file = path.join(tmp, "large-atml.xml");
writeFileSync(file, text);
const fxp = new XMLParser({ preserveOrder: true, ignoreAttributes: false, captureMetaData: true });

const host = await ConverterHost.create({ inProcess: true });
const bench = new Bench({ time: 4000, iterations: 5, warmupIterations: 1 });
bench
  .add("tree", () => {
    readTree(text, "large-atml.xml");
  })
  .add("fast-xml-parser parse", () => {
    if (XMLValidator.validate(text) !== true) throw new Error("not well-formed");
    fxp.parse(text);
  })
  .add("atml conversion", async () => {
    await host.convertFile(file, { converter: "atml" });
  });
await bench.run();
await host.close();
rmSync(tmp, { recursive: true, force: true });

const median = (name: string): number => {
  const task = bench.tasks.find((t) => t.name === name);
  const result = task?.result as { latency?: { p50?: number } } | undefined;
  const p50 = result?.latency?.p50;
  if (p50 === undefined) throw new Error(`no result for ${name}`);
  return Math.round(p50 * 10) / 10;
};
const result = {
  input: { kind: "ATML 6.01 (largeAtml)", bytes: Buffer.byteLength(text) },
  reader: readTree.name,
  medianMs: {
    tree: median("tree"),
    fastXmlParserParse: median("fast-xml-parser parse"),
    atmlConversion: median("atml conversion"),
  },
  ratio: { fastXmlParserParseToTree: 0 },
  node: process.version,
  cpus: (await import("node:os")).cpus().length,
};
result.ratio.fastXmlParserParseToTree =
  Math.round((result.medianMs.fastXmlParserParse / result.medianMs.tree) * 100) / 100;
mkdirSync(outDir, { recursive: true });
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
