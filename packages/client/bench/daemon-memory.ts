/**
 * The daemon's memory, measured on the built daemon (`bin/tswats-client.js start`, what a station
 * runs), each number the median of RUNS fresh processes (all values kept):
 * - RSS idle: uploads off; uploads on with the server reachable (the readiness check has made a
 *   request, so the HTTP stack is loaded);
 * - RSS with 10 000 reports pending: uploads off; uploads on with the server down (they stay);
 * - RSS after the 10 000 drained to the simulator, and the upload rate of that drain;
 * - the same with the V8 flags a service unit may pass (SERVICE_NODE_FLAGS), side by side;
 * - `settled`: idle and 10 000 pending (uploads off) again after IDLE_MS (45 s,
 *   `DAEMON_MEMORY_IDLE_MS`) of idling, when V8's memory reducer has given back what the start-up
 *   grew (default and service flags);
 * - RSS per module: a fresh Node process importing the daemon's dependencies one after another in
 *   the order the daemon loads them (each step's increase), and modules the idle daemon does not
 *   load, each alone over bare Node, for reference.
 * Linux only (RSS from /proc); elsewhere the section is skipped and says so.
 *
 * The 10 000 pending reports are a queue whose last daemon stopped cleanly (it left the
 * clean-stop note, so the start keeps the id markers); `pending10000AfterCrash` (default flags,
 * focus mode) is the same queue without the note, when the start reads and repairs every marker.
 *
 * `DAEMON_MEMORY_FOCUS=pending` measures only idle vs 10 000 pending with uploads off, 1 s after
 * start and settled (every variant; no drains, no per-module table), `DAEMON_MEMORY_VARIANTS=a,b`
 * only those flag variants (default, serviceFlags, semiSpace1MiB, sizeAndSemiSpace1MiB), and
 * `DAEMON_MEMORY_RUNS=<n>` sets RUNS:
 * `node scripts/build.mjs @tswats/client && DAEMON_MEMORY_FOCUS=pending npx tsx packages/client/bench/daemon-memory-run.ts`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ReportSource } from "@tswats/converters/config";
import type { Report } from "@tswats/report";
import { startSimulator } from "@tswats/simulator";
import { CLEAN_STOP_FILE } from "../src/queue/clean-stop.js";
import { FileQueue } from "../src/queue/file-queue.js";
import { SERVICE_NODE_FLAGS } from "../src/service/units.js";

const RUNS = Number(process.env.DAEMON_MEMORY_RUNS ?? 3);
const FOCUS_PENDING = process.env.DAEMON_MEMORY_FOCUS === "pending";
const PENDING = 10_000;
const UNREACHABLE = "http://127.0.0.1:9";
/** How long `idleRssOf` leaves a daemon idle before reading its RSS. */
const IDLE_MS = Number(process.env.DAEMON_MEMORY_IDLE_MS ?? 45_000);

export interface DaemonMemoryContext {
  work: string;
  packageDir: string;
  repoRoot: string;
  report: () => Report;
  source: ReportSource;
}

const round = (n: number) => Math.round(n * 10) / 10;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  medianMiB: number;
  runsMiB: number[];
}
const sample = (values: number[]): Sample => ({
  medianMiB: round(median(values)),
  runsMiB: values.map(round),
});

