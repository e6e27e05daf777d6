/**
 * Station-script speed: each scenario runs in a fresh process (start, N calls, exit), as a test
 * station's script does, alternating tsWATS and a raw undici client on the same simulator, over
 * several rounds; medians per scenario and client. The simulator runs in its own process.
 *
 * Reported per scenario: the ratio raw time / tsWATS time for the calls (1.0 = as fast as the raw
 * client; the target is >= 0.9), CPU per call, p50/p99 latency, peak RSS, and the time from
 * process start to the last answer (imports included).
 *
 * Run after a build: `cd packages/sync && npx tsx bench/fresh-process.bench.ts [--rounds 5]`.
 * Writes bench-results/fresh-process.json at the repository root. Not a test: nothing fails on time.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startSimulatorProcess } from "../test/support/simulator-process.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, only: { type: "string" } },
});
const rounds = Number(values.rounds);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const scenarioScript = fileURLToPath(new URL("./fresh/scenario.mjs", import.meta.url));

/** The scenarios: name, calls. */
const SCENARIOS: readonly [string, number][] = [
  ["sync-product", 1000],
  ["async-product", 1000],
  ["async20-product", 1000],
  ["async-submit", 200],
  ["sync-submit", 200],
  ["sync-headers", 200],
];

interface Sample {
  client: string;
  scenario: string;
  calls: number;
  callsMs: number;
  sinceStartMs: number;
  cpuPerCallUs: number;
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

const sim = await startSimulatorProcess();
function run(client: string, scenario: string, calls: number): Sample {
  const out = execFileSync(
    process.execPath,
    [scenarioScript, client, scenario, sim.url, sim.token, String(calls)],
    { cwd: join(repoRoot, "packages/sync"), encoding: "utf8" },
  );
  return JSON.parse(out.trim().split("\n").pop() as string) as Sample;
}

const results: Record<string, unknown> = {};
try {
  const selected = SCENARIOS.filter(([name]) => !values.only || values.only.split(",").includes(name));
  // One unmeasured pass of each, so both clients find the simulator warm (JIT, caches, data).
  for (const [scenario] of selected) for (const client of ["raw", "tswats"]) run(client, scenario, 50);
  for (const [scenario, calls] of selected) {
    const samples: Record<string, Sample[]> = { raw: [], tswats: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ["raw", "tswats"] : ["tswats", "raw"];
      for (const client of order) samples[client]?.push(run(client, scenario, calls));
    }
    const summary = (list: Sample[]) => ({
      callsMs: round3(median(list.map((s) => s.callsMs))),
      sinceStartMs: round3(median(list.map((s) => s.sinceStartMs))),
      cpuPerCallUs: round3(median(list.map((s) => s.cpuPerCallUs))),
      p50Ms: round3(median(list.map((s) => s.p50Ms))),
      p99Ms: round3(median(list.map((s) => s.p99Ms))),
      peakRssMiB: round3(Math.max(...list.map((s) => s.peakRssMiB))),
    });
    const raw = summary(samples.raw as Sample[]);
    const tswats = summary(samples.tswats as Sample[]);
    const ratio = round3(raw.callsMs / tswats.callsMs);
    results[scenario] = { calls, rounds, ratio, raw, tswats };
    console.log(
      `${scenario.padEnd(16)} x${calls}: raw ${raw.callsMs.toFixed(1)} ms, tsWATS ${tswats.callsMs.toFixed(1)} ms -> ` +
        `${ratio.toFixed(2)} of raw; CPU/call ${raw.cpuPerCallUs.toFixed(0)} vs ${tswats.cpuPerCallUs.toFixed(0)} µs; ` +
        `p99 ${raw.p99Ms.toFixed(2)} vs ${tswats.p99Ms.toFixed(2)} ms; peak RSS ${raw.peakRssMiB.toFixed(0)} vs ${tswats.peakRssMiB.toFixed(0)} MiB`,
    );
  }
} finally {
  await sim.close();
}

const outDir = join(repoRoot, "bench-results");
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, "fresh-process.json"),
  `${JSON.stringify(
    {
      benchmark: "fresh-process",
      date: new Date().toISOString(),
      node: process.version,
      machine: { cpus: cpus().length, loadavg: loadavg() },
      note: "each sample a new process; ratio = raw undici time / tsWATS time for the calls (median of rounds, alternating order); >= 0.9 is the target",
      results,
    },
    null,
    2,
  )}\n`,
);
console.log("wrote bench-results/fresh-process.json");
