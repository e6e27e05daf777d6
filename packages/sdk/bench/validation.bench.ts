/**
 * Cost of `validateResponses` per call, measured side by side in one run: the same
 * `wats.product.getProduct()` against a loopback keep-alive server in another process with
 * validation off, "warn" and "throw" (the answer matches the types, as almost every answer does).
 * Also, in-process and without the network: checking a 200-unit `putUnits` answer against its
 * schema, beside parsing its JSON. Writes bench-results/validation.json at the repository root.
 * Not a test: nothing here fails on time.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { operationSchemas } from "@tswats/production/schemas";
import { Bench } from "tinybench";
import { responseDifferences, Wats } from "../src/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "../../..");
const TOKEN = Buffer.from("bench:token").toString("base64");

const server = spawn(process.execPath, [join(here, "product-server.mjs")], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<number>((resolve, reject) => {
  server.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});
const baseUrl = `http://127.0.0.1:${port}`;

const client = (validateResponses: "off" | "warn" | "throw") =>
  new Wats({ baseUrl, token: TOKEN, throttle: false, logger: false, validateResponses });
const clients = { off: client("off"), warn: client("warn"), throw: client("throw") };
const call = (wats: Wats) => () => wats.product.getProduct({ partNumber: "PN-1" });

/**
 * Off, warn and throw alternate in short rounds, each round starting with the next mode (so none
 * always runs first); each figure is the median of the rounds' medians.
 */
const ROUNDS = 9;
async function medianPerCall(name: string, fn: () => Promise<unknown>): Promise<number> {
  const bench = new Bench({ time: 400, warmup: false });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || !("latency" in result)) throw new Error(`no result for ${name}`);
  return result.latency.p50;
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

for (let i = 0; i < 500; i++) await Promise.all(Object.values(clients).map((wats) => call(wats)()));
const rounds = { off: [] as number[], warn: [] as number[], throw: [] as number[] };
const MODES = ["off", "warn", "throw"] as const;
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < MODES.length; i++) {
    const mode = MODES[(round + i) % MODES.length] as (typeof MODES)[number];
    rounds[mode].push(await medianPerCall(`getProduct, validateResponses ${mode}`, call(clients[mode])));
  }
}
const off = median(rounds.off);
const warn = median(rounds.warn);
const strict = median(rounds.throw);

// In-process: a 200-unit answer of PUT /api/Production/Units, parsed, then checked.
const units = Array.from({ length: 200 }, (_, i) => ({
  serialNumber: `SN-${i}`,
  partNumber: "PWR-1000",
  revision: "A",
  unitPhaseId: 16,
  unitPhase: "Finalized",
  serialDate: "2026-01-05T10:00:00Z",
  tags: [{ key: "Line", value: "2" }],
  subUnits: [{ serialNumber: `SUB-${i}`, partNumber: "CTRL-100", unitPhaseId: 16, subUnits: [] }],
}));
const text = JSON.stringify(units);
const schema = operationSchemas.putUnits?.response;
if (!schema) throw new Error("no response schema for putUnits");
if (responseDifferences(schema, JSON.parse(text)).length > 0)
  throw new Error("the sample units do not match");
const local = new Bench({ time: 1000 });
local.add("JSON.parse, 200 units", () => JSON.parse(text));
local.add("JSON.parse + check, 200 units", () => responseDifferences(schema, JSON.parse(text)));
await local.run();
const localMedian = (name: string) => {
  const result = local.tasks.find((t) => t.name === name)?.result;
  if (!result || !("latency" in result)) throw new Error(`no result for ${name}`);
  return result.latency.p50;
};
const parseOnly = localMedian("JSON.parse, 200 units");
const parseAndCheck = localMedian("JSON.parse + check, 200 units");

const results = {
  benchmark: "validation",
  date: new Date().toISOString(),
  node: process.version,
  unit: "ms per call (median)",
  getProductOverLoopback: {
    off,
    warn,
    throw: strict,
    ratioWarnToOff: warn / off,
    ratioThrowToOff: strict / off,
  },
  putUnitsAnswer200Units: {
    parse: parseOnly,
    parseAndCheck,
    checkOnly: parseAndCheck - parseOnly,
    ratioParseAndCheckToParse: parseAndCheck / parseOnly,
  },
  rounds: ROUNDS,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(join(repoRoot, "bench-results/validation.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

await Promise.all(Object.values(clients).map((wats) => wats.close()));
server.kill();
