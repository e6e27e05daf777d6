/** The helpers the ICT converters share: tester dates, SI units, the readers of the nested formats, ZIP. */
import { describe, expect, it } from "vitest";
import { describeRecord, parseLogRecords } from "../src/standard/i3070-records.js";
import { inUnit, parseSpiceNumber, splitUnit } from "../src/standard/shared/engineering-units.js";
import { UnmappedContent } from "../src/standard/shared/unmapped.js";
import {
  instantInZone,
  parseCompactStamp,
  parseDate,
  parseDateAndTime,
  parseTime,
  zonedDateTime,
} from "../src/standard/shared/wall-clock.js";
import { readZip } from "../src/standard/shared/zip-archive.js";
import { parseSExpressions, textOf } from "../src/standard/spectrum-sexpr.js";
import { makeZip } from "./ict-helpers.js";

describe("tester dates", () => {
  it("reads numeric dates in the order given, month names anywhere, two-digit years", () => {
    expect(parseDate("04/05/2023", "DMY")).toEqual({ year: 2023, month: 5, day: 4 });
    expect(parseDate("04/05/2023", "MDY")).toEqual({ year: 2023, month: 4, day: 5 });
    expect(parseDate("2023.05.04", "MDY")).toEqual({ year: 2023, month: 5, day: 4 });
    expect(parseDate("31-JUL-12", "MDY")).toEqual({ year: 2012, month: 7, day: 31 });
    expect(parseDate("01/01/99", "DMY")).toEqual({ year: 1999, month: 1, day: 1 });
    expect(parseDate("29/02/2023", "DMY")).toBeUndefined();
    expect(parseDate("13/13/2023", "DMY")).toBeUndefined();
    expect(parseTime("16:44:27:988")).toEqual({ hour: 16, minute: 44, second: 27, millisecond: 988 });
    expect(parseTime("24:00:00")).toBeUndefined();
    expect(parseDateAndTime("31-JUL-12  14:17:35", "DMY")).toMatchObject({
      year: 2012,
      hour: 14,
      second: 35,
    });
    expect(parseCompactStamp("891131172938")).toBeUndefined(); // November has 30 days
    expect(parseCompactStamp("231130172938")).toMatchObject({ year: 2023, month: 11, day: 30, hour: 17 });
  });

  it("gives wall times the offset their zone has then, across daylight-saving changes", () => {
    const w = (month: number, day: number, hour: number) => ({
      year: 2024,
      month,
      day,
      hour,
      minute: 30,
      second: 0,
      millisecond: 0,
    });
    expect(zonedDateTime(w(1, 15, 12), "Europe/Oslo")).toBe("2024-01-15T12:30:00+01:00");
    expect(zonedDateTime(w(7, 15, 12), "Europe/Oslo")).toBe("2024-07-15T12:30:00+02:00");
    expect(zonedDateTime(w(3, 31, 3), "Europe/Oslo")).toBe("2024-03-31T03:30:00+02:00");
    expect(zonedDateTime(w(7, 15, 12), "America/New_York")).toBe("2024-07-15T12:30:00-04:00");
    expect(zonedDateTime(w(7, 15, 12), "Asia/Kathmandu")).toBe("2024-07-15T12:30:00+05:45");
    expect(instantInZone(Date.UTC(2024, 6, 15, 10, 30, 0, 250), "Europe/Oslo")).toBe(
      "2024-07-15T12:30:00.250+02:00",
    );
  });
});

describe("SI units", () => {
  it("splits tester units into prefix and base, m milli and M mega", () => {
    expect(splitUnit("KO")).toMatchObject({ text: "kOhm", factor: 1e3 });
    expect(splitUnit("MO")).toMatchObject({ text: "MOhm", factor: 1e6 });
    expect(splitUnit("mH")).toMatchObject({ text: "mH", factor: 1e-3 });
    expect(splitUnit("UF")).toMatchObject({ text: "uF", factor: 1e-6 });
    expect(splitUnit("F")).toMatchObject({ text: "F", factor: 1 });
    expect(splitUnit("dB")).toMatchObject({ text: "dB", factor: 1 });
    expect(inUnit(4700, splitUnit("KO"))).toBe(4.7);
  });

  it("reads SPICE numbers (M milli, MEG mega) and nothing else", () => {
    expect(parseSpiceNumber("100.20007K")).toEqual({ value: 100200.07, prefix: "k" });
    expect(parseSpiceNumber("45.131532MEG")).toEqual({ value: 45131532, prefix: "M" });
    expect(parseSpiceNumber("520.747483M")).toEqual({ value: 0.520747483, prefix: "m" });
    expect(parseSpiceNumber("-500M")).toEqual({ value: -0.5, prefix: "m" });
    expect(parseSpiceNumber("1e-3")).toEqual({ value: 0.001, prefix: "" });
    expect(parseSpiceNumber("1.2.3K")).toBeUndefined();
    expect(parseSpiceNumber("")).toBeUndefined();
  });
});

