/**
 * Station-script speed: each scenario runs in a fresh process (start, N calls, exit), as a test
 * station's script does, alternating tsWATS and a raw undici client on the same simulator, over
 * several rounds; medians per scenario and client. Each scenario gets a fresh simulator, in its own
 * process.
 *
 * Reported per scenario: the ratio raw time / tsWATS time for the calls (1.0 = as fast as the raw
 * client; the target is >= 0.9), CPU per call, p50/p99 latency, peak RSS, and the time from
 * process start to the last answer (imports included). Two floors run in the same rotation:
 * `raw-http` (Node's own HTTP client, which tsWATS sends on, with nothing around it) and, for the
 * sync scenarios, `raw-sync` (the same made blocking through a minimal worker): `floorRatio` is
 * what that floor reaches against raw undici, `ratioToFloor` tsWATS against the floor. A third,
 * `resilient-http` / `resilient-sync` (resilient-floor.mjs), is that floor with the per-call
 * resilience the issue requires (correlation id, one timer, retry of safe methods, breaker count,
 * typed errors): `resilientFloorRatio` is what any client with those features reaches against raw
 * undici here, `ratioToResilientFloor` tsWATS against it.
 *
 * pyWATS joins the rotation when `PYWATS_PYTHON` names a Python that can `import pywats` (run
 * through fresh/pywats_scenario.py, its GET cache and throttle off): each scenario then also
 * reports pyWATS's summary, `p99VsPywats` (tsWATS p99 / pyWATS p99; the target is <= 1) and
 * `timeVsPywats`.
 *
 * Run after a build: `cd packages/sync && npx tsx bench/fresh-process.bench.ts [--rounds 5]
 * [--only async-product,sync-product] [--node-flags=--no-opt]` (part of `pnpm bench`);
 * `--node-flags` adds tsWATS started with those flags to the rotation (`tswatsWithFlags`).
 * `async-product-2000` (the memory target's script) also runs `resilient-http-sdk-loaded`
 * (`sdkLoadedFloor`): the resilient floor's calls in a process that has loaded tsWATS's call path,
 * so its peak RSS is what the SDK's code costs apart from its calls.
 * Writes bench-results/fresh-process.json at the repository root. Not a test: nothing fails on time.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type SimulatorProcess, startSimulatorProcess } from "../test/support/simulator-process.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    only: { type: "string" },
    // Adds tsWATS run with these Node/V8 flags to the rotation, e.g. --node-flags=--no-opt
    "node-flags": { type: "string", default: "" },
  },
});
const nodeFlags = (values["node-flags"] as string).split(" ").filter(Boolean);
/** The rotation's name for tsWATS started with `nodeFlags`. */
const FLAGGED = "tswats-flags";
const rounds = Number(values.rounds);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const scenarioScript = fileURLToPath(new URL("./fresh/scenario.mjs", import.meta.url));
const pywatsScript = fileURLToPath(new URL("./fresh/pywats_scenario.py", import.meta.url));
/** A Python that imports pywats, or undefined: pyWATS is then left out. */
const pywatsPython = process.env.PYWATS_PYTHON || undefined;

/**
 * The scenarios: result name, scenario of scenario.mjs, measured calls, unmeasured calls
 * before them. `async-product-2000` is the memory target's script (peak RSS of 2,000 calls);
 * `*-steady` measure 1,000 calls after 5,000 (the steady state, not the cold start).
 */
const SCENARIOS: readonly [string, string, number, number][] = [
  ["sync-product", "sync-product", 1000, 0],
  ["async-product", "async-product", 1000, 0],
  ["async20-product", "async20-product", 1000, 0],
  ["async-submit", "async-submit", 200, 0],
  ["sync-submit", "sync-submit", 200, 0],
  ["sync-headers", "sync-headers", 200, 0],
  ["async-product-2000", "async-product", 2000, 0],
  ["async-product-steady", "async-product", 1000, 5000],
  ["sync-product-steady", "sync-product", 1000, 5000],
];

