import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report, Step } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { deriveReportId, sha256Hex } from "../src/report-id.js";
import {
  conversionFailure,
  REPO_FIXTURES,
  richTestStandXml,
  tempDir,
  testStandXml,
  tsNumberProp,
  tsProp,
  tsStringProp,
} from "./helpers.js";

function allSteps(root: Step): Step[] {
  const out: Step[] = [];
  const walk = (s: Step) => {
    out.push(s);
    for (const c of s.steps ?? []) walk(c);
  };
  walk(root);
  return out;
}

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir();
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(tmp.dir, name);
  await writeFile(path, content);
  return path;
}

const failure = conversionFailure;

const fixture = (p: string) => join(REPO_FIXTURES, p);

describe("standard converters on the committed fixtures", () => {
  it("teststand-xml: TSWithWats.xml gives the header, the root and its one pass/fail step", async () => {
    const r = await host.convertFile(fixture("teststand/TSWithWats.xml"));
    expect(r.converter).toBe("teststand-xml");
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      type: "T",
      sn: "12345",
      pn: "PN1",
      rev: "1.0",
      processCode: 60,
      machineName: "VIC-PCBA-003",
      location: "Norautron Horten",
      purpose: "PCBA Test",
      start: "2022-06-23T10:55:04.3700000+02:00",
      result: "P",
      uut: { user: "administrator", execTime: 0.0539233, testSocketIndex: -1 },
    });
    const root = report.root as Step;
    expect(root).toMatchObject({
      name: "MainSequence Callback",
      status: "P",
      totTime: 0.0539233,
      tsGuid: "ID#:xnW0PT0ORE2el7wF7uaxyB",
      seqCall: {
        path: "C:\\Users\\Vicotee\\Desktop\\Sequence File 1.seq",
        name: "MainSequence",
        version: "0.0.0.0",
      },
    });
    expect(allSteps(root)).toHaveLength(2);
    const step = root.steps?.[0] as Step;
    expect(step).toMatchObject({
      name: "Pass/Fail Test",
      stepType: "ET_PFT",
      status: "P",
      totTime: 0.0000541,
      booleanMeas: [{ name: null, status: "P" }],
      // EngineStarted 08:51:29.994Z + 214.4463569 s, in the report's +02:00
      start: "2022-06-23T10:55:04.440+02:00",
    });
    // the report's own id (ReportInfo ID) is kept, so converting again replaces it
    expect(report.id).toBe("f4fb0a29-93b1-4f7f-ada7-672b382774ab");
    const again = await host.convertFile(fixture("teststand/TSWithWats.xml"));
    expect(again.reports[0]?.id).toBe(report.id);
  });

  it("csv: sample-enhanced.csv fails as a whole by default, naming line 4 and its field count", async () => {
    const e = await failure(host.convertFile(fixture("csv/sample-enhanced.csv")));
    expect(e.kind).toBe("content");
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/line 4: 12 fields, but the header has 11/);
  });

  it("csv: with badRows skip-row the two good rows become one report and the bad row a warning", async () => {
    const r = await host.convertFile(fixture("csv/sample-enhanced.csv"), {
      parameters: { badRows: "skip-row", operationCodes: { ICT: 30 }, timeZone: "Europe/Oslo" },
      station: "CSV-ST",
    });
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      sn: "SN12345",
      pn: "PN-001",
      processCode: 30,
      machineName: "CSV-ST",
      start: "2026-02-03T14:30:00+01:00",
      result: "P",
    });
    const steps = report.root?.steps ?? [];
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatchObject({
      name: "Voltage Measurement",
      status: "P",
      numericMeas: [{ compOp: "GELE", value: 5.02, lowLimit: 4.9, highLimit: 5.1, unit: "V", status: "P" }],
    });
    expect(steps[1]).toMatchObject({
      name: "Continuity Test",
      status: "P",
      booleanMeas: [{ status: "P" }],
    });
    expect(r.warnings).toEqual([expect.stringMatching(/^skipped row: line 4: 12 fields/)]);
  });

  it("wsjf-json: the server export passes through with its own id and all its steps", async () => {
    const r = await host.convertFile(fixture("wsjf/uut-server-export.json"));
    expect(r.converter).toBe("wsjf-json");
    const report = r.reports[0] as Report;
    expect(report.id).toBe("33a2d408-3fc8-480b-b554-6866c77fd91c");
    expect(report.result).toBe("F");
    expect(allSteps(report.root as Step)).toHaveLength(186); // root included
  });

  it("wsjf-json: the repair example passes through", async () => {
    const r = await host.convertFile(fixture("wsjf/uur-example.json"));
    expect(r.reports[0]).toMatchObject({ type: "R" });
  });

  it("wsxf-xml: the WSXF export of the same report gives the same id and steps", async () => {
    const r = await host.convertFile(fixture("wsjf/uut-server-export.wsxf.xml"));
    expect(r.converter).toBe("wsxf-xml");
    const report = r.reports[0] as Report;
    expect(report.id).toBe("33a2d408-3fc8-480b-b554-6866c77fd91c");
    expect(allSteps(report.root as Step)).toHaveLength(186);
  });
});

