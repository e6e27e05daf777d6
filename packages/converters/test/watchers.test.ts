import { existsSync } from "node:fs";
import { appendFile, mkdir, readdir, readFile, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@tswats/core";
import { ReportClient } from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnqueueReport, ReportSource } from "../src/contract.js";
import { STANDARD_CONVERTERS } from "../src/standard/index.js";
import { type ConverterEvent, type ConverterWatchers, startConverterWatchers } from "../src/watchers.js";
import { richTestStandXml, tempDir } from "./helpers.js";

/** Collects watcher events; `next` waits for the first matching one not yet taken. */
class Events {
  readonly all: ConverterEvent[] = [];
  #taken = new Set<ConverterEvent>();
  #waiters: { match: (e: ConverterEvent) => boolean; resolve: (e: ConverterEvent) => void }[] = [];
  push = (e: ConverterEvent) => {
    this.all.push(e);
    const w = this.#waiters.find((x) => x.match(e));
    if (w) {
      this.#taken.add(e);
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  next(match: (e: ConverterEvent) => boolean): Promise<ConverterEvent> {
    const found = this.all.find((e) => !this.#taken.has(e) && match(e));
    if (found) {
      this.#taken.add(found);
      return Promise.resolve(found);
    }
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}

const named = (type: ConverterEvent["type"], file: string) => (e: ConverterEvent) =>
  e.type === type && e.path.endsWith(file);

describe("converter watchers feeding the simulator", () => {
  let sim: Simulator;
  let wats: Wats;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let watchers: ConverterWatchers;
  const events = new Events();
  const sources: ReportSource[] = [];
  let ts: string;
  let csv: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, data: "empty" });
    wats = new Wats({
      baseUrl: sim.url,
      token: sim.token,
      retry: { maxAttempts: 1 },
    } as ConstructorParameters<typeof Wats>[0]);
    const reports = new ReportClient(wats);
    tmp = await tempDir();
    ts = join(tmp.dir, "ts");
    csv = join(tmp.dir, "csv");
    await mkdir(ts);
    // already there at start: picked up by the startup scan
    await writeFile(join(ts, "early.xml"), richTestStandXml("EARLY-1"));
    const enqueue: EnqueueReport = async (report, source) => {
      sources.push(source);
      const { id } = await reports.submit(report);
      return { id, status: "enqueued" };
    };
    watchers = await startConverterWatchers({
      converters: [
        { name: "teststand-xml", watch: { folder: ts, settleMs: 800 } },
        {
          name: "csv",
          watch: { folder: csv, settleMs: 300 },
          onSuccess: "delete",
          parameters: { timeZone: "UTC" },
        },
      ],
      enqueue,
      logger: silentLogger,
      station: "WATCH-ST",
      workers: 1,
      onEvent: events.push,
    });
  }, 60_000);

  afterAll(async () => {
    await watchers?.close();
    await wats?.close();
    await sim?.close();
    await tmp?.cleanup();
  });

  it("converts a file that was there at startup and moves it to Done/", async () => {
    const e = await events.next(named("converted", "early.xml"));
    expect(e.type === "converted" && e.movedTo).toBe(join(ts, "Done", "early.xml"));
    expect(existsSync(join(ts, "early.xml"))).toBe(false);
    const id = e.type === "converted" ? e.ids[0] : undefined;
    expect(sim.reports.get(id as string)).toMatchObject({ sn: "EARLY-1", machineName: "ST-01" });
    expect(sources[0]).toMatchObject({ path: join(ts, "early.xml"), converter: "teststand-xml", index: 0 });
  }, 30_000);

  it("re-dropping the same file replaces the report instead of adding a second one", async () => {
    const before = sim.reports.size;
    await writeFile(join(ts, "unit-7.xml"), richTestStandXml("UNIT-7"));
    const first = await events.next(named("converted", "unit-7.xml"));
    expect(sim.reports.size).toBe(before + 1);
    await writeFile(join(ts, "unit-7.xml"), richTestStandXml("UNIT-7")); // same content, dropped again
    const second = await events.next(named("converted", "unit-7.xml"));
    const id = first.type === "converted" ? first.ids[0] : "";
    expect(second.type === "converted" && second.ids).toEqual([id]);
    expect(sim.reports.size).toBe(before + 1);
    expect(sim.reports.replaceCount(id as string)).toBe(1);
    // the second copy did not overwrite the first in Done/
    expect((await readdir(join(ts, "Done"))).filter((n) => n.startsWith("unit-7")).length).toBe(2);
  }, 30_000);

  it("a truncated file goes to Error/ with a .error.txt naming converter, time and line", async () => {
    const xml = richTestStandXml("TRUNC-1");
    await writeFile(join(ts, "truncated.xml"), xml.slice(0, Math.floor(xml.length / 2)));
    const e = await events.next(named("failed", "truncated.xml"));
    expect(e.type === "failed" && e.error.kind).toBe("parse");
    const moved = join(ts, "Error", "truncated.xml");
    expect(existsSync(moved)).toBe(true);
    const text = await readFile(`${moved}.error.txt`, "utf8");
    expect(text).toMatch(/^file: .*truncated\.xml$/m);
    expect(text).toMatch(/^converter: teststand-xml$/m);
    expect(text).toMatch(/^time: \d{4}-\d\d-\d\dT/m);
    expect(text).toMatch(/^location: line \d+, column \d+$/m);
    expect(text).toMatch(/^error: truncated\.xml is not well-formed XML at line \d+/m);
  }, 30_000);

  it("waits for a file that is still being written, then converts it once", async () => {
    const xml = richTestStandXml("SLOW-1");
    const path = join(ts, "slow.xml");
    const chunk = Math.ceil(xml.length / 8);
    await writeFile(path, xml.slice(0, chunk));
    for (let i = 1; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 120)); // well inside the 800 ms settle time
      await appendFile(path, xml.slice(i * chunk, (i + 1) * chunk));
    }
    const e = await events.next(named("converted", "slow.xml"));
    expect(e.type).toBe("converted");
    expect(events.all.filter((x) => x.path.endsWith("slow.xml")).map((x) => x.type)).toEqual(["converted"]);
  }, 30_000);

  it("a CSV with a malformed row fails as a whole and names the line; a good one is deleted after conversion", async () => {
    await mkdir(csv, { recursive: true });
    const header =
      "SerialNumber,PartNumber,TestDate,OperationType,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result\n";
    await writeFile(
      join(csv, "bad.csv"),
      `${header}S1,P1,2026-02-03 14:30:00,10,V,NumericLimit,5,4,6,V,PASS\nS1,P1,2026-02-03 14:30:00,10,F,StringValue,v2,,,,,PASS\n`,
    );
    const e = await events.next(named("failed", "bad.csv"));
    expect(e.type === "failed" && e.error.line).toBe(3);
    expect(await readFile(join(csv, "Error", "bad.csv.error.txt"), "utf8")).toMatch(
      /line 3: 12 fields, but the header has 11/,
    );
    await writeFile(
      join(csv, "good.csv"),
      `${header}S2,P1,2026-02-03 14:30:00,10,V,NumericLimit,5,4,6,V,PASS\n`,
    );
    const ok = await events.next(named("converted", "good.csv"));
    expect(ok.type === "converted" && ok.movedTo).toBeUndefined();
    expect(existsSync(join(csv, "good.csv"))).toBe(false);
    const id = ok.type === "converted" ? (ok.ids[0] as string) : "";
    expect(sim.reports.get(id)).toMatchObject({ sn: "S2", machineName: "WATCH-ST" });
  }, 30_000);

  it("reports what it did in stats()", () => {
    const stats = watchers.stats() as { watchers: Record<string, unknown>[] };
    expect(stats.watchers[0]).toMatchObject({ converter: "teststand-xml", folder: ts });
    expect((stats.watchers[0]?.converted as number) >= 4).toBe(true);
    expect((stats.watchers[0]?.failed as number) >= 1).toBe(true);
  });
});

