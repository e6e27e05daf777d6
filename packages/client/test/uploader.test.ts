import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileQueue } from "../src/queue/file-queue.js";
import { Uploader, type UploaderEvent } from "../src/upload/uploader.js";
import { createWatsTarget, type UploadTarget } from "../src/upload/wats-target.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";

let dir: string;
let cleanup: () => Promise<void>;
let sim: Simulator;
let uploader: Uploader | undefined;
let target: UploadTarget | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await startSimulator({ port: 0, seed: 1, data: "empty" });
});
afterEach(async () => {
  await uploader?.stop(2_000);
  await target?.close();
  uploader = undefined;
  target = undefined;
  await sim.close();
  await cleanup();
});

const files = async (state: string) => (await readdir(join(dir, state))).sort();

/** Resolves when `predicate` holds after an uploader event (no timing involved). */
function until(u: Uploader, predicate: (event: UploaderEvent) => boolean | Promise<boolean>): Promise<void> {
  return new Promise((resolve) => {
    const off = u.on(async (event) => {
      if (await predicate(event)) {
        off();
        resolve();
      }
    });
  });
}

async function setup(options: {
  count: number;
  token?: () => string;
  concurrency?: number;
  breaker?: { failureThreshold: number; minimumCalls: number; openMs: number; windowMs?: number } | false;
  authRetryMs?: number;
}) {
  const queue = await FileQueue.open({ folder: dir, recover: true });
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) ids.push((await queue.enqueue(sampleReport(), sampleSource())).id);
  target = await createWatsTarget({
    baseUrl: sim.url,
    token: options.token ?? (() => sim.token),
    logger: false,
    throttle: false,
    timeoutMs: 2_000,
    breaker: options.breaker ?? false,
  });
  uploader = new Uploader({
    queue,
    target,
    concurrency: options.concurrency ?? 2,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    authRetryMs: options.authRetryMs ?? 50,
    idlePollMs: 50,
  });
  return { queue, ids, uploader, target };
}

