/**
 * The daemon in this process (`startDaemon`) with a file-system layer that fails the way disks
 * do, against the simulator: a full disk (ENOSPC), a read-only queue (EROFS) and operations
 * that fail half-way. Tests run as root in CI, where chmod does not stop writes, so the
 * failures come from the injected layer. Also: /health/ready transitions and the bind address.
 */
import { readdir } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { createLogger } from "@tswats/core";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseClientConfig } from "../src/config/load.js";
import type { ClientConfigInput } from "../src/config/schema.js";
import { type Daemon, startDaemon } from "../src/daemon/daemon.js";
import { QueueError } from "../src/queue/file-queue.js";
import { nodeQueueFs, type QueueFs } from "../src/queue/fs-layer.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { waitFor } from "./helpers/daemon-process.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";

type DiskMode = "ok" | "full" | "read-only";

/** node:fs, except that a full disk refuses new files and a read-only one every change. */
function faultyFs() {
  let mode: DiskMode = "ok";
  const fail = (code: "ENOSPC" | "EROFS", call: string) => {
    const text = code === "ENOSPC" ? "no space left on device" : "read-only file system";
    return Object.assign(new Error(`${code}: ${text}, ${call}`), { code });
  };
  const guard = (call: string, changesOnly: boolean) => {
    if (mode === "read-only") throw fail("EROFS", call);
    if (mode === "full" && !changesOnly) throw fail("ENOSPC", call);
  };
  const fs: QueueFs = {
    ...nodeQueueFs,
    async writeNewFile(path, data, options) {
      guard("open", false);
      return nodeQueueFs.writeNewFile(path, data, options);
    },
    async rename(from, to) {
      guard("rename", true);
      return nodeQueueFs.rename(from, to);
    },
    async unlink(path) {
      guard("unlink", true);
      return nodeQueueFs.unlink(path);
    },
    async mkdir(path) {
      guard("mkdir", true);
      return nodeQueueFs.mkdir(path);
    },
  };
  const set = (next: DiskMode) => {
    mode = next;
  };
  return { fs, set };
}

let dir: string;
let cleanup: () => Promise<void>;
let sim: Simulator;
let daemon: Daemon | undefined;
let logs: string[];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
  logs = [];
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await sim.close();
  await cleanup();
});

/** A daemon on the test's queue folder; `upload` overrides single upload settings of the fast defaults. */
async function start(
  options: {
    fs?: QueueFs;
    config?: Partial<ClientConfigInput>;
    upload?: Partial<NonNullable<ClientConfigInput["upload"]>>;
    baseUrl?: string;
  } = {},
) {
  const config = parseClientConfig({
    server: { baseUrl: options.baseUrl ?? sim.url, timeoutMs: 3_000 },
    queue: { folder: join(dir, "queue") },
    upload: {
      concurrency: 2,
      baseDelayMs: 20,
      maxDelayMs: 100,
      pollMs: 20,
      throttle: false,
      breaker: false,
      authRetryMs: 100,
      ...options.upload,
    },
    health: { port: 0 },
    shutdownTimeoutMs: 2_000,
    ...options.config,
  });
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => logs.push(line) } });
  daemon = await startDaemon({
    config,
    token: () => CANARY,
    logger,
    ...(options.fs ? { fs: options.fs } : {}),
  });
  return daemon;
}

