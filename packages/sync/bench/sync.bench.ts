/**
 * Cost of a sync facade call, side by side in one run against the simulator (in a child process:
 * a simulator on this thread could not answer while a sync call blocks it):
 *
 * - async: `await wats.product.getProduct(...)` on the async Wats;
 * - sync: `sync.product.getProduct(...)` through the long-lived engine worker;
 * - worker per call (SDK): the naive wrapper, a new worker that builds a Wats, calls, exits;
 * - worker per call (bare): a new worker doing one plain fetch, no SDK: the cheapest any
 *   worker-per-call design could be, so the ratio against it is a lower bound;
 * - engine round trip: a request the engine answers at once (the boundary's own cost);
 * - bridge floor: a plain node:http request (the client the SDK's calls use) relayed by a minimal
 *   worker (MessagePort + Atomics.wait, no SDK) against the same request awaited directly: what
 *   any blocking bridge costs on this machine, for a call as fast as the SDK's;
 * - submit: `report.postWsjf()` of a 50 KB WSJF report (fixtures/wsjf), async and sync (the
 *   report crossing to the engine is what differs).
 *
 * Writes bench-results/sync.json at the repository root. Not a test: nothing fails on time.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { Wats } from "@tswats/sdk";
import { createSyncWats } from "@tswats/sync";
import { Bench } from "tinybench";
import { ENGINE_CLIENT, type EngineClient } from "../src/engine-client.js";
import { startModuleWorker } from "../src/launch.js";
import { startSimulatorProcess } from "../test/support/simulator-process.js";
import { nodeHttpJson } from "./node-http-json.mjs";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const sim = await startSimulatorProcess();
const options = { baseUrl: sim.url, token: sim.token, logger: false, throttle: false } as const;
const wats = new Wats(options);
const sync = createSyncWats(options);
const params = { partNumber: "CBL-7" };
const engine = (sync as unknown as Record<symbol, EngineClient>)[ENGINE_CLIENT]!;
const ping = () => engine.request({ type: "ping" }, 10_000, "ping");
const report = JSON.parse(readFileSync(join(repoRoot, "fixtures/wsjf/uut-server-export.json"), "utf8"));
for (const key of ["origin", "reportTypeCode", "receiveCount", "receivedUTC", "fileName"]) delete report[key];
const asyncSubmit = () => wats.report.postWsjf({ ...report, id: randomUUID() });
const syncSubmit = () => sync.report.postWsjf({ ...report, id: randomUUID() });

function finished(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.once("message", () => {
      answered = true;
    });
    worker.once("error", reject);
    worker.once("exit", (code) => (answered ? resolve() : reject(new Error(`worker exited with ${code}`))));
  });
}
const workerData = { url: sim.url, token: sim.token };
const sdkWorkerPerCall = () =>
  finished(startModuleWorker(new URL("./one-call-worker.ts", import.meta.url), { workerData }));
const bareWorkerPerCall = () =>
  finished(
    startModuleWorker(new URL("./one-fetch-worker.mjs", import.meta.url), { workerData, execArgv: [] }),
  );

// The bridge floor: a minimal relay worker, and the same plain request awaited on this thread.
const floorSignal = new Int32Array(new SharedArrayBuffer(4));
const floorChannel = new MessageChannel();
const floorWorker = new Worker(new URL("./bridge-floor-worker.mjs", import.meta.url), {
  workerData: { port: floorChannel.port2, signal: floorSignal.buffer, url: sim.url, token: sim.token },
  transferList: [floorChannel.port2],
  execArgv: [],
});
const floorClient = nodeHttpJson(sim.url, sim.token);
const plainFetch = () => floorClient.send("GET", "/api/Product/CBL-7");
const bridgedFetch = (): unknown => {
  floorChannel.port1.postMessage(null);
  for (;;) {
    const seen = Atomics.load(floorSignal, 0);
    const received = receiveMessageOnPort(floorChannel.port1);
    if (received !== undefined) return received.message;
    if (Atomics.wait(floorSignal, 0, seen, 10_000) === "timed-out")
      throw new Error("bridge floor worker hung");
  }
};

async function median(name: string, fn: () => unknown, settings: { time?: number; iterations?: number }) {
  const bench = new Bench({ warmup: false, time: settings.time ?? 0, iterations: settings.iterations ?? 1 });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || !("latency" in result)) throw new Error(`no result for ${name}`);
  return result.latency.p50;
}
const middle = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// Warm both paths (JIT in both isolates, connection pools): the sync path warms two isolates.
for (let i = 0; i < 2000; i++) {
  await wats.product.getProduct(params);
  sync.product.getProduct(params);
  await plainFetch();
  bridgedFetch();
}
for (let i = 0; i < 100; i++) {
  await asyncSubmit();
  syncSubmit();
}

// Async and sync alternate in short rounds; each figure is the median of the rounds' medians.
const ROUNDS = 7;
const asyncRounds: number[] = [];
const syncRounds: number[] = [];
const pingRounds: number[] = [];
const plainRounds: number[] = [];
const bridgedRounds: number[] = [];
const asyncSubmitRounds: number[] = [];
const syncSubmitRounds: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  asyncRounds.push(
    await median("async", () => wats.product.getProduct(params), { time: 400, iterations: 50 }),
  );
  syncRounds.push(await median("sync", () => sync.product.getProduct(params), { time: 400, iterations: 50 }));
  pingRounds.push(await median("engine round trip", ping, { time: 200, iterations: 50 }));
  plainRounds.push(await median("plain fetch", plainFetch, { time: 200, iterations: 50 }));
  bridgedRounds.push(await median("bridged plain fetch", bridgedFetch, { time: 200, iterations: 50 }));
  asyncSubmitRounds.push(await median("async submit", asyncSubmit, { time: 300, iterations: 20 }));
  syncSubmitRounds.push(await median("sync submit", syncSubmit, { time: 300, iterations: 20 }));
}
await floorWorker.terminate();
floorClient.close();
const asyncMs = middle(asyncRounds);
const syncMs = middle(syncRounds);
const pingMs = middle(pingRounds);
const plainMs = middle(plainRounds);
const bridgedMs = middle(bridgedRounds);
const asyncSubmitMs = middle(asyncSubmitRounds);
const syncSubmitMs = middle(syncSubmitRounds);
const bareWorkerMs = await median("worker per call (bare fetch)", bareWorkerPerCall, { iterations: 20 });
const sdkWorkerMs = await median("worker per call (SDK)", sdkWorkerPerCall, { iterations: 8 });

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const results = {
  benchmark: "sync",
  date: new Date().toISOString(),
  node: process.version,
  unit: "ms per call (median)",
  loadedFrom: import.meta.resolve("@tswats/sync").endsWith(".ts") ? "TypeScript sources via tsx" : "dist",
  call: "product.getProduct({ partNumber: 'CBL-7' }) against the simulator in a child process",
  async: round3(asyncMs),
  sync: round3(syncMs),
  engineRoundTripNoHttp: round3(pingMs),
  bridgeFloor: { plainFetch: round3(plainMs), bridgedPlainFetch: round3(bridgedMs) },
  submit: {
    report: "fixtures/wsjf/uut-server-export.json (50 KB)",
    async: round3(asyncSubmitMs),
    sync: round3(syncSubmitMs),
  },
  workerPerCallBare: round3(bareWorkerMs),
  workerPerCallSdk: round3(sdkWorkerMs),
  ratios: {
    syncOverAsync: round3(syncMs / asyncMs),
    syncSubmitOverAsyncSubmit: round3(syncSubmitMs / asyncSubmitMs),
    bridgeFloor: round3(bridgedMs / plainMs),
    bareWorkerPerCallOverSync: round3(bareWorkerMs / syncMs),
    sdkWorkerPerCallOverSync: round3(sdkWorkerMs / syncMs),
  },
  targets: {
    syncOverAsync: "<= 1.3",
    workerPerCallOverSync: ">= 50 (bareWorkerPerCallOverSync is the conservative figure)",
  },
  rounds: ROUNDS,
  roundMedians: {
    async: asyncRounds.map(round3),
    sync: syncRounds.map(round3),
    ping: pingRounds.map(round3),
    plainFetch: plainRounds.map(round3),
    bridgedPlainFetch: bridgedRounds.map(round3),
    asyncSubmit: asyncSubmitRounds.map(round3),
    syncSubmit: syncSubmitRounds.map(round3),
  },
  loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
  cpus: cpus().length,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(join(repoRoot, "bench-results/sync.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

sync.close();
await wats.close();
await sim.close();
