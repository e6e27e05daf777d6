import { describe, expect, it } from "vitest";
import { type ReportProblem, validateReport } from "../src/index.js";
import { fixtureJson, JSON_FIXTURES, type Json, sampleUut } from "./support.js";

const NOW = new Date("2026-02-01T00:00:00Z");
const summary = (problems: readonly ReportProblem[]) =>
  problems.map((p) => `${p.severity} ${p.rule} ${p.path}`);

describe("validateReport on the real exports", () => {
  for (const name of JSON_FIXTURES) {
    it(`${name} has no error`, () => {
      expect(validateReport(fixtureJson(name), { now: NOW }).errors).toEqual([]);
    });
  }

  it("warns exactly about the FAT export's two inconsistent steps (ids 36 and 88)", () => {
    const { warnings } = validateReport(fixtureJson("uut-server-export.json"), { now: NOW });
    expect(summary(warnings)).toEqual([
      "warning status $.root.steps[1].steps[2].status",
      "warning status $.root.steps[5].steps[0].steps[6].steps[4].status",
    ]);
    const raw = fixtureJson("uut-server-export.json");
    expect(raw.root.steps[1].steps[2].id).toBe(36);
    expect(raw.root.steps[5].steps[0].steps[6].steps[4].id).toBe(88);
  });
});

/** A valid report to break: the builder's sample, as plain JSON. */
const base = (): Json =>
  JSON.parse(JSON.stringify(sampleUut({ id: "0f8fad5b-d9cb-469f-a165-70867728950e" })));
const numeric = (r: Json) => r.root.steps[0].steps[0].numericMeas[0];

interface Case {
  name: string;
  input: () => unknown;
  /** `severity rule path` of problems that must be reported. */
  expect: string[];
  /** When true, these must be all the errors. Default true. */
  only?: boolean;
  strict?: boolean;
}

const broken = (
  name: string,
  mutate: (r: Json) => void,
  expected: string[],
  options: Partial<Case> = {},
): Case => ({
  name,
  input: () => {
    const r = base();
    mutate(r);
    return r;
  },
  expect: expected,
  ...options,
});

