/**
 * Reliability against a real daemon process, the simulator and real files. One daemon runs for
 * the whole file (starting one under tsx is slow); the tests run in order and each builds on the
 * queue the previous one left:
 *
 * 1. health endpoint, /metrics and `status --json` while reports flow
 * 2. corrupt, truncated, invalid and stray files dropped into pending/
 * 3. 503 + Retry-After for a while: the breaker lets only probes through; everything arrives
 * 4. the token is revoked mid-run (401): uploads pause, nothing fails, status says why;
 *    `config set server.token -` + SIGHUP resumes
 *
 * At the end the daemon is stopped with SIGTERM and no output of the run holds either token.
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import type { DaemonStateFile } from "../src/daemon/daemon.js";
import { FileQueue } from "../src/queue/file-queue.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import {
  type CliResult,
  daemonState,
  exited,
  logLines,
  parseMetrics,
  runCliCaptured,
  startDaemonProcess,
  waitFor,
} from "./helpers/daemon-process.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";

const CONCURRENCY = 3;
const OPEN_MS = 1_500;

let dir: string;
let cleanup: () => Promise<void>;
let sim: Simulator;
let child: ChildProcess;
let folder: string;
let configPath: string;
let logFile: string;
let state: DaemonStateFile;
let queue: FileQueue;
const output = { text: "" };
/** Every CLI and HTTP answer of the run, checked for the tokens at the end. */
const seen: string[] = [];
/** The token issued when the canary is revoked (test 4). */
let rotated: string | undefined;
/** Reports the simulator must hold at the end. */
const expected = new Set<string>();
/** Files the test itself put into failed/ (test 2). */
let failedFiles = 0;

// The daemon reads the token from its config file (mode 0600), so fixing the file fixes it.
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  WATS_AUTH_TOKEN: undefined,
  TSWATS_CLIENT_CONFIG: "",
});

async function cli(args: string[], stdin = ""): Promise<CliResult> {
  const result = await runCliCaptured([...args, "--config", configPath], env(), stdin);
  seen.push(result.out, result.err);
  return result;
}

