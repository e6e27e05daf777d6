/**
 * Overhead of the SDK over raw fetch, measured side by side in one run against a loopback
 * keep-alive server in another process: `wats.product.getProduct()` vs `fetch()` of the same URL
 * (same undici keep-alive pool semantics), sequential and 32 at a time. `call()` sends with
 * undici's request API rather than fetch, so the SDK is also set against a bare
 * `agent.request()`: that ratio is the cost of our own layers (retry, breaker, errors, logging).
 * Writes bench-results/core.json at the repository root. Not a test: nothing here fails on time.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Bench } from "tinybench";
import { Agent } from "undici";
import { Wats } from "../src/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(here, "../../..");
const TOKEN = Buffer.from("bench:token").toString("base64");
const CONCURRENCY = 32;

const server = spawn(process.execPath, [join(here, "product-server.mjs")], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<number>((resolve, reject) => {
  server.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});
const baseUrl = `http://127.0.0.1:${port}`;

// The SDK as a user gets it, minus the client-side rate limit (500/min would make this a bench of
// the throttle) and the logger's output (calls log at debug, below the default level anyway).
const wats = new Wats({ baseUrl, token: TOKEN, throttle: false, logger: false });
const agent = new Agent({ keepAliveTimeout: 60_000 });
const url = `${baseUrl}/api/Product/PN-1`;

async function rawFetch(): Promise<unknown> {
  const response = await fetch(url, {
    headers: { authorization: `Basic ${TOKEN}`, accept: "application/json" },
    dispatcher: agent,
  } as RequestInit);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}
async function rawRequest(): Promise<unknown> {
  const answer = await agent.request({
    origin: baseUrl,
    path: "/api/Product/PN-1",
    method: "GET",
    headers: { authorization: `Basic ${TOKEN}`, accept: "application/json" },
  });
  if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode}`);
  return answer.body.json();
}
const sdkCall = () => wats.product.getProduct({ partNumber: "PN-1" });
const times = (fn: () => Promise<unknown>) => () => Promise.all(Array.from({ length: CONCURRENCY }, fn));

/**
 * Raw and SDK runs alternate in short rounds, and each figure is the median of the rounds'
 * medians, so a burst of load from elsewhere on the machine hits both sides alike.
 */
const ROUNDS = 7;
async function medianPerCall(name: string, fn: () => Promise<unknown>, callsPerRun: number): Promise<number> {
  const bench = new Bench({ time: 400, warmup: false });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || !("latency" in result)) throw new Error(`no result for ${name}`);
  return result.latency.p50 / callsPerRun;
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const rounds = {
  seqRaw: [] as number[],
  seqSdk: [] as number[],
  conRaw: [] as number[],
  conSdk: [] as number[],
  seqReq: [] as number[],
  conReq: [] as number[],
};
// Warm both paths (JIT, connection pools) before measuring.
for (let i = 0; i < 500; i++) await Promise.all([rawFetch(), sdkCall(), rawRequest()]);
for (let round = 0; round < ROUNDS; round++) {
  rounds.seqRaw.push(await medianPerCall("raw fetch, sequential", rawFetch, 1));
  rounds.seqSdk.push(await medianPerCall("wats.product.getProduct, sequential", sdkCall, 1));
  rounds.conRaw.push(await medianPerCall("raw fetch, concurrent", times(rawFetch), CONCURRENCY));
  rounds.conSdk.push(await medianPerCall("sdk, concurrent", times(sdkCall), CONCURRENCY));
  rounds.seqReq.push(await medianPerCall("undici request, sequential", rawRequest, 1));
  rounds.conReq.push(await medianPerCall("undici request, concurrent", times(rawRequest), CONCURRENCY));
}
const seqRaw = median(rounds.seqRaw);
const seqSdk = median(rounds.seqSdk);
const conRaw = median(rounds.conRaw);
const conSdk = median(rounds.conSdk);
const seqReq = median(rounds.seqReq);
const conReq = median(rounds.conReq);
const results = {
  benchmark: "core",
  date: new Date().toISOString(),
  node: process.version,
  unit: "ms per call (median)",
  sequential: {
    rawFetch: seqRaw,
    sdk: seqSdk,
    ratio: seqSdk / seqRaw,
    undiciRequest: seqReq,
    ratioVsUndiciRequest: seqSdk / seqReq,
  },
  [`concurrent${CONCURRENCY}`]: {
    rawFetch: conRaw,
    sdk: conSdk,
    ratio: conSdk / conRaw,
    undiciRequest: conReq,
    ratioVsUndiciRequest: conSdk / conReq,
  },
  target: "ratio (sdk / raw fetch) <= 1.15",
  rounds: ROUNDS,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(join(repoRoot, "bench-results/core.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

await wats.close();
await agent.close();
server.kill();