describe("teststand-xml on generated reports", () => {
  it("maps numeric limits, units, comp ops, strings, sequences, statuses, errors and timing", async () => {
    const path = await file("rich.xml", richTestStandXml());
    const r = await host.convertFile(path, { converter: "teststand-xml" });
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      sn: "SN-100",
      pn: "PCBA-1",
      rev: "B",
      processCode: 50,
      result: "F",
      machineName: "ST-01",
    });
    expect(report.uut).toMatchObject({
      user: "jane",
      batchSN: "BATCH-7",
      testSocketIndex: 0,
      execTime: 12.5,
    });
    const steps = report.root?.steps ?? [];
    expect(steps.map((s) => s.status)).toEqual(["P", "F", "P", "P", "P"]);
    expect(steps[0]).toMatchObject({
      stepType: "NumericLimitTest",
      totTime: 0.25,
      start: "2026-03-01T08:00:01.000+01:00", // EngineStarted 06:58:20Z + 101 s
      numericMeas: [{ compOp: "GELE", value: 3.31, lowLimit: 3.2, highLimit: 3.4, unit: "V", status: "P" }],
    });
    // one-limit operator: the limit lives in lowLimit
    expect(steps[1]?.numericMeas).toEqual([
      { compOp: "LE", name: null, value: 0.9, lowLimit: 0.8, highLimit: null, unit: "A", status: "F" },
    ]);
    expect(steps[2]).toMatchObject({ stepType: "PassFailTest", booleanMeas: [{ status: "P" }] });
    expect(steps[3]).toMatchObject({
      stringMeas: [{ compOp: "IGNORECASE", value: "1.2.3", limit: "1.2.3", status: "P" }],
    });
    const seq = steps[4] as Step;
    expect(seq.seqCall).toEqual({ path: "C:\\seq\\Power.seq", name: "Power", version: "1.2.3.4" });
    expect(seq.steps?.map((s) => [s.name, s.status])).toEqual([
      ["Log temp", "D"],
      ["Relay", "E"],
      ["Optional", "S"],
    ]);
    expect(seq.steps?.[0]?.numericMeas?.[0]).toMatchObject({
      compOp: "LOG",
      value: 41.5,
      unit: "C",
      status: "P",
    });
    expect(seq.steps?.[1]).toMatchObject({ errorCode: -17, errorMessage: "relay driver not found" });
    expect(allSteps(report.root as Step).map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("maps multiple numeric measurements (names, limits, statuses) and loop summaries", async () => {
    const meas = (name: string, data: number, low: number, high: number, status: string) =>
      tsProp(
        name,
        "Obj",
        tsNumberProp("Data", data) +
          tsProp("Limits", "Obj", tsNumberProp("Low", low) + tsNumberProp("High", high)) +
          tsStringProp("Comp", "GELE") +
          tsStringProp("Units", "V") +
          tsStringProp("Status", status),
      );
    const measurements = tsProp(
      "Measurement",
      "Array",
      `<Value ID='[0]'>${meas("5V", 5.01, 4.9, 5.1, "Passed")}</Value><Value ID='[1]'>${meas("12V", 13, 11.5, 12.5, "Failed")}</Value>`,
      " LBound='[0]' HBound='[1]' ElementType='Obj'",
    );
    const loop =
      tsNumberProp("NumLoops", 3) +
      tsNumberProp("NumPassed", 2) +
      tsNumberProp("NumFailed", 1) +
      tsNumberProp("EndingLoopIndex", 2);
    const path = await file(
      "multi.xml",
      testStandXml({
        sn: "M-1",
        status: "Failed",
        steps: [
          { name: "Rails", type: "ET_MNLT", status: "Failed", extraResult: measurements, extraTs: loop },
        ],
      }),
    );
    const r = await host.convertFile(path, { converter: "teststand-xml" });
    const step = r.reports[0]?.root?.steps?.[0] as Step;
    expect(step.numericMeas).toEqual([
      { compOp: "GELE", name: "5V", value: 5.01, lowLimit: 4.9, highLimit: 5.1, unit: "V", status: "P" },
      { compOp: "GELE", name: "12V", value: 13, lowLimit: 11.5, highLimit: 12.5, unit: "V", status: "F" },
    ]);
    expect(step.loop).toEqual({ idx: null, num: 3, endingIndex: 2, passed: 2, failed: 1 });
  });

  it("names the missing serial number", async () => {
    const path = await file("nosn.xml", testStandXml({ steps: [] }));
    const e = await failure(host.convertFile(path, { converter: "teststand-xml" }));
    expect(e.message).toMatch(/no serial number/);
    expect(e.field).toBe("UUT.SerialNumber");
  });

  it("keeps a step whose operator is unknown as LOG, with a warning naming step and line", async () => {
    const path = await file(
      "badcomp.xml",
      testStandXml({
        sn: "X1",
        steps: [
          {
            name: "V",
            type: "NumericLimitTest",
            status: "Passed",
            numeric: { value: 1, low: 0, comp: "ABOUT" },
          },
        ],
      }),
    );
    const r = await host.convertFile(path, { converter: "teststand-xml" });
    expect(r.reports[0]?.root?.steps?.[0]?.numericMeas).toEqual([
      { compOp: "LOG", name: null, value: 1, lowLimit: null, highLimit: null, unit: null, status: "P" },
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /badcomp\.xml line \d+, step "MainSequence Callback\/V": .*unknown comparison "ABOUT"/,
      ),
    ]);
  });

  it("refuses XML that is not a TestStand report", async () => {
    const path = await file("other.xml", "<?xml version='1.0'?><Catalog><Item/></Catalog>");
    const e = await failure(host.convertFile(path, { converter: "teststand-xml" }));
    expect(e.message).toMatch(/root element is <Catalog>/);
  });
});

