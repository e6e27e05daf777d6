import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENTRY_FORMAT } from "../src/queue/entry.js";
import { FileQueue, QueueError } from "../src/queue/file-queue.js";
import { nodeQueueFs, type QueueFs } from "../src/queue/fs-layer.js";
import { formatEntryName, restamp } from "../src/queue/naming.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";

let dir: string;
let cleanup: () => Promise<void>;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  clock = Date.parse("2026-03-01T12:00:00Z");
});
afterEach(() => cleanup());

const files = async (state: string) => (await readdir(join(dir, state))).sort();

describe("FileQueue enqueue", () => {
  it("writes the report durably to pending/ with its source and an id marker", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const report = sampleReport();
    const result = await queue.enqueue(report, sampleSource());
    expect(result).toEqual({ id: report.id, status: "enqueued" });
    const [name] = await files("pending");
    expect(name).toBe(
      formatEntryName({
        stamp: clock,
        enqueuedMs: clock,
        seq: Number(name?.split("-")[2]),
        id: report.id as string,
      }),
    );
    const entry = JSON.parse(await readFile(join(dir, "pending", name as string), "utf8"));
    expect(entry).toMatchObject({ format: ENTRY_FORMAT, id: report.id, attempts: 0, source: sampleSource() });
    expect(entry.report.sn).toBe(report.sn);
    expect(await files("ids")).toEqual([report.id]);
    expect(await files("tmp")).toEqual([]);
  });

  it("says duplicate for an id already pending, sending or done, also after a restart", async () => {
    const report = sampleReport();
    let queue = await FileQueue.open({ folder: dir, now });
    await queue.enqueue(report, sampleSource());
    expect((await queue.enqueue(report, sampleSource())).status).toBe("duplicate");
    const claim = await queue.claimNext();
    expect((await queue.enqueue(report, sampleSource())).status).toBe("duplicate");
    await queue.complete(claim!);
    queue = await FileQueue.open({ folder: dir, now, recover: true });
    expect((await queue.enqueue(report, sampleSource())).status).toBe("duplicate");
    expect(await files("pending")).toEqual([]);
    expect(await files("done")).toHaveLength(1);
  });

  it("serialises concurrent enqueues of one id: exactly one is written", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const report = sampleReport();
    const results = await Promise.all([1, 2, 3, 4].map(() => queue.enqueue(report, sampleSource())));
    expect(results.filter((r) => r.status === "enqueued")).toHaveLength(1);
    expect(await files("pending")).toHaveLength(1);
  });

  it("rejects an invalid report naming the problem, and a report without a GUID id", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const bad = { ...sampleReport(), pn: "" };
    await expect(queue.enqueue(bad, sampleSource())).rejects.toThrow(/pn/);
    await expect(queue.enqueue({ ...sampleReport(), id: "nope" }, sampleSource())).rejects.toThrow(/GUID/);
    expect(await files("pending")).toEqual([]);
  });

  it("a report whose id failed is enqueued afresh and replaces the failed entry", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const report = sampleReport();
    await queue.enqueue(report, sampleSource());
    const claim = await queue.claimNext();
    await queue.fail(claim!, { reason: "rejected", status: 400, message: "bad pn" });
    expect(await files("failed")).toHaveLength(2); // entry + reason
    expect((await queue.enqueue(report, sampleSource())).status).toBe("enqueued");
    expect(await files("failed")).toEqual([]);
    expect(await files("pending")).toHaveLength(1);
  });
});