describe("watch options, limits and bad input", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let watchers: ConverterWatchers | undefined;
  const events = new Events();
  const enqueued: string[] = [];
  let folder: string;

  beforeAll(async () => {
    tmp = await tempDir();
    folder = join(tmp.dir, "in");
    await mkdir(join(folder, "line2"), { recursive: true });
    watchers = await startConverterWatchers({
      converters: [
        {
          name: "teststand-xml",
          watch: {
            folder,
            settleMs: 200,
            recursive: true,
            include: ["**/*.xml", "*.tsr"],
            exclude: ["ignore-*"],
          },
          onSuccess: "keep",
          maxFileMb: 8,
        },
      ],
      enqueue: async (report) => {
        const id = String(report.id);
        enqueued.push(id);
        return { id, status: enqueued.filter((x) => x === id).length > 1 ? "duplicate" : "enqueued" };
      },
      logger: silentLogger,
      workers: 1,
      onEvent: events.push,
    });
  }, 60_000);

  afterAll(async () => {
    await watchers?.close();
    await tmp?.cleanup();
  });

  it("takes files in sub-folders and by include pattern, leaves excluded ones, keeps converted ones in place", async () => {
    await writeFile(join(folder, "line2", "a.xml"), richTestStandXml("SUB-1"));
    await writeFile(join(folder, "b.tsr"), richTestStandXml("TSR-1"));
    await writeFile(join(folder, "ignore-me.xml"), richTestStandXml("NO-1"));
    await writeFile(join(folder, "notes.txt"), "hello");
    await events.next(named("converted", "a.xml"));
    await events.next(named("converted", "b.tsr"));
    expect(existsSync(join(folder, "line2", "a.xml"))).toBe(true); // onSuccess keep
    // another file proves the watcher is past the ignored ones
    await writeFile(join(folder, "c.xml"), richTestStandXml("C-1"));
    await events.next(named("converted", "c.xml"));
    expect(events.all.some((e) => e.path.endsWith("ignore-me.xml") || e.path.endsWith("notes.txt"))).toBe(
      false,
    );
  }, 30_000);

  it("a file above maxFileMb goes to Error/ unread, and the next file still converts", async () => {
    const big = join(folder, "big.xml");
    await writeFile(big, "");
    await truncate(big, 50 * 1024 * 1024); // 50 MB (sparse)
    const e = await events.next(named("failed", "big.xml"));
    expect(e.type === "failed" && e.error.kind).toBe("too-large");
    expect(await readFile(join(folder, "Error", "big.xml.error.txt"), "utf8")).toMatch(
      /50\.0 MB, more than the limit of 8 MB/,
    );
    await writeFile(join(folder, "after-big.xml"), richTestStandXml("AFTER-1"));
    await events.next(named("converted", "after-big.xml"));
  }, 30_000);

  it("binary junk and an empty file go to Error/ with their reason", async () => {
    await writeFile(
      join(folder, "junk.xml"),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    );
    await writeFile(join(folder, "empty.xml"), "");
    const junk = await events.next(named("failed", "junk.xml"));
    const empty = await events.next(named("failed", "empty.xml"));
    expect(junk.type === "failed" && junk.error.kind).toBe("binary");
    expect(empty.type === "failed" && empty.error.message).toMatch(/empty\.xml is empty \(0 bytes\)/);
  }, 30_000);

  it("rejects entries with unknown converters or parameters, naming the entry", async () => {
    await expect(
      startConverterWatchers({
        converters: [{ name: "nope", watch: { folder } }],
        enqueue: async () => ({ id: "", status: "enqueued" }),
        logger: silentLogger,
      }),
    ).rejects.toThrow(
      `converters[0]: unknown converter "nope" (available: ${STANDARD_CONVERTERS.map((c) => c.name).join(", ")})`,
    );
    await expect(
      startConverterWatchers({
        converters: [{ name: "csv", watch: { folder }, parameters: { badRows: "maybe" } }],
        enqueue: async () => ({ id: "", status: "enqueued" }),
        logger: silentLogger,
      }),
    ).rejects.toThrow(
      /converters\[0\]: converter "csv": parameter "badRows" must be one of "fail-file", "skip-row"/,
    );
    await expect(
      startConverterWatchers({
        converters: [{ name: "csv", watch: { folder: "" } }],
        enqueue: async () => ({ id: "", status: "enqueued" }),
        logger: silentLogger,
      }),
    ).rejects.toThrow(/converters\[0\]: .*watch\.folder must not be empty/);
  });
});

