import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@tswats/core";
import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnqueueReport } from "../src/contract.js";
import { type ConverterEvent, startConverterWatchers } from "../src/watchers.js";
import { allSteps, converterBench, expectReplacedOnSimulator, fixture } from "./issue16-helpers.js";

const NAME = "DUT xyz115 2020-05-14 10-01-37-5 UTC+0200";
const SUMMARY = fixture(`klippel/${NAME}.txt`);
const FOLDER = fixture(`klippel/${NAME}`);

/** The summary's key=value lines and the data files, read with plain string splitting. */
function readSet() {
  const values = new Map(
    readFileSync(SUMMARY, "utf8")
      .split(/\r?\n/)
      .filter((l) => /^\w+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
  );
  const files = readdirSync(FOLDER).map((name) => {
    const lines = readFileSync(join(FOLDER, name), "utf8")
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "");
    return { name, header: (lines[0] ?? "").split("\t"), rows: lines.slice(1).map((l) => l.split("\t")) };
  });
  const list = (key: string) => (values.get(key) ?? "").split("\t").filter(Boolean);
  return { values, files, pass: list("Results_Pass"), fail: list("Results_Fail") };
}

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

/** Copies the sample set into a temp folder; `withCurves` false leaves the curve folder out. */
async function copySet(dir: string, withCurves: boolean): Promise<string> {
  await mkdir(dir, { recursive: true });
  const summary = join(dir, `${NAME}.txt`);
  if (withCurves) {
    await mkdir(join(dir, NAME), { recursive: true });
    for (const f of readdirSync(FOLDER)) await copyFile(join(FOLDER, f), join(dir, NAME, f));
  }
  await copyFile(SUMMARY, summary);
  return summary;
}

describe("klippel on the sample set", () => {
  it("header from the summary, a chart per curve file, a step per value row, every verdict kept", async () => {
    const { values, files, pass, fail } = readSet();
    const r = await bench.convert(SUMMARY, "klippel", { partNumber: "SPK-115" });
    expect(r.warnings).toEqual([]);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      pn: "SPK-115",
      sn: values.get("Cfg_SerialNumber"),
      uut: { user: values.get("Cfg_UserName") },
      start: "2020-05-14T10:01:37.563+02:00",
      result: values.get("Ctrl_OverallVerdict") === "1" ? "P" : "F",
    });
    const steps = allSteps(report.root ?? undefined);
    const curves = files.filter((f) => f.header[0] === "frq");
    const charts = steps.filter((s) => s.chart);
    expect(charts.map((s) => s.name).sort()).toEqual(curves.map((f) => f.header[1]).sort());
    for (const c of curves) {
      const chart = charts.find((s) => s.name === c.header[1]);
      const measured = c.rows.filter((row) => row[1] !== "-");
      expect(chart?.chart?.series?.[0]?.ydata?.split(";").map(Number)).toEqual(
        measured.map((row) => Number(row[1])),
      );
      expect(chart?.chart?.series?.map((s) => s.name)).toEqual([c.header[1], ...c.header.slice(2)]);
    }
    const valueRows = files.filter((f) => f.header[0] === "name").flatMap((f) => f.rows.map((row) => row[0]));
    for (const name of valueRows) expect(steps.filter((s) => s.name === name)).toHaveLength(1);
    for (const name of pass) expect(steps.find((s) => s.name === name)?.status).toBe("P");
    for (const name of fail) expect(steps.find((s) => s.name === name)?.status).toBe("F");
    const level = steps.find((s) => s.name === "level")?.numericMeas?.[0];
    const levelRow = files.flatMap((f) => f.rows).find((row) => row[0] === "level") as string[];
    expect(level).toMatchObject({
      compOp: "GELE",
      value: Number(levelRow[1]),
      highLimit: Number(levelRow[2]),
      lowLimit: Number(levelRow[3]),
    });
    // nothing claims the curve files themselves
    const again = await bench.convert(SUMMARY, "klippel", { partNumber: "SPK-115" });
    expect(again.reports[0]?.id).toBe(report.id);
  });

  it("converting again replaces the report on the simulator", async () => {
    await expectReplacedOnSimulator(async () => (await bench.convert(SUMMARY, "klippel")).reports);
  });
});