describe("FileQueue claiming", () => {
  it("claims FIFO by enqueue time by renaming into sending/, with a bounded batch", async () => {
    const queue = await FileQueue.open({ folder: dir, now, batchSize: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      clock += 5;
      ids.push((await queue.enqueue(sampleReport(), sampleSource())).id);
    }
    const claimed: string[] = [];
    for (let i = 0; i < 10; i++) {
      const claim = await queue.claimNext();
      expect(await readdir(join(dir, "sending"))).toContain(claim!.name);
      claimed.push(claim!.id);
      await queue.complete(claim!);
    }
    expect(claimed).toEqual(ids);
    expect(await queue.claimNext()).toBeUndefined();
    expect(queue.counts()).toMatchObject({ pending: 0, sending: 0, done: 10 });
  });

  it("on start (owner mode) moves sending/ back to pending/; a CLI open leaves it alone", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const { id } = await queue.enqueue(sampleReport(), sampleSource());
    await queue.claimNext();
    await FileQueue.open({ folder: dir, now });
    expect(await files("sending")).toHaveLength(1);
    const reopened = await FileQueue.open({ folder: dir, now, recover: true });
    expect(await files("sending")).toEqual([]);
    expect((await reopened.claimNext())?.id).toBe(id);
  });

  it("keeps one copy when a crash left two versions of a report in sending/", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    await queue.enqueue(sampleReport(), sampleSource());
    const claim = await queue.claimNext();
    const older = join(dir, "sending", claim!.name);
    const text = await readFile(older, "utf8");
    // release() writes the restamped copy beside the old one: same order key, later stamp.
    const newer = restamp(claim!.name, clock + 60_000);
    await writeFile(join(dir, "sending", newer), JSON.stringify({ ...JSON.parse(text), attempts: 3 }));
    const reopened = await FileQueue.open({ folder: dir, now, recover: true });
    expect(await files("pending")).toEqual([newer]);
    clock += 60_000;
    expect((await reopened.claimNext())?.entry.attempts).toBe(3);
  });

  it("moves corrupt, truncated and stray files to failed/ with a reason and keeps going", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const good = await queue.enqueue(sampleReport(), sampleSource());
    const truncated = formatEntryName({
      stamp: clock - 10,
      enqueuedMs: clock - 10,
      seq: 1,
      id: sampleReport().id as string,
    });
    await writeFile(join(dir, "pending", truncated), '{"format":"tswats-queue-entry/1","id":"ab');
    const wrongShape = formatEntryName({
      stamp: clock - 5,
      enqueuedMs: clock - 5,
      seq: 2,
      id: sampleReport().id as string,
    });
    await writeFile(join(dir, "pending", wrongShape), JSON.stringify({ hello: "world" }));
    await writeFile(join(dir, "pending", "notes.txt"), "someone's notes");
    const claim = await queue.claimNext();
    expect(claim?.id).toBe(good.id);
    const failed = await files("failed");
    expect(failed).toHaveLength(6);
    const reasons = await Promise.all(
      failed
        .filter((f) => f.endsWith(".reason.json"))
        .map(async (f) => JSON.parse(await readFile(join(dir, "failed", f), "utf8"))),
    );
    expect(reasons.map((r) => r.reason).sort()).toEqual(["corrupt", "corrupt", "unrecognised"]);
    expect(reasons.find((r) => /not JSON/.test(r.message))).toBeDefined();
    expect(reasons.find((r) => /format/.test(r.message))).toBeDefined();
  });

  it("persists attempts and the next attempt time across a restart", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const { id } = await queue.enqueue(sampleReport(), sampleSource());
    const claim = await queue.claimNext();
    await queue.release(claim!, {
      countAttempt: true,
      delayMs: 30_000,
      error: { at: new Date(clock).toISOString(), kind: "WatsServerError", status: 503, message: "down" },
    });
    const reopened = await FileQueue.open({ folder: dir, now, recover: true });
    expect(await reopened.claimNext()).toBeUndefined();
    expect(reopened.nextDueInMs()).toBe(30_000);
    clock += 30_000;
    const again = await reopened.claimNext();
    expect(again?.id).toBe(id);
    expect(again?.entry.attempts).toBe(1);
    expect(again?.entry.lastError).toMatchObject({ status: 503, message: "down" });
  });
});

