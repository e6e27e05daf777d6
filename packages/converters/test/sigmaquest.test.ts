import { readFileSync } from "node:fs";
import type { Report } from "@tswats/report";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSteps, converterBench, expectReplacedOnSimulator, fixture } from "./issue16-helpers.js";

const SAMPLE = fixture("sigmaquest/testdata_SN651658.xml");
const GRADE: Record<string, string> = {
  PASS: "P",
  FAIL: "F",
  PENDING: "E",
  DONE: "D",
  SKIPPED: "S",
  INCOMPLETE: "T",
  ABORTED: "T",
};

type Node = Record<string, unknown>;
/** The sample read independently: every TestRun with its grade and values. */
function readSample() {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => ["TestRun", "Result", "Property", "ValueDouble"].includes(name),
  }).parse(readFileSync(SAMPLE, "utf8")) as Node;
  const unit = doc.UnitReport as Node;
  const runs: { name: string; grade: string; values: Node[]; subRuns: number }[] = [];
  const walk = (run: Node) => {
    const values = ((run.Result as Node[] | undefined) ?? []).flatMap((r) =>
      ((r.Property as Node[] | undefined) ?? []).flatMap((p) => (p.ValueDouble as Node[] | undefined) ?? []),
    );
    const subs = (run.TestRun as Node[] | undefined) ?? [];
    runs.push({ name: run["@name"] as string, grade: run["@grade"] as string, values, subRuns: subs.length });
    for (const s of subs) walk(s);
  };
  walk((unit.TestRun as Node[])[0] as Node);
  const product = (unit.Category as Node).Product as Node;
  return { unit, runs, product };
}

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

const unitReport = (runs: string, extra = "") => `<?xml version="1.0" encoding="UTF-8"?>
<UnitReport start-time="2025-02-01T08:00:00+01:00" end-time="2025-02-01T08:10:00+01:00" software-version="4.2">
<Station guid="G1" name="ST-7"><Property><ValueString name="Location">Bay 3</ValueString><ValueString name="Rack">R1</ValueString></Property></Station>
<Operator name="ann"/>
<Category name="Boards"><Product part-no="PCB-1" serial-no="S-100" version="B"><Product part-no="MOD-2" serial-no="M-5"/></Product></Category>
${extra}<TestRun start-time="2025-02-01T08:00:00+01:00" name="Main" end-time="2025-02-01T08:10:00+01:00" grade="FAIL">
${runs}
</TestRun>
</UnitReport>
`;

describe("sigmaquest on the sample", () => {
  it("header, one step per TestRun, statuses by grade, every numeric value with its limits", async () => {
    const { unit, runs, product } = readSample();
    const r = await bench.convert(SAMPLE, "sigmaquest", { zeroLimits: "literal" });
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      pn: product["@part-no"],
      sn: product["@serial-no"],
      start: unit["@start-time"],
      uut: { user: (unit.Operator as Node)["@name"] },
      result: GRADE[runs[0]?.grade as string],
    });
    expect(report.root?.seqCall?.name).toBe(runs[0]?.name);
    const steps = allSteps(report.root ?? undefined).slice(1);
    // every TestRun below the top is a step; one with sub-runs and values adds its test step
    const extra = runs.slice(1).filter((x) => x.subRuns > 0 && x.values.length > 0).length;
    expect(steps).toHaveLength(runs.length - 1 + extra);
    expect(steps.map((s) => s.status).sort()).toEqual(
      runs
        .slice(1)
        .map((x) => GRADE[x.grade])
        .sort(),
    );
    const fileValues = runs.flatMap((x) => x.values).filter((v) => v["#text"] !== "null");
    const meas = steps.flatMap((s) => s.numericMeas ?? []);
    expect(meas).toHaveLength(fileValues.length);
    // literal: every measurement compares with both limits as written
    for (const [i, v] of fileValues.entries()) {
      expect(meas[i]).toMatchObject({
        compOp: "GELE",
        value: Number(v["#text"]),
        lowLimit: Number(v["@lsl"]),
        highLimit: Number(v["@usl"]),
      });
    }
    // the two "null" values are kept in report texts and warned about with their lines
    expect(r.warnings.filter((w) => /has no value \("null"\)/.test(w))).toHaveLength(
      runs.flatMap((x) => x.values).filter((v) => v["#text"] === "null").length,
    );
    expect(r.warnings[0]).toMatch(/^line \d+: /);
  });

  it("zeroLimits auto: 0/0 means no limits, a 0 that empties the range means no limit on that side", async () => {
    const { runs } = readSample();
    const fileValues = runs.flatMap((x) => x.values).filter((v) => v["#text"] !== "null");
    const r = await bench.convert(SAMPLE, "sigmaquest");
    const meas = allSteps(r.reports[0]?.root ?? undefined).flatMap((s) => s.numericMeas ?? []);
    expect(meas.filter((m) => m.compOp === "LOG")).toHaveLength(
      fileValues.filter((v) => v["@lsl"] === "0" && v["@usl"] === "0").length,
    );
    const geOnly = fileValues.filter((v) => v["@usl"] === "0" && Number(v["@lsl"]) > 0).length;
    expect(meas.filter((m) => m.compOp === "GE")).toHaveLength(geOnly);
    const leOnly = fileValues.filter((v) => v["@lsl"] === "0" && Number(v["@usl"]) < 0).length;
    expect(meas.filter((m) => m.compOp === "LE")).toHaveLength(leOnly);
  });

  it("converting again gives the same id; a second submit replaces the report on the simulator", async () => {
    await expectReplacedOnSimulator(async () => (await bench.convert(SAMPLE, "sigmaquest")).reports);
  });
});

