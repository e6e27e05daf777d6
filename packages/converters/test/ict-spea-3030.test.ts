import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import {
  convertBytes,
  expectClose,
  expectStableIds,
  expectValid,
  fixtureText,
  numericOf,
  refused,
  testSteps,
} from "./ict-helpers.js";

const SAMPLE = "spea-3030/testdata_SN9871234012.csv";
let host: ConverterHost;
let text: string;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  text = await fixtureText(SAMPLE);
});
afterAll(() => host.close());

const convert = (content: string, parameters?: Record<string, unknown>) =>
  convertBytes(host, "spea-3030", "result.csv", content, { timeZone: "Europe/Oslo", ...parameters });

/** An independent reading: START..END blocks with their records split at `;`. */
function blocks(csv: string) {
  const out: { start: string[]; rows: string[][]; sn: string; boardResult: string; end: string[] }[] = [];
  let cur: (typeof out)[number] | undefined;
  for (const line of csv.split(/\r?\n/)) {
    const f = line.split(";");
    if (f[0] === "START") cur = { start: f, rows: [], sn: "", boardResult: "", end: [] };
    else if (!cur) continue;
    else if (f[0] === "ANL" || f[0] === "FUNC") cur.rows.push(f);
    else if (f[0] === "SN") cur.sn = f[1] as string;
    else if (f[0] === "BOARDRESULT") cur.boardResult = f[1] as string;
    else if (f[0] === "END") {
      cur.end = f;
      out.push(cur);
      cur = undefined;
    }
  }
  return out;
}

describe("spea-3030 on the sample result file", () => {
  let first: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    first = await convert(text);
  });

  it("gives one valid report per START..END block with the START/SN/END header fields", () => {
    const bs = blocks(text);
    expect(first.reports).toHaveLength(bs.length);
    expectValid(first.reports);
    first.reports.forEach((r, k) => {
      const b = bs[k] as (typeof bs)[number];
      const [mm, dd, yyyy] = (b.start[6] as string).split("/");
      expect(r).toMatchObject({
        sn: b.sn,
        pn: b.start[2],
        result: b.boardResult === "PASS" ? "P" : "F",
        start: `${yyyy}-${mm}-${dd}T${b.start[7]}+02:00`,
        uut: { user: b.start[5] },
      });
      expect(r.root?.seqCall).toMatchObject({ name: b.start[2], version: b.start[3] });
      const [h1, m1, s1] = (b.start[7] as string).split(":").map(Number) as [number, number, number];
      const [h2, m2, s2] = (b.end[3] as string).split(":").map(Number) as [number, number, number];
      expect(r.uut?.execTime).toBe(h2 * 3600 + m2 * 60 + s2 - (h1 * 3600 + m1 * 60 + s1));
    });
  });

  it("makes one step per ANL/FUNC record, failing where the result does not start with PASS", () => {
    const bs = blocks(text);
    first.reports.forEach((r, k) => {
      const rows = (bs[k] as (typeof bs)[number]).rows;
      const steps = testSteps(r);
      expect(steps).toHaveLength(rows.length);
      expect(steps.filter((s) => s.status === "F")).toHaveLength(
        rows.filter((f) => !(f[7] as string).startsWith("PASS")).length,
      );
      expect(steps.map((s) => s.name)).toEqual(rows.map((f) => f[5]));
    });
  });

  it("keeps values, limits, units and the comparison WATS's converter derives (GELE, GE if high is 0, LE if low is 0)", () => {
    const rows = blocks(text)[0]?.rows ?? [];
    const steps = testSteps(first.reports[0] as Report);
    let numeric = 0;
    rows.forEach((f, k) => {
      const [value, low, high] = [Number(f[8]), Number(f[9]), Number(f[10])];
      const step = steps[k];
      if (/nan|automatic/i.test(f[8] as string) || (value === 0 && low === 0 && high === 0)) {
        expect(step?.stepType).toBe("ET_PFT");
        return;
      }
      const m = numericOf(step as NonNullable<typeof step>);
      expectClose(m.value as number, value);
      expect(m.unit ?? "").toBe(f[11]);
      if (high === 0) expect(m).toMatchObject({ compOp: "GE", lowLimit: low });
      else if (low === 0) expect(m).toMatchObject({ compOp: "LE", lowLimit: high });
      else expect(m).toMatchObject({ compOp: "GELE", lowLimit: low, highLimit: high });
      numeric++;
    });
    expect(numeric).toBeGreaterThan(300);
  });

  it("says that NAN values could not be stored as numbers", () => {
    const nan = text.split("\n").filter((l) => /;-?NAN;/i.test(l)).length;
    expect(first.warnings.join("\n")).toMatch(new RegExp(`${nan} measured value\\(s\\) NAN`));
  });

  it("converts again to the same ids", async () => {
    await expectStableIds(() => convert(text), first);
  });
});