describe("FileQueue maintenance", () => {
  it("retry moves a failed report back with attempts reset; superseded when the id is active again", async () => {
    const queue = await FileQueue.open({ folder: dir, now });
    const a = await queue.enqueue(sampleReport(), sampleSource());
    const b = await queue.enqueue(sampleReport(), sampleSource());
    for (let i = 0; i < 2; i++) {
      const claim = await queue.claimNext();
      await queue.fail(claim!, { reason: "rejected", status: 422, message: "nope", countAttempt: true });
    }
    const shown = await queue.show(a.id);
    expect(shown).toMatchObject({
      state: "failed",
      reason: { reason: "rejected", status: 422, attempts: 1 },
    });
    expect(await queue.retry(a.id)).toBe("requeued");
    expect((await queue.show(a.id))?.state).toBe("pending");
    expect((await queue.claimNext())?.entry.attempts).toBe(0);
    expect(await queue.retry("00000000-0000-4000-8000-000000000000")).toBe("not-found");
    const progress: number[] = [];
    expect(await queue.retryAll((n) => progress.push(n))).toMatchObject({ requeued: 1 });
    expect(progress).toEqual([1]);
    expect((await queue.show(b.id))?.state).toBe("pending");
  });

  it("prunes done/ by age and by count, and purges it", async () => {
    const queue = await FileQueue.open({ folder: dir, now, done: { maxAgeMs: 60_000, maxCount: 3 } });
    for (let i = 0; i < 6; i++) {
      await queue.enqueue(sampleReport(), sampleSource());
      const claim = await queue.claimNext();
      clock += 20_000;
      await queue.complete(claim!);
    }
    // done at +20 s ... +120 s, now +120 s: the age cutoff (+60 s) drops +20 and +40, the count limit one more
    expect(await queue.prune()).toBe(3);
    expect(await files("done")).toHaveLength(3);
    expect(await files("ids")).toHaveLength(3);
    expect(await queue.purgeDone()).toBe(3);
    expect(await files("done")).toEqual([]);
  });

  it("a full disk fails enqueue with a clear error, leaves nothing behind, and works again after", async () => {
    let full = true;
    const fs: QueueFs = {
      ...nodeQueueFs,
      async writeNewFile(path, data, options) {
        if (full)
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return nodeQueueFs.writeNewFile(path, data, options);
      },
    };
    const queue = await FileQueue.open({ folder: dir, now, fs });
    const report = sampleReport();
    const error = await queue.enqueue(report, sampleSource()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).code).toBe("ENOSPC");
    expect((error as Error).message).toMatch(/disk is full/);
    expect(await files("pending")).toEqual([]);
    expect(await files("tmp")).toEqual([]);
    expect(await queue.checkWritable()).toMatchObject({ ok: false });
    full = false;
    expect((await queue.enqueue(report, sampleSource())).status).toBe("enqueued");
  });

  it.skipIf(process.getuid?.() === 0)(
    "a read-only queue folder gives a permission error (skipped as root: chmod does not stop root)",
    async () => {
      const queue = await FileQueue.open({ folder: dir, now });
      await chmod(join(dir, "tmp"), 0o555);
      try {
        await expect(queue.enqueue(sampleReport(), sampleSource())).rejects.toThrow(/permission/);
        expect(await queue.checkWritable()).toMatchObject({ ok: false });
      } finally {
        await chmod(join(dir, "tmp"), 0o755);
      }
    },
  );

  it("a read-only queue (EACCES from the file system layer) gives a permission error", async () => {
    const fs: QueueFs = {
      ...nodeQueueFs,
      async writeNewFile() {
        throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      },
    };
    const queue = await FileQueue.open({ folder: dir, now, fs });
    await expect(queue.enqueue(sampleReport(), sampleSource())).rejects.toThrow(/no permission to write/);
  });
});