export async function measureDaemonMemory(ctx: DaemonMemoryContext): Promise<Record<string, unknown>> {
  if (process.platform !== "linux") return { skipped: "RSS is read from /proc: Linux only" };
  const bin = join(ctx.packageDir, "bin", "tswats-client.js");
  if (!existsSync(join(ctx.packageDir, "dist", "cli", "main.js"))) {
    throw new Error("daemon memory: build first (node scripts/build.mjs @tswats/client; `pnpm bench` does)");
  }
  const root = join(ctx.work, "memory");
  await mkdir(root, { recursive: true });

  // One queue of 10 000 pending reports, copied for every run.
  const template = join(root, "template");
  const queue = await FileQueue.open({ folder: template });
  for (let i = 0; i < PENDING; i++) await queue.enqueue(ctx.report(), ctx.source);
  queue.close();
  // As a station has it after a restart: the last daemon stopped cleanly and left its note.
  await (await FileQueue.open({ folder: template, recover: true })).recordCleanStop();

  const sim = await startSimulator({ port: 0, seed: 1, data: "empty" });
  let runNo = 0;

  interface Started {
    child: ChildProcess;
    url: string;
    folder: string;
  }
  async function start(
    pending: boolean,
    baseUrl: string | null,
    nodeFlags: readonly string[],
    afterCrash = false,
  ): Promise<Started> {
    const folder = join(root, `run-${++runNo}`);
    if (pending) await cp(template, folder, { recursive: true });
    else await mkdir(folder, { recursive: true });
    if (afterCrash) await rm(join(folder, CLEAN_STOP_FILE));
    const configPath = join(root, `config-${runNo}.json`);
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { baseUrl: baseUrl ?? UNREACHABLE },
        queue: { folder },
        upload: { enabled: baseUrl !== null, concurrency: 4, throttle: false },
        health: { port: 0 },
        log: { level: "error" },
      }),
      { mode: 0o600 },
    );
    const child = spawn(process.execPath, [...nodeFlags, bin, "start", "--config", configPath], {
      env: { ...process.env, WATS_AUTH_TOKEN: baseUrl === sim.url ? sim.token : "YmVuY2g6YmVuY2g=" },
      stdio: "ignore",
    });
    const stateFile = join(folder, "daemon.json");
    while (!existsSync(stateFile)) {
      if (child.exitCode !== null) throw new Error(`daemon memory: the daemon exited with ${child.exitCode}`);
      await sleep(20);
    }
    const { url } = JSON.parse(readFileSync(stateFile, "utf8")) as { url: string };
    return { child, url, folder };
  }
  async function stop(started: Started): Promise<void> {
    started.child.kill("SIGTERM");
    if (started.child.exitCode === null) await new Promise((r) => started.child.once("exit", r));
    await rm(started.folder, { recursive: true, force: true });
  }
  /**
   * /status and /health/ready asked once (as a monitor would), then 1 s of rest, then RSS. With
   * `pending`, /status must show that many reports queued (pending or being sent).
   */
  async function settledRss(started: Started, pending?: number): Promise<number> {
    const status = (await fetch(`${started.url}/status`).then((r) => r.json())) as {
      queue: { pending: number; sending: number };
    };
    if (pending !== undefined && status.queue.pending + status.queue.sending !== pending) {
      throw new Error(
        `daemon memory: /status shows ${status.queue.pending} pending + ${status.queue.sending} sending, expected ${pending}`,
      );
    }
    await fetch(`${started.url}/health/ready`).then((r) => r.text());
    await sleep(1000);
    return rssMiB(started.child.pid as number);
  }
  async function rssOf(pending: boolean, baseUrl: string | null, flags: readonly string[]): Promise<Sample> {
    const values: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = await start(pending, baseUrl, flags);
      values.push(await settledRss(started, pending ? PENDING : 0));
      await stop(started);
    }
    return sample(values);
  }
  /**
   * RSS of a daemon left idle for IDLE_MS with uploads off, and 1 s after start as `rssOf` reads
   * it: V8 keeps the young generation the start-up grew until its memory reducer runs, about
   * 5-40 s into an idle spell (seen in runs of this bench), so the 1 s number is the tail of
   * the start-up and the later one what an idle station holds. The RUNS daemons idle side by side.
   */
  async function idleRssOf(
    pending: boolean,
    flags: readonly string[],
    afterCrash = false,
  ): Promise<{ afterStart: Sample; idle: Sample }> {
    const running: Started[] = [];
    const afterStart: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        const started = await start(pending, null, flags, afterCrash);
        running.push(started);
        afterStart.push(await settledRss(started, pending ? PENDING : 0));
      }
      await sleep(IDLE_MS);
      return {
        afterStart: sample(afterStart),
        idle: sample(running.map((r) => rssMiB(r.child.pid as number))),
      };
    } finally {
      for (const started of running) await stop(started);
    }
  }
  /** Idle and 10 000 pending (uploads off), each after IDLE_MS of idling. */
  async function settledPair(flags: readonly string[]): Promise<Record<string, unknown>> {
    const idle = (await idleRssOf(false, flags)).idle;
    const pending = (await idleRssOf(true, flags)).idle;
    return {
      idleUploadsOff: idle,
      pending10000UploadsOff: pending,
      pending10000MinusIdleMiB: round(pending.medianMiB - idle.medianMiB),
    };
  }
  /** Starts a daemon on the 10 000 pending reports against the simulator and waits until all are uploaded. */
  async function drain(flags: readonly string[]): Promise<{ rss: number; reportsPerSecond: number }> {
    const started = await start(true, sim.url, flags);
    const began = performance.now();
    for (;;) {
      const status = (await fetch(`${started.url}/status`).then((r) => r.json())) as {
        queue: { pending: number; sending: number };
      };
      if (status.queue.pending === 0 && status.queue.sending === 0) break;
      await sleep(100);
    }
    const seconds = (performance.now() - began) / 1000;
    const rss = await settledRss(started);
    await stop(started);
    return { rss, reportsPerSecond: PENDING / seconds };
  }

  // The service units' flags, and for comparison a young generation of 1 MiB alone and with
  // --optimize-for-size.
  const variants: Record<string, readonly string[]> = {
    default: [],
    serviceFlags: SERVICE_NODE_FLAGS,
    semiSpace1MiB: ["--max-semi-space-size=1"],
    sizeAndSemiSpace1MiB: ["--optimize-for-size", "--max-semi-space-size=1"],
  };
  const byVariant: Record<string, unknown> = {};
  if (FOCUS_PENDING) {
    const only = process.env.DAEMON_MEMORY_VARIANTS?.split(",");
    for (const [name, flags] of Object.entries(variants)) {
      if (only && !only.includes(name)) continue;
      const idle = await idleRssOf(false, flags);
      const pending = await idleRssOf(true, flags);
      const afterCrash = name === "default" ? await idleRssOf(true, flags, true) : undefined;
      byVariant[name] = {
        nodeFlags: flags,
        idleUploadsOff: idle.afterStart,
        pending10000UploadsOff: pending.afterStart,
        pending10000MinusIdleMiB: round(pending.afterStart.medianMiB - idle.afterStart.medianMiB),
        settled: {
          idleUploadsOff: idle.idle,
          pending10000UploadsOff: pending.idle,
          pending10000MinusIdleMiB: round(pending.idle.medianMiB - idle.idle.medianMiB),
          ...(afterCrash
            ? {
                pending10000AfterCrash: afterCrash.idle,
                pending10000AfterCrashMinusIdleMiB: round(afterCrash.idle.medianMiB - idle.idle.medianMiB),
              }
            : {}),
        },
        ...(afterCrash ? { pending10000AfterCrash: afterCrash.afterStart } : {}),
      };
    }
    await sim.close();
    await rm(root, { recursive: true, force: true });
    return {
      note: `focus=pending: built daemon, uploads off, log level error; RSS 1 s after /status and /health/ready, and (settled) after ${IDLE_MS / 1000} s idle; median of ${RUNS} processes per number`,
      ...byVariant,
    };
  }
  for (const [name, flags] of Object.entries(variants)) {
    const drains: { rss: number; reportsPerSecond: number }[] = [];
    for (let i = 0; i < RUNS; i++) drains.push(await drain(flags));
    byVariant[name] = {
      nodeFlags: flags,
      idleUploadsOff: await rssOf(false, null, flags),
      idleServerReachable: await rssOf(false, sim.url, flags),
      pending10000UploadsOff: await rssOf(true, null, flags),
      ...(name === "default" || name === "serviceFlags" ? { settled: await settledPair(flags) } : {}),
      pending10000ServerDown: await rssOf(true, UNREACHABLE, flags),
      after10000Drained: sample(drains.map((d) => d.rss)),
      drainReportsPerSecond: {
        median: round(median(drains.map((d) => d.reportsPerSecond))),
        runs: drains.map((d) => round(d.reportsPerSecond)),
      },
    };
  }
  await sim.close();
  await rm(root, { recursive: true, force: true });

  const mib = (v: unknown, key: string) => ((v as Record<string, Sample>)[key] as Sample).medianMiB;
  const base = byVariant.default;
  const flagged = byVariant.serviceFlags;
  return {
    note: `built daemon (bin/tswats-client.js start), concurrency 4, throttle off, log level error; RSS 1 s after /status and /health/ready, and (settled) after ${IDLE_MS / 1000} s idle; median of ${RUNS} processes per number; serviceFlags = the node flags the generated service units pass`,
    ...byVariant,
    ratios: {
      pending10000ToIdleUploadsOff:
        round((mib(base, "pending10000UploadsOff") / mib(base, "idleUploadsOff")) * 100) / 100,
      serviceFlagsIdleServerReachableToDefault:
        round((mib(flagged, "idleServerReachable") / mib(base, "idleServerReachable")) * 100) / 100,
      serviceFlagsDrainRateToDefault:
        round(
          ((flagged as { drainReportsPerSecond: { median: number } }).drainReportsPerSecond.median /
            (base as { drainReportsPerSecond: { median: number } }).drainReportsPerSecond.median) *
            100,
        ) / 100,
    },
    perModuleMiB: perModule(ctx),
  };
}