describe("csv on generated files", () => {
  const header =
    "SerialNumber,PartNumber,TestDate,OperationType,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result\n";

  it("groups rows into one report per serial number and date, in file order", async () => {
    const path = await file(
      "multi.csv",
      `${header}A1,P,2026-02-03 10:00:00,50,V,NumericLimit,1,0,2,V,PASS\nB2,P,2026-02-03 10:05:00,50,V,NumericLimit,3,0,2,V,FAIL\nA1,P,2026-02-03 10:00:00,50,"Name, with comma",StringValue,abc,,,,PASS\n`,
    );
    const r = await host.convertFile(path, { parameters: { timeZone: "UTC" } });
    expect(r.converter).toBe("csv");
    expect(r.reports.map((x) => [x.sn, x.result, x.processCode, x.root?.steps?.length])).toEqual([
      ["A1", "P", 50, 2],
      ["B2", "F", 50, 1],
    ]);
    expect(r.reports[0]?.root?.steps?.[1]).toMatchObject({
      name: "Name, with comma",
      stringMeas: [{ value: "abc", compOp: "LOG" }],
    });
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(2);
  });

  it("names line and column of every bad cell", async () => {
    const path = await file(
      "bad.csv",
      `${header}A1,P,2026-02-03 10:00:00,50,V,NumericLimit,abc,0,2,V,PASS\nA1,P,yesterday,50,W,PassFail,,,,,PASS\nA1,P,2026-02-03 10:00:00,50,X,PassFail,,,,,MAYBE\n`,
    );
    const e = await failure(host.convertFile(path, { parameters: { timeZone: "UTC" } }));
    expect(e.problems).toEqual([
      'line 2, column Value: "abc" is not a number',
      'line 3, column TestDate: "yesterday" is not a date-time (YYYY-MM-DD HH:MM:SS, optional offset; parameter "dateFormat")',
      'line 4, column Result: unknown result "MAYBE" (PASS, FAIL, SKIP, ERROR, DONE)',
    ]);
    expect(e.line).toBe(2);
    expect(e.field).toBe("Value");
  });

  it("takes a column map, another delimiter and names missing header columns", async () => {
    const path = await file(
      "mapped.csv",
      "Serial;Part;When;Test;Reading;Lo;Hi;Verdict\nS9;P9;2026-01-01T12:00:00Z;T;5;1;9;PASS\n",
    );
    const columns = {
      serialNumber: "Serial",
      partNumber: "Part",
      startTime: "When",
      stepName: "Test",
      value: "Reading",
      lowLimit: "Lo",
      highLimit: "Hi",
      result: "Verdict",
    };
    const r = await host.convertFile(path, { converter: "csv", parameters: { columns, delimiter: ";" } });
    expect(r.reports[0]).toMatchObject({ sn: "S9", start: "2026-01-01T12:00:00Z" });
    expect(r.reports[0]?.root?.steps?.[0]?.numericMeas?.[0]).toMatchObject({
      value: 5,
      lowLimit: 1,
      highLimit: 9,
      compOp: "GELE",
    });
    const e = await failure(host.convertFile(path, { converter: "csv", parameters: { delimiter: ";" } }));
    expect(e.message).toMatch(/has no "SerialNumber" column \(serialNumber\)/);
  });

  it("reports an unterminated quote with its line and column", async () => {
    const path = await file(
      "quote.csv",
      `${header}A1,P,2026-02-03 10:00:00,50,"V,NumericLimit,1,0,2,V,PASS\n`,
    );
    const e = await failure(host.convertFile(path, { converter: "csv" }));
    expect(e).toMatchObject({ kind: "parse", line: 2, column: 29 });
  });

  it("refuses unknown parameters by name", async () => {
    const path = await file("p.csv", `${header}A1,P,2026-02-03 10:00:00,50,V,PassFail,,,,,PASS\n`);
    const e = await failure(
      host.convertFile(path, { converter: "csv", parameters: { badrows: "skip-row" } }),
    );
    expect(e.message).toMatch(/unknown parameter "badrows"/);
  });
});

