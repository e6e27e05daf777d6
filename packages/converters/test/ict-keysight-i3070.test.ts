/**
 * keysight-i3070 has no real sample here: these logs are made from the i3070 "Log Record Format"
 * (record layouts and examples of that document).
 */
import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { convertBytes, expectStableIds, expectValid, numericOf, refused, testSteps } from "./ict-helpers.js";

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(() => host.close());

const convert = (content: string, parameters?: Record<string, unknown>) =>
  convertBytes(host, "keysight-i3070", "board.log", content, { timeZone: "Europe/Oslo", ...parameters });

const BATCH = "{@BATCH|998457-146|A|2550|1||btest|LOT-891|pete|achilles|PCB-4711|C|A_panel|2|V9}";
const BOARD = (sn: string, status: string, start: string, body: string, boardNumber = "1") =>
  `{@BTEST|${sn}|${status}|${start}|43|0|failures||n|n|${start}|end ok|${boardNumber}|PANEL-7\n${body}\n}`;
const BODY = [
  "{@BLOCK|r12|1",
  "{@A-RES|1|1.246700E+04{@LIM3|1.000000E+04|1.100000E+04|9.000000E+03}}",
  "}",
  "{@BLOCK|c1|00",
  "{@A-CAP|00|1.02E-07{@LIM3|1.0E-07|1.1E-07|9.0E-08}}",
  "}",
  "{@BLOCK|q3|0",
  "{@A-MEA|0|2.1E+00|vbe{@LIM2|3.0E+00|1.0E+00}}",
  "{@A-MEA|0|5.5E-01|vce{@LIM2|9.0E-01|1.0E-01}}",
  "{@RPT|q3 measured}",
  "}",
  "{@BLOCK|u18|1",
  "{@D-T|1|1|39|3|u18",
  "{@DPIN|u18\\4|Node17|8|GND|3}",
  "}",
  "}",
  "{@BS-CON|27c_connect|1|0|1",
  "{@BS-S|S{@NODE\\2|179|112}}",
  "}",
  "{@TS|1|2|1|0|shorts",
  "{@TS-S|2|0|Node12",
  "{@TS-D|Node25|1.678850E+00}",
  "}",
  "}",
  "{@RPT|U18 failed}",
].join("\n");

