import { readFileSync } from "node:fs";
import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compOpOfLimitMode } from "../src/standard/stepwize.js";
import { allSteps, converterBench, expectReplacedOnSimulator, fixture } from "./issue16-helpers.js";

const SAMPLE = fixture("stepwize/20250316_133653_CONFIG_AND_RESULTS.XSPC");
const xmlUnescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The sample's rows read with regular expressions. */
function readRows(text = readFileSync(SAMPLE, "utf8")) {
  return [...text.matchAll(/<Config_and_Data_Result>([\s\S]*?)<\/Config_and_Data_Result>/g)].map((m) => {
    const f = (name: string) =>
      xmlUnescape(new RegExp(`<${name}>([^<]*)</${name}>`).exec(m[1] as string)?.[1] ?? "");
    return { f };
  });
}

const xspc = (rows: string, result = "Pass", extraHeader = "") => `<ConfigAndResultsDataFile>
<ConfigandResultsData>
<partNumber>PN-9</partNumber>
<revision>C</revision>
<serialNumber>SN-9</serialNumber>
<operation>Final Test</operation>
<sourceFile>seq.xml</sourceFile>
<sequencePF>${result}</sequencePF>
${extraHeader}<Config_and_Result_Data>
${rows}
</Config_and_Result_Data>
</ConfigandResultsData>
</ConfigAndResultsDataFile>
`;
const row = (o: Record<string, string>) =>
  `<Config_and_Data_Result>\n${Object.entries({
    stepName: "Measure",
    stepResultID: "R1",
    subItemName: "V",
    dataType: "0",
    startDateTime: "2025-03-16T13:36:53.277",
    endDateTime: "2025-03-16T13:36:53.300",
    totalTime: "0.023",
    stepOutcome: "Pass",
    measurementOutcome: "Pass",
    assetID: "ST-1",
    operatorStamp: "kim",
    limitMode: "LL &lt;= Value &lt;= UL",
    lowerLimit: "1",
    upperLimit: "2",
    stepValue: "1.5",
    units: "V",
    ...o,
  })
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join("\n")}\n</Config_and_Data_Result>`;

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("stepwize on the sample", () => {
  it("header, one sequence per step execution, one step per row with its limits, units and outcome", async () => {
    const text = readFileSync(SAMPLE, "utf8");
    const header = (n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(text)?.[1];
    const rows = readRows(text);
    const r = await bench.convert(SAMPLE, "stepwize", {
      operationCodes: { "SW Debug": 30 },
      timeZone: "UTC",
    });
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      pn: header("partNumber"),
      sn: header("serialNumber"),
      rev: header("revision"),
      processCode: 30,
      machineName: rows[0]?.f("assetID"),
      uut: { user: rows[0]?.f("operatorStamp") },
      start: `${rows[0]?.f("startDateTime")}+00:00`,
      result: header("sequencePF") === "Pass" ? "P" : "F",
    });
    expect(report.root?.seqCall?.name).toBe(header("sourceFile"));
    const sequences = report.root?.steps ?? [];
    const executions = rows
      .map((x) => x.f("stepResultID"))
      .filter((id, i, all) => i === 0 || id !== all[i - 1]);
    expect(sequences).toHaveLength(executions.length);
    const leaves = sequences.flatMap((s) => s.steps ?? []);
    expect(leaves).toHaveLength(rows.length);
    for (const [i, x] of rows.entries()) {
      const step = leaves[i];
      expect(step?.name).toBe(x.f("subItemName") || x.f("genus") || x.f("stepName"));
      if (x.f("dataType") !== "0") continue;
      const m = step?.numericMeas?.[0];
      expect(m?.value).toBe(Number(x.f("stepValue")));
      expect(m?.unit ?? "").toBe(x.f("units"));
      if (/record only/i.test(x.f("measurementOutcome"))) expect(m?.compOp).toBe("LOG");
      else if (x.f("limitMode") === "LL <= Value <= UL")
        expect(m).toMatchObject({
          compOp: "GELE",
          lowLimit: Number(x.f("lowerLimit")),
          highLimit: Number(x.f("upperLimit")),
        });
      else if (x.f("limitMode") === "Value <= UL")
        expect(m).toMatchObject({ compOp: "LE", lowLimit: Number(x.f("upperLimit")) });
      expect(m?.status).toBe(x.f("measurementOutcome") === "Fail" ? "F" : "P");
    }
    // the second asset of the file is kept as a misc info
    expect(report.miscInfos).toContainEqual(expect.objectContaining({ description: "assetID" }));
    expect(r.warnings).toEqual([]);
  });

  it("converting again gives the same id and replaces the report on the simulator", async () => {
    await expectReplacedOnSimulator(async () => (await bench.convert(SAMPLE, "stepwize")).reports);
  });
});