/** RSS of a fresh Node process (MiB, median of RUNS) after running `code` as an ES module in `cwd`. */
function rssAfter(cwd: string, code: string): number {
  const probe = `${code}
await new Promise((r) => setTimeout(r, 300));
const status = (await import("node:fs")).readFileSync("/proc/self/status", "utf8");
console.log(Number(/VmRSS:\\s+(\\d+)/.exec(status)[1]) / 1024);`;
  const values: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
      cwd,
      encoding: "utf8",
    });
    values.push(Number(out.trim().split("\n").pop()));
  }
  return median(values);
}

/**
 * Cumulative steps in the daemon's load order (each step's increase over the previous one), and
 * modules the idle daemon does not load, each alone (increase over bare Node).
 */
function perModule(ctx: DaemonMemoryContext): Record<string, unknown> {
  const pkg = (name: string) => join(ctx.repoRoot, "packages", name);
  const dist = (path: string) => JSON.stringify(join(ctx.packageDir, "dist", path));
  const requireFrom = (dir: string, id: string) =>
    `(await import("node:module")).createRequire(${JSON.stringify(join(dir, "x.js"))})(${JSON.stringify(id)});`;
  const steps: [string, string][] = [
    ["node alone", ""],
    ["@tswats/core", `await import("@tswats/core");`],
    ["pino (the daemon's logger)", requireFrom(pkg("core"), "pino")],
    ["@tswats/report (model, validation, its zod schemas)", `await import("@tswats/report");`],
    ["client config, queue, uploader, health, daemon", `await import(${dist("cli/commands.js")});`],
    ["node:http (first request)", `await import("node:http");`],
    ["@tswats/sdk (uploads on)", `await import("@tswats/sdk");`],
  ];
  const cumulative: Record<string, number> = {};
  let code = "";
  let previous = 0;
  for (const [label, step] of steps) {
    code += `${step}\n`;
    const rss = rssAfter(ctx.packageDir, code);
    cumulative[label] = round(previous === 0 ? rss : rss - previous);
    previous = rss;
  }
  const bare = rssAfter(ctx.packageDir, "");
  const alone: [string, string, string, boolean][] = [
    ["zod", pkg("core"), `await import("zod");`, true],
    ["pino", pkg("core"), requireFrom(pkg("core"), "pino"), true],
    ["node:http", pkg("core"), `await import("node:http");`, true],
    ["fast-xml-parser", pkg("core"), `await import("fast-xml-parser");`, false],
    ["saxes", pkg("converters"), `await import("saxes");`, false],
    ["chokidar", pkg("converters"), `await import("chokidar");`, false],
    ["@tswats/converters (all converters)", pkg("converters"), `await import("@tswats/converters");`, false],
    ["console pages", ctx.packageDir, `await import(${dist("console/console-server.js")});`, false],
  ];
  const aloneOverBareNode: Record<string, { mib: number; loadedByIdleDaemon: boolean }> = {};
  for (const [label, cwd, step, loaded] of alone) {
    aloneOverBareNode[label] = { mib: round(rssAfter(cwd, step) - bare), loadedByIdleDaemon: loaded };
  }
  return {
    note: "daemonLoadOrder: each step's RSS increase in one process importing them in turn (the first is bare Node; node:http and the SDK load when uploads are on); aloneOverBareNode: one module alone over bare Node (overlaps with others, so these do not add up), and whether an idle daemon loads it",
    total: round(previous),
    bareNode: round(bare),
    daemonLoadOrder: cumulative,
    aloneOverBareNode,
  };
}