describe("keysight-i3070", () => {
  it("maps BATCH and BTEST as WATS's converter does, and keeps the other fields", async () => {
    const { reports } = await convert(`${BATCH}\n${BOARD("99538-135", "8", "230131172855", BODY)}\n`);
    expect(reports).toHaveLength(1);
    expectValid(reports);
    const r = reports[0] as Report;
    expect(r).toMatchObject({
      pn: "PCB-4711",
      rev: "C",
      sn: "99538-135",
      machineName: "achilles",
      processCode: 30,
      start: "2023-01-31T17:28:55+01:00",
      result: "F",
      uut: {
        user: "pete",
        execTime: 43,
        fixtureId: "2550",
        batchSN: "LOT-891",
        comment: "end ok\nU18 failed",
      },
    });
    const misc = Object.fromEntries((r.miscInfos ?? []).map((m) => [m.description, m.text]));
    expect(misc).toMatchObject({
      "UUT type": "998457-146",
      "process step": "btest",
      "version label": "V9",
      "parent panel id": "PANEL-7",
    });
  });

  it("makes analog steps with limits, engineering units and subtest names, and pass/fail steps for the rest", async () => {
    const r = (await convert(`${BATCH}\n${BOARD("S1", "8", "230131172855", BODY)}\n`)).reports[0] as Report;
    expect(r.root?.steps?.map((s) => s.name)).toEqual(["A-RES", "A-CAP", "A-MEA", "D-T", "BS-CON", "TS"]);
    const [r12, c1, q3, u18, bs, ts] = testSteps(r);
    expect(r12).toMatchObject({ name: "r12", status: "F" });
    expect(numericOf(r12 as NonNullable<typeof r12>)).toMatchObject({
      compOp: "GELE",
      unit: "kOhm",
      value: 12.467,
      lowLimit: 9,
      highLimit: 11,
      status: "F",
    });
    expect(r12?.reportText).toMatch(/nominal 10 kOhm/);
    expect(numericOf(c1 as NonNullable<typeof c1>)).toMatchObject({
      unit: "nF",
      value: 102,
      lowLimit: 90,
      highLimit: 110,
      status: "P",
    });
    expect(q3?.numericMeas?.map((m) => [m.name, m.value, m.lowLimit, m.highLimit])).toEqual([
      ["vbe", 2.1, 1, 3],
      ["vce", 0.55, 0.1, 0.9],
    ]);
    expect(q3?.reportText).toMatch(/q3 measured/);
    expect(u18).toMatchObject({ name: "u18", status: "F" });
    expect(u18?.reportText).toMatch(/substatus 1 \(fail\)/);
    expect(u18?.reportText).toMatch(/failing vector 39/);
    expect(u18?.reportText).toMatch(/\{@DPIN\|u18\\4\|Node17\|8\|GND\|3\}/);
    expect(bs).toMatchObject({ name: "27c_connect", status: "F" });
    expect(bs?.reportText).toMatch(/opens 1/);
    expect(ts?.reportText).toMatch(/shorts 2/);
    expect(ts?.reportText).toMatch(/Node25/);
  });

  it("writes base units when told, and takes the part number from another field", async () => {
    const log = `${BATCH}\n${BOARD("S1", "0", "230131172855", "{@BLOCK|c1|00\n{@A-CAP|00|1.02E-07{@LIM3|1.0E-07|1.1E-07|9.0E-08}}\n}")}\n`;
    const r = (await convert(log, { engineeringPrefixes: false, partNumberField: "uut-type" }))
      .reports[0] as Report;
    expect(r).toMatchObject({ pn: "998457-146", rev: "A", result: "P" });
    expect(numericOf(testSteps(r)[0] as NonNullable<ReturnType<typeof testSteps>[number]>)).toMatchObject({
      unit: "F",
      value: 1.02e-7,
    });
  });

  it("gives one report per board of a panel, board numbers as sockets, and skips X'd-out boards with a warning", async () => {
    const log = [
      BATCH,
      BOARD("P-1", "0", "230131172855", "{@BLOCK|1%r1|0\n{@A-RES|0|1.0E+03{@LIM2|1.1E+03|9.0E+02}}\n}", "1"),
      BOARD("P-2", "13", "230131172855", "", "2"),
      BOARD(
        "P-3",
        "81",
        "230131172901",
        "{@BLOCK|3%r1|0\n{@A-RES|11|1.0E+03{@LIM2|1.1E+03|9.0E+02}}\n}",
        "3",
      ),
    ].join("\n");
    const first = await convert(log);
    expect(first.reports.map((r) => [r.sn, r.result, r.uut?.testSocketIndex])).toEqual([
      ["P-1", "P", 1],
      ["P-3", "T", 3],
    ]);
    expect(testSteps(first.reports[1] as Report)[0]?.status).toBe("T");
    expect(first.warnings.join("\n")).toMatch(/board SN P-2 \(line 7\): test status 13 \(Xd out/);
    await expectStableIds(() => convert(log), first);
  });

  it("reads literal fields and lists", async () => {
    const log = `${BATCH}\n${BOARD("S1", "1", "230131172855", "{@RPT~12|!$%(test)|!|}\n{@PF|pins|1|2\n{@PIN\\2|11434|22216}\n}")}\n`;
    const r = (await convert(log)).reports[0] as Report;
    expect(r.uut?.comment).toMatch(/!\$%\(test\)\|!\|/);
    expect(testSteps(r)[0]?.reportText).toMatch(/\{@PIN\\2\|11434\|22216\}/);
  });

  it("converts what precedes a record the tester cut (CTRL-D), and says so", async () => {
    const log = `${BATCH}\n${BOARD("S1", "0", "230131172855", "{@BLOCK|r1|0\n{@A-RES|0|1.0E+03{@LIM2|1.1E+03|9.0E+02}}\n}\n{@BLOCK|r2|0\n{@A-RES|0|1.0\u0004")}\n${BOARD("S2", "0", "230131173000", "")}\n`;
    const { reports, warnings } = await convert(log);
    expect(testSteps(reports[0] as Report).map((s) => s.name)).toEqual(["r1", "r2"]);
    expect(reports.map((r) => r.sn)).toEqual(["S1", "S2"]);
    expect(warnings.join("\n")).toMatch(/line 7: the tester marked a record as truncated/);
  });

  it("refuses a log that ends inside a record, naming the record's line", async () => {
    const log = `${BATCH}\n{@BTEST|S1|0|230131172855|43|0|||||||1|\n{@BLOCK|r1|0\n{@A-RES|0|1.0E+03{@LIM2|1.1E+03|9.0E+02}}\n`;
    const e = await refused(host, "keysight-i3070", "cut.log", log);
    expect(e).toMatchObject({ kind: "parse", line: 2 });
    expect(e.message).toMatch(/\{@BTEST opened at line 2 is not closed/);
  });

  it("names the line and field of a number that is not one", async () => {
    const log = `${BATCH}\n${BOARD("S1", "0", "230131172855", "{@BLOCK|r1|0\n{@A-RES|0|1.0E+03{@LIM2|1.1E+0x|9.0E+02}}\n}")}\n`;
    const e = await refused(host, "keysight-i3070", "bad.log", log);
    expect(e).toMatchObject({ line: 4, field: "@LIM2 high limit" });
  });

  it("names a start time that is not YYMMDDHHMMSS", async () => {
    const e = await refused(
      host,
      "keysight-i3070",
      "bad.log",
      `${BATCH}\n${BOARD("S1", "0", "2301311728", "")}\n`,
    );
    expect(e).toMatchObject({ line: 2, field: "start datetime" });
  });

  it("warns about records it does not map", async () => {
    const log = `${BATCH}\n${BOARD("S1", "0", "230131172855", "{@BLINE|rev 3|ok}\n{@BLOCK|r1|0\n{@A-RES|0|1.0E+03}\n}")}\n`;
    const { warnings, reports } = await convert(log);
    expect(testSteps(reports[0] as Report)).toHaveLength(1);
    expect(warnings.join("\n")).toMatch(/record \{@BLINE\} at line 3 is not mapped/);
  });
});