describe("sigmaquest on made-up variants", () => {
  it("maps units, comparison properties, strings, booleans, sub-units, setups and station properties", async () => {
    const path = await bench.file(
      "variant.xml",
      unitReport(`<TestRun start-time="2025-02-01T08:00:01+01:00" name="Rails" end-time="2025-02-01T08:00:03+01:00" grade="FAIL">
<Property><ValueString name="Comparison">GTLT (exclusive)</ValueString><ValueString name="Fail Notes">5V low</ValueString></Property>
<Result><Property><ValueDouble name="5V" lsl="4.9" usl="5.1" uom="V">4.5</ValueDouble><ValueDouble name="3V3" lsl="3.2" usl="3.4" uom="V" grade="PASS">3.3</ValueDouble></Property></Result>
</TestRun>
<TestRun start-time="2025-02-01T08:00:04+01:00" name="Firmware" grade="PASS"><Result><ValueString name="fw" usl="1.2.3">1.2.3</ValueString></Result></TestRun>
<TestRun start-time="2025-02-01T08:00:05+01:00" name="Fixture" grade="PASS"><SetUp><ValueBoolean name="clamped">true</ValueBoolean></SetUp></TestRun>
<TestRun start-time="2025-02-01T08:00:06+01:00" name="Abort" grade="ABORTED"><Error><Message name="E1">timeout</Message></Error></TestRun>`),
    );
    const r = await bench.convert(path, "sigmaquest");
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      pn: "PCB-1",
      sn: "S-100",
      rev: "B",
      machineName: "ST-7",
      location: "Bay 3",
      result: "F",
    });
    expect(report.root?.seqCall).toMatchObject({ name: "Main", version: "4.2" });
    expect(report.subUnits).toEqual([expect.objectContaining({ pn: "MOD-2", sn: "M-5" })]);
    expect(report.miscInfos).toContainEqual(expect.objectContaining({ description: "Rack", text: "R1" }));
    const [rails, fw, fixtureStep, abort] = report.root?.steps ?? [];
    expect(rails).toMatchObject({ status: "F", reportText: "5V low", totTime: 2 });
    expect(rails?.numericMeas).toEqual([
      expect.objectContaining({
        name: "5V",
        compOp: "GTLT",
        lowLimit: 4.9,
        highLimit: 5.1,
        unit: "V",
        status: "F",
      }),
      expect.objectContaining({ name: "3V3", compOp: "GTLT", unit: "V", status: "P" }),
    ]);
    expect(fw?.stringMeas?.[0]).toMatchObject({
      value: "1.2.3",
      limit: "1.2.3",
      compOp: "IGNORECASE",
      status: "P",
    });
    expect(fixtureStep).toMatchObject({ group: "S", stepType: "ET_PFT", status: "P" });
    expect(abort).toMatchObject({ status: "T", errorMessage: "E1=timeout" });
    expect(r.warnings).toEqual([]);
  });

  it("an element the format does not know is a warning naming its line", async () => {
    const path = await bench.file(
      "unknown.xml",
      unitReport(
        `<TestRun start-time="2025-02-01T08:00:01+01:00" name="A" grade="PASS"><Gizmo/></TestRun>`,
        "<Extra/>\n",
      ),
    );
    const r = await bench.convert(path, "sigmaquest");
    expect(r.warnings).toEqual([
      expect.stringMatching(/^line 6: <Extra> inside <UnitReport> is not part of the unit report format/),
      expect.stringMatching(/^line 8: <Gizmo> inside <TestRun name="A">/),
    ]);
  });

  it("refuses a truncated file, a missing serial number and an unknown grade, naming the line", async () => {
    const good = unitReport(`<TestRun start-time="2025-02-01T08:00:01+01:00" name="A" grade="PASS"/>`);
    const truncated = await bench.fail(
      await bench.file("trunc.xml", good.slice(0, good.length - 40)),
      "sigmaquest",
    );
    expect(truncated).toMatchObject({ kind: "parse" });
    expect(truncated.line).toBeGreaterThan(1);
    const noSerial = await bench.fail(
      await bench.file("nosn.xml", good.replace(' serial-no="S-100"', "")),
      "sigmaquest",
    );
    expect(noSerial).toMatchObject({ kind: "content", line: 5, field: "serial-no" });
    const grade = await bench.fail(
      await bench.file("grade.xml", good.replace('grade="PASS"', 'grade="MAYBE"')),
      "sigmaquest",
    );
    expect(grade).toMatchObject({ kind: "content", line: 7, field: "grade" });
    expect(grade.message).toMatch(/unknown grade "MAYBE"/);
  });
});
