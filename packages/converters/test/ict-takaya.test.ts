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
  unitFactor,
} from "./ict-helpers.js";

const ATD = "takaya/V682589_K_TOP-20230504130808.ATD";
const APT = "takaya/999-BM0001 (AT1).ATD";
const ATDX = "takaya/WO250319-0162__20250525_122655.atdx";

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

const convert = (name: string, content: string, parameters?: Record<string, unknown>) =>
  convertBytes(host, "takaya", name, content, { timeZone: "Europe/Oslo", ...parameters });

/** Takaya unit texts as the tests read them: prefix letter (m milli, M mega) + O/F/H/V. */
const takayaUnit = (u: string) => {
  const t = u.trim();
  if (t.length < 2) return 1;
  const p = t[0] as string;
  return p === "m"
    ? 1e-3
    : p === "M"
      ? 1e6
      : (({ p: 1e-12, n: 1e-9, u: 1e-6, k: 1e3 } as Record<string, number>)[p.toLowerCase()] ?? 1);
};

describe("takaya: ATD with tab columns", () => {
  let text: string;
  let reports: Report[];
  beforeAll(async () => {
    text = await fixtureText(ATD);
    reports = (await convert("a.ATD", text)).reports;
  });
  const rows = () =>
    text
      .split(/\r?\n/)
      .filter((l) => /^\d+\t\d+\t/.test(l))
      .map((l) => l.split("\t"));

  it("reads the header and one board per GROUP block", () => {
    expect(reports).toHaveLength((text.match(/^\* GROUP No\./gm) ?? []).length);
    expectValid(reports);
    expect(reports[0]).toMatchObject({
      sn: /^Serial No\.:(.*)$/m.exec(text)?.[1]?.trim(),
      pn: /^Model:(.*)$/m.exec(text)?.[1]?.trim(),
      machineName: /^Test ID :(.*)$/m.exec(text)?.[1]?.trim(),
      processCode: 30,
      start: "2023-05-04T13:08:08+02:00",
      result: "P",
      uut: { execTime: 105 },
    });
  });

  it("makes a step per row with the tester's judgement as status", () => {
    const steps = testSteps(reports[0] as Report);
    const r = rows();
    expect(steps).toHaveLength(r.length);
    expect(steps.filter((s) => s.status === "P")).toHaveLength(
      r.filter((f) => f[15]?.trim() === "PASS").length,
    );
    expect(steps.filter((s) => s.status === "S")).toHaveLength(
      r.filter((f) => /^\.+$/.test(f[15]?.trim() ?? "") || f[55]?.trim() === "JP").length,
    );
  });

  it("computes limits from reference and tolerances in the measured value's unit", () => {
    const steps = testSteps(reports[0] as Report);
    const byNumber = new Map(steps.map((s) => [/(?:^|\n)#(\d+)/.exec(s.reportText ?? "")?.[1], s]));
    let checked = 0;
    for (const f of rows()) {
      // single-measurement rows (a second measurement would decide instead)
      if (f[55]?.trim() !== "**" || f[15]?.trim() !== "PASS" || !/^\.+$/.test(f[26] ?? "")) continue;
      const step = byNumber.get(f[1]);
      const m = numericOf(step as NonNullable<typeof step>);
      const ref = Number(f[18]) * takayaUnit(f[19] as string);
      const measured = Number(f[22]) * takayaUnit(f[23] as string);
      const plus = Number((f[33] as string).replace("%", "")) / 100;
      const minus = Math.abs(Number((f[34] as string).replace("%", ""))) / 100;
      const factor = unitFactor(m.unit);
      expect(m.compOp).toBe("GELE");
      expectClose((m.value as number) * factor, measured);
      expectClose((m.lowLimit as number) * factor, ref * (1 - minus));
      expectClose((m.highLimit as number) * factor, ref * (1 + plus));
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("groups steps by component type and names them by part and nets", () => {
    const root = (reports[0] as Report).root;
    expect(root?.steps?.map((s) => s.name)).toContain("R");
    const first = rows()[0] as string[];
    expect(testSteps(reports[0] as Report)[0]?.name).toBe(
      `${first[2]?.trim()}_${first[8]?.trim()}_${first[10]?.trim()}`,
    );
  });

  it("gives one report per board of a panel file", async () => {
    const group = text.slice(text.indexOf("* GROUP No.1"));
    const second = group
      .replace("* GROUP No.1", "* GROUP No.2")
      .replace("Serial No.:0601996045", "Serial No.:0601996046")
      .replace("* PASS *", "* FAIL *");
    const panel = `${text.trimEnd()}\n\n${second}`;
    const first = await convert("panel.ATD", panel);
    expect(first.reports.map((r) => [r.sn, r.uut?.testSocketIndex, r.result])).toEqual([
      ["0601996045", 1, "P"],
      ["0601996046", 2, "F"],
    ]);
    await expectStableIds(() => convert("panel.ATD", panel), first);
  });

  it("refuses a row cut short, naming its line", async () => {
    const lines = text.split("\n");
    const k = lines.findIndex((l) => /^\d+\t000010\t/.test(l));
    lines[k] = (lines[k] as string).split("\t").slice(0, 20).join("\t");
    const e = await refused(host, "takaya", "cut.ATD", lines.join("\n"));
    expect(e).toMatchObject({ line: k + 1, field: "Function" });
  });
});

describe("takaya: APT94xx ATD with quoted fields", () => {
  let text: string;
  let report: Report;
  beforeAll(async () => {
    text = await fixtureText(APT);
    report = (await convert("b.ATD", text)).reports[0] as Report;
  });
  const lines = () => text.split(/\r?\n/).filter((l) => /^\d{6} "/.test(l));

  it("reads model, serial line and date as WATS's converter does", () => {
    expectValid([report]);
    expect(report).toMatchObject({
      pn: "DEMO-PCB-B",
      rev: "V1.SWX",
      sn: "BM0001",
      processCode: 30,
      start: "2024-01-01T08:00:00+01:00",
      uut: { user: "AT1", batchSN: "999" },
      result: "P",
    });
    expect(report.root?.seqCall).toMatchObject({ name: "SWX", version: "V1" });
  });

  it("makes a step per line; ** with tolerances, E at most and F at least the reference, OP/SH logged", () => {
    const steps = testSteps(report);
    expect(steps).toHaveLength(lines().length);
    const ms = lines().map((l) => {
      const q = [...l.matchAll(/"([^"]*)"/g)].map((m) => (m[1] as string).trim());
      return { fn: q[q.length - 1] as string, ref: q[3] as string };
    });
    const ops = steps.map((s) => numericOf(s).compOp);
    expect(ops.filter((o) => o === "GELE")).toHaveLength(ms.filter((m) => m.fn === "**").length);
    expect(ops.filter((o) => o === "LE")).toHaveLength(ms.filter((m) => m.fn === "E").length);
    expect(ops.filter((o) => o === "GE")).toHaveLength(ms.filter((m) => m.fn === "F").length);
    expect(ops.filter((o) => o === "LOG")).toHaveLength(
      ms.filter((m) => m.fn === "OP" || m.fn === "SH").length,
    );
    // the execution time is the sum of the measuring times
    const sum = lines().reduce((t, l) => t + Number(/"(\d+\.\d) ms"/.exec(l)?.[1] ?? 0), 0) / 1000;
    expect(report.uut?.execTime).toBeCloseTo(sum, 6);
  });

  it("uses the bottom process code for a bottom-side model, and the second operator as misc", async () => {
    const bottom = text
      .replace("Model:DEMO-PCB-B_V1.SWX", "Model:DEMO-PCB-7B_PANEL_V2.SWX2")
      .replace("(AT1)", "(FP1 - OP819)");
    const r = (await convert("c.ATD", bottom)).reports[0] as Report;
    expect(r).toMatchObject({ pn: "DEMO-PCB-7", rev: "V2.SWX2", processCode: 31, uut: { user: "FP1" } });
    expect(r.miscInfos).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ description: "Side", text: "Bottom" }),
        expect.objectContaining({ description: "Operator 2", text: "OP819" }),
      ]),
    );
    const asStation = (await convert("c.ATD", bottom, { stationFromOperator: true })).reports[0] as Report;
    expect(asStation).toMatchObject({ machineName: "FP1", uut: { user: "OP819" } });
  });

  it("refuses a step line with an open quote, naming the line", async () => {
    const all = text.split("\n");
    const k = all.findIndex((l) => l.startsWith("000003 "));
    all[k] = (all[k] as string).replace('"PASS   "', '"PASS   ');
    const e = await refused(host, "takaya", "q.ATD", all.join("\n"));
    expect(e.line).toBe(k + 1);
    expect(e.message).toMatch(/not closed/);
  });

  it("keeps a judgement it does not know in the step and warns", async () => {
    const odd = text.replace(/^(000002 .*)"PASS {3}"/m, '$1"WEIRD  "');
    const r = await convert("w.ATD", odd);
    const step = testSteps(r.reports[0] as Report).find((s) => /#000002 /.test(s.reportText ?? ""));
    expect(step?.reportText).toMatch(/judgement WEIRD/);
    expect(r.warnings.join("\n")).toMatch(/judgement "WEIRD" .* at line 15 is not mapped/);
  });
});

describe("takaya: ATDX", () => {
  let text: string;
  let first: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    text = await fixtureText(ATDX);
    first = await convert("x.atdx", text);
  });

  it("gives one report per test run (Group No.: 1 starts a retest), groups as sequences", () => {
    const groups = [...text.matchAll(/^Group No\.: (\d+) Side: \w+ (PASS|FAIL)/gm)].map((m) => [m[1], m[2]]);
    const runs: string[][] = [];
    for (const [n, verdict] of groups) {
      if (n === "1") runs.push([]);
      runs[runs.length - 1]?.push(verdict as string);
    }
    expect(first.reports).toHaveLength(runs.length);
    expectValid(first.reports);
    first.reports.forEach((r, k) => {
      const result = runs[k]?.includes("FAIL") ? "F" : "P";
      expect(r).toMatchObject({
        sn: "WO250319-0162",
        pn: "289-0254-4.0",
        machineName: "APT-1400F FPT04",
        result,
      });
      expect(r.start).toBe("2025-05-25T12:26:55+02:00");
      expect(r.root?.steps?.map((s) => s.name)).toEqual(runs[k]?.map((_, g) => `Group ${g + 1}`));
    });
  });

  it("makes a step per row with statuses from Judge", () => {
    const rows = text
      .split(/\r?\n/)
      .filter((l) => /^\d+;/.test(l))
      .map((l) => l.split(";"));
    const all = first.reports.flatMap((r) => testSteps(r));
    expect(all).toHaveLength(rows.length);
    const judged = (words: string[]) => rows.filter((f) => words.includes(f[20] as string)).length;
    expect(all.filter((s) => s.status === "P")).toHaveLength(judged(["PASS"]));
    expect(all.filter((s) => s.status === "F")).toHaveLength(
      judged(["FAIL", "LOWER", "UPPER", "OPEN", "UNMEASURED"]),
    );
    expect(all.filter((s) => s.status === "S")).toHaveLength(judged(["SKIP", "UnTested"]));
  });

  it("reads EQ with tolerances and SH/OP against the reference", () => {
    const steps = testSteps(first.reports[0] as Report);
    const eq = steps.find(
      (s) => s.reportText?.startsWith("reference") && s.numericMeas?.[0]?.compOp === "GELE",
    );
    expect(eq).toBeDefined();
    const sh = steps.filter((s) => s.numericMeas?.[0]?.compOp === "LT");
    expect(sh.length).toBeGreaterThan(0);
    expect(sh.every((s) => numericOf(s).lowLimit === 10)).toBe(true);
  });

  it("converts again to the same ids", async () => {
    await expectStableIds(() => convert("x.atdx", text), first);
  });

  it("refuses a row cut before its judgement, naming the line", async () => {
    const lines = text.split("\n");
    const k = lines.findIndex((l) => l.startsWith("5;"));
    lines[k] = (lines[k] as string).split(";").slice(0, 12).join(";");
    const e = await refused(host, "takaya", "cut.atdx", lines.join("\n"));
    expect(e).toMatchObject({ line: k + 1, field: "Judge" });
  });
});

describe("takaya: files that are not Takaya", () => {
  it("refuses them with the reason", async () => {
    const e = await refused(host, "takaya", "x.atd", "hello\nworld\n");
    expect(e.message).toMatch(/not a Takaya ATD or ATDX file/);
  });
});
