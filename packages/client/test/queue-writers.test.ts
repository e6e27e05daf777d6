/**
 * The queue with several writers and with corrections: recovery leaves a live writer's temp
 * files and marker-less entries alone and cleans up after writers that are gone; a report
 * enqueued again with the same id and different content replaces the earlier version.
 */
import { spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileQueue } from "../src/queue/file-queue.js";
import { parseMarker } from "../src/queue/markers.js";
import { formatEntryName } from "../src/queue/naming.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

const files = async (state: string) => (await readdir(join(dir, state))).sort();
/** The pid of a process that has exited (so certainly not running now). */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid as number;

describe("queue writers and recovery", () => {
  it("recovery removes only the temp files of writers that are gone", async () => {
    const live = await FileQueue.open({ folder: dir });
    const gone = `${deadPid()}-0badc0de`;
    await writeFile(join(dir, "tmp", `${live.writer}-7.tmp`), "half of a live writer's entry");
    await writeFile(join(dir, "tmp", `${gone}-3.tmp`), "half of a crashed writer's entry");
    await writeFile(join(dir, "tmp", `.probe-${gone}-1`), "probe");
    await writeFile(join(dir, "tmp", "unknown-name"), "not ours to judge");
    await FileQueue.open({ folder: dir, recover: true });
    expect(await files("tmp")).toEqual([`${live.writer}-7.tmp`, "unknown-name"].sort());
    live.close();
    await FileQueue.open({ folder: dir, recover: true });
    expect(await files("tmp")).toEqual(["unknown-name"]);
  });

  it("recovery leaves the marker of a live writer's new entry to that writer, and writes it for a gone one", async () => {
    const report = sampleReport();
    const entry = (writer: string) =>
      JSON.stringify({
        format: "tswats-queue-entry/1",
        id: report.id,
        enqueuedAt: new Date().toISOString(),
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        source: null,
        writer,
        report,
      });
    const live = await FileQueue.open({ folder: dir });
    const name = formatEntryName({ stamp: 1, enqueuedMs: 1, seq: 1, id: report.id as string });
    // What a live `submit` has done just before writing the marker: the entry is in pending/.
    await writeFile(join(dir, "pending", name), entry(live.writer));
    await FileQueue.open({ folder: dir, recover: true });
    expect(await files("ids")).toEqual([]);
    // The same entry left by a writer that is gone gets its marker from recovery.
    await writeFile(join(dir, "pending", name), entry(`${deadPid()}-12345678`));
    const owner = await FileQueue.open({ folder: dir, recover: true });
    expect(await files("ids")).toEqual([report.id]);
    expect((await owner.enqueue(report, sampleSource())).status).toBe("duplicate");
    expect(await files("pending")).toEqual([name]);
  });
});

describe("corrections: same id, different content", () => {
  it("the same content is a no-op; different content replaces a pending version, which is then skipped", async () => {
    const queue = await FileQueue.open({ folder: dir });
    const first = sampleReport({ sn: "SN-CORR-1" });
    expect((await queue.enqueue(first, sampleSource())).status).toBe("enqueued");
    // Same content with keys in another order is the same report.
    const reordered = Object.fromEntries(Object.entries(first).reverse()) as typeof first;
    expect((await queue.enqueue(reordered, sampleSource())).status).toBe("duplicate");
    const corrected = { ...first, sn: "SN-CORR-1-FIXED" };
    expect(await queue.enqueue(corrected, sampleSource())).toEqual({ id: first.id, status: "replaced" });
    expect(await files("pending")).toHaveLength(2);
    const claim = await queue.claimNext();
    expect(claim?.entry.report.sn).toBe("SN-CORR-1-FIXED");
    expect(await queue.claimNext()).toBeUndefined();
    expect(await files("pending")).toEqual([]);
    await queue.complete(claim!);
    expect((await queue.enqueue(corrected, sampleSource())).status).toBe("duplicate");
  });

  it("a correction of a report being sent waits until that upload has an outcome", async () => {
    const queue = await FileQueue.open({ folder: dir });
    const first = sampleReport();
    await queue.enqueue(first, sampleSource());
    const sending = await queue.claimNext();
    expect((await queue.enqueue({ ...first, sn: "FIXED" }, sampleSource())).status).toBe("replaced");
    expect(await queue.claimNext()).toBeUndefined(); // one version of an id in flight at a time
    await queue.complete(sending!);
    const next = await queue.claimNext();
    expect(next?.entry.report.sn).toBe("FIXED");
  });

  it("a correction of a done report is queued and sent; pruning the old one keeps the new marker", async () => {
    let clock = Date.parse("2026-03-01T12:00:00Z");
    const queue = await FileQueue.open({ folder: dir, now: () => clock, done: { maxAgeMs: 1000 } });
    const first = sampleReport();
    await queue.enqueue(first, sampleSource());
    await queue.complete((await queue.claimNext())!);
    clock += 10;
    expect((await queue.enqueue({ ...first, sn: "FIXED" }, sampleSource())).status).toBe("replaced");
    clock += 5000;
    expect(await queue.prune()).toBe(1);
    const marker = parseMarker(await readFile(join(dir, "ids", first.id as string), "utf8"));
    expect(marker.state).toBe("active");
    expect((await queue.claimNext())?.entry.report.sn).toBe("FIXED");
  });

  it("retrying a failed older version after a correction is 'superseded'", async () => {
    const queue = await FileQueue.open({ folder: dir });
    const first = sampleReport();
    await queue.enqueue(first, sampleSource());
    await queue.fail((await queue.claimNext())!, { reason: "rejected", status: 400, message: "bad" });
    expect((await queue.enqueue({ ...first, sn: "FIXED" }, sampleSource())).status).toBe("enqueued");
    expect(await files("failed")).toEqual([]); // the rejected version went with the correction
    const claim = await queue.claimNext();
    await queue.complete(claim!);
    expect(claim?.entry.report.sn).toBe("FIXED");
  });
});
