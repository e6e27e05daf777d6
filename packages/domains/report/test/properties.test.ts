/** Property-based tests (fast-check): the validator and the reader never throw, and the fast reader agrees with the zod schema. */

import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeParseReport, serialiseReport, validateReport } from "../src/index.js";
import { ReportSchema } from "../src/schemas.js";
import { type Json, sampleUut } from "./support.js";

const noInternal = (r: ReturnType<typeof validateReport>) => r.problems.every((p) => p.rule !== "internal");

/** Arbitrary JSON-ish values, with the keys and value types a report uses, so the rules are reached. */
const KEYS = [
  "type",
  "id",
  "pn",
  "sn",
  "rev",
  "processCode",
  "result",
  "machineName",
  "location",
  "purpose",
  "start",
  "startUTC",
  "root",
  "uut",
  "uur",
  "miscInfos",
  "subUnits",
  "assets",
  "binaryData",
  "additionalData",
  "steps",
  "status",
  "group",
  "stepType",
  "name",
  "numericMeas",
  "stringMeas",
  "booleanMeas",
  "seqCall",
  "callExe",
  "messagePopup",
  "chart",
  "attachment",
  "loop",
  "compOp",
  "value",
  "lowLimit",
  "highLimit",
  "limit",
  "unit",
  "series",
  "xdata",
  "ydata",
  "failures",
  "category",
  "code",
  "props",
  "array",
  "indexes",
  "description",
  "text",
  "numeric",
  "user",
  "idx",
] as const;

const leaf = fc.oneof(
  fc.constantFrom(
    "T",
    "R",
    "P",
    "F",
    "S",
    "M",
    "GELE",
    "LT",
    "LOG",
    "CASESENSIT",
    "Passed",
    "0;1;2",
    "1,5",
    "2026-01-30T22:01:41.4707353+01:00",
    "2026-01-30T22:01:41",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "",
    "YQ==",
    "*",
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const shaped = (noNullPrototype: boolean): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("object"), tie("array")),
    object: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 8, noNullPrototype }),
    array: fc.array(tie("value"), { maxLength: 4 }),
  })).value;
/** Includes objects without a prototype, which a hand-made input may have. */
const reportish = shaped(false);
/** Plain objects only, as JSON decoding makes them (zod copies into plain objects). */
const plainReportish = shaped(true);

describe("validateReport never throws", () => {
  it("on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateReport(value);
        expect(noInternal(result)).toBe(true);
        expect(result.valid).toBe(result.errors.length === 0);
      }),
      { numRuns: 500 },
    );
  });

  it("on arbitrary values shaped like reports (known keys, any types, non-JSON numbers too)", () => {
    fc.assert(
      fc.property(reportish, (value) => {
        expect(noInternal(validateReport(value))).toBe(true);
        safeParseReport(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("on a valid report with one field replaced by anything", () => {
    const base = JSON.parse(JSON.stringify(sampleUut()));
    const paths: (string | number)[][] = [];
    const collect = (v: Json, path: (string | number)[]) => {
      if (v && typeof v === "object") {
        for (const [k, c] of Object.entries(v)) {
          const p = [...path, Array.isArray(v) ? Number(k) : k];
          paths.push(p);
          collect(c, p);
        }
      }
    };
    collect(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.anything(), (path, replacement) => {
        const copy = structuredClone(base);
        let target = copy;
        for (const key of path.slice(0, -1)) target = target[key];
        target[path.at(-1) as string] = replacement;
        const result = validateReport(copy);
        expect(noInternal(result)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the fast reader and ReportSchema agree", () => {
  it("on arbitrary values shaped like reports: both accept with the same model, or both refuse", () => {
    // A string is left out: the reader also takes a report as JSON text ("{}" parses), zod only values.
    fc.assert(
      fc.property(
        plainReportish.filter((value) => typeof value !== "string"),
        (value) => {
          const fast = safeParseReport(value);
          const zod = ReportSchema.safeParse(value);
          expect(fast.success).toBe(zod.success);
          if (fast.success && zod.success) expect(isDeepStrictEqual(fast.report, zod.data)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("serialise(parse(x)) is JSON for every report the reader accepts from JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = safeParseReport(value);
        if (parsed.success) expect(JSON.parse(JSON.stringify(serialiseReport(parsed.report)))).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