describe("wsjf-json and wsxf-xml on generated files", () => {
  it("keeps a valid id, derives one when the id is missing, and names the bad field", async () => {
    const { UutReport, serialiseReport } = await import("@tswats/report");
    const b = new UutReport({
      pn: "P",
      sn: "S",
      rev: "A",
      processCode: 10,
      operator: "o",
      location: "l",
      purpose: "p",
      station: "st",
    });
    b.root.passFail("x", true);
    const wire = serialiseReport(b.build());
    const keep = await host.convertFile(await file("a.json", JSON.stringify(wire)));
    expect(keep.reports[0]?.id).toBe(b.id);
    const { id: _drop, ...noId } = wire as unknown as Record<string, unknown>;
    const bytes = JSON.stringify(noId);
    const derived = await host.convertFile(await file("b.json", bytes), { converter: "wsjf-json" });
    expect(derived.reports[0]?.id).toBe(deriveReportId("wsjf-json", sha256Hex(Buffer.from(bytes)), 0));
    const bad = await failure(
      host.convertFile(await file("c.json", JSON.stringify({ ...wire, processCode: "ten" })), {
        converter: "wsjf-json",
      }),
    );
    expect(bad.field).toBe("$.processCode");
  });

  it("gives line and column of a JSON syntax error", async () => {
    const e = await failure(
      host.convertFile(await file("broken.json", '{\n  "type": "T",\n  "pn": oops\n}'), {
        converter: "wsjf-json",
      }),
    );
    expect(e).toMatchObject({ kind: "parse", line: 3, column: 9 });
  });
});