describe("FileQueue counts while directory walks overlap changes", () => {
  /**
   * An fs layer whose next walk of pending/ lists the folder as it is when the walk starts, hands
   * out the first name, then waits for `resume()`: whatever the test does meanwhile happens
   * in the middle of that walk, and the walk does not see it.
   */
  function pausingFs(folder: string) {
    let armed = false;
    let paused: () => void = () => undefined;
    let resume: () => void = () => undefined;
    const pausedOnce = new Promise<void>((resolve) => {
      paused = resolve;
    });
    const fs: QueueFs = {
      ...nodeQueueFs,
      entries(path) {
        if (!armed || path !== join(folder, "pending")) return nodeQueueFs.entries(path);
        armed = false;
        return (async function* () {
          const listed: { name: string; isFile: boolean }[] = [];
          for await (const entry of nodeQueueFs.entries(path)) listed.push(entry);
          for (const [index, entry] of listed.entries()) {
            yield entry;
            if (index === 0) {
              paused();
              await new Promise<void>((resolve) => {
                resume = resolve;
              });
            }
          }
        })();
      },
    };
    return {
      fs,
      arm: () => {
        armed = true;
      },
      pausedOnce,
      resume: () => resume(),
    };
  }

  it("an enqueue during the claim's scan is still counted", async () => {
    const pausing = pausingFs(dir);
    const queue = await FileQueue.open({ folder: dir, now, fs: pausing.fs });
    await queue.enqueue(sampleReport(), sampleSource());
    pausing.arm();
    const claiming = queue.claimNext();
    await pausing.pausedOnce;
    await queue.enqueue(sampleReport(), sampleSource());
    pausing.resume();
    expect(await claiming).toBeDefined();
    expect(await files("pending")).toHaveLength(1);
    expect(queue.counts()).toMatchObject({ pending: 1, sending: 1 });
  });

  it("a claim during refreshCounts' walk of pending/ is not counted twice", async () => {
    const pausing = pausingFs(dir);
    const queue = await FileQueue.open({ folder: dir, now, fs: pausing.fs });
    await queue.enqueue(sampleReport(), sampleSource());
    await queue.enqueue(sampleReport(), sampleSource());
    pausing.arm();
    const refreshing = queue.refreshCounts();
    await pausing.pausedOnce;
    expect(await queue.claimNext()).toBeDefined();
    pausing.resume();
    await refreshing;
    expect(await files("pending")).toHaveLength(1);
    expect(queue.counts()).toMatchObject({ pending: 1, sending: 1 });
    // Once quiet, a walk sets the count from disk again (a report another process queued).
    await writeFile(
      join(
        dir,
        "pending",
        formatEntryName({
          stamp: clock,
          enqueuedMs: clock,
          seq: 7,
          id: "00000000-0000-4000-8000-000000000007",
        }),
      ),
      "{}",
    );
    expect((await queue.refreshCounts()).pending).toBe(2);
  });

  it("an outcome of another state during a walk of pending/ does not keep that walk's count out", async () => {
    const pausing = pausingFs(dir);
    const queue = await FileQueue.open({ folder: dir, now, fs: pausing.fs });
    await queue.enqueue(sampleReport(), sampleSource());
    const claim = await queue.claimNext();
    // Another process's report, which only a walk can count.
    const other = formatEntryName({
      stamp: clock,
      enqueuedMs: clock,
      seq: 8,
      id: "00000000-0000-4000-8000-000000000008",
    });
    await writeFile(join(dir, "pending", other), "{}");
    expect(queue.counts().pending).toBe(0);
    pausing.arm();
    const refreshing = queue.refreshCounts();
    await pausing.pausedOnce;
    await queue.complete(claim!);
    pausing.resume();
    expect(await refreshing).toMatchObject({ pending: 1, sending: 0, done: 1 });
  });
});

describe("nodeQueueFs.entries", () => {
  it("streams every entry of a folder larger than one batch, and an empty folder", async () => {
    const names = Array.from({ length: 150 }, (_, i) => `f${String(i).padStart(3, "0")}`);
    await Promise.all(names.map((name) => writeFile(join(dir, name), "")));
    await mkdir(join(dir, "sub"));
    await mkdir(join(dir, "empty"));
    const seen: { name: string; isFile: boolean }[] = [];
    for await (const entry of nodeQueueFs.entries(dir)) seen.push(entry);
    expect(
      seen
        .filter((e) => e.isFile)
        .map((e) => e.name)
        .sort(),
    ).toEqual(names);
    expect(
      seen
        .filter((e) => !e.isFile)
        .map((e) => e.name)
        .sort(),
    ).toEqual(["empty", "sub"]);
    const none: unknown[] = [];
    for await (const entry of nodeQueueFs.entries(join(dir, "empty"))) none.push(entry);
    expect(none).toEqual([]);
  });

  it("closes the directory when a loop stops early, and rejects for a missing folder", async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => writeFile(join(dir, `f${i}`), "")));
    const iterator = nodeQueueFs.entries(dir)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(await iterator.return?.()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    const missing = nodeQueueFs.entries(join(dir, "nope"))[Symbol.asyncIterator]();
    await expect(missing.next()).rejects.toMatchObject({ code: "ENOENT" });
  });
});