describe("Uploader against the simulator", () => {
  it("uploads every report once, with its id, concurrently, and moves them to done/", async () => {
    const { ids, uploader: u } = await setup({ count: 20, concurrency: 4 });
    const finished = until(u, async (e) => e.type === "ok" && u.stats().uploadsOk === 20);
    u.start();
    await finished;
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    expect(ids.every((id) => sim.reports.replaceCount(id) === 0)).toBe(true);
    expect(await files("done")).toHaveLength(20);
    expect(await files("pending")).toEqual([]);
    expect(u.stats()).toMatchObject({ uploadsOk: 20, uploadsFailed: 0, auth: "ok" });
    expect(u.stats().lastSuccessAt).not.toBeNull();
  });

  it("a report the queue validated when claiming it is not validated again on the way out", async () => {
    for (const validate of [true, false]) {
      const queue = await FileQueue.open({
        folder: join(dir, `validate-${validate}`),
        recover: true,
        validate,
      });
      const id = (await queue.enqueue(sampleReport(), sampleSource())).id;
      const real = await createWatsTarget({
        baseUrl: sim.url,
        token: () => sim.token,
        logger: false,
        throttle: false,
      });
      const seen: (boolean | undefined)[] = [];
      const recording: UploadTarget = {
        ...real,
        send(report, signal, options) {
          seen.push(options?.validated);
          return real.send(report, signal, options);
        },
      };
      const u = new Uploader({ queue, target: recording, concurrency: 1, idlePollMs: 50 });
      const finished = until(u, (e) => e.type === "ok");
      u.start();
      await finished;
      await u.stop(2_000);
      await real.close();
      // The queue validates each entry it reads unless told not to; the target checks only what it did not.
      expect(seen).toEqual([validate]);
      expect(sim.reports.ids()).toContain(id);
    }
  });

  it("retries 503 with Retry-After, a reset and a hang; persists attempts; delivers everything", async () => {
    sim.faults.add({
      kind: "status",
      status: 503,
      retryAfter: 1,
      times: 2,
      match: { path: "/api/Report/WSJF" },
    });
    sim.faults.add({ kind: "reset", times: 1, match: { path: "/api/Report/WSJF" } });
    sim.faults.add({ kind: "hang", times: 1, match: { path: "/api/Report/WSJF" } });
    const retries: UploaderEvent[] = [];
    const { ids, uploader: u } = await setup({ count: 6 });
    u.on((e) => {
      if (e.type === "retry") retries.push(e);
    });
    const finished = until(u, () => sim.reports.size === 6);
    u.start();
    await finished;
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    expect(retries).toHaveLength(4);
    // The 503s carried Retry-After: 1 s, so their next attempt was at least 1 s later.
    expect(
      retries
        .filter((e) => e.type === "retry" && e.status === 503)
        .every((e) => e.type === "retry" && e.delayMs >= 1000),
    ).toBe(true);
    expect(await files("failed")).toEqual([]);
  });

  it("a 400 goes to failed/ with the server's message; the others still upload", async () => {
    sim.faults.add({
      kind: "status",
      status: 400,
      body: { Message: "Unknown process code 10" },
      times: 1,
      match: { path: "/api/Report/WSJF" },
    });
    const { uploader: u } = await setup({ count: 3, concurrency: 1 });
    const finished = until(u, () => u.stats().uploadsOk === 2 && u.stats().uploadsFailed === 1);
    u.start();
    await finished;
    const failed = await files("failed");
    expect(failed).toHaveLength(2);
    const reason = JSON.parse(
      await readFile(join(dir, "failed", failed.find((f) => f.endsWith(".reason.json"))!), "utf8"),
    );
    expect(reason).toMatchObject({
      reason: "rejected",
      status: 400,
      message: "Unknown process code 10",
      attempts: 1,
    });
    expect(sim.reports.size).toBe(2);
  });

  it("401 pauses all uploads (nothing to failed/, no attempt burnt) until the token is fixed", async () => {
    let token = "d3Jvbmc6dG9rZW4tdGhhdC1pcy13cm9uZw==";
    const { queue, ids, uploader: u } = await setup({ count: 5, token: () => token, authRetryMs: 30 });
    const paused = until(u, (e) => e.type === "auth-required");
    u.start();
    await paused;
    // Several probes are refused while the token is wrong.
    await waitFor(() => sim.requests.filter((r) => r.status === 401).length >= 3);
    expect(u.stats()).toMatchObject({ auth: "authentication-required", uploadsOk: 0, uploadsFailed: 0 });
    expect(u.stats().authMessage).toMatch(/401/);
    expect(await files("failed")).toEqual([]);
    const postsWhilePaused = sim.requests.length;
    token = sim.token;
    await until(u, (e) => e.type === "auth-ok");
    await waitFor(() => sim.reports.size === 5);
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    expect(u.stats().auth).toBe("ok");
    // Paused means one probe at a time, never all five reports per round.
    expect(postsWhilePaused).toBeLessThan(5 * 3);
    // No attempt was counted for the refused uploads.
    const show = await queue.show(ids[0] as string);
    expect(show?.state).toBe("done");
  });

  it("while the breaker is open only probe requests reach the server", async () => {
    const {
      ids,
      uploader: u,
      target: t,
    } = await setup({
      count: 8,
      concurrency: 4,
      breaker: { failureThreshold: 2, minimumCalls: 2, openMs: 150, windowMs: 10_000 },
    });
    sim.faults.down({ mode: "503" });
    const windows: { state: string; requestsAtStart: number }[] = [];
    t.onBreakerChange?.((change) => {
      windows.push({ state: change.to, requestsAtStart: sim.requests.length });
      if (windows.filter((w) => w.state === "open").length === 4) sim.faults.up();
    });
    const finished = until(u, () => sim.reports.size === 8);
    u.start();
    await finished;
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    const opens = windows.filter((w) => w.state === "open").length;
    expect(opens).toBeGreaterThanOrEqual(4);
    // After the first opening (stragglers of the first burst may still arrive), every open window
    // lets nothing through and every half-open window exactly the one probe.
    for (let i = 1; i < windows.length - 1; i++) {
      const w = windows[i]!;
      const next = windows[i + 1]!;
      const requests = next.requestsAtStart - w.requestsAtStart;
      if (w.state === "open" && i > 1) expect(requests).toBe(0);
      if (w.state === "half-open") expect(requests).toBeLessThanOrEqual(1);
    }
  });

  it("stop() drains: uploads cut off by the drain timeout go back to pending/, nothing lost", async () => {
    sim.faults.add({ kind: "hang", times: "always", match: { path: "/api/Report/WSJF" } });
    const { queue, uploader: u } = await setup({ count: 2, concurrency: 2 });
    u.start();
    await waitFor(() => sim.requests.length === 2);
    expect(await files("sending")).toHaveLength(2);
    await u.stop(100);
    expect(await files("sending")).toEqual([]);
    expect(await files("pending")).toHaveLength(2);
    const claim = await queue.claimNext();
    expect(claim?.entry.attempts).toBe(0);
  });
});

async function waitFor(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}