describe("klippel waits until the set is complete", () => {
  it("no curve folder yet: not complete; after curveWaitS: the summary alone, with a warning", async () => {
    const summary = await copySet(join(bench.dir, "nofolder"), false);
    const e = await bench.fail(summary, "klippel");
    expect(e.kind).toBe("incomplete");
    expect(e.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(e.message).toMatch(/curve folder .* is not there yet/);
    const r = await bench.convert(summary, "klippel", { curveWaitS: 0 });
    expect(r.warnings).toEqual([
      expect.stringMatching(/no curve folder .* the report holds the header and verdicts only/),
    ]);
    expect(allSteps(r.reports[0]?.root ?? undefined).filter((s) => s.chart)).toHaveLength(0);
  });

  it("curve files written just now: not complete until they are unchanged for curveSettleMs", async () => {
    const summary = await copySet(join(bench.dir, "fresh"), true);
    const e = await bench.fail(summary, "klippel", { curveSettleMs: 60_000 });
    expect(e.kind).toBe("incomplete");
    expect(e.message).toMatch(/changed \d+ ms ago/);
    const old = new Date(Date.now() - 120_000);
    for (const f of readdirSync(join(bench.dir, "fresh", NAME)))
      await utimes(join(bench.dir, "fresh", NAME, f), old, old);
    const r = await bench.convert(summary, "klippel", { curveSettleMs: 60_000 });
    expect(r.reports).toHaveLength(1);
  });

  it("refuses a summary without serial number, and a curve file with a broken number, naming the line", async () => {
    const dir = join(bench.dir, "broken");
    const summary = await copySet(dir, true);
    await writeFile(
      join(dir, NAME, "Impedance-imp.txt"),
      "frq\timp\tmax\tmin\n18.750\t1.7263\t3.4030\t3.0445\n23.438\tx.5\t3.4\t3.0\n",
    );
    const old = new Date(Date.now() - 120_000);
    for (const f of readdirSync(join(dir, NAME))) await utimes(join(dir, NAME, f), old, old);
    expect(await bench.fail(summary, "klippel")).toMatchObject({
      kind: "content",
      line: 3,
      field: "Impedance-imp.txt:imp",
    });
    await writeFile(
      summary,
      readFileSync(SUMMARY, "utf8").replace("Cfg_SerialNumber=xyz115", "Cfg_SerialNumber="),
    );
    expect(await bench.fail(summary, "klippel")).toMatchObject({
      kind: "content",
      line: 26,
      field: "Cfg_SerialNumber",
    });
  });

  it("a watcher leaves the summary in place until its curve folder arrives, then converts it once", async () => {
    const folder = join(bench.dir, "watch");
    await mkdir(folder, { recursive: true });
    const events: ConverterEvent[] = [];
    const waiters: { match: (e: ConverterEvent) => boolean; resolve: (e: ConverterEvent) => void }[] = [];
    const next = (match: (e: ConverterEvent) => boolean) =>
      new Promise<ConverterEvent>((resolve) => {
        const found = events.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      });
    const enqueued: Report[] = [];
    const enqueue: EnqueueReport = async (report) => {
      enqueued.push(report);
      return { id: report.id as string, status: "enqueued" };
    };
    const watchers = await startConverterWatchers({
      converters: [
        {
          name: "klippel",
          watch: { folder, settleMs: 200, rescanMs: 0 },
          parameters: { curveSettleMs: 1000, curveWaitS: 600 },
        },
      ],
      enqueue,
      logger: silentLogger,
      workers: 1,
      onEvent: (e) => {
        events.push(e);
        for (const w of waiters.filter((x) => x.match(e))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      },
    });
    try {
      await copySet(folder, false);
      const waiting = await next((e) => e.type === "incomplete");
      expect(waiting).toMatchObject({ type: "incomplete", retryAfterMs: 1000 });
      expect(readdirSync(folder)).toContain(`${NAME}.txt`);
      expect(enqueued).toHaveLength(0);
      await mkdir(join(folder, NAME));
      for (const f of readdirSync(FOLDER)) await copyFile(join(FOLDER, f), join(folder, NAME, f));
      const done = await next((e) => e.type === "converted");
      expect(done.type === "converted" && done.movedTo).toBe(join(folder, "Done", `${NAME}.txt`));
      expect(enqueued).toHaveLength(1);
      expect(allSteps(enqueued[0]?.root ?? undefined).filter((s) => s.chart).length).toBeGreaterThan(0);
      expect(events.filter((e) => e.type === "failed")).toEqual([]);
    } finally {
      await watchers.close();
    }
  }, 30_000);
});
