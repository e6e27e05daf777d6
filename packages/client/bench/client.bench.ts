/**
 * Station client benchmarks, written to bench-results/client.json at the repository root:
 * 1. durable enqueue (temp file + fsync + rename + directory fsync), reports per second (tinybench median);
 * 2. end-to-end upload rate against the simulator at concurrency 1 and 4 (median of 3 rounds, side by side);
 * 3. RSS of the built daemon: idle (uploads off; uploads on with the server reachable), with 10 000
 *    pending (uploads off; server down), after they drained, the upload rate of that drain, the
 *    same with the V8 flags the service unit may pass, and RSS per module (bench/daemon-memory.ts).
 * Not a test: nothing fails on a timing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "@tswats/simulator";
import { Bench } from "tinybench";
import { FileQueue } from "../src/queue/file-queue.js";
import { Uploader } from "../src/upload/uploader.js";
import { createWatsTarget } from "../src/upload/wats-target.js";
import { benchReport, benchSource } from "./bench-report.js";
import { measureDaemonMemory } from "./daemon-memory.js";

const packageDir = resolve(fileURLToPath(new URL("..", import.meta.url)));
const repoRoot = resolve(packageDir, "../..");
const source = benchSource;
const report = benchReport;

const work = await mkdtemp(join(tmpdir(), "tswats-client-bench-"));

// 1. durable enqueue
const enqueueQueue = await FileQueue.open({ folder: join(work, "enqueue") });
const bench = new Bench({ name: "client", time: 3000 });
bench.add("durable enqueue (fsync)", async () => {
  await enqueueQueue.enqueue(report(), source);
});
await bench.run();
const enqueueTask = bench.tasks[0];
const enqueueMedianMs =
  enqueueTask?.result.state === "completed" ? (enqueueTask.result.latency.p50 ?? Number.NaN) : Number.NaN;

// 2. end-to-end upload rate
const sim = await startSimulator({ port: 0, seed: 1, data: "empty" });
const PER_ROUND = 200;
async function uploadRound(concurrency: number, round: number): Promise<number> {
  const queue = await FileQueue.open({ folder: join(work, `e2e-${concurrency}-${round}`), recover: true });
  for (let i = 0; i < PER_ROUND; i++) await queue.enqueue(report(), source);
  const target = await createWatsTarget({
    baseUrl: sim.url,
    token: () => sim.token,
    logger: false,
    throttle: false,
  });
  const uploader = new Uploader({ queue, target, concurrency, idlePollMs: 20 });
  const started = performance.now();
  const finished = new Promise<void>((resolveDone) => {
    uploader.on(() => {
      if (uploader.stats().uploadsOk === PER_ROUND) resolveDone();
    });
  });
  uploader.start();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await uploader.stop();
  await target.close();
  return PER_ROUND / seconds;
}
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const rates: Record<number, number[]> = { 1: [], 4: [] };
for (let round = 0; round < 3; round++) {
  for (const c of [1, 4]) rates[c]?.push(await uploadRound(c, round));
}
await sim.close();

// 3. daemon memory (the built daemon: `pnpm bench` builds first)
const daemonRss = await measureDaemonMemory({ work, packageDir, repoRoot, report, source });

await rm(work, { recursive: true, force: true });

const round = (n: number) => Math.round(n * 10) / 10;
const c1 = median(rates[1] ?? []);
const c4 = median(rates[4] ?? []);
const result = {
  benchmark: "client",
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cpus: cpus().length,
  note: "durable enqueue: tinybench median latency of one enqueue (validate, temp file, fsync, rename, directory fsync, id marker); e2e: 200 small reports per round uploaded to the in-process simulator (throttle off), median of 3 rounds per concurrency, measured alternately; daemonRss: see daemonRss.note",
  durableEnqueue: {
    medianLatencyMs: round(enqueueMedianMs * 1000) / 1000,
    reportsPerSecond: round(1000 / enqueueMedianMs),
  },
  endToEndUpload: {
    concurrency1ReportsPerSecond: round(c1),
    concurrency4ReportsPerSecond: round(c4),
    rounds: { 1: (rates[1] ?? []).map(round), 4: (rates[4] ?? []).map(round) },
    ratioConcurrency4To1: round((c4 / c1) * 100) / 100,
  },
  daemonRss,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(join(repoRoot, "bench-results", "client.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