const START = "FORMAT;ddmm\nSTART;P;PCB-9;2.0;PCB-9;op7;13/11/2024;08:00:00\nLOT;L-77\n";

describe("spea-3030 on made files", () => {
  it("reads day-first dates after FORMAT;ddmm and the lot as batch serial number", async () => {
    const file = `${START}ANL;1;R1;1;1;R1 100R;;PASS;1.01e+02;9.0e+01;1.1e+02;Ohm;;1\nSN;S-1\nBOARDRESULT;PASS\nEND;PASS;13/11/2024;08:00:09\n`;
    const { reports } = await convert(file);
    expect(reports[0]).toMatchObject({
      start: "2024-11-13T08:00:00+01:00",
      uut: { batchSN: "L-77", execTime: 9 },
    });
  });

  it("gives one report per board of a panel, rows matched by board number", async () => {
    const file =
      `${START}ANL;1;R1;1;1;R1 b1;;PASS;1;0.5;2;Ohm;;1\nANL;2;R1;1;1;R1 b2;;FAIL(+);3;0.5;2;Ohm;;1\nANL;2;C1;2;1;C1 b2;;PASS;1e-9;5e-10;2e-9;F;;2\n` +
      "SN;PANEL-A\nSN;PANEL-B\nBOARDRESULT;PASS\nBOARDRESULT;FAIL\nEND;FAIL;13/11/2024;08:00:09\n";
    const first = await convert(file);
    expect(first.reports.map((r) => [r.sn, r.result, r.uut?.testSocketIndex, testSteps(r).length])).toEqual([
      ["PANEL-A", "P", 1, 1],
      ["PANEL-B", "F", 2, 2],
    ]);
    expectValid(first.reports);
    await expectStableIds(() => convert(file), first);
  });

  it("refuses a panel whose serial numbers do not match its boards", async () => {
    const file = `${START}ANL;1;R1;1;1;R1;;PASS;1;0.5;2;Ohm;;1\nSN;A\nSN;B\nEND;PASS;13/11/2024;08:00:09\n`;
    const e = await refused(host, "spea-3030", "p.csv", file);
    expect(e).toMatchObject({ line: 7, field: "SN" });
  });

  it("refuses a file that ends before END, naming the START line", async () => {
    const e = await refused(
      host,
      "spea-3030",
      "cut.csv",
      `${START}ANL;1;R1;1;1;R1;;PASS;1;0.5;2;Ohm;;1\nSN;A\n`,
    );
    expect(e.message).toMatch(/ends inside the test started at line 2 \(no END record\)/);
  });

  it("names line and field of a value that is not a number", async () => {
    const file = `${START}ANL;1;R1;1;1;R1;;PASS;1.0.1;0.5;2;Ohm;;1\nSN;A\nEND;PASS;13/11/2024;08:00:09\n`;
    expect(await refused(host, "spea-3030", "bad.csv", file)).toMatchObject({ line: 4, field: "value" });
  });

  it("names a row cut short", async () => {
    const file = `${START}ANL;1;R1;1;1;R1;;PASS\nSN;A\nEND;PASS;13/11/2024;08:00:09\n`;
    const e = await refused(host, "spea-3030", "bad.csv", file);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/8 fields, at least 12 expected/);
  });

  it("warns about record types it does not know", async () => {
    const file = `${START}ANL;1;R1;1;1;R1;;PASS;1;0.5;2;Ohm;;1\nDIG;1;U1;vector 7;PASS\nSN;A\nEND;PASS;13/11/2024;08:00:09\n`;
    const { warnings } = await convert(file);
    expect(warnings.join("\n")).toMatch(/record "DIG" at line 5 is not mapped/);
  });
});
