/**
 * Simulator throughput: simple authenticated GETs over keep-alive connections.
 *
 * 1. tinybench tasks with client and server in this one process (latency medians).
 * 2. Capacity: the simulator alone in a child process, loaded from here with keep-alive
 *    node:http requests, 32 in flight. On a small machine the client cannot outrun the server,
 *    so besides the wall-clock rate the child reports the CPU time it spent: GETs per second of
 *    server CPU is what the simulator serves on one core. Median of 5 rounds.
 *
 * Writes bench-results/simulator.json at the repository root. The claim is at least 5000 GETs
 * per second on one core, so the simulator is never the bottleneck of other benchmarks. Not a
 * test: nothing here fails on a timing.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Bench, type Task } from "tinybench";
import { startSimulator } from "../src/index.js";

const TARGET_GETS_PER_SECOND = 5000;
const BATCH = 64;

const sim = await startSimulator({ seed: 1 });
const headers = { authorization: `Basic ${sim.token}` };
const agent = new Agent({ keepAlive: true, maxSockets: BATCH });

async function fetchGet(path: string): Promise<void> {
  const response = await fetch(`${sim.url}${path}`, { headers });
  if (response.status !== 200) throw new Error(`GET ${path} -> ${response.status}`);
  await response.arrayBuffer();
}

function httpGet(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`GET ${path} -> ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const bench = new Bench({ name: "simulator", time: 1500 });
bench
  .add("fetch GET /api/App/Version (sequential)", () => fetchGet("/api/App/Version"))
  .add("fetch GET /api/Product/{partNumber} (sequential)", () => fetchGet("/api/Product/PWR-1000"))
  .add("node:http keep-alive GET /api/App/Version (sequential)", () => httpGet("/api/App/Version"))
  .add(`fetch GET /api/App/Version x${BATCH} concurrent (one batch)`, async () => {
    await Promise.all(Array.from({ length: BATCH }, () => fetchGet("/api/App/Version")));
  })
  .add(`node:http GET /api/App/Version x${BATCH} concurrent (one batch)`, async () => {
    await Promise.all(Array.from({ length: BATCH }, () => httpGet("/api/App/Version")));
  });

await bench.run();
agent.destroy();
await sim.close();

interface Row {
  name: string;
  samples: number;
  medianLatencyMs: number;
  p99LatencyMs: number;
  /** GETs per second: operations per second times GETs per operation. */
  getsPerSecond: number;
}

function row(task: Task): Row {
  const result = task.result;
  if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
  const perOp = task.name.includes("concurrent") ? BATCH : 1;
  return {
    name: task.name,
    samples: result.latency.samplesCount,
    medianLatencyMs: Number(result.latency.p50.toFixed(4)),
    p99LatencyMs: Number(result.latency.p99.toFixed(4)),
    getsPerSecond: Math.round((perOp * 1000) / result.latency.p50),
  };
}

const rows = bench.tasks.map(row);

interface CapacityRound {
  wallGetsPerSecond: number;
  cpuGetsPerSecond: number;
}

/** Starts the simulator in a child process and loads it with `rounds` x `count` GETs. */
async function capacity(
  path: string,
  rounds: number,
  count: number,
  inFlight: number,
): Promise<CapacityRound[]> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL("./server-process.ts", import.meta.url))],
    {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once("message", (m) => resolve((m as { cpuMicros: number }).cpuMicros));
      child.send("cpu");
    });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`server process exited (${code})`)));
    });
    const server = JSON.parse(line) as { url: string; token: string };
    const remote = new Agent({ keepAlive: true, maxSockets: inFlight });
    const get = () =>
      new Promise<void>((resolve, reject) => {
        const req = request(
          `${server.url}${path}`,
          { agent: remote, headers: { authorization: `Basic ${server.token}` } },
          (res) => {
            res.resume();
            res.on("end", () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`GET ${path} -> ${res.statusCode}`)),
            );
          },
        );
        req.on("error", reject);
        req.end();
      });
    const results: CapacityRound[] = [];
    for (let round = -2; round < rounds; round++) {
      let started = 0;
      const cpu0 = await cpuMicros();
      const wall0 = performance.now();
      const worker = async () => {
        while (started < count) {
          started++;
          await get();
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const wallSeconds = (performance.now() - wall0) / 1000;
      const cpuSeconds = ((await cpuMicros()) - cpu0) / 1e6;
      // Rounds -2 and -1 warm the JIT of both processes up.
      if (round >= 0) {
        results.push({
          wallGetsPerSecond: Math.round(count / wallSeconds),
          cpuGetsPerSecond: Math.round(count / cpuSeconds),
        });
      }
    }
    remote.destroy();
    return results;
  } finally {
    child.kill("SIGTERM");
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const capacityRounds = {
  "/api/App/Version": await capacity("/api/App/Version", 5, 10_000, 32),
  "/api/Product/{partNumber}": await capacity("/api/Product/PWR-1000", 5, 10_000, 32),
};
const capacityRows = Object.entries(capacityRounds).map(([route, rounds]) => ({
  name: `simulator process, GET ${route}, 32 in flight`,
  medianWallGetsPerSecond: median(rounds.map((r) => r.wallGetsPerSecond)),
  medianGetsPerServerCpuSecond: median(rounds.map((r) => r.cpuGetsPerSecond)),
  rounds,
}));

const inProcessBest = Math.max(...rows.map((r) => r.getsPerSecond));
const oneCore = Math.min(...capacityRows.map((r) => r.medianGetsPerServerCpuSecond));
const wall = Math.min(...capacityRows.map((r) => r.medianWallGetsPerSecond));
const output = {
  benchmark: "simulator",
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cpus: cpus().length,
  note:
    "inProcess: client and server share one process, rates derive from median latencies; " +
    "oneCore: the simulator alone in a child process loaded from the benchmark process; " +
    "GETs per server CPU-second = what one core serves (the wall rate is limited by the client on small machines)",
  inProcess: rows,
  oneCore: capacityRows,
  claims: {
    targetGetsPerSecond: TARGET_GETS_PER_SECOND,
    oneCoreGetsPerSecond: oneCore,
    wallGetsPerSecondClientLimited: wall,
    inProcessBestGetsPerSecond: inProcessBest,
    meetsTarget: oneCore >= TARGET_GETS_PER_SECOND,
  },
};

const dir = fileURLToPath(new URL("../../../bench-results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}simulator.json`, `${JSON.stringify(output, null, 2)}\n`);
console.table(rows);
console.table(capacityRows.map(({ rounds: _rounds, ...rest }) => rest));
console.log(
  `one core: ${oneCore} GETs/s (target ${TARGET_GETS_PER_SECOND}: ${output.claims.meetsTarget ? "met" : "NOT met"}) -> bench-results/simulator.json`,
);