const corpus: Case[] = [
  { name: "not an object", input: () => 42, expect: ["error type $"] },
  { name: "an array", input: () => [base()], expect: ["error type $"] },
  { name: "null", input: () => null, expect: ["error type $"] },
  broken("missing part number", (r) => delete r.pn, ["error required $.pn"]),
  broken("empty serial number", (r) => (r.sn = "  "), ["error empty $.sn"]),
  broken("part number too long", (r) => (r.pn = "P".repeat(101)), ["error too-long $.pn"]),
  broken("100 code points incl. astral characters is fine", (r) => (r.pn = "😀".repeat(100)), []),
  broken("serial number with characters that break search", (r) => (r.sn = "SN*1/2"), [
    "error characters $.sn",
  ]),
  broken("sub-unit part number with a wildcard", (r) => (r.subUnits[0].pn = "MOD%"), [
    "error characters $.subUnits[0].pn",
  ]),
  broken("control character in the location", (r) => (r.location = "Line\u00011"), [
    "error characters $.location",
  ]),
  broken("wrong type", (r) => (r.type = "X"), ["error code $.type"]),
  broken("type as a word (wire takes letters)", (r) => (r.type = "UUT"), ["error code $.type"]),
  broken("id not a GUID", (r) => (r.id = "report-1"), ["error guid $.id"]),
  broken("missing id", (r) => delete r.id, ["error required $.id"]),
  broken("processCode out of Int16", (r) => (r.processCode = 40000), ["error range $.processCode"]),
  broken("processCode as a string", (r) => (r.processCode = "10"), ["error type $.processCode"]),
  broken(
    "result as a word",
    (r) => (r.result = "Passed"),
    ["error code $.result", "warning status $.result"],
    {
      only: false,
    },
  ),
  broken("result D (pyWATS only)", (r) => (r.result = "D"), ["error code $.result"], { only: false }),
  broken("start without offset", (r) => (r.start = "2026-01-30T22:01:41"), ["error date-time $.start"]),
  broken("start not a date", (r) => (r.start = "yesterday"), ["error date-time $.start"]),
  broken(
    "start before 1970",
    (r) => {
      r.start = "1969-12-31T23:00:00+00:00";
      delete r.startUTC;
    },
    ["error range $.start"],
  ),
  broken("startUTC another instant", (r) => (r.startUTC = "2026-01-30T21:01:41.4707354Z"), [
    "error date-time $.startUTC",
  ]),
  broken(
    "start in the far future",
    (r) => {
      r.start = "2030-01-01T00:00:00Z";
      delete r.startUTC;
    },
    ["warning date-time $.start"],
  ),
  broken("missing uut", (r) => delete r.uut, ["error required $.uut"]),
  broken("missing operator", (r) => delete r.uut.user, ["error required $.uut.user"]),
  broken("missing root", (r) => delete r.root, ["error required $.root"]),
  broken("root not an object", (r) => (r.root = "steps"), ["error type $.root"]),
  broken("step without name", (r) => delete r.root.steps[1].name, ["error required $.root.steps[1].name"]),
  broken("step name too long", (r) => (r.root.steps[1].name = "n".repeat(101)), [
    "error too-long $.root.steps[1].name",
  ]),
  broken("step group word", (r) => (r.root.steps[1].group = "Main"), ["error code $.root.steps[1].group"]),
  broken("step status X", (r) => (r.root.steps[1].status = "X"), ["error code $.root.steps[1].status"], {
    only: false,
  }),
  broken("duplicate step ids", (r) => (r.root.steps[2].id = r.root.steps[1].id), [
    "error duplicate-id $.root.steps[2].id",
  ]),
  broken("some steps without id", (r) => delete r.root.steps[3].id, ["error step-ids $.root.steps[3].id"]),
  broken("step id not an integer", (r) => (r.root.steps[3].id = 1.5), ["error type $.root.steps[3].id"]),
  broken("a step that is a number", (r) => r.root.steps.push(7), ["error type $.root.steps[7]"]),
  broken(
    "two payloads on one step",
    (r) => (r.root.steps[1].numericMeas = [numeric(r)]),
    ["error payload $.root.steps[1]"],
    {
      only: false,
    },
  ),
  broken(
    "children without seqCall",
    (r) => (r.root.steps[1].steps = [r.root.steps[2]]),
    ["error payload $.root.steps[1].steps"],
    {
      only: false,
    },
  ),
  broken(
    "chart and attachment on one step",
    (r) => {
      r.root.steps[5].attachment = { name: "a.txt", contentType: "text/plain", data: "YQ==" };
    },
    ["error payload $.root.steps[5]"],
  ),
  broken("measurement value NaN", (r) => (numeric(r).value = Number.NaN), [
    "error non-finite $.root.steps[0].steps[0].numericMeas[0].value",
  ]),
  broken("measurement value as a string", (r) => (numeric(r).value = "3.31"), [
    "error type $.root.steps[0].steps[0].numericMeas[0].value",
  ]),
  broken("measurement value missing", (r) => delete numeric(r).value, [
    "error required $.root.steps[0].steps[0].numericMeas[0].value",
  ]),
  broken(
    "measurement status word",
    (r) => (numeric(r).status = "Passed"),
    ["error code $.root.steps[0].steps[0].numericMeas[0].status"],
    {
      only: false,
    },
  ),
  broken("GELE without highLimit (warning)", (r) => (numeric(r).highLimit = null), [
    "warning limits $.root.steps[0].steps[0].numericMeas[0].highLimit",
  ]),
  {
    ...broken("GELE without highLimit, strict", (r) => (numeric(r).highLimit = null), [
      "error limits $.root.steps[0].steps[0].numericMeas[0].highLimit",
    ]),
    strict: true,
  },
  broken(
    "highLimit on a one-limit operator",
    (r) => (r.root.steps[0].steps[1].numericMeas[0].highLimit = 1),
    ["warning limits $.root.steps[0].steps[1].numericMeas[0].highLimit"],
  ),
  broken("unknown operator", (r) => (numeric(r).compOp = "BETWEEN"), [
    "warning comp-op $.root.steps[0].steps[0].numericMeas[0].compOp",
  ]),
  broken("status disagrees with the limits", (r) => (numeric(r).value = 9), [
    "warning status $.root.steps[0].steps[0].numericMeas[0].status",
  ]),
  broken("unit too long", (r) => (numeric(r).unit = "u".repeat(21)), [
    "error too-long $.root.steps[0].steps[0].numericMeas[0].unit",
  ]),
  broken("duplicate names in a multi step", (r) => (r.root.steps[2].numericMeas[1].name = "5V"), [
    "warning duplicate-name $.root.steps[2].numericMeas[1].name",
  ]),
  broken("reportText too long", (r) => (r.root.steps[1].reportText = "x".repeat(5001)), [
    "error too-long $.root.steps[1].reportText",
  ]),
  broken("error message too long", (r) => (r.root.steps[1].errorMessage = "x".repeat(201)), [
    "error too-long $.root.steps[1].errorMessage",
  ]),
  broken("step start without offset", (r) => (r.root.steps[1].start = "2026-01-30 22:01"), [
    "error date-time $.root.steps[1].start",
  ]),
  broken("chart x/y counts differ", (r) => (r.root.steps[5].chart.series[0].xdata = "0;1"), [
    "error chart $.root.steps[5].chart.series[0].xdata",
  ]),
  broken("chart with a comma decimal", (r) => (r.root.steps[5].chart.series[0].ydata = "0;1,5;3"), [
    "error chart $.root.steps[5].chart.series[0].ydata",
  ]),
  broken(
    "attachment not base64",
    (r) => {
      r.root.steps[6].attachment = {
        name: "a.txt",
        contentType: "text/plain",
        data: "data:text/plain;base64,YQ==",
      };
    },
    ["error attachment $.root.steps[6].attachment.data"],
  ),
  broken("misc info without description", (r) => delete r.miscInfos[0].description, [
    "error required $.miscInfos[0].description",
  ]),
  broken("misc info recording nothing", (r) => (r.miscInfos[0].text = null), [
    "warning empty $.miscInfos[0]",
  ]),
  broken("misc numeric out of Int16", (r) => (r.miscInfos[1].numeric = 70000), [
    "error range $.miscInfos[1].numeric",
  ]),
  broken("asset without usage count", (r) => (r.assets = [{ assetSN: "FIX-1" }]), [
    "error required $.assets[0].usageCount",
  ]),
  broken("root status differs from the result", (r) => (r.result = "F"), ["warning status $.result"]),
  broken(
    "passing sequence with a failing child",
    (r) => {
      r.root.steps[0].steps[2].booleanMeas[0].status = "F";
      r.root.steps[0].steps[2].status = "F";
    },
    ["warning status $.root.steps[0].status"],
    { only: false },
  ),
  broken("causedUUTFailure on a passing step", (r) => (r.root.steps[1].causedUUTFailure = true), [
    "warning status $.root.steps[1].causedUUTFailure",
  ]),
  broken(
    "repair without uur",
    (r) => {
      r.type = "R";
      delete r.uut;
    },
    ["error required $.uur"],
    { only: false },
  ),
  {
    name: "repair: refUUT not a GUID, no main unit, no failures, a failure without code",
    input: () => ({
      type: "R",
      id: "0f8fad5b-d9cb-469f-a165-70867728950e",
      pn: "P",
      sn: "S",
      rev: "A",
      processCode: 500,
      result: "P",
      machineName: "M",
      location: "L",
      purpose: "Repair",
      start: "2026-01-30T22:01:41+01:00",
      uur: { user: "u", processCode: 10, refUUT: "not-a-guid" },
      subUnits: [{ pn: "P", sn: "S", rev: "A", idx: 1, failures: [{ category: "Component" }] }],
    }),
    expect: [
      "error guid $.uur.refUUT",
      "error required $.subUnits[0].failures[0].code",
      "warning repair $.subUnits",
    ],
  },
];