interface Sample {
  client: string;
  scenario: string;
  calls: number;
  callsMs: number;
  sinceStartMs: number;
  cpuPerCallUs: number;
  /** Linux only: CPU µs per call of the calling thread and of the busiest other thread. */
  threadCpuPerCallUs?: { callerThread: number; busiestOtherThread: number };
  p50Ms: number;
  p99Ms: number;
  peakRssMiB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function run(sim: SimulatorProcess, client: string, scenario: string, calls: number, warmup = 0): Sample {
  const [command, script] =
    client === "pywats" ? [pywatsPython as string, pywatsScript] : [process.execPath, scenarioScript];
  const flagged = client === FLAGGED;
  const out = execFileSync(
    command,
    [
      ...(flagged ? nodeFlags : []),
      script,
      flagged ? "tswats" : client,
      scenario,
      sim.url,
      sim.token,
      String(calls),
      String(warmup),
    ],
    { cwd: join(repoRoot, "packages/sync"), encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() as string) as Sample;
}

/** The SDK's code loaded, the resilient floor's calls: the memory floor of any script using the SDK. */
const SDK_LOADED = "resilient-http-sdk-loaded";

/** The clients each scenario runs: the raw undici client, tsWATS, the floors, pyWATS if given. */
function clientsOf(name: string, scenario: string): string[] {
  const clients = scenario.startsWith("sync-")
    ? ["raw", "tswats", "raw-http", "raw-sync", "resilient-sync"]
    : ["raw", "tswats", "raw-http", "resilient-http"];
  if (name === "async-product-2000") clients.push(SDK_LOADED);
  if (nodeFlags.length > 0) clients.push(FLAGGED);
  if (pywatsPython !== undefined) clients.push("pywats");
  return clients;
}

/** Medians of the per-thread CPU per call, when the samples have it (Linux). */
function threadCpu(list: Sample[]): { callerThreadCpuUs?: number; otherThreadCpuUs?: number } {
  const split = list.map((s) => s.threadCpuPerCallUs).filter((t) => t !== undefined);
  if (split.length === 0) return {};
  return {
    callerThreadCpuUs: round3(median(split.map((t) => t.callerThread))),
    otherThreadCpuUs: round3(median(split.map((t) => t.busiestOtherThread))),
  };
}

const results: Record<string, unknown> = {};
const selected = SCENARIOS.filter(([name]) => !values.only || values.only.split(",").includes(name));
for (const [name, scenario, calls, warmup] of selected) {
  // A fresh simulator per scenario: the reports one scenario submits would otherwise slow the
  // next one's header queries (the simulator scans its whole store), whatever the client.
  const sim = await startSimulatorProcess();
  try {
    const clients = clientsOf(name, scenario);
    // Unmeasured: the scenario once through Node's bare client, so the new simulator's own JIT
    // is warm before any client is measured; then a short pass of each client (its caches, data).
    run(sim, "raw-http", scenario, calls);
    for (const client of clients) run(sim, client, scenario, 50);
    const samples: Record<string, Sample[]> = Object.fromEntries(clients.map((c) => [c, []]));
    for (let r = 0; r < rounds; r++) {
      // Each round starts with the next client, so no client always runs first.
      const order = clients.map((_, i) => clients[(i + r) % clients.length] as string);
      for (const client of order) samples[client]?.push(run(sim, client, scenario, calls, warmup));
    }
    const summary = (list: Sample[]) => ({
      callsMs: round3(median(list.map((s) => s.callsMs))),
      sinceStartMs: round3(median(list.map((s) => s.sinceStartMs))),
      cpuPerCallUs: round3(median(list.map((s) => s.cpuPerCallUs))),
      ...threadCpu(list),
      p50Ms: round3(median(list.map((s) => s.p50Ms))),
      p99Ms: round3(median(list.map((s) => s.p99Ms))),
      peakRssMiB: round3(Math.max(...list.map((s) => s.peakRssMiB))),
      // Every round's time, to show how far this machine moved the median.
      callsMsPerRound: list.map((s) => round3(s.callsMs)),
    });
    const raw = summary(samples.raw as Sample[]);
    const tswats = summary(samples.tswats as Sample[]);
    // The floor of our own overhead: the same HTTP client tsWATS sends on, with nothing around it
    // (made blocking through a minimal worker for the sync scenarios).
    const floorClient = scenario.startsWith("sync-") ? "raw-sync" : "raw-http";
    const floor = summary(samples[floorClient] as Sample[]);
    const ratio = round3(raw.callsMs / tswats.callsMs);
    // The same ratio within each round (the two clients ran one after the other there).
    const ratioPerRound = raw.callsMsPerRound.map((rawMs, i) =>
      round3(rawMs / (tswats.callsMsPerRound[i] as number)),
    );
    const floorRatio = round3(raw.callsMs / floor.callsMs);
    const ratioToFloor = round3(floor.callsMs / tswats.callsMs);
    // The same floor with the resilience every call must have: what no client with it can beat.
    const resilientClient = scenario.startsWith("sync-") ? "resilient-sync" : "resilient-http";
    const resilientFloor = summary(samples[resilientClient] as Sample[]);
    const resilientFloorRatio = round3(raw.callsMs / resilientFloor.callsMs);
    const ratioToResilientFloor = round3(resilientFloor.callsMs / tswats.callsMs);
    // The whole script, process start to last answer: every import included, for every client.
    const wholeScriptRatio = round3(raw.sinceStartMs / tswats.sinceStartMs);
    const pywats = samples.pywats === undefined ? undefined : summary(samples.pywats);
    const tswatsWithFlags = samples[FLAGGED] === undefined ? undefined : summary(samples[FLAGGED]);
    const sdkLoadedFloor = samples[SDK_LOADED] === undefined ? undefined : summary(samples[SDK_LOADED]);
    const versusPywats =
      pywats === undefined
        ? {}
        : {
            pywats,
            p99VsPywats: round3(tswats.p99Ms / pywats.p99Ms),
            timeVsPywats: round3(tswats.callsMs / pywats.callsMs),
          };
    results[name] = {
      scenario,
      calls,
      warmup,
      rounds,
      ratio,
      ratioPerRound,
      wholeScriptRatio,
      floorClient,
      floorRatio,
      ratioToFloor,
      resilientClient,
      resilientFloorRatio,
      ratioToResilientFloor,
      raw,
      tswats,
      floor,
      resilientFloor,
      ...(tswatsWithFlags === undefined ? {} : { tswatsWithFlags }),
      ...(sdkLoadedFloor === undefined ? {} : { sdkLoadedFloor }),
      ...versusPywats,
    };
    console.log(
      `${name.padEnd(21)} x${calls}: raw ${raw.callsMs.toFixed(1)} ms, tsWATS ${tswats.callsMs.toFixed(1)} ms -> ` +
        `${ratio.toFixed(2)} of raw (rounds ${Math.min(...ratioPerRound).toFixed(2)}-${Math.max(...ratioPerRound).toFixed(2)}; ` +
        `whole script ${wholeScriptRatio.toFixed(2)}); ${floorClient} ${floor.callsMs.toFixed(1)} ms ` +
        `(${floorRatio.toFixed(2)} of raw; tsWATS ${ratioToFloor.toFixed(2)} of it); ${resilientClient} ` +
        `${resilientFloor.callsMs.toFixed(1)} ms (${resilientFloorRatio.toFixed(2)} of raw; tsWATS ${ratioToResilientFloor.toFixed(2)} of it; ` +
        `peak RSS ${resilientFloor.peakRssMiB.toFixed(0)} MiB); CPU/call ${raw.cpuPerCallUs.toFixed(0)} vs ${tswats.cpuPerCallUs.toFixed(0)} µs; ` +
        `p99 ${raw.p99Ms.toFixed(2)} vs ${tswats.p99Ms.toFixed(2)} ms; peak RSS ${raw.peakRssMiB.toFixed(0)} vs ${tswats.peakRssMiB.toFixed(0)} MiB (${floorClient} ${floor.peakRssMiB.toFixed(0)})`,
    );
    if (scenario.startsWith("sync-") && tswats.callerThreadCpuUs !== undefined) {
      const split = (s: typeof tswats) =>
        `${s.callerThreadCpuUs?.toFixed(0)} / ${s.otherThreadCpuUs?.toFixed(0)} µs`;
      console.log(
        `${"".padEnd(21)} CPU/call, caller / engine thread: tsWATS ${split(tswats)}, ` +
          `${resilientClient} ${split(resilientFloor)}, ${floorClient} ${split(floor)}`,
      );
    }
    if (sdkLoadedFloor !== undefined) {
      console.log(
        `${"".padEnd(21)} ${SDK_LOADED}: peak RSS ${sdkLoadedFloor.peakRssMiB.toFixed(1)} MiB ` +
          `(resilient-http ${resilientFloor.peakRssMiB.toFixed(1)}, tsWATS ${tswats.peakRssMiB.toFixed(1)}; max of rounds)`,
      );
    }
    if (tswatsWithFlags !== undefined) {
      console.log(
        `${"".padEnd(21)} tsWATS ${nodeFlags.join(" ")} ${tswatsWithFlags.callsMs.toFixed(1)} ms ` +
          `(${round3(raw.callsMs / tswatsWithFlags.callsMs).toFixed(2)} of raw); p99 ${tswatsWithFlags.p99Ms.toFixed(2)} ms; ` +
          `CPU/call ${tswatsWithFlags.cpuPerCallUs.toFixed(0)} µs; peak RSS ${tswatsWithFlags.peakRssMiB.toFixed(0)} MiB`,
      );
    }
    if (pywats !== undefined) {
      console.log(
        `${"".padEnd(21)} pyWATS ${pywats.callsMs.toFixed(1)} ms (tsWATS takes ${versusPywats.timeVsPywats?.toFixed(2)} of it); ` +
          `p99 ${pywats.p99Ms.toFixed(2)} vs tsWATS ${tswats.p99Ms.toFixed(2)} ms (${versusPywats.p99VsPywats?.toFixed(2)}); ` +
          `CPU/call ${pywats.cpuPerCallUs.toFixed(0)} µs; peak RSS ${pywats.peakRssMiB.toFixed(0)} MiB`,
      );
    }
  } finally {
    await sim.close();
  }
}

/** Sync facade time / async time for the same calls (the target: within 1.3x). */
type Summary = { tswats: { callsMs: number } };
const syncVsAsync: Record<string, number> = {};
for (const [syncName, asyncName] of [
  ["sync-product", "async-product"],
  ["sync-submit", "async-submit"],
  ["sync-product-steady", "async-product-steady"],
]) {
  const sync = results[syncName as string] as Summary | undefined;
  const async = results[asyncName as string] as Summary | undefined;
  if (sync && async) syncVsAsync[syncName as string] = round3(sync.tswats.callsMs / async.tswats.callsMs);
}
console.log("sync facade time / async time:", JSON.stringify(syncVsAsync));

const outDir = join(repoRoot, "bench-results");
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, "fresh-process.json"),
  `${JSON.stringify(
    {
      benchmark: "fresh-process",
      date: new Date().toISOString(),
      node: process.version,
      nodeFlags,
      machine: { cpus: cpus().length, loadavg: loadavg() },
      note: "each sample a new process; ratio = raw undici time / tsWATS time for the calls (median of rounds, rotating order); >= 0.9 is the target; ratioPerRound = the same ratio within each round; callsMsPerRound = each round's time; floorRatio = raw undici time / floor client time (raw-http: node:http alone; raw-sync: node:http behind a minimal blocking worker); ratioToFloor = floor time / tsWATS time; resilientFloorRatio, ratioToResilientFloor = the same for resilient-http/resilient-sync (that floor with the per-call resilience the issue requires: correlation id, one timer, retry of safe methods, breaker count, typed errors); sdkLoadedFloor (async-product-2000) = resilient-http's calls in a process that first loaded tsWATS and made one getProduct call (the SDK's code in memory, not its calls); peakRssMiB = the largest of the rounds; callerThreadCpuUs, otherThreadCpuUs (Linux) = CPU per call of the calling thread and of the busiest other thread (a sync client's worker); with PYWATS_PYTHON: p99VsPywats = tsWATS p99 / pyWATS p99 (<= 1 is the target), timeVsPywats = tsWATS time / pyWATS time",
      results,
      syncVsAsync,
    },
    null,
    2,
  )}\n`,
);
console.log("wrote bench-results/fresh-process.json");
