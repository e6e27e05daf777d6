import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import {
  allSteps,
  convertBytes,
  expectClose,
  expectStableIds,
  expectValid,
  fixtureText,
  PREFIX,
  refused,
  testSteps,
  unitFactor,
} from "./ict-helpers.js";

const SAMPLE = "teradyne-spectrum/sample_ict_data.txt";
let host: ConverterHost;
let text: string;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  text = await fixtureText(SAMPLE);
});
afterAll(() => host.close());

const convert = (content: string, parameters?: Record<string, unknown>) =>
  convertBytes(host, "teradyne-spectrum", "ict.txt", content, { timeZone: "Europe/Oslo", ...parameters });
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

describe("teradyne-spectrum on the sample datalog", () => {
  let report: Report;
  let reports: Report[];
  beforeAll(async () => {
    reports = (await convert(text)).reports;
    report = reports[0] as Report;
  });

  it("gives one valid report with the header WATS's converter reads", () => {
    expect(reports).toHaveLength(1);
    expectValid(reports);
    expect(report).toMatchObject({
      pn: /\(PROGRAM_NAME: "([^"]+)"\)/.exec(text)?.[1],
      sn: /Serialnumber:\s*(\S+?)\)/.exec(text)?.[1],
      processCode: 30,
      result: /STATUS: BOARD PASSED/.test(text) ? "P" : "F",
      uut: { user: /Operator:\s*(\S+?)\)/.exec(text)?.[1] },
      // first step (TIME: 02/09/2023 16:44:11 ), month first, Oslo winter time
      start: "2023-02-09T16:44:11+01:00",
    });
    // Date + EndTime 16:44:38:124 minus the start
    expect(report.uut?.execTime).toBeCloseTo(27.124, 6);
    const misc = Object.fromEntries((report.miscInfos ?? []).map((m) => [m.description, m.text]));
    expect(misc).toMatchObject({
      CustomerSN: "AAAAAAAAAAA",
      OrderNumber: "222222222",
      File: "ict.txt",
      version: "V2.0.0.0",
    });
  });

  it("has a sequence per section, a step per page and a measurement per MEASVAL", () => {
    const sections = count(text, /\(SECTION_NAME:/g);
    expect(report.root?.steps).toHaveLength(sections);
    const steps = testSteps(report);
    expect(steps).toHaveLength(count(text, /\(PAGE:/g));
    const measurements = steps.reduce((n, s) => n + (s.numericMeas?.length ?? 0), 0);
    expect(measurements).toBe(count(text, /\(MEASVAL:/g));
    expect(steps.filter((s) => s.status === "F")).toHaveLength(
      count(text, /\(PAGE:\s*\(TYPE: \w+\)\s*\(PAGE_NAME: "[^"]*"\)[^)]*\(STAT: FAIL/g),
    );
    // every step carries its STEP's TIME
    expect(allSteps(report).filter((s) => s.start !== undefined).length).toBe(count(text, /\(STEP:/g));
  });

  it("keeps values, limits, units and comparison operators of each single-page step", () => {
    const steps = testSteps(report);
    const blocks = text
      .split("(STEP:")
      .slice(1)
      .filter((b) => count(b, /\(PAGE:/g) === 1);
    const value = (block: string, key: string) => {
      const m = new RegExp(`\\(${key}: \\(VAL: ([^)]+)\\)(?: \\(SCALE: (\\w)\\))? \\(UNIT: (\\w+)\\)`).exec(
        block,
      );
      return m ? Number(m[1]) * (PREFIX[m[2] ?? ""] ?? 1) : undefined;
    };
    let checked = 0;
    const used = new Set<unknown>();
    for (const block of blocks) {
      const meas = value(block, "MEASVAL");
      if (meas === undefined) continue;
      const name = /\(PAGE_NAME: "([^"]+)"\)/.exec(block)?.[1];
      // names repeat between sections: take the steps in file order
      const step = steps.find((s) => s.name === name && s.numericMeas && !used.has(s));
      expect(step, name).toBeDefined();
      used.add(step);
      const m = step?.numericMeas?.[0];
      const f = unitFactor(m?.unit);
      expectClose((m?.value as number) * f, meas);
      const low = value(block, "LOLIM");
      const high = value(block, "HILIM");
      expect(m?.compOp).toBe(
        low !== undefined && high !== undefined ? "GELE" : low !== undefined ? "GE" : "LE",
      );
      if (low !== undefined) expectClose((m?.lowLimit as number) * f, low);
      if (high !== undefined)
        expectClose(((m?.compOp === "LE" ? m?.lowLimit : m?.highLimit) as number) * f, high);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it("keeps what it does not turn into measurements as report text (nominal, nodes, comments)", () => {
    const c1 = testSteps(report).find((s) => s.name === "C1");
    expect(c1?.reportText).toMatch(/CAPACITOR 4n7 TOP/);
    expect(c1?.reportText).toMatch(/nominal 4\.6999993 nF/);
    expect(c1?.reportText).toMatch(/MEAS: CH_\/OUT14_B \(35\)/);
  });
});

describe("teradyne-spectrum on made variants", () => {
  it("gives one report per board when a file holds two, with stable ids", async () => {
    const second = text
      .replace("Serialnumber:1111111111", "Serialnumber:2222222222")
      .replace('(PROGRAM_NAME: "PB3187900")\n', "");
    const both = `${text}\n${second}`;
    const first = await convert(both);
    expect(first.reports.map((r) => r.sn)).toEqual(["1111111111", "2222222222"]);
    expect(first.reports[1]?.pn).toBe("PB3187900");
    expectValid(first.reports);
    await expectStableIds(() => convert(both), first);
  });

  it("marks a failing page failed and says when the board verdict disagrees", async () => {
    const failing = text.replace('(PAGE_NAME: "C1") (STAT: PASS)', '(PAGE_NAME: "C1") (STAT: FAIL)');
    const r = await convert(failing);
    expect(testSteps(r.reports[0] as Report).find((s) => s.name === "C1")?.status).toBe("F");
    expect(r.reports[0]?.result).toBe("P");
    expect(r.warnings.join("\n")).toMatch(/verdict is passed but its steps give failed/);
  });

  it("refuses a truncated file, naming the line of the list left open", async () => {
    const at = text.indexOf("(STEP:", 5000);
    const cut = text.slice(0, at + 40);
    const e = await refused(host, "teradyne-spectrum", "cut.txt", cut);
    expect(e.kind).toBe("parse");
    expect(e.line).toBe(text.slice(0, at).split("\n").length);
    expect(e.message).toMatch(/\(STEP: \.\.\.\) list opened at line \d+ is not closed/);
  });

  it("refuses a value that is not a number, naming line and field", async () => {
    const bad = text.replace("(MEASVAL: (VAL: 4.6900024)", "(MEASVAL: (VAL: 4.69x)");
    const e = await refused(host, "teradyne-spectrum", "bad.txt", bad);
    expect(e.field).toBe("MEASVAL.VAL");
    expect(e.line).toBe(bad.slice(0, bad.indexOf("4.69x")).split("\n").length);
  });

  it("refuses a board without serial number, naming the field", async () => {
    const e = await refused(
      host,
      "teradyne-spectrum",
      "nosn.txt",
      text.replace("(USER:  Serialnumber:1111111111)", ""),
    );
    expect(e.field).toBe("Serialnumber");
  });

  it("warns about lists it does not know", async () => {
    const r = await convert(
      text.replace('(SECTION_NAME: "DISCHARGE")', '(FIXTURE_ID: 17)\n(SECTION_NAME: "DISCHARGE")'),
    );
    expect(r.warnings.join("\n")).toMatch(/\(FIXTURE_ID: \.\.\.\) at line 43 is not mapped/);
  });

  it("reads day-first dates when told", async () => {
    const r = await convert(text, { dateOrder: "DMY" });
    expect(r.reports[0]?.start).toBe("2023-09-02T16:44:11+02:00");
  });
});