describe("validateReport: a corpus of broken reports, each with its JSON paths", () => {
  it("the unbroken base report is valid without warnings", () => {
    expect(summary(validateReport(base(), { now: NOW }).problems)).toEqual([]);
  });

  for (const c of corpus) {
    it(c.name, () => {
      const result = validateReport(c.input(), { now: NOW, strict: c.strict === true });
      const got = summary(result.problems);
      for (const e of c.expect) expect(got).toContain(e);
      if (c.only !== false) {
        expect(summary(result.errors).sort()).toEqual(c.expect.filter((e) => e.startsWith("error")).sort());
      }
      const expectsError = c.expect.some((e) => e.startsWith("error"));
      if (expectsError) expect(result.valid).toBe(false);
      else if (c.only !== false) expect(result.valid).toBe(true);
      expect(got.some((g) => g.includes("internal"))).toBe(false);
    });
  }

  it("allowSpecialCharacters permits the characters that break search", () => {
    const r = base();
    r.sn = "SN/1*";
    expect(validateReport(r, { now: NOW, allowSpecialCharacters: true }).errors).toEqual([]);
  });

  it("messages say what is wrong", () => {
    const r = base();
    r.pn = "P".repeat(101);
    const [problem] = validateReport(r, { now: NOW }).errors;
    expect(problem?.message).toBe("is 101 characters long; at most 100 are allowed");
  });
});
