import { describe, expect, it } from "vitest";
import { converterEntrySchema } from "../src/config-schema.js";
import { pathFilter } from "../src/glob.js";
import { deriveReportId } from "../src/report-id.js";
import { readCsv } from "../src/standard/csv-reader.js";
import { jsonErrorOffset } from "../src/standard/json-error-position.js";

describe("deriveReportId", () => {
  it("is a stable UUID that changes with converter, content and index", () => {
    const a = deriveReportId("csv", "ab".repeat(32), 0);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveReportId("csv", "ab".repeat(32), 0)).toBe(a);
    expect(
      new Set([
        a,
        deriveReportId("csv", "ab".repeat(32), 1),
        deriveReportId("tsx", "ab".repeat(32), 0),
        deriveReportId("csv", "cd".repeat(32), 0),
      ]).size,
    ).toBe(4);
  });
});

describe("pathFilter", () => {
  it("matches names anywhere for slash-free patterns, paths for others, case-insensitively", () => {
    const f = pathFilter(["*.xml", "logs/**/*.{csv,txt}"], ["**/skip-*"]);
    expect(f("a.XML")).toBe(true);
    expect(f("sub/a.xml")).toBe(true);
    expect(f("logs/x/y/z.csv")).toBe(true);
    expect(f("logs/z.txt")).toBe(true);
    expect(f("other/z.csv")).toBe(false);
    expect(f("sub/skip-a.xml")).toBe(false);
    expect(f("a.xml.bak")).toBe(false);
  });
});

describe("readCsv", () => {
  it("reads quotes, doubled quotes, embedded line breaks and CRLF, with record start lines", () => {
    const recs = readCsv('a,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",2\n\nlast,3');
    expect(recs).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'he said "hi"'] },
      { line: 3, fields: ["multi\nline", "2"] },
      { line: 6, fields: ["last", "3"] },
    ]);
  });
  it("rejects a quote inside an unquoted field with its position", () => {
    expect(() => readCsv('a,b\nx,y"z\n')).toThrow(/quote inside an unquoted field/);
  });
});

describe("jsonErrorOffset", () => {
  it("finds the first bad character", () => {
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('{"a": 1}')).toBe(-1);
  });
});

describe("converterEntrySchema", () => {
  it("fills defaults", () => {
    expect(converterEntrySchema.parse({ name: "csv", watch: { folder: "/in" } })).toEqual({
      name: "csv",
      watch: { folder: "/in", recursive: false, settleMs: 2000, followSymlinks: false, rescanMs: 30000 },
      parameters: {},
      onSuccess: "move",
      timeoutMs: 30000,
      maxMemoryMb: 256,
      maxFileMb: 32,
    });
  });
  it("rejects unknown keys and bad values", () => {
    expect(
      converterEntrySchema.safeParse({ name: "csv", watch: { folder: "/in" }, onSucess: "move" }).success,
    ).toBe(false);
    expect(
      converterEntrySchema.safeParse({ name: "csv", watch: { folder: "/in" }, onSuccess: "archive" }).success,
    ).toBe(false);
    expect(
      converterEntrySchema.safeParse({ name: "csv", watch: { folder: "/in", settleMs: -1 } }).success,
    ).toBe(false);
  });
});