describe("stepwize on made-up files", () => {
  it("limit modes become operators", () => {
    expect(compOpOfLimitMode("LL &lt;= Value &lt;= UL")).toBe("GELE");
    expect(compOpOfLimitMode("LL < Value < UL")).toBe("GTLT");
    expect(compOpOfLimitMode("Value > LL")).toBe("GT");
    expect(compOpOfLimitMode("Value >= LL")).toBe("GE");
    expect(compOpOfLimitMode("Value < UL")).toBe("LT");
    expect(compOpOfLimitMode("Value = Target")).toBe("EQ");
    expect(compOpOfLimitMode("Value < LL or Value > UL")).toBe("LTGT");
    expect(compOpOfLimitMode("UL >= Value")).toBe("LE");
    expect(compOpOfLimitMode("Value ~ LL")).toBeUndefined();
  });

  it("failing rows fail their sequence and the report; strings and booleans; unknown fields warn once", async () => {
    const path = await bench.file(
      "fail.xspc",
      xspc(
        [
          row({ stepValue: "2.5", measurementOutcome: "Fail", stepOutcome: "Fail", Gizmo: "x" }),
          row({
            subItemName: "FW",
            dataType: "2",
            stringValue: "1.0",
            Expected_String: "1.0",
            Case_Sensitive: "T",
            limitMode: "",
            Gizmo: "y",
          }),
          row({
            stepResultID: "R2",
            stepName: "Check",
            subItemName: "Relay",
            dataType: "1",
            boolValue: "T",
            limitMode: "",
          }),
        ].join("\n"),
        "Fail",
      ),
    );
    const r = await bench.convert(path, "stepwize", { operationCodes: { "final test": 50 } });
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({ result: "F", processCode: 50, pn: "PN-9", rev: "C" });
    const [measure, check] = report.root?.steps ?? [];
    expect(measure?.status).toBe("F");
    expect(measure?.steps?.[0]?.numericMeas?.[0]).toMatchObject({
      compOp: "GELE",
      value: 2.5,
      status: "F",
      unit: "V",
    });
    expect(measure?.steps?.[1]?.stringMeas?.[0]).toMatchObject({
      compOp: "CASESENSIT",
      value: "1.0",
      limit: "1.0",
      status: "P",
    });
    expect(check?.steps?.[0]).toMatchObject({ stepType: "ET_PFT", status: "P" });
    expect(r.warnings).toEqual([
      expect.stringMatching(/^line \d+: row field <Gizmo> is not known to this converter; not mapped$/),
    ]);
  });

  it("refuses an unknown limit mode, a missing serial number and a truncated file, naming the line", async () => {
    const modeFile = xspc(row({ limitMode: "Value ~ LL" }));
    const bad = await bench.fail(await bench.file("mode.xspc", modeFile), "stepwize");
    expect(bad).toMatchObject({ kind: "content", field: "limitMode" });
    expect(bad.line).toBe(modeFile.split("\n").findIndex((l) => l.startsWith("<limitMode>")) + 1);
    const noSn = await bench.fail(
      await bench.file(
        "sn.xspc",
        xspc(row({})).replace("<serialNumber>SN-9</serialNumber>", "<serialNumber></serialNumber>"),
      ),
      "stepwize",
    );
    expect(noSn).toMatchObject({ kind: "content", line: 5, field: "serialNumber" });
    const whole = xspc(row({}));
    const truncated = await bench.fail(
      await bench.file("t.xspc", whole.slice(0, whole.indexOf("<units>"))),
      "stepwize",
    );
    expect(truncated.kind).toBe("parse");
    expect(truncated.line).toBe(whole.slice(0, whole.indexOf("<units>")).split("\n").length - 1);
    expect(allSteps(undefined)).toEqual([]);
  });
});
