import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSteps, converterBench, expectReplacedOnSimulator } from "./issue16-helpers.js";

/** A made-up TestExec SL result in the layout pyWATS documents (no real file was available). */
const result = (
  tests: string,
  summary = "<Summary><Status>Fail</Status><Duration>300.5</Duration><TotalTests>5</TotalTests></Summary>",
  uut = "<SerialNumber>SN12345</SerialNumber><PartNumber>PN67890</PartNumber><Revision>A</Revision><Batch>LOT-4</Batch>",
) => `<?xml version="1.0" encoding="UTF-8"?>
<TestResults xmlns="http://www.keysight.com/testexec">
  <Header>
    <ProgramName>FunctionalTest</ProgramName>
    <ProgramVersion>2.1.0</ProgramVersion>
    <StationID>FCT-01</StationID>
    <Operator>jane</Operator>
    <StartTime>2024-01-15T10:30:00</StartTime>
  </Header>
  <UUT>${uut}</UUT>
  <TestSequence>
${tests}
  </TestSequence>
  ${summary}
</TestResults>
`;

const TESTS = `    <Test name="Vcc" status="pass">
      <Measurement><Name>VCC</Name><Value>5.02</Value><Units>V</Units><LowLimit>4.9</LowLimit><HighLimit>5.1</HighLimit></Measurement>
    </Test>
    <TestGroup name="Power">
      <Test name="Current" status="fail"><Measurement><Value>0.9</Value><Units>A</Units><HighLimit>0.5</HighLimit></Measurement></Test>
      <Test name="Rails">
        <Measurement><Name>3V3</Name><Value>3.31</Value><LowLimit>3.2</LowLimit><HighLimit>3.4</HighLimit></Measurement>
        <Measurement><Name>1V8</Name><Value>1.95</Value><LowLimit>1.7</LowLimit><HighLimit>1.9</HighLimit><Comparison>GELT</Comparison></Measurement>
      </Test>
      <Test name="Firmware" status="pass"><Value>1.2.3</Value><Expected>1.2.3</Expected></Test>
      <Test name="Beep" status="pass"/>
    </TestGroup>`;

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("keysight-testexec-sl on made-up result files", () => {
  it("header, groups as sequences, numeric/multi/string/pass-fail tests, statuses as written or from limits", async () => {
    const path = await bench.file("run.xml", result(TESTS));
    const r = await bench.convert(path, "keysight-testexec-sl", { timeZone: "Europe/Oslo" });
    expect(r.warnings).toEqual([]);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      sn: "SN12345",
      pn: "PN67890",
      rev: "A",
      machineName: "FCT-01",
      start: "2024-01-15T10:30:00+01:00",
      result: "F",
      processCode: 20,
      uut: { user: "jane", execTime: 300.5, batchSN: "LOT-4" },
    });
    expect(report.root?.seqCall).toMatchObject({ name: "FunctionalTest", version: "2.1.0" });
    expect(report.miscInfos).toContainEqual(
      expect.objectContaining({ description: "TotalTests", text: "5" }),
    );
    const steps = allSteps(report.root ?? undefined);
    expect(steps.map((s) => [s.name, s.stepType, s.status])).toEqual([
      ["MainSequence Callback", "SequenceCall", "F"],
      ["Vcc", "ET_NLT", "P"],
      ["Power", "SequenceCall", "F"],
      ["Current", "ET_NLT", "F"],
      ["Rails", "ET_MNLT", "F"],
      ["Firmware", "ET_SVT", "P"],
      ["Beep", "ET_PFT", "P"],
    ]);
    expect(steps[1]?.numericMeas?.[0]).toMatchObject({
      compOp: "GELE",
      value: 5.02,
      lowLimit: 4.9,
      highLimit: 5.1,
      unit: "V",
      status: "P",
    });
    expect(steps[3]?.numericMeas?.[0]).toMatchObject({ compOp: "LE", lowLimit: 0.5, status: "F" });
    expect(steps[4]?.numericMeas?.map((m) => [m.name, m.compOp, m.status])).toEqual([
      ["3V3", "GELE", "P"],
      ["1V8", "GELT", "F"],
    ]);
    expect(steps[5]?.stringMeas?.[0]).toMatchObject({ value: "1.2.3", limit: "1.2.3", status: "P" });
  });

  it("same id when converted again; the simulator replaces the report", async () => {
    const path = await bench.file("again.xml", result(TESTS));
    await expectReplacedOnSimulator(async () => (await bench.convert(path, "keysight-testexec-sl")).reports);
  });

  it("elements it does not know are warnings naming their line", async () => {
    const text = result(`${TESTS}\n    <Wait>2</Wait>`);
    const path = await bench.file("unknown.xml", text);
    const r = await bench.convert(path, "keysight-testexec-sl");
    const line = text.split("\n").findIndex((l) => l.includes("<Wait>")) + 1;
    expect(r.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^line ${line}: <Wait> inside <TestSequence> is neither a test nor a group; not mapped$`),
      ),
    ]);
  });

  it("refuses a missing serial number, a bad number and a truncated file, naming the line", async () => {
    const noSn = await bench.fail(
      await bench.file("nosn.xml", result(TESTS, undefined, "<PartNumber>P</PartNumber>")),
      "keysight-testexec-sl",
    );
    expect(noSn).toMatchObject({ kind: "content", line: 10, field: "SerialNumber" });
    const badNumber = await bench.fail(
      await bench.file(
        "num.xml",
        result(TESTS.replace("<LowLimit>4.9</LowLimit>", "<LowLimit>4,9x</LowLimit>")),
      ),
      "keysight-testexec-sl",
    );
    expect(badNumber).toMatchObject({ kind: "content", line: 13, field: "LowLimit" });
    const text = result(TESTS);
    const truncated = await bench.fail(
      await bench.file("t.xml", text.slice(0, text.indexOf("<TestGroup"))),
      "keysight-testexec-sl",
    );
    expect(truncated).toMatchObject({
      kind: "parse",
      line: text.slice(0, text.indexOf("<TestGroup")).split("\n").length,
    });
  });
});
