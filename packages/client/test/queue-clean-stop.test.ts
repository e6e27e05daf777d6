/**
 * The clean-stop note and the operation traces: a daemon start reads every id marker again only
 * when something may have been cut off (no note from this boot, or a trace of a writer that is
 * gone). With a note it reads none, so a queue of 10 000 reports starts without 10 000 reads;
 * every way of being cut off still gets its repair, down to a writer killed at a random moment.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createLogger } from "@tswats/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseClientConfig } from "../src/config/load.js";
import { startDaemon } from "../src/daemon/daemon.js";
import { CLEAN_STOP_FILE, currentBootId, formatCleanStop } from "../src/queue/clean-stop.js";
import type { QueueEntry } from "../src/queue/entry.js";
import { FileQueue } from "../src/queue/file-queue.js";
import { nodeQueueFs, type QueueFs } from "../src/queue/fs-layer.js";
import { parseMarker, reportHash } from "../src/queue/markers.js";
import { orderKey, parseEntryName } from "../src/queue/naming.js";
import { exited, packageDir } from "./helpers/daemon-process.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";
import { seededRandom } from "./helpers/seeded.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

/** node:fs, counting the reads of id markers. */
function countingFs(): { fs: QueueFs; markerReads: () => number } {
  let reads = 0;
  const fs: QueueFs = {
    ...nodeQueueFs,
    readFile(path) {
      if (path.includes(join(dir, "ids"))) reads++;
      return nodeQueueFs.readFile(path);
    },
  };
  return { fs, markerReads: () => reads };
}

/** Pending entries whose marker does not name them as the active version (with their content's hash). */
async function entriesWithoutTheirMarker(folder: string): Promise<string[]> {
  const wrong: string[] = [];
  for (const name of await readdir(join(folder, "pending"))) {
    const parsed = parseEntryName(name);
    if (!parsed) continue;
    const entry = JSON.parse(await readFile(join(folder, "pending", name), "utf8")) as QueueEntry;
    const text = await readFile(join(folder, "ids", parsed.id), "utf8").catch(() => undefined);
    const marker = text === undefined ? undefined : parseMarker(text);
    const right =
      marker?.state === "active" &&
      marker.key === orderKey(parsed) &&
      marker.sha256 === reportHash(entry.report);
    if (!right) wrong.push(name);
  }
  return wrong;
}

async function queueWithReports(count: number): Promise<FileQueue> {
  const owner = await FileQueue.open({ folder: dir, recover: true });
  for (let i = 0; i < count; i++) await owner.enqueue(sampleReport(), sampleSource());
  return owner;
}

