import { readFileSync } from "node:fs";
import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSteps, converterBench, expectReplacedOnSimulator, fixture } from "./issue16-helpers.js";

const US = fixture("listen/Complete test 7-22-2020 (002).txt");
const EU = fixture("listen/Data logging example 12-01-2021.txt");

/** The lines of a SoundCheck export split into cells, with the runs (serial + time) in file order. */
function readExport(path: string) {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map((l) => l.split("\t"));
  let header: string[] = [];
  const rows: { header: string[]; cells: string[] }[] = [];
  for (const cells of lines) {
    if (cells[0] === "Serial #:") header = cells.map((c) => c.trim());
    else rows.push({ header, cells });
  }
  const runs = [...new Set(rows.map(({ header: h, cells }) => `${cells[0]}|${cells[h.indexOf("Time:")]}`))];
  return { rows, runs };
}

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("listen on the US sample (results, decimal point, month-first dates)", () => {
  it("one report per unit, one numeric step per result row with value, unit, limits and result", async () => {
    const { rows, runs } = readExport(US);
    const r = await bench.convert(US, "listen", { timeZone: "America/Chicago" });
    expect(r.reports).toHaveLength(runs.length);
    const steps = r.reports.flatMap((x) => x.root?.steps ?? []);
    expect(steps).toHaveLength(rows.length);
    for (const [i, { header, cells }] of rows.entries()) {
      const col = (n: string) => (cells[header.indexOf(n)] ?? "").trim();
      const step = steps[i];
      expect(step?.name).toBe(col("Name"));
      expect(step?.status).toBe(col("Result") === "PASS" ? "P" : "F");
      const m = step?.numericMeas?.[0];
      expect(m?.value).toBe(Number(col("Margin")));
      expect(m?.unit).toBe(col("Unit"));
      const limits = col("Limits").split("/").map(Number);
      if (limits.length === 2 && limits.every(Number.isFinite))
        expect(m).toMatchObject({
          compOp: "GELE",
          lowLimit: Math.min(...(limits as [number, number])),
          highLimit: Math.max(...(limits as [number, number])),
        });
      else expect(m?.compOp).toBe("LOG");
    }
    const first = r.reports[0] as Report;
    // "7/22/2020 10:22:14 AM" in Chicago (daylight saving time in July)
    expect(first).toMatchObject({ start: "2020-07-22T10:22:14-05:00", uut: { user: "Rick" } });
    // "S/N 13" and "P/N #12345" hold "/", which WATS search cannot take: replaced, with warnings
    expect(first.sn).toBe("S-N 13");
    expect(
      r.warnings.some((w) => /serial number "S\/N 13" holds characters that break WATS search/.test(w)),
    ).toBe(true);
  });

  it("a multi-unit file: same ids when converted again, and the simulator replaces rather than duplicates", async () => {
    await expectReplacedOnSimulator(async () => (await bench.convert(US, "listen")).reports);
  });
});

describe("listen on the EU sample (curve data, decimal comma, day-first dates)", () => {
  it("each x/y pair is a chart with every point; the date is read day first because the numbers use commas", async () => {
    const { rows, runs } = readExport(EU);
    const r = await bench.convert(EU, "listen", { timeZone: "UTC" });
    expect(r.reports).toHaveLength(runs.length);
    expect(r.reports[0]?.start).toBe("2021-01-12T09:08:35+00:00");
    const charts = r.reports.flatMap((x) => x.root?.steps ?? []);
    expect(charts).toHaveLength(rows.length / 2);
    for (const [i, chart] of charts.entries()) {
      const points = (rows[2 * i]?.cells ?? []).slice(3).filter((c) => c.trim() !== "");
      const series = chart.chart?.series?.[0];
      expect(series?.xdata?.split(";")).toEqual(points.map((p) => String(Number(p.replace(",", ".")))));
      expect(chart.chart).toMatchObject({ chartType: "LineLogX", xUnit: "Hz", yUnit: "dB re 1 V/sqrt(Hz)" });
    }
    const mdy = await bench.convert(EU, "listen", { timeZone: "UTC", dateFormat: "MDY" });
    expect(mdy.reports[0]?.start).toBe("2021-12-01T09:08:35+00:00");
  });
});

describe("listen on made-up exports", () => {
  const header = "Serial #:\tTime: \tLot #: \tName\tMargin\tUnit\tResult\tTolerance\tLimits";
  const curveHeader =
    "Serial #:\tTime: \tLot #: \tTHD\t\tx data lin\ty data lin\tz data lin\t\tx axis log\ty axis log\tz axis lin\t\tHz\t%\tdeg.";

  it("refuses curve values whose x and y counts differ, and x values without y values, naming the line", async () => {
    const mismatch = await bench.file(
      "m.txt",
      `${curveHeader}\nU1\t1/2/2021 1:00:00 PM\tPN\t100.0\t200.0\nU1\t1/2/2021 1:00:00 PM\tPN\t1.5\n`,
    );
    expect(await bench.fail(mismatch, "listen")).toMatchObject({ kind: "content", line: 3, field: "THD" });
    const truncated = await bench.file(
      "t.txt",
      `${curveHeader}\nU1\t1/2/2021 1:00:00 PM\tPN\t100.0\t200.0\n`,
    );
    const e = await bench.fail(truncated, "listen");
    expect(e).toMatchObject({ kind: "content", line: 2 });
    expect(e.message).toMatch(/without their y values \(truncated\?\)/);
  });

  it("refuses a number or a result it cannot read, naming line and column", async () => {
    const badNumber = await bench.file(
      "n.txt",
      `${header}\nU1\t1/2/2021 1:00:00 PM\tPN\tLevel\tninety\tdB\tPASS\tMax/Min\t100/90\n`,
    );
    expect(await bench.fail(badNumber, "listen")).toMatchObject({
      kind: "content",
      line: 2,
      field: "Margin",
    });
    const badResult = await bench.file(
      "r.txt",
      `${header}\nU1\t1/2/2021 1:00:00 PM\tPN\tLevel\t95\tdB\tMAYBE\tMax/Min\t100/90\n`,
    );
    expect(await bench.fail(badResult, "listen")).toMatchObject({
      kind: "content",
      line: 2,
      field: "Result",
    });
  });

  it("a log-log curve of a failing unit; no Lot # column takes the partNumber parameter", async () => {
    const noLot = "Serial #:\tTime: \tName\tMargin\tUnit\tResult\tTolerance\tLimits";
    const path = await bench.file(
      "ok.txt",
      `${noLot}\nU9\t2021-02-03 10:00:00\tLevel\t80\tdB\tFAIL\tMax/Min\t100/90\n` +
        `${curveHeader.replace("Lot #: \t", "")}\nU9\t2021-02-03 10:00:00\t100\t200\nU9\t2021-02-03 10:00:00\t1\t2\n`,
    );
    expect(await bench.fail(path, "listen")).toMatchObject({ field: "Lot #" });
    const r = await bench.convert(path, "listen", { partNumber: "SPK-1" });
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({ pn: "SPK-1", sn: "U9", result: "F" });
    expect(allSteps(report.root ?? undefined).map((s) => s.stepType)).toEqual([
      "SequenceCall",
      "ET_NLT",
      "WATS_XYGMNLT",
    ]);
    expect(report.root?.steps?.[1]?.chart).toMatchObject({
      chartType: "LineLogXY",
      series: [{ xdata: "100;200", ydata: "1;2" }],
    });
  });
});