const files = async (sub: string) => (await readdir(join(dir, "queue", sub))).sort();
const ready = async (d: Daemon) => {
  const response = await fetch(`${d.health.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
/** Log lines matching every pattern (pino puts the message after the fields). */
const logged = (...patterns: RegExp[]) => logs.filter((line) => patterns.every((p) => p.test(line))).length;

describe("daemon on a failing disk (injected file-system layer)", () => {
  it("full disk: clear error in the logs and /health/ready, the daemon keeps running, nothing lost after", {
    timeout: 30_000,
  }, async () => {
    const disk = faultyFs();
    const d = await start({ fs: disk.fs });
    expect((await ready(d)).status).toBe(200);
    // WATS answers 503 for now, so every report needs a retry, and a retry writes its file.
    const fault = sim.faults.add({
      kind: "status",
      status: 503,
      times: "always",
      match: { path: "/api/Report/WSJF" },
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await d.queue.enqueue(sampleReport(), sampleSource())).id);
    await waitFor(() => logged(/retrying later/) >= 1, 10_000, "a first retry");
    disk.set("full");

    await waitFor(
      () => logged(/cannot update the queue/, /the disk is full \(ENOSPC\)/) >= 2,
      15_000,
      "ENOSPC in the log",
    );
    const notReady = await ready(d);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: "not ready", ready: false });
    expect((notReady.body.checks as Record<string, unknown>).queueWritable).toMatch(
      /disk is full \(ENOSPC\)/,
    );
    const status = await d.status();
    expect(status.ready.ready).toBe(false);
    expect((await fetch(`${d.health.url}/health/live`)).status).toBe(200);
    // A new report is refused with the reason (the converter keeps its source file).
    const refused = await d.queue.enqueue(sampleReport(), sampleSource()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QueueError);
    expect((refused as QueueError).code).toBe("ENOSPC");
    expect(sim.reports.size).toBe(0);

    sim.faults.remove(fault);
    disk.set("ok");
    await waitFor(() => sim.reports.size === ids.length, 20_000, "every report after space returned");
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    await waitFor(() => d.uploader.stats().uploadsOk === ids.length, 10_000, "all moved to done/");
    expect(await files("done")).toHaveLength(ids.length);
    expect(await files("sending")).toEqual([]);
    expect(await files("pending")).toEqual([]);
    expect(await files("failed")).toEqual([]);
    expect((await ready(d)).status).toBe(200);
    expectNoLeak(logs);
  });

  it("read-only queue: no upload starts, the error is shown, the daemon keeps running; nothing lost", {
    timeout: 30_000,
  }, async () => {
    const disk = faultyFs();
    const d = await start({ fs: disk.fs });
    // The first two posts get 503 + Retry-After: 1 s, so every worker holds with reports pending.
    sim.faults.add({
      kind: "status",
      status: 503,
      retryAfter: 1,
      times: 2,
      match: { path: "/api/Report/WSJF" },
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await d.queue.enqueue(sampleReport(), sampleSource())).id);
    await waitFor(() => logged(/retrying later/) >= 2, 10_000, "both workers holding");
    disk.set("read-only");

    const claimError = [/queue error; retrying shortly/, /the file system is read-only \(EROFS\)/];
    await waitFor(() => logged(...claimError) >= 2, 15_000, "EROFS on claim");
    const posts = () => sim.requests.filter((r) => r.path === "/api/Report/WSJF").length;
    const postsWhileReadOnly = posts();
    const notReady = await ready(d);
    expect(notReady.status).toBe(503);
    expect((notReady.body.checks as Record<string, unknown>).queueWritable).toMatch(/read-only \(EROFS\)/);
    expect((await fetch(`${d.health.url}/health/live`)).status).toBe(200);
    // The workers keep trying to claim, but nothing is sent while the queue cannot change.
    const seenErrors = logged(...claimError);
    await waitFor(() => logged(...claimError) >= seenErrors + 2, 15_000, "more claim attempts");
    expect(posts()).toBe(postsWhileReadOnly);
    expect(await files("sending")).toEqual([]);
    expect((await files("pending")).length + sim.reports.size).toBe(ids.length);

    disk.set("ok");
    await waitFor(
      () => sim.reports.size === ids.length,
      20_000,
      "every report after the queue is writable again",
    );
    await waitFor(() => d.uploader.stats().uploadsOk === ids.length, 20_000, "all moved to done/");
    expect(ids.every((id) => sim.reports.replaceCount(id) === 0)).toBe(true);
    expect(await files("done")).toHaveLength(ids.length);
    expect(await files("sending")).toEqual([]);
    expect(await files("failed")).toEqual([]);
    expect((await ready(d)).status).toBe(200);
  });

  it("a move that fails half-way (after the old copy is gone) is finished by the retry", {
    timeout: 30_000,
  }, async () => {
    // Fail once: the rename sending/ -> pending/ of a retry, and the fsync of done/ after a success.
    let renameToPending = 1;
    let syncDone = 1;
    const fs: QueueFs = {
      ...nodeQueueFs,
      async rename(from, to) {
        if (from.includes("sending") && to.includes("pending") && renameToPending-- > 0)
          throw Object.assign(new Error("EIO: i/o error, rename"), { code: "EIO" });
        return nodeQueueFs.rename(from, to);
      },
      async syncDir(path) {
        if (path.endsWith("done") && syncDone-- > 0)
          throw Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
        return nodeQueueFs.syncDir(path);
      },
    };
    sim.faults.add({ kind: "status", status: 503, times: 1, match: { path: "/api/Report/WSJF" } });
    const d = await start({
      fs,
      upload: { concurrency: 1, maxDelayMs: 50 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await d.queue.enqueue(sampleReport(), sampleSource())).id);
    await waitFor(() => d.uploader.stats().uploadsOk === ids.length, 15_000, "every report uploaded");
    expect(new Set(sim.reports.ids())).toEqual(new Set(ids));
    expect(await files("done")).toHaveLength(ids.length);
    expect(renameToPending).toBeLessThan(0);
    expect(syncDone).toBeLessThan(0);
    expect(await files("sending")).toEqual([]);
    expect(await files("pending")).toEqual([]);
    expect(d.queue.counts()).toMatchObject({ pending: 0, sending: 0, done: ids.length });
    const shown = await d.queue.show(ids[0] as string);
    expect(shown?.entry?.attempts).toBe(1);
  });
});

describe("/health/ready transitions and the bind address", () => {
  it("not ready while WATS is unreachable; ready again once an upload gets through", {
    timeout: 30_000,
  }, async () => {
    await sim.faults.down({ mode: "refuse" });
    const d = await start({
      upload: { concurrency: 1, maxDelayMs: 50 },
    });
    const down = await ready(d);
    expect(down.status).toBe(503);
    expect(down.body.checks).toMatchObject({
      queueWritable: true,
      server: "unreachable (WatsConnectionError)",
    });
    await d.queue.enqueue(sampleReport(), sampleSource());
    await sim.faults.up();
    await waitFor(
      async () => (await d.status()).uploader.uploadsOk === 1,
      15_000,
      "an upload after the server came back",
    );
    const up = await ready(d);
    expect(up.status).toBe(200);
    expect(up.body.checks).toMatchObject({ queueWritable: true, server: "reachable (recent upload)" });
  });

  it("intentionally offline (upload.enabled=false): ready without a server, reports only queued", async () => {
    const d = await start({
      baseUrl: "http://127.0.0.1:9",
      upload: { enabled: false },
    });
    await d.queue.enqueue(sampleReport(), sampleSource());
    const offline = await ready(d);
    expect(offline.status).toBe(200);
    expect(offline.body.checks).toMatchObject({ server: "offline (upload.enabled=false)" });
    expect((await d.status()).uploader.state).toBe("stopped");
    expect(await files("pending")).toHaveLength(1);
  });

  it("binds 127.0.0.1 by default: not reachable on the machine's other addresses", async () => {
    const d = await start();
    expect(d.health.host).toBe("127.0.0.1");
    expect(d.health.url).toBe(`http://127.0.0.1:${d.health.port}`);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === "IPv4" && !a.internal)
      .map((a) => a?.address as string);
    for (const address of others) {
      const error = await fetch(`http://${address}:${d.health.port}/health/live`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
    }
    // 404 names the endpoints; only GET.
    const unknown = await fetch(`${d.health.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      endpoints: ["/health/live", "/health/ready", "/metrics", "/status"],
    });
    expect((await fetch(`${d.health.url}/status`, { method: "POST" })).status).toBe(405);
  });
});
