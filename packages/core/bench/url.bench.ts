/**
 * A call's URL: openapi-fetch's `createFinalURL` (the path template scanned with a regex and
 * `String.replace` per call) against `buildUrl` (the template split once per operation), in one
 * run, for a path-parameter lookup and a query. Writes bench-results/core-url.json.
 * `npx tsx --conditions=@tswats/source bench/url.bench.ts`. Not a test: nothing fails on time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import type { OperationSpec } from "../src/operation.js";
import { buildUrl, splitParams } from "../src/transport.js";
import { BASE, getProduct } from "../test/operations.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const querySerializer = createQuerySerializer();
const unitRevision: OperationSpec = {
  name: "getUnit",
  operationId: "Production_GetUnit",
  method: "GET",
  path: "/api/Production/Unit/{serialNumber}/{partNumber}",
  pathParams: ["serialNumber", "partNumber"],
  queryParams: ["$top", "$filter"],
  response: "json",
};
const cases = [
  ["getProduct", getProduct, { partNumber: "CBL-7" }],
  [
    "two path params and a query",
    unitRevision,
    { serialNumber: "SN 1", partNumber: "PN/2", $top: 20, $filter: "a eq 'b'" },
  ],
] as const;

const N = 200_000;
const results: Record<string, unknown> = {};
for (const [name, op, input] of cases) {
  const params = splitParams(op, input);
  const old = () =>
    createFinalURL(op.path, {
      baseUrl: BASE,
      params,
      querySerializer,
      pathSerializer: defaultPathSerializer,
    });
  const fresh = () => buildUrl(BASE, op.path, params);
  if (old() !== fresh()) throw new Error(`${name}: the two URLs differ`);
  const times: Record<string, number[]> = { createFinalURL: [], buildUrl: [] };
  for (let round = 0; round < 5; round++) {
    for (const [label, fn] of [
      ["createFinalURL", old],
      ["buildUrl", fresh],
    ] as const) {
      const started = performance.now();
      for (let i = 0; i < N; i++) fn();
      times[label]!.push(((performance.now() - started) * 1e6) / N);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[2] as number;
  const before = median(times.createFinalURL!);
  const after = median(times.buildUrl!);
  results[name] = {
    nsPerCall: { createFinalURL: Math.round(before), buildUrl: Math.round(after) },
    ratio: Math.round((after / before) * 1000) / 1000,
  };
}
const output = {
  benchmark: "core-url",
  date: new Date().toISOString(),
  node: process.version,
  results,
  loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
  cpus: cpus().length,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(join(repoRoot, "bench-results/core-url.json"), `${JSON.stringify(output, null, 2)}\n`);
console.log(JSON.stringify(output, null, 2));