async function http(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${state.url}${path}`);
  const text = await response.text();
  seen.push(text);
  return { status: response.status, text };
}

const metrics = async () => parseMetrics((await http("/metrics")).text);
const files = (sub: string) => readdirSync(join(folder, sub)).sort();

async function enqueue(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await queue.enqueue(sampleReport(), sampleSource(`/in/${expected.size}.csv`));
    ids.push(id);
    expected.add(id);
  }
  return ids;
}

/** Log lines printed after `offset` characters of the daemon's output. */
const linesSince = (offset: number) => logLines(output.text.slice(offset));

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await startSimulator({
    port: 0,
    seed: 1,
    data: "empty",
    // The daemon's token belongs to the identifier "station-7", so it can be revoked mid-run.
    tokens: [{ token: CANARY, user: "station-7" }],
  });
  folder = join(dir, "queue");
  configPath = join(dir, "client.json");
  logFile = join(dir, "logs", "client.log");
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { baseUrl: sim.url, token: CANARY, timeoutMs: 5_000 },
      queue: { folder },
      upload: {
        concurrency: CONCURRENCY,
        baseDelayMs: 50,
        maxDelayMs: 300,
        pollMs: 50,
        throttle: false,
        // Long: in test 4 only SIGHUP can make the daemon re-read the token in time.
        authRetryMs: 600_000,
        breaker: { failureThreshold: 2, minimumCalls: 2, windowMs: 10_000, openMs: OPEN_MS },
      },
      health: { port: 0 },
      log: { level: "debug", file: logFile },
      shutdownTimeoutMs: 5_000,
    }),
    { mode: 0o600 },
  );
  queue = await FileQueue.open({ folder });
  child = startDaemonProcess(configPath, output, { WATS_AUTH_TOKEN: undefined });
  state = await daemonState(folder, 60_000);
}, 90_000);

afterAll(async () => {
  try {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await exited(child);
    }
  } finally {
    await sim?.close();
    await cleanup?.();
  }
});

describe("a real daemon process against the simulator", () => {
  it("health endpoint on 127.0.0.1: live, ready, /metrics and status --json while reports flow", async () => {
    expect(state.host).toBe("127.0.0.1");
    expect(state.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ids = await enqueue(5);
    await waitFor(() => sim.reports.size === 5, 30_000, "5 reports on the simulator");
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    await waitFor(() => files("done").length === 5, 10_000, "5 reports in done/");

    const live = await http("/health/live");
    expect(live.status).toBe(200);
    expect(JSON.parse(live.text)).toEqual({ status: "ok" });
    const ready = await http("/health/ready");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({
      status: "ready",
      ready: true,
      checks: { queueWritable: true, auth: "ok" },
    });

    const m = await metrics();
    expect(m.get('tswats_client_queue_reports{state="done"}')).toBe(5);
    expect(m.get('tswats_client_queue_reports{state="pending"}')).toBe(0);
    expect(m.get('tswats_client_uploads_total{outcome="ok"}')).toBe(5);
    expect(m.get('tswats_client_breaker_state{state="closed"}')).toBe(1);
    expect(m.get("tswats_client_auth_required")).toBe(0);
    expect(m.get("tswats_client_last_success_timestamp_seconds")).toBeGreaterThan(1.7e9);

    const status = await cli(["status", "--json"]);
    expect(status.code).toBe(EXIT.ok);
    const body = JSON.parse(status.out);
    expect(body).toMatchObject({
      pid: child.pid,
      queueFolder: folder,
      configPath,
      queue: { pending: 0, sending: 0, done: 5, failed: 0 },
      uploader: { state: "running", auth: "ok", authMessage: null, uploadsOk: 5, breaker: "closed" },
      ready: { ready: true },
    });
    const text = await cli(["status"]);
    expect(text.code).toBe(EXIT.ok);
    expect(text.out).toMatch(/pending 0, sending 0, done 5, failed 0/);
  });

  it("a second daemon on the same queue folder refuses to start (exit 1, names the pid)", async () => {
    const second = await cli(["start"]);
    expect(second.code).toBe(EXIT.failure);
    expect(second.err).toMatch(new RegExp(`another tswats-client daemon \\(pid ${child.pid}\\)`));
    expect(child.exitCode).toBeNull();
    expect((await http("/health/live")).status).toBe(200);
  });

  it("corrupt, truncated, invalid and stray files dropped into pending/ go to failed/ with a reason; good reports still upload", async () => {
    const good = sampleReport();
    const entry = (id: string, report: object) =>
      JSON.stringify({
        format: "tswats-queue-entry/1",
        id,
        enqueuedAt: new Date().toISOString(),
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        source: null,
        report,
      });
    const name = (id: string, n: number) => {
      const now = String(Date.now()).padStart(13, "0");
      return `${now}-${now}-${String(900_000 + n).padStart(6, "0")}-${id}.json`;
    };
    const truncatedId = "0b5f3f55-8f7c-4c1e-9d5e-000000000001";
    const corruptId = "0b5f3f55-8f7c-4c1e-9d5e-000000000002";
    const invalidId = "0b5f3f55-8f7c-4c1e-9d5e-000000000003";
    const drops: [string, string][] = [
      [
        name(truncatedId, 1),
        entry(truncatedId, { ...good, id: truncatedId }).slice(0, 150), // cut mid-write
      ],
      [name(corruptId, 2), "\u0000\u0000garbage{{"],
      [name(invalidId, 3), entry(invalidId, { ...good, id: invalidId, pn: "", processCode: "x" })],
      ["notes.txt", "left here by someone"],
    ];
    failedFiles = drops.length;
    // Dropped like another program would: written elsewhere, then moved in.
    for (const [file, content] of drops) {
      const staging = join(dir, file);
      writeFileSync(staging, content);
      await rename(staging, join(folder, "pending", file));
    }
    const goodIds = await enqueue(3);

    await waitFor(() => sim.reports.size === expected.size, 30_000, "the good reports on the simulator");
    await waitFor(() => files("failed").length === 2 * failedFiles, 10_000, "4 files + 4 reasons in failed/");
    expect(goodIds.every((id) => sim.reports.ids().includes(id))).toBe(true);
    expect(files("pending")).toEqual([]);

    const reasons = files("failed")
      .filter((f) => f.endsWith(".reason.json"))
      .map((f) => ({ f, reason: JSON.parse(readFileSync(join(folder, "failed", f), "utf8")) }));
    const reasonOf = (needle: string) => reasons.find((r) => r.f.includes(needle))?.reason;
    expect(reasonOf(truncatedId)).toMatchObject({ reason: "corrupt", status: null, attempts: 0 });
    expect(reasonOf(truncatedId).message).toMatch(/not JSON \(truncated or corrupt/);
    expect(reasonOf(corruptId)).toMatchObject({ reason: "corrupt" });
    expect(reasonOf(invalidId)).toMatchObject({ reason: "corrupt" });
    expect(reasonOf(invalidId).message).toMatch(/does not validate.*pn/s);
    expect(reasonOf("notes.txt")).toMatchObject({ reason: "unrecognised" });
    expect(reasonOf("notes.txt").message).toMatch(/notes\.txt/);

    // The CLI shows them, with the reason.
    const listed = await cli(["queue", "list", "--state", "failed", "--json"]);
    expect(listed.code).toBe(EXIT.ok);
    const list = JSON.parse(listed.out);
    expect(list.counts.failed).toBe(failedFiles);
    expect(list.failed).toHaveLength(failedFiles);
    const shown = await cli(["queue", "show", truncatedId, "--json"]);
    expect(shown.code).toBe(EXIT.ok);
    expect(JSON.parse(shown.out)).toMatchObject({
      state: "failed",
      entry: null,
      readError: expect.stringMatching(/truncated/),
      reason: { reason: "corrupt" },
    });

    // The simulator stores a report before the client has counted its answer: wait for the count.
    await waitFor(
      async () => (await metrics()).get('tswats_client_uploads_total{outcome="ok"}') === expected.size,
      10_000,
      "the ok count in /metrics",
    );
    const m = await metrics();
    expect(m.get('tswats_client_queue_reports{state="failed"}')).toBe(failedFiles);
    expect(m.get('tswats_client_uploads_total{outcome="ok"}')).toBe(expected.size);
    expect(child.exitCode).toBeNull();
  });

  it("503 with Retry-After for a while: only breaker probes reach WATS, Retry-After is honoured, everything arrives", {
    timeout: 60_000,
  }, async () => {
    const mark = output.text.length;
    const before = sim.requests.length;
    await sim.faults.down({ mode: "503", retryAfter: 1 });
    const ids = await enqueue(6);
    // Stay down until the breaker has opened three times.
    const opens = () => linesSince(mark).filter((l) => l.to === "open").length;
    await waitFor(() => opens() >= 3, 45_000, "three breaker openings");
    const during = sim.requests.slice(before);
    const downUntil = Date.now();
    await sim.faults.up();
    // Log lines reach this process through a pipe, possibly after the request they preceded:
    // read them once the run is over, keeping those logged before the snapshot above.
    await waitFor(() => sim.reports.size === expected.size, 40_000, "every report after recovery");
    const outage = linesSince(mark).filter((l) => (l.time as number) <= downUntil);

    const refused = during.filter((r) => r.status === 503);
    const posts = refused.filter((r) => r.path === "/api/Report/WSJF");
    const halfOpens = outage.filter((l) => l.to === "half-open").length;
    expect(posts.length).toBeGreaterThan(0);
    // Only the first burst (before the breaker opened) and one probe per half-open window.
    expect(refused.length).toBeLessThanOrEqual(CONCURRENCY + halfOpens);
    expect(halfOpens).toBeGreaterThanOrEqual(2);
    // Every retry after a 503 waited at least the server's Retry-After (1 s).
    const retries = outage.filter(
      (l) => typeof l.msg === "string" && l.msg.startsWith("uploader: upload failed, retrying later"),
    );
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((l) => l.status === 503 && (l.delayMs as number) >= 1_000)).toBe(true);

    expect(ids.every((id) => sim.reports.replaceCount(id) === 0)).toBe(true);
    expect(files("failed")).toHaveLength(2 * failedFiles);
    await waitFor(() => files("done").length === expected.size, 10_000, "all in done/");
    const m = await metrics();
    expect(m.get('tswats_client_uploads_total{outcome="retried"}')).toBeGreaterThanOrEqual(posts.length - 1);
    expect(m.get('tswats_client_uploads_total{outcome="failed"}')).toBe(0);
  });

  it("401 mid-run: uploads pause, nothing fails, status says why; config set + SIGHUP resumes", {
    timeout: 60_000,
  }, async () => {
    // Rotate the station's token on the server: the daemon's token stops working.
    const issued = await fetch(`${sim.url}/api/Auth/GetToken/station-7?reset=true`, {
      headers: { authorization: `Basic ${sim.token}` },
    });
    expect(issued.status).toBe(200);
    rotated = ((await issued.json()) as { token: string }).token;
    const deliveredBefore = sim.reports.size;
    const ids = await enqueue(4);

    let status: Record<string, { [key: string]: unknown }> = {};
    await waitFor(
      async () => {
        const result = await cli(["status", "--json"]);
        status = JSON.parse(result.out);
        return status.uploader?.auth === "authentication-required";
      },
      20_000,
      "authentication-required in status",
    );
    expect(status.uploader?.authMessage).toMatch(/^HTTP 401: Authorization has been denied/);
    expect(status.uploader?.authSince).toEqual(expect.any(String));
    const httpStatus = JSON.parse((await http("/status")).text);
    expect(httpStatus.uploader).toMatchObject({ auth: "authentication-required", uploadsFailed: 0 });
    expect(httpStatus.ready.checks.auth).toBe("authentication-required");
    const text = await cli(["status"]);
    expect(text.out).toMatch(/auth\s+authentication-required - HTTP 401/);
    expect((await metrics()).get("tswats_client_auth_required")).toBe(1);

    // Paused: nothing delivered, nothing failed, no attempt counted, at most one refused post per worker.
    expect(sim.reports.size).toBe(deliveredBefore);
    expect(files("failed")).toHaveLength(2 * failedFiles);
    expect(files("sending")).toEqual([]);
    expect(files("pending")).toHaveLength(ids.length);
    const shown = JSON.parse((await cli(["queue", "show", ids[0] as string, "--json"])).out);
    expect(shown).toMatchObject({ state: "pending", entry: { attempts: 0 } });
    const refusedPosts = () =>
      sim.requests.filter((r) => r.status === 401 && r.path === "/api/Report/WSJF").length;
    expect(refusedPosts()).toBeLessThanOrEqual(CONCURRENCY);

    // Fix the token in the config file (it is never printed), then SIGHUP.
    const set = await cli(["config", "set", "server.token", "-"], `${rotated}\n`);
    expect(set.code).toBe(EXIT.ok);
    child.kill("SIGHUP");
    await waitFor(() => sim.reports.size === expected.size, 20_000, "every report after the token fix");
    expect(ids.every((id) => sim.reports.replaceCount(id) === 0)).toBe(true);
    const after = JSON.parse((await cli(["status", "--json"])).out);
    expect(after.uploader).toMatchObject({ auth: "ok", authMessage: null, uploadsFailed: 0 });
    expect(child.exitCode).toBeNull();
    expect(linesSince(0).some((l) => l.msg === "SIGHUP: re-reading the token")).toBe(true);
  });

  it("SIGTERM stops it cleanly (exit 0); no output of the run holds either token", async () => {
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect(new Set(sim.reports.ids())).toEqual(expected);
    expect(files("sending")).toEqual([]);
    expect(files("pending")).toEqual([]);
    expect(files("failed")).toHaveLength(2 * failedFiles);
    expect(files("done")).toHaveLength(expected.size);
    expectNoLeak([output.text, readFileSync(logFile, "utf8"), ...seen], [CANARY, rotated ?? CANARY]);
  });
});
