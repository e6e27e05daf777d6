/**
 * The CLI in this process: `doctor` against the simulator (ok, unreachable, token refused), the
 * documented exit codes, `--json` on every command that has it, and no token in any output.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { metricsText } from "../src/health/metrics.js";
import { FileQueue } from "../src/queue/file-queue.js";
import type { UploaderStats } from "../src/upload/uploader.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { type CliResult, parseMetrics, runCliCaptured } from "./helpers/daemon-process.js";
import { sampleReport, tempDir } from "./helpers/reports.js";

let dir: string;
let cleanup: () => Promise<void>;
let sim: Simulator;
let config: string;
const outputs: string[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
  config = join(dir, "client.json");
  writeConfig(sim.url);
});
afterEach(async () => {
  if (outputs.length > 0) expectNoLeak(outputs);
  outputs.length = 0;
  await sim.close();
  await cleanup();
});

function writeConfig(baseUrl: string, extra: Record<string, unknown> = {}) {
  writeFileSync(
    config,
    JSON.stringify({ server: { baseUrl }, queue: { folder: "./queue" }, health: { port: 0 }, ...extra }),
    { mode: 0o600 },
  );
}

/** `token: null` runs without WATS_AUTH_TOKEN. */
async function cli(args: string[], token: string | null = CANARY): Promise<CliResult> {
  const env = { HOME: dir, ...(token ? { WATS_AUTH_TOKEN: token } : {}) };
  const result = await runCliCaptured([...args, "--config", config], env);
  outputs.push(result.out, result.err);
  return result;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("tswats-client doctor", () => {
  it("all checks pass against the simulator (--json, exit 0)", async () => {
    const result = await cli(["doctor", "--json"]);
    expect(result.code).toBe(EXIT.ok);
    const report = JSON.parse(result.out) as {
      ok: boolean;
      checks: { name: string; ok: boolean; detail: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      "config",
      "token",
      "queue folder",
      "disk space",
      "connectivity",
      "token accepted",
      "clock skew",
    ]);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.checks.find((c) => c.name === "token")?.detail).toBe("set (from the environment)");
    expect(report.checks.find((c) => c.name === "connectivity")?.detail).toMatch(/answered HTTP 200/);
  });

  it("an unreachable server: exit 1 and a line that says why", async () => {
    const port = await closedPort();
    writeConfig(`http://127.0.0.1:${port}`);
    const result = await cli(["doctor"]);
    expect(result.code).toBe(EXIT.failure);
    expect(result.out).toMatch(
      new RegExp(
        `^FAIL connectivity\\s+http://127\\.0\\.0\\.1:${port}: cannot connect \\(ECONNREFUSED\\)$`,
        "m",
      ),
    );
    expect(result.out).toMatch(/^ok {3}config/m);
    const json = JSON.parse((await cli(["doctor", "--json"])).out);
    expect(json.ok).toBe(false);
  });

  it("a token WATS refuses: exit 1, 'token accepted' fails with the status, the token is not shown", async () => {
    const wrong = Buffer.from("station-9:not-a-valid-token-0000").toString("base64");
    const result = await cli(["doctor", "--json"], wrong);
    expect(result.code).toBe(EXIT.failure);
    const json = JSON.parse(result.out);
    expect(json.checks).toContainEqual({ name: "token accepted", ok: false, detail: "no: HTTP 401" });
    expectNoLeak([result.out, result.err], [wrong]);
  });

  it("no token at all: the token check fails (exit 1)", async () => {
    const result = await cli(["doctor", "--json"], null);
    expect(result.code).toBe(EXIT.failure);
    expect(JSON.parse(result.out).checks).toContainEqual(
      expect.objectContaining({ name: "token", ok: false }),
    );
  });
});