describe("Spectrum s-expressions", () => {
  it("reads nested lists, quoted text over lines, bare text with parentheses, commas", () => {
    const [step] = parseSExpressions(
      '(STEP: (SNAME: "a\nb") (PROG_NAME: C:\\Program Files (x86)\\x.exe) (MEAS: (TPNAME: n1) (TPNUM: 1), (TPNAME: n2) (TPNUM: 2)))',
    );
    expect(step?.key).toBe("STEP");
    const items = step?.items ?? [];
    expect(items.map((i) => ("key" in i ? i.key : i.text))).toEqual(["SNAME", "PROG_NAME", "MEAS"]);
    expect(textOf(items[0] as never)).toBe("a\nb");
    expect(textOf(items[1] as never)).toBe("C:\\Program Files (x86)\\x.exe");
    expect((items[2] as { items: unknown[] }).items).toHaveLength(4);
  });

  it("names the line of what is not closed or not inside a list", () => {
    expect(() => parseSExpressions('(A: 1)\n(B: (C: "x)\n')).toThrow(/quoted text is not closed/);
    expect(() => parseSExpressions("(A: 1)\n(B: (C: 2)\n")).toThrowError(
      expect.objectContaining({ line: 2 }),
    );
    expect(() => parseSExpressions("(A: 1)\nstray\n")).toThrowError(expect.objectContaining({ line: 2 }));
  });
});

describe("i3070 log records", () => {
  it("reads nesting, lists, literal fields and keeps them when described", () => {
    const { records } = parseLogRecords(
      "{@BS-CON|27c|1|0|1\n{@BS-S|S{@NODE\\2|179|112}}\n}\n{@RPT~5|a}b|c}\n",
    );
    expect(records.map((r) => r.prefix)).toEqual(["@BS-CON", "@RPT"]);
    const bss = records[0]?.children[0];
    expect(bss?.children[0]).toMatchObject({ prefix: "@NODE", fields: ["2", "179", "112"], list: true });
    expect(describeRecord(bss as never)).toBe("{@BS-S|S{@NODE\\2|179|112}}");
    expect(records[1]?.fields).toEqual(["a}b|c"]);
  });

  it("ends every open record at CTRL-D and names the line of a record left open", () => {
    const cut = parseLogRecords("{@BTEST|s|0\n{@BLOCK|r|0\n{@A-RES|0|1.0\u0004}}\n{@BTEST|t|0\n}\n");
    expect(cut.records.map((r) => [r.prefix, r.truncated])).toEqual([
      ["@BTEST", true],
      ["@BTEST", false],
    ]);
    expect(cut.truncatedAt).toEqual([3]);
    expect(() => parseLogRecords("{@BATCH|a}\n{@BTEST|s|0\n{@BLOCK|r|0\n")).toThrowError(
      expect.objectContaining({ line: 2 }),
    );
  });
});

describe("ZIP reading", () => {
  it("reads what it wrote and refuses damaged or cut archives with the reason", () => {
    const zip = makeZip([
      { name: "Run 1.xml", data: "<testrun/>" },
      { name: "ä.txt", data: "x".repeat(10_000) },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ["Run 1.xml", 10],
      ["ä.txt", 10_000],
    ]);
    expect(new TextDecoder().decode(entries[1]?.read())).toBe("x".repeat(10_000));
    expect(() => readZip(zip.subarray(0, zip.length - 5))).toThrow(/truncated or not a ZIP file/);
    const bad = Uint8Array.from(zip);
    bad[32 + "Run 1.xml".length] = (bad[32 + "Run 1.xml".length] as number) ^ 0x55;
    expect(() => readZip(bad)[0]?.read()).toThrow(/Run 1\.xml/);
  });
});

describe("unmapped content", () => {
  it("gives one warning per kind with its count and first lines", () => {
    const u = new UnmappedContent();
    for (const line of [3, 9, 12, 20, 31, 40]) u.note("record {@X}", line);
    u.note("<Y>", 7);
    expect(u.messages("f.log")).toEqual([
      "f.log: record {@X} at lines 3, 9, 12, 20, 31, ... (6 times) is not mapped to the report",
      "f.log: <Y> at line 7 is not mapped to the report",
    ]);
  });
});