describe("clean stop: the next start keeps the id markers", () => {
  it("after a clean stop in this boot, the start reads no marker and takes the note away", async () => {
    const owner = await queueWithReports(5);
    expect(await owner.recordCleanStop()).toBe(true);
    const note = JSON.parse(await readFile(join(dir, CLEAN_STOP_FILE), "utf8"));
    expect(note.bootId).toBe(currentBootId());

    const { fs, markerReads } = countingFs();
    const next = await FileQueue.open({ folder: dir, recover: true, fs });
    expect(markerReads()).toBe(0);
    expect(existsSync(join(dir, CLEAN_STOP_FILE))).toBe(false);
    expect(next.counts().pending).toBe(5);
    // Nothing was skipped that mattered: every report is still known as queued.
    expect(await readdir(join(dir, "pending"))).toHaveLength(5);
    expect(await entriesWithoutTheirMarker(dir)).toEqual([]);
  });

  it("without a note (the last daemon died), after a reboot, or with a damaged note, the start repairs", async () => {
    (await queueWithReports(3)).close(); // its writer is gone: recovery may write its markers
    const cases: [string, string | undefined][] = [
      ["no note", undefined],
      [
        "another boot",
        formatCleanStop({ bootId: "a-boot-before-this-one", stoppedAt: new Date().toISOString() }),
      ],
      ["damaged note", '{"v":1,"bootId"'],
    ];
    for (const [label, note] of cases) {
      // A marker lost without a trace, as a power cut can lose one (markers are not fsynced).
      const lost = (await readdir(join(dir, "ids")))[0] as string;
      await rm(join(dir, "ids", lost));
      if (note !== undefined) await writeFile(join(dir, CLEAN_STOP_FILE), note);
      const { fs, markerReads } = countingFs();
      await FileQueue.open({ folder: dir, recover: true, fs });
      expect(markerReads(), label).toBe(3);
      expect(await entriesWithoutTheirMarker(dir), label).toEqual([]);
      expect(existsSync(join(dir, CLEAN_STOP_FILE)), label).toBe(false);
    }
  });

  it("a failed marker write keeps its trace: no note at stop, and the next start repairs", async () => {
    let failMarkers = true;
    const fs: QueueFs = {
      ...nodeQueueFs,
      link(from, to) {
        if (failMarkers && to.startsWith(join(dir, "ids"))) {
          return Promise.reject(Object.assign(new Error("i/o error"), { code: "EIO" }));
        }
        return nodeQueueFs.link(from, to);
      },
    };
    const owner = await FileQueue.open({ folder: dir, recover: true, fs });
    expect((await owner.enqueue(sampleReport(), sampleSource())).status).toBe("enqueued");
    expect(await entriesWithoutTheirMarker(dir)).toHaveLength(1);
    expect(await readdir(join(dir, "tmp"))).toEqual([
      expect.stringMatching(new RegExp(`^${owner.writer}-\\d+\\.trace$`)),
    ]);
    expect(await owner.recordCleanStop()).toBe(false);
    expect(existsSync(join(dir, CLEAN_STOP_FILE))).toBe(false);

    failMarkers = false;
    owner.close(); // this writer is gone now: its trace is an interrupted operation's
    await FileQueue.open({ folder: dir, recover: true });
    expect(await entriesWithoutTheirMarker(dir)).toEqual([]);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("finished operations (enqueue, fail, retry, complete, purge) leave no trace, so the note can be written", async () => {
    const owner = await queueWithReports(2);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
    const claim = await owner.claimNext();
    if (!claim) throw new Error("nothing to claim");
    await owner.fail(claim, { reason: "rejected", message: "400 from WATS", status: 400, errorKind: null });
    expect(await owner.retry(claim.id)).toBe("requeued");
    const second = await owner.claimNext();
    if (!second) throw new Error("nothing to claim");
    await owner.complete(second);
    expect(await owner.purgeDone()).toBe(1);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
    expect(await owner.recordCleanStop()).toBe(true);
  });

  it("a daemon that stops cleanly leaves the note; its next start reads no marker", {
    timeout: 30_000,
  }, async () => {
    await queueWithReports(4).then((q) => q.close());
    const config = parseClientConfig({
      server: { baseUrl: "http://127.0.0.1:9", timeoutMs: 1_000 },
      queue: { folder: dir },
      upload: { enabled: false },
      health: { port: 0 },
    });
    const logs: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => logs.push(line) },
    });
    const first = await startDaemon({ config, token: () => "unused", logger });
    await first.stop();
    expect(existsSync(join(dir, CLEAN_STOP_FILE))).toBe(true);

    const { fs, markerReads } = countingFs();
    const second = await startDaemon({ config, token: () => "unused", logger, fs });
    try {
      expect(markerReads()).toBe(0);
      expect(existsSync(join(dir, CLEAN_STOP_FILE))).toBe(false);
      expect(second.queue.counts().pending).toBe(4);
      expect(logs.some((line) => line.includes("id markers kept as they are"))).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

describe("a writer killed at a random moment after a clean stop (real processes, seeded)", () => {
  it("every entry it left gets its marker at the next start", { timeout: 120_000 }, async () => {
    const random = seededRandom("queue-clean-stop");
    const owner = await FileQueue.open({ folder: dir, recover: true });
    expect(await owner.recordCleanStop()).toBe(true);
    owner.close();
    // Kill writers until one is caught between an entry and its marker at a moment when no other
    // temp file is there: only the operation's (empty) trace tells the next start to repair.
    let caught = 0;
    let kills = 0;
    while (caught === 0 && kills < 40) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=@tswats/source", "test/helpers/enqueue-forever.ts", dir],
        { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout?.once("data", () => resolve());
        child.once("exit", (code) => reject(new Error(`the writer exited with ${code} before it was ready`)));
      });
      await new Promise((r) => setTimeout(r, random.int(50, 600)));
      child.kill("SIGKILL");
      await exited(child);
      kills++;
      // The dead writer's half-written files go (recovery would remove them too, and repair for
      // them): what is left to tell the next start is the trace of the operation it was in.
      for (const name of await readdir(join(dir, "tmp"))) {
        if (!name.endsWith(".trace")) await rm(join(dir, "tmp", name));
      }
      caught = (await entriesWithoutTheirMarker(dir)).length;
    }
    const where = `seed ${random.seed}: ${kills} kills`;
    console.log(`queue-clean-stop: ${where}, ${caught} entries left without their marker`);
    expect(caught, `${where}: no kill landed between an entry and its marker`).toBeGreaterThan(0);
    expect(existsSync(join(dir, CLEAN_STOP_FILE)), where).toBe(true);

    const next = await FileQueue.open({ folder: dir, recover: true });
    expect(await entriesWithoutTheirMarker(dir), where).toEqual([]);
    expect(await readdir(join(dir, "tmp")), where).toEqual([]);
    // Each queued report is known: enqueueing it again is a duplicate.
    for (const name of await readdir(join(dir, "pending"))) {
      const entry = JSON.parse(await readFile(join(dir, "pending", name), "utf8")) as QueueEntry;
      expect((await next.enqueue(entry.report, sampleSource())).status, `${where}: ${name}`).toBe(
        "duplicate",
      );
    }
  });
});
