/**
 * The queue folder's daemon lock with several starters at once: threads racing at a barrier (each
 * with its own pid), over a folder without a lock, with a stale lock (dead owner) and with a live
 * one. Exactly one starter may win, and a live owner is never displaced. The scenario of each round
 * comes from a seeded schedule (the seed is printed).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireQueueLock, QueueLockedError } from "../src/daemon/lock.js";
import { tempDir } from "./helpers/reports.js";
import { seededRandom } from "./helpers/seed.js";

const RACER = fileURLToPath(new URL("./helpers/lock-racer.mjs", import.meta.url));
const LOCK_MODULE = fileURLToPath(new URL("../src/daemon/lock.ts", import.meta.url));
const STALE = 999_999;
const LIVE_OUTSIDER = 888_888;

async function race(folder: string, pids: number[]): Promise<Map<number, string>> {
  const barrier = new SharedArrayBuffer(4);
  const workers = pids.map(
    (pid) => new Worker(RACER, { workerData: { module: LOCK_MODULE, folder, pid, stale: STALE, barrier } }),
  );
  const results = new Map<number, string>();
  const ready = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.once("error", reject);
        worker.once("message", () => resolve());
      }),
  );
  await Promise.all(ready);
  const done = workers.map(
    (worker, i) =>
      new Promise<void>((resolve, reject) => {
        worker.once("message", (message: string) => {
          results.set(pids[i] as number, message);
          resolve();
        });
        worker.once("error", reject);
      }),
  );
  const gate = new Int32Array(barrier);
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  return results;
}

describe("the queue lock with several daemons starting at once", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it("exactly one starter wins over no lock or a stale lock; a live owner keeps it", {
    timeout: 60_000,
  }, async () => {
    const { random } = seededRandom("queue-lock race");
    const scenarios = ["none", "stale", "stale", "live"] as const;
    for (let round = 0; round < 8; round++) {
      const scenario = scenarios[random.int(0, scenarios.length - 1)] as (typeof scenarios)[number];
      const folder = join(tmp.dir, `round-${round}`);
      mkdirSync(folder);
      if (scenario === "stale") writeFileSync(join(folder, "daemon.lock"), String(STALE));
      if (scenario === "live") writeFileSync(join(folder, "daemon.lock"), String(LIVE_OUTSIDER));
      const pids = Array.from({ length: random.int(2, 5) }, (_, i) => 100_000 + round * 10 + i);
      const results = await race(folder, pids);
      const context = `round ${round}, ${scenario} lock, ${pids.length} starters: ${JSON.stringify([...results])}`;
      const winners = pids.filter((pid) => results.get(pid) === "got");
      expect(
        pids.every((pid) => ["got", "locked"].includes(results.get(pid) ?? "")),
        context,
      ).toBe(true);
      const holder = Number(readFileSync(join(folder, "daemon.lock"), "utf8"));
      if (scenario === "live") {
        expect(winners, context).toEqual([]);
        expect(holder, context).toBe(LIVE_OUTSIDER);
      } else {
        expect(winners, context).toHaveLength(1);
        expect(holder, context).toBe(winners[0]);
      }
      // Nothing left behind but the lock itself.
      expect(readdirSync(folder), context).toEqual(["daemon.lock"]);
    }
  });

  it("releasing removes only the holder's own lock", async () => {
    const folder = join(tmp.dir, "release");
    mkdirSync(folder);
    const release = acquireQueueLock(folder, { pid: 4242, alive: () => true });
    expect(() => acquireQueueLock(folder, { pid: 4343, alive: () => true })).toThrow(QueueLockedError);
    release();
    expect(existsSync(join(folder, "daemon.lock"))).toBe(false);
    const next = acquireQueueLock(folder, { pid: 4343, alive: () => true });
    release(); // the first holder's release must not remove the new holder's lock
    expect(readFileSync(join(folder, "daemon.lock"), "utf8")).toBe("4343");
    next();
  });
});
