/** seica-xml has no real sample here: these files are made from the format (see the converter's header). */
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
  convertBytes(host, "seica-xml", "seica.xml", content, { timeZone: "Europe/Oslo", ...parameters });

interface Test {
  F: string;
  NM: string;
  MR: string;
  ML?: string;
  MH?: string;
  MU?: string;
  TR: string;
  TT?: string;
}

const TESTS: Test[] = [
  { F: "Resistance", NM: "R1", MR: "99.5", ML: "90", MH: "110", MU: "Ohm", TR: "0", TT: "500" },
  { F: "Resistance", NM: "R2", MR: "121.2", ML: "90", MH: "110", MU: "Ohm", TR: "1", TT: "450" },
  { F: "Capacitance", NM: "C1", MR: "1.02E-07", ML: "9E-08", MH: "1.1E-07", MU: "F", TR: "0", TT: "80" },
  { F: "Resistance", NM: "R3", MR: "0.5", ML: "0", MH: "1", MU: "Ohm", TR: "0" },
];

const attrs = (t: object) =>
  Object.entries(t)
    .map(([k, v]) => `${k}="${v}"`)
    .join(" ");

function seica(
  boards: { BCP: string; BC?: string; SD: string; tests: Test[] }[],
  nf = "1",
  extra = "",
): string {
  const bi = boards
    .map(
      (b) =>
        `  <BI BC="${b.BC ?? b.BCP}" BCP="${b.BCP}" SD="${b.SD}">\n${b.tests.map((t) => `    <TEST ${attrs(t)}/>`).join("\n")}\n  </BI>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<R>
  <FidMrk PRT="0"/>
  <PrgC>PCB-55 program</PrgC>
  <ST NM="PCB-55_B2 panel" OP="anna" NMP="Board 55"/>
${bi}${extra}
  <ET ED="01-02-2024 10:05:30" NF="${nf}"/>
</R>`;
}

describe("seica-xml", () => {
  it("maps header, groups, steps, limits, units, statuses and times as WATS's converter does", async () => {
    const xml = seica([{ BCP: "SN-1", BC: "BAR-1", SD: "01-02-2024 10:00:00", tests: TESTS }]);
    const { reports } = await convert(xml);
    expect(reports).toHaveLength(1);
    expectValid(reports);
    const r = reports[0] as Report;
    expect(r).toMatchObject({
      pn: "PCB-55",
      rev: "B2",
      sn: "SN-1",
      start: "2024-02-01T10:00:00+01:00",
      result: "F",
      uut: { user: "anna", execTime: 330 },
    });
    const misc = Object.fromEntries((r.miscInfos ?? []).map((m) => [m.description, m.text]));
    expect(misc).toMatchObject({
      "Board Name": "Board 55",
      Barcode: "BAR-1",
      PrgC: "PCB-55 program",
      FidMrk: "PRT=0",
    });
    // a sequence per consecutive group
    expect(r.root?.steps?.map((s) => s.name)).toEqual(["Resistance", "Capacitance", "Resistance"]);
    const steps = testSteps(r);
    expect(steps).toHaveLength(TESTS.length);
    steps.forEach((s, k) => {
      const t = TESTS[k] as Test;
      expect(s.name).toBe(t.NM);
      expect(s.status).toBe(t.TR === "0" ? "P" : "F");
      expect(numericOf(s)).toMatchObject({
        compOp: "GELE",
        value: Number(t.MR),
        lowLimit: Number(t.ML),
        highLimit: Number(t.MH),
        unit: t.MU,
      });
      if (t.TT) expect(s.totTime).toBe(Number(t.TT) / 1000);
    });
  });

  it("gives one report per board, with stable ids and verdicts from each board's tests", async () => {
    const xml = seica([
      { BCP: "P-1", SD: "01-02-2024 10:00:00", tests: [TESTS[0] as Test] },
      { BCP: "P-2", SD: "01-02-2024 10:01:00", tests: [TESTS[1] as Test] },
    ]);
    const first = await convert(xml);
    expect(first.reports.map((r) => [r.sn, r.result, r.uut?.testSocketIndex])).toEqual([
      ["P-1", "P", 1],
      ["P-2", "F", 2],
    ]);
    await expectStableIds(() => convert(xml), first);
  });

  it("keeps a measured value that is not a number as text of a pass/fail step", async () => {
    const xml = seica(
      [{ BCP: "S", SD: "01-02-2024 10:00:00", tests: [{ ...(TESTS[0] as Test), MR: "OVER" }] }],
      "0",
    );
    const step = testSteps((await convert(xml)).reports[0] as Report)[0];
    expect(step).toMatchObject({ stepType: "ET_PFT", status: "P" });
    expect(step?.reportText).toMatch(/measured OVER Ohm, limits 90 \.\. 110/);
  });

  it("names line and attribute of a limit that is not a number", async () => {
    const xml = seica([
      { BCP: "S", SD: "01-02-2024 10:00:00", tests: [TESTS[0] as Test, { ...(TESTS[1] as Test), ML: "9O" }] },
    ]);
    const e = await refused(host, "seica-xml", "s.xml", xml);
    expect(e).toMatchObject({ line: 8, field: "TEST@ML" });
  });

  it("names a board without serial number and a start time that is not one", async () => {
    const noSn = await refused(
      host,
      "seica-xml",
      "s.xml",
      seica([{ BCP: "", BC: "", SD: "01-02-2024 10:00:00", tests: TESTS }]),
    );
    expect(noSn).toMatchObject({ line: 6, field: "BI@BCP" });
    const badDate = await refused(
      host,
      "seica-xml",
      "s.xml",
      seica([{ BCP: "S", SD: "2024/31/31 10:00", tests: TESTS }]),
    );
    expect(badDate).toMatchObject({ line: 6, field: "BI@SD" });
  });

  it("refuses malformed XML with its line", async () => {
    const xml = seica([{ BCP: "S", SD: "01-02-2024 10:00:00", tests: TESTS }]).replace('TR="1"', 'TR="1');
    const e = await refused(host, "seica-xml", "s.xml", xml);
    expect(e.kind).toBe("parse");
    expect(e.line).toBe(8);
  });

  it("warns about elements it does not know", async () => {
    const xml = seica([{ BCP: "S", SD: "01-02-2024 10:00:00", tests: TESTS }], "1", '\n  <CAL DATE="x"/>');
    const { warnings } = await convert(xml);
    expect(warnings.join("\n")).toMatch(/<CAL> at line 12 is not mapped/);
  });
});
