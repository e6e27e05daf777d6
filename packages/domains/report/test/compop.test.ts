import { describe, expect, it } from "vitest";
import {
  evaluateNumeric,
  evaluateString,
  impliedNumericCompOp,
  missingLimits,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  numericCompOp,
  stringCompOp,
} from "../src/index.js";

const L = 10;
const H = 20;
// Each operator's expected verdict at the boundary values, written out from the format
// document's table (not computed): below L, at L, between, at H, above H.
const VALUES = [5, 10, 15, 20, 25] as const;
const EXPECTED: Record<Exclude<NumericCompOp, "LOG">, string> = {
  EQ: "FPFFF",
  NE: "PFPPP",
  GT: "FFPPP",
  GE: "FPPPP",
  LT: "PFFFF",
  LE: "PPFFF",
  GTLT: "FFPFF",
  GTLE: "FFPPF",
  GELT: "FPPFF",
  GELE: "FPPPF",
  LTGT: "PFFFP",
  LTGE: "PFFPP",
  LEGT: "PPFFP",
  LEGE: "PPFPP",
};

describe("evaluateNumeric: every operator at every boundary", () => {
  for (const [op, verdicts] of Object.entries(EXPECTED)) {
    const dual = NUMERIC_COMP_OPS[op as NumericCompOp] === 2;
    VALUES.forEach((v, i) => {
      it(`${op}: ${v} against ${dual ? `[${L}, ${H}]` : L} -> ${verdicts[i]}`, () => {
        expect(evaluateNumeric(op, v, L, dual ? H : null)).toBe(verdicts[i]);
      });
    });
  }

  it("LOG always passes and needs no limit", () => {
    expect(evaluateNumeric("LOG", 123, null, null)).toBe("P");
    expect(evaluateNumeric("LOG", Number.NaN)).toBe("P");
  });

  it("one-limit operators read lowLimit and ignore highLimit (LT/LE included, unlike pyWATS)", () => {
    // pyWATS reads LT/LE from highLimit: with L=10 and a stray H=100, 50 LT would pass there.
    expect(evaluateNumeric("LT", 50, 10, 100)).toBe("F");
    expect(evaluateNumeric("LE", 10, 10, 0)).toBe("P");
    expect(evaluateNumeric("LE", 10.000001, 10, 1000)).toBe("F");
    expect(evaluateNumeric("GE", 5, 10, 1)).toBe("F");
  });

  it("GELE is inclusive at both ends (pyWATS's first GELE branch treats the low end as exclusive)", () => {
    expect(evaluateNumeric("GELE", 500, 500, 500)).toBe("P");
    expect(evaluateNumeric("GELE", 10, 10, 20)).toBe("P");
    expect(evaluateNumeric("GELE", 9.999999, 10, 20)).toBe("F");
  });

  it("names the operator that limits imply when none is written", () => {
    expect(impliedNumericCompOp(1, 2)).toBe("GELE");
    expect(impliedNumericCompOp(0, undefined)).toBe("GE");
    expect(impliedNumericCompOp(undefined, 0)).toBe("LE");
    expect(impliedNumericCompOp(undefined, undefined)).toBe("LOG");
  });

  it("is case-insensitive and trims", () => {
    expect(numericCompOp("gele")).toBe("GELE");
    expect(numericCompOp(" LtGe ")).toBe("LTGE");
    expect(evaluateNumeric("ge", 10, 10)).toBe("P");
    expect(numericCompOp("EQT")).toBeUndefined();
  });

  it("cannot evaluate unknown operators, missing values or missing limits", () => {
    expect(evaluateNumeric("BETWEEN", 1, 0, 2)).toBeUndefined();
    expect(evaluateNumeric("GE", null, 1)).toBeUndefined();
    expect(evaluateNumeric("GE", 1, null)).toBeUndefined();
    expect(evaluateNumeric("GELE", 1, 0, null)).toBeUndefined();
    expect(evaluateNumeric("GELE", 1, null, 2)).toBeUndefined();
    expect(missingLimits("GELE", 0, null)).toEqual(["highLimit"]);
    expect(missingLimits("LT", null, 5)).toEqual(["lowLimit"]);
    expect(missingLimits("LOG", null, null)).toEqual([]);
    expect(missingLimits("XYZ", null, null)).toEqual([]);
  });

  it("NaN fails every comparison except NE", () => {
    for (const op of Object.keys(EXPECTED)) {
      const dual = NUMERIC_COMP_OPS[op as NumericCompOp] === 2;
      const expected = op === "NE" ? "P" : "F";
      expect(evaluateNumeric(op, Number.NaN, L, dual ? H : null), `${op} value NaN`).toBe(expected);
      expect(evaluateNumeric(op, 15, Number.NaN, dual ? Number.NaN : null), `${op} limits NaN`).toBe(
        expected,
      );
    }
  });

  it("compares infinities as the extremes they are", () => {
    expect(evaluateNumeric("GT", Number.POSITIVE_INFINITY, 1e308)).toBe("P");
    expect(evaluateNumeric("LT", Number.NEGATIVE_INFINITY, -1e308)).toBe("P");
    expect(evaluateNumeric("GELE", Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY)).toBe("P");
    expect(evaluateNumeric("GELT", Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY)).toBe("F");
    expect(evaluateNumeric("LTGT", Number.NEGATIVE_INFINITY, 0, 1)).toBe("P");
    expect(evaluateNumeric("EQ", Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe("P");
  });

  it("treats -0 and 0 as equal and distinguishes adjacent doubles", () => {
    expect(evaluateNumeric("EQ", -0, 0)).toBe("P");
    const next = 1 + Number.EPSILON;
    expect(evaluateNumeric("LE", next, 1)).toBe("F");
    expect(evaluateNumeric("GT", next, 1)).toBe("P");
  });
});

describe("evaluateString", () => {
  it.each([
    ["LOG", "anything", null, "P"],
    ["CASESENSIT", "CaseSensitive", "CaseSensitive", "P"],
    ["CASESENSIT", "caseSensitive", "CaseSensitive", "F"],
    ["IGNORECASE", "caseSensitive", "CaseSensitive", "P"],
    ["IgnoreCase", "STRASSE", "strasse", "P"],
    ["IGNORECASE", "abc", "abd", "F"],
    ["EQ", "a", "a", "P"],
    ["EQ", "a", "A", "F"],
    ["NE", "a", "A", "P"],
    ["NE", "a", "a", "F"],
    ["GT", "b", "a", "P"],
    ["GT", "a", "a", "F"],
    ["GE", "a", "a", "P"],
    ["LT", "B", "a", "P"],
    ["LE", "b", "a", "F"],
  ] as const)("%s %j vs %j -> %s", (op, value, limit, expected) => {
    expect(evaluateString(op, value, limit)).toBe(expected);
  });

  it("cannot evaluate unknown operators or a missing value/limit", () => {
    expect(evaluateString("REGEX", "a", "a")).toBeUndefined();
    expect(evaluateString("CASESENSIT", null, "a")).toBeUndefined();
    expect(evaluateString("CASESENSIT", "a", null)).toBeUndefined();
    expect(stringCompOp("casesensit")).toBe("CASESENSIT");
  });
});