describe("tswats-client exit codes and --json", () => {
  it("--json on queue list/show/retry/purge, submit and config show gives parseable JSON", async () => {
    const report = sampleReport();
    const file = join(dir, "r.json");
    writeFileSync(file, JSON.stringify(report));
    const submitted = await cli(["submit", file, "--json"]);
    expect(submitted.code).toBe(EXIT.ok);
    expect(JSON.parse(submitted.out)).toEqual([{ file, id: report.id, status: "enqueued" }]);

    const list = JSON.parse((await cli(["queue", "list", "--json"])).out);
    expect(list).toMatchObject({ counts: { pending: 1, sending: 0, done: 0, failed: 0 } });
    expect(list.pending).toEqual([expect.objectContaining({ id: report.id, state: "pending" })]);
    expect(list).toHaveProperty("failed", []);
    const show = JSON.parse((await cli(["queue", "show", report.id as string, "--json"])).out);
    expect(show).toMatchObject({ id: report.id, state: "pending", reason: null, readError: null });
    const shown = JSON.parse((await cli(["config", "show", "--json"])).out);
    expect(shown).toMatchObject({ tokenSource: "environment", config: { server: { token: "[REDACTED]" } } });

    // A failed report, retried; done/ purged.
    const queue = await FileQueue.open({ folder: join(dir, "queue") });
    const claim = await queue.claimNext();
    if (!claim) throw new Error("nothing to claim");
    await queue.fail(claim, { reason: "rejected", status: 400, message: "bad process code" });
    const failedShow = JSON.parse((await cli(["queue", "show", report.id as string, "--json"])).out);
    expect(failedShow).toMatchObject({ state: "failed", reason: { reason: "rejected", status: 400 } });
    const retried = await cli(["queue", "retry", report.id as string, "--json"]);
    expect(retried.code).toBe(EXIT.ok);
    expect(JSON.parse(retried.out)).toEqual({ id: report.id, outcome: "requeued" });
    expect(JSON.parse((await cli(["queue", "retry", "--all", "--json"])).out)).toEqual({
      requeued: 0,
      superseded: 0,
      "not-found": 0,
    });
    const again = await queue.claimNext();
    if (!again) throw new Error("nothing to claim");
    await queue.complete(again);
    expect(JSON.parse((await cli(["queue", "purge", "--done", "--json"])).out)).toEqual({ removed: 1 });
  });

  it("1: a file not queued; 2: usage; 3: no token for start; 4: no daemon answering; 5: no such report", async () => {
    const missing = await cli(["submit", join(dir, "nope.json"), "--json"]);
    expect(missing.code).toBe(EXIT.failure);
    expect(JSON.parse(missing.out)[0].error).toMatch(/cannot read/);

    expect((await cli(["queue", "purge"])).code).toBe(EXIT.usage);
    expect((await cli(["queue", "list", "--state", "lost"])).code).toBe(EXIT.usage);
    expect((await cli(["queue", "list", "--limit", "0"])).code).toBe(EXIT.usage);
    expect((await cli(["status", "extra"])).code).toBe(EXIT.usage);

    const start = await cli(["start"], null);
    expect(start.code).toBe(EXIT.config);
    expect(start.err).toMatch(/no API token: set WATS_AUTH_TOKEN or server\.token/);
    writeConfig(sim.url, { upload: { maxAttempts: -1 } });
    const invalid = await cli(["queue", "list"]);
    expect(invalid.code).toBe(EXIT.config);
    expect(invalid.err).toMatch(/upload\.maxAttempts/);
    writeConfig(sim.url);

    // daemon.json left by a daemon that is gone: status says so.
    await FileQueue.open({ folder: join(dir, "queue") });
    const port = await closedPort();
    writeFileSync(join(dir, "queue", "daemon.json"), JSON.stringify({ url: `http://127.0.0.1:${port}` }));
    const status = await cli(["status", "--json"]);
    expect(status.code).toBe(EXIT.notRunning);
    expect(status.err).toMatch(/does not answer/);

    const unknown = "00000000-0000-4000-8000-00000000abcd";
    expect((await cli(["queue", "show", unknown])).code).toBe(EXIT.notFound);
    expect((await cli(["queue", "retry", unknown])).code).toBe(EXIT.notFound);
  });
});

describe("/metrics text", () => {
  const stats: UploaderStats = {
    state: "running",
    auth: "authentication-required",
    authMessage: "HTTP 401: denied",
    authSince: "2026-03-01T10:00:00.000Z",
    breaker: "half-open",
    holdUntil: null,
    concurrency: 2,
    inFlight: 1,
    uploadsOk: 7,
    uploadsFailed: 2,
    uploadsRetried: 5,
    lastSuccessAt: "2026-03-01T10:00:00.000Z",
    lastError: null,
  };

  it("has the queue depth per state, outcomes, breaker and auth state, each with HELP and TYPE", () => {
    const text = metricsText({ pending: 3, sending: 1, done: 7, failed: 2 }, stats);
    const m = parseMetrics(text);
    expect(m.get('tswats_client_queue_reports{state="pending"}')).toBe(3);
    expect(m.get('tswats_client_queue_reports{state="sending"}')).toBe(1);
    expect(m.get('tswats_client_queue_reports{state="failed"}')).toBe(2);
    expect(m.get('tswats_client_uploads_total{outcome="ok"}')).toBe(7);
    expect(m.get('tswats_client_uploads_total{outcome="failed"}')).toBe(2);
    expect(m.get('tswats_client_uploads_total{outcome="retried"}')).toBe(5);
    expect(m.get("tswats_client_uploads_in_flight")).toBe(1);
    expect(m.get("tswats_client_last_success_timestamp_seconds")).toBe(
      Date.parse(stats.lastSuccessAt ?? "") / 1000,
    );
    expect(m.get('tswats_client_breaker_state{state="half-open"}')).toBe(1);
    expect(m.get('tswats_client_breaker_state{state="closed"}')).toBe(0);
    expect(m.get("tswats_client_auth_required")).toBe(1);
    expect(text).toContain("# TYPE tswats_client_uploads_total counter");
    expect(text).toContain("# TYPE tswats_client_queue_reports gauge");
    expect(text.endsWith("\n")).toBe(true);
    const ok = parseMetrics(
      metricsText(
        { pending: 0, sending: 0, done: 0, failed: 0 },
        { ...stats, auth: "ok", breaker: "open", lastSuccessAt: null },
      ),
    );
    expect(ok.get("tswats_client_auth_required")).toBe(0);
    expect(ok.get('tswats_client_breaker_state{state="open"}')).toBe(1);
    expect(ok.get("tswats_client_last_success_timestamp_seconds")).toBe(0);
  });
});