describe("when the queue refuses", () => {
  it("leaves the file in place and converts it again later to the same ids", async () => {
    const tmp = await tempDir();
    const events = new Events();
    let calls = 0;
    const watchers = await startConverterWatchers({
      converters: [{ name: "teststand-xml", watch: { folder: tmp.dir, settleMs: 100, rescanMs: 200 } }],
      enqueue: async (report) => {
        calls++;
        if (calls === 1) throw new Error("disk full");
        return { id: String(report.id), status: "enqueued" };
      },
      logger: silentLogger,
      workers: 1,
      enqueueRetryMs: 300,
      onEvent: events.push,
    });
    try {
      await writeFile(join(tmp.dir, "q.xml"), richTestStandXml("Q-1"));
      const failed = await events.next(named("enqueue-failed", "q.xml"));
      expect(failed.type === "enqueue-failed" && failed.error.message).toBe("disk full");
      expect(existsSync(join(tmp.dir, "q.xml"))).toBe(true);
      const ok = await events.next(named("converted", "q.xml"));
      expect(ok.type === "converted" && ok.movedTo).toBe(join(tmp.dir, "Done", "q.xml"));
      expect(calls).toBe(2);
      expect(
        (watchers.stats() as { watchers: { enqueueFailures: number }[] }).watchers[0]?.enqueueFailures,
      ).toBe(1);
    } finally {
      await watchers.close();
      await tmp.cleanup();
    }
  }, 30_000);
});
