/**
 * The tsWATS demo, end to end on this machine: the WATS simulator, the station client daemon
 * watching three folders, a mix of TestStand XML, CSV and WSJF result files, live progress, a
 * kill -9 of the daemon half-way (nothing may be lost or duplicated), and the results read back
 * through the SDK. Exits 0 on success; on any failure it says what went wrong and exits 1.
 *
 * Run: npx -y pnpm@10 demo   (builds first; the daemon runs from packages/client/dist)
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { reportFilter as f, ReportClient } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";
import { ProgressView } from "./progress.js";
import { type SampleFile, sampleFiles } from "./sample-files.js";

const UNITS = Number(process.env.TSWATS_DEMO_UNITS ?? 20);
const DEADLINE_MS = 50_000;
const CLI = fileURLToPath(new URL("../../packages/client/dist/cli/main.js", import.meta.url));
const began = Date.now();

class DemoError extends Error {}

const work = mkdtempSync(join(tmpdir(), "tswats-demo-"));
const sim = await startSimulator({ port: 0, seed: 1, data: "empty" });
const view = new ProgressView();
let daemon: ChildProcess | undefined;
let daemonErr = "";

const folders = {
  teststand: join(work, "in", "teststand"),
  csv: join(work, "in", "csv"),
  wsjf: join(work, "in", "wsjf"),
} as const;
const queueFolder = join(work, "queue");
const configPath = join(work, "tswats-client.json");

function writeConfig(): void {
  const watch = (folder: string) => ({ folder, settleMs: 250, rescanMs: 1_000 });
  const config = {
    server: { baseUrl: sim.url, token: sim.token, station: "DEMO-01" },
    queue: { folder: queueFolder },
    upload: { concurrency: 4, baseDelayMs: 200, maxDelayMs: 2_000, pollMs: 200 },
    health: { port: 0 },
    log: { level: "info", file: join(work, "daemon.log") },
    shutdownTimeoutMs: 5_000,
    converters: [
      { name: "teststand-xml", watch: watch(folders.teststand) },
      { name: "csv", watch: watch(folders.csv) },
      { name: "wsjf-json", watch: watch(folders.wsjf) },
    ],
  };
  // The file holds the token: readable by its owner only (the client refuses it otherwise).
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

async function startDaemon(): Promise<void> {
  if (!existsSync(CLI)) throw new DemoError(`${CLI} is missing: build first (npx -y pnpm@10 demo does)`);
  const stateFile = join(queueFolder, "daemon.json");
  rmSync(stateFile, { force: true });
  daemonErr = "";
  const child = spawn(process.execPath, [CLI, "start", "-c", configPath], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, WATS_AUTH_TOKEN: "" },
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    daemonErr += chunk.toString();
  });
  daemon = child;
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new DemoError(`the daemon exited with ${child.exitCode}: ${daemonErr.trim()}`);
    if (existsSync(stateFile)) {
      const state = JSON.parse(readFileSync(stateFile, "utf8")) as { pid: number; url: string };
      if (state.pid === child.pid) {
        const live = await fetch(`${state.url}/health/live`).catch(() => undefined);
        if (live?.ok) return;
      }
    }
    await sleep(50);
  }
  throw new DemoError(`the daemon did not come up within 15 s: ${daemonErr.trim()}`);
}

async function killDaemon(signal: NodeJS.Signals): Promise<number | null> {
  const child = daemon;
  if (!child || child.exitCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill(signal);
  const code = await exited;
  daemon = undefined;
  return code;
}

const countFiles = (folder: string, suffix = "") =>
  existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(suffix)).length : 0;

function figures(total: number, note?: string) {
  const sources = Object.values(folders);
  return {
    converted: sources.reduce((sum, folder) => sum + countFiles(join(folder, "Done")), 0),
    queued:
      countFiles(join(queueFolder, "pending"), ".json") + countFiles(join(queueFolder, "sending"), ".json"),
    uploaded: sim.reports.size,
    total,
    ...(note ? { note } : {}),
  };
}

function failedFiles(): string[] {
  const messages: string[] = [];
  for (const folder of Object.values(folders)) {
    const errors = join(folder, "Error");
    if (!existsSync(errors)) continue;
    for (const name of readdirSync(errors).filter((n) => n.endsWith(".error.txt"))) {
      messages.push(`${name}: ${readFileSync(join(errors, name), "utf8").trim()}`);
    }
  }
  return messages;
}

function drop(files: SampleFile[]): void {
  for (const file of files) writeFileSync(join(folders[file.kind], file.name), file.content);
}

async function waitFor(what: string, done: () => boolean, total: number, note?: string): Promise<void> {
  while (!done()) {
    const problems = failedFiles();
    if (problems.length > 0) throw new DemoError(`files were refused:\n${problems.join("\n")}`);
    if (daemon && daemon.exitCode !== null) throw new DemoError(`the daemon stopped: ${daemonErr.trim()}`);
    if (Date.now() - began > DEADLINE_MS) throw new DemoError(`timed out waiting for ${what}`);
    view.update(figures(total, note));
    await sleep(100);
  }
  view.update(figures(total, note), true);
}

async function summary(expectedReports: number): Promise<void> {
  await using wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: false });
  const reports = new ReportClient(wats);
  const rows = await wats.analytics.dynamicYield(
    { dimensions: "partNumber" },
    { dateFrom: "2026-11-01T00:00:00Z", dateTo: "2026-12-01T00:00:00Z" },
  );
  console.log("\nResults in WATS (queried through the SDK):");
  console.log("  part number   reports   units   first-pass yield");
  let seen = 0;
  for (const row of [...rows].sort((a, b) => (a.partNumber ?? "").localeCompare(b.partNumber ?? ""))) {
    const partNumber = row.partNumber ?? "";
    const headers = await reports.queryHeaders(f.eq("partNumber", partNumber), { top: 1000 });
    seen += headers.length;
    console.log(
      `  ${partNumber.padEnd(12)}  ${String(headers.length).padStart(7)}   ${String(row.unitCount).padStart(5)}   ${String(row.fpy).padStart(15)} %`,
    );
  }
  if (seen !== expectedReports)
    throw new DemoError(`WATS lists ${seen} reports, expected ${expectedReports}`);
}

try {
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
  writeConfig();
  const files = sampleFiles(UNITS);
  const total = files.reduce((sum, file) => sum + file.reports, 0);
  const kinds = (kind: SampleFile["kind"]) => files.filter((file) => file.kind === kind).length;
  console.log(`tsWATS demo in ${work}`);
  console.log(`simulator on ${sim.url}; starting the station client daemon`);
  await startDaemon();
  console.log(
    `dropping ${files.length} result files (${kinds("teststand")} TestStand XML, ${kinds("csv")} CSV, ${kinds("wsjf")} WSJF) holding ${total} reports`,
  );

  const half = Math.ceil(files.length / 2);
  drop(files.slice(0, half));
  await waitFor("the first uploads", () => sim.reports.size >= Math.ceil(total / 4), total);

  const inFlight = figures(total);
  await killDaemon("SIGKILL");
  view.say(`kill -9 of the daemon with ${inFlight.queued} reports queued and ${inFlight.uploaded} uploaded`);
  drop(files.slice(half));
  view.update(figures(total, "(daemon down)"), true);
  await startDaemon();
  view.say("daemon restarted: it recovers its queue and picks up the files that arrived meanwhile");

  const filesDone = () =>
    Object.values(folders).reduce((sum, folder) => sum + countFiles(join(folder, "Done")), 0);
  await waitFor(
    "every report to reach WATS",
    () => sim.reports.size >= total && filesDone() >= files.length && figures(total).queued === 0,
    total,
  );
  view.end();

  const ids = sim.reports.ids();
  if (new Set(ids).size !== total || ids.length !== total) {
    throw new DemoError(`WATS holds ${ids.length} reports, expected ${total} distinct`);
  }
  await summary(total);

  const code = await killDaemon("SIGTERM");
  if (code !== 0) throw new DemoError(`the daemon's SIGTERM drain ended with exit code ${code}`);
  const replaced = ids.filter((id) => sim.reports.replaceCount(id) > 0).length;
  console.log(
    `\nall ${total} reports arrived exactly once (${replaced} re-sent after the kill and replaced by id, none duplicated)`,
  );
  console.log(`demo finished in ${((Date.now() - began) / 1000).toFixed(1)} s`);
} catch (error) {
  view.end();
  const message = error instanceof DemoError ? error.message : ((error as Error).stack ?? String(error));
  console.error(`\ndemo failed: ${message}`);
  const log = join(work, "daemon.log");
  if (existsSync(log)) {
    const tail = readFileSync(log, "utf8").trim().split("\n").slice(-15).join("\n");
    console.error(`last lines of the daemon log (${log}):\n${tail}`);
  }
  process.exitCode = 1;
} finally {
  await killDaemon("SIGKILL").catch(() => undefined);
  await sim.close();
  if (process.exitCode !== 1) rmSync(work, { recursive: true, force: true });
}
