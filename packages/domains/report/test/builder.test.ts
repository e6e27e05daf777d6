import { describe, expect, it } from "vitest";
import { type Report, type Step, UurReport, UutReport, validateReport } from "../src/index.js";
import { allSteps, sampleUut } from "./support.js";

const header = {
  pn: "PCBA-100",
  sn: "SN-0001",
  rev: "A",
  processCode: 10,
  operator: "op",
  station: "Station-1",
  location: "Line 1",
  purpose: "Production",
  start: "2026-03-01T12:00:00.000+01:00",
};

const find = (report: Report, name: string): Step => {
  const step = allSteps(report.root).find((s) => s.name === name);
  if (!step) throw new Error(`no step ${name}`);
  return step;
};

describe("UutReport", () => {
  it("builds a valid report with every step kind, ids in pre-order and the WSJF shapes", () => {
    const report = sampleUut().build();
    expect(validateReport(report).problems).toEqual([]);
    expect(allSteps(report.root).map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(report.root?.name).toBe("MainSequence Callback");
    expect(report.root?.stepType).toBe("SequenceCall");
    expect(find(report, "3V3 rail")).toMatchObject({
      stepType: "ET_NLT",
      status: "P",
      numericMeas: [
        { compOp: "GELE", name: null, status: "P", unit: "V", value: 3.31, lowLimit: 3.2, highLimit: 3.4 },
      ],
    });
    // one-limit operators keep their limit in lowLimit
    expect(find(report, "Current").numericMeas?.[0]).toMatchObject({
      compOp: "LE",
      lowLimit: 0.8,
      highLimit: null,
    });
    expect(find(report, "LED on")).toMatchObject({
      stepType: "ET_PFT",
      booleanMeas: [{ name: null, status: "P" }],
    });
    expect(find(report, "Firmware")).toMatchObject({
      stepType: "ET_SVT",
      stringMeas: [{ compOp: "CASESENSIT", status: "P" }],
    });
    expect(find(report, "Rails").numericMeas?.map((m) => m.name)).toEqual(["5V", "12V"]);
    expect(find(report, "Flash")).toMatchObject({
      stepType: "CallExecutable",
      status: "P",
      callExe: { exitCode: 0 },
    });
    expect(find(report, "Confirm").messagePopup).toEqual({ response: "OK", button: 1 });
    expect(find(report, "Ramp").chart?.series?.[0]).toEqual({
      dataType: "XYG",
      name: "V",
      xdata: "0;1;2",
      ydata: "0;1.5;3",
    });
    expect(find(report, "Cleanup")).toMatchObject({ stepType: "Action", group: "C", status: "D" });
    expect(find(report, "Power").seqCall).toEqual({ path: null, name: "Power", version: null });
    expect(report.miscInfos).toEqual([
      { description: "Firmware", text: "1.2.3", numeric: null },
      { description: "Slot", text: null, numeric: 3 },
    ]);
    expect(report).toMatchObject({
      type: "T",
      result: "P",
      machineName: "Station-1",
      uut: { user: "operator1", execTime: 12.5 },
    });
  });

  it("assigns the id once: every build and toJSON carry the same id; a given id is kept in canonical form", () => {
    const uut = sampleUut();
    expect(uut.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uut.build().id).toBe(uut.id);
    expect(uut.build().id).toBe(uut.id);
    expect(JSON.parse(JSON.stringify(uut)).id).toBe(uut.id);
    expect(sampleUut().id).not.toBe(uut.id);
    expect(new UutReport({ ...header, id: "{0F8FAD5B-D9CB-469F-A165-70867728950E}" }).id).toBe(
      "0f8fad5b-d9cb-469f-a165-70867728950e",
    );
    expect(() => new UutReport({ ...header, id: "nope" })).toThrow(RangeError);
  });

  it("each build is a fresh object; adding steps later is reflected in the next build", () => {
    const uut = new UutReport(header);
    uut.root.passFail("A", true);
    const first = uut.build();
    first.root?.steps?.push({ name: "tampered" });
    uut.root.passFail("B", false);
    const second = uut.build();
    expect(second.root?.steps?.map((s) => s.name)).toEqual(["A", "B"]);
    expect(second.result).toBe("F");
    expect(first.result).toBe("P");
  });

  it("computes measurement statuses and propagates failure to the sequences and the result", () => {
    const uut = new UutReport(header);
    uut.root
      .sequence("Outer", (outer) =>
        outer.sequence("Inner", (inner) =>
          inner
            .numericLimit("ok", { value: 5, low: 1, high: 10 })
            .numericLimit("low", { value: 0.5, low: 1, high: 10 })
            .numericLimit("later failure", { value: 99, compOp: "LT", limit: 10 }),
        ),
      )
      .passFail("independent", true);
    const report = uut.build();
    expect(find(report, "low")).toMatchObject({ status: "F", numericMeas: [{ status: "F" }] });
    expect(find(report, "Inner").status).toBe("F");
    expect(find(report, "Outer").status).toBe("F");
    expect(report.root?.status).toBe("F");
    expect(report.result).toBe("F");
    // the first failing leaf in pre-order is marked, and only it
    expect(
      allSteps(report.root)
        .filter((s) => s.causedUUTFailure)
        .map((s) => s.name),
    ).toEqual(["low"]);
    expect(validateReport(report).problems).toEqual([]);
  });

  it("multi measurement steps: F if any F; names made unique", () => {
    const uut = new UutReport(header);
    uut.root.multiNumericLimit("rails", [
      { name: "V", value: 1, low: 0, high: 2 },
      { name: "V", value: 3, low: 0, high: 2 },
      { name: "V", value: 1, compOp: "EQ", limit: 1 },
    ]);
    const step = find(uut.build(), "rails");
    expect(step.numericMeas?.map((m) => [m.name, m.status])).toEqual([
      ["V", "P"],
      ["V #2", "F"],
      ["V #3", "P"],
    ]);
    expect(step.status).toBe("F");
  });

  it("a step with failParentOnFail false does not fail its sequence", () => {
    const uut = new UutReport(header);
    uut.root.sequence("S", (s) =>
      s.passFail("optional check", false, { failParentOnFail: false }).passFail("real", true),
    );
    const report = uut.build();
    expect(find(report, "optional check").status).toBe("F");
    expect(find(report, "S").status).toBe("P");
    expect(report.result).toBe("P");
    expect(JSON.stringify(report)).not.toContain("failParentOnFail");
  });

  it("error and terminated steps propagate their own code, the most severe winning", () => {
    const uut = new UutReport(header);
    uut.root
      .sequence("A", (s) => s.passFail("fails", false).action("errors", { status: "E" }))
      .sequence("B", (s) => s.action("terminated", { status: "T" }));
    const report = uut.build();
    expect(find(report, "A").status).toBe("E");
    expect(find(report, "B").status).toBe("T");
    expect(report.root?.status).toBe("T");
    expect(report.result).toBe("T");
  });

  it("explicit statuses are kept (import mode per step), and import mode computes nothing", () => {
    const uut = new UutReport(header);
    uut.root.numericLimit("recorded", { value: 100, low: 0, high: 1, status: "P" }, { status: "P" });
    expect(find(uut.build(), "recorded").numericMeas?.[0]?.status).toBe("P");

    const imported = new UutReport({ ...header, mode: "import", result: "F" });
    imported.root.numericLimit("no status", { value: 100, low: 0, high: 1 });
    const report = imported.build();
    expect(find(report, "no status").status).toBeNull();
    expect(report.result).toBe("F");
    expect(
      validateReport(report)
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(["$.root.status", "$.root.steps[0].status", "$.root.steps[0].numericMeas[0].status"].sort());
  });

  it("chooses operators from the limits given and refuses contradictory ones", () => {
    const uut = new UutReport(header);
    uut.root
      .numericLimit("both", { value: 1, low: 0, high: 2 })
      .numericLimit("low only", { value: 1, low: 0 })
      .numericLimit("high only", { value: 1, high: 2 })
      .numericLimit("none", { value: 1 })
      .numericLimit("lower case op", { value: 1, compOp: "gtlt", low: 0, high: 2 });
    const ops = (name: string) => find(uut.build(), name).numericMeas?.[0];
    expect(ops("both")).toMatchObject({ compOp: "GELE", lowLimit: 0, highLimit: 2 });
    expect(ops("low only")).toMatchObject({ compOp: "GE", lowLimit: 0, highLimit: null });
    expect(ops("high only")).toMatchObject({ compOp: "LE", lowLimit: 2, highLimit: null });
    expect(ops("none")).toMatchObject({ compOp: "LOG", lowLimit: null, highLimit: null });
    expect(ops("lower case op")).toMatchObject({ compOp: "GTLT" });
    expect(() => uut.root.numericLimit("x", { value: 1, compOp: "LT", high: 2 })).toThrow(/lowLimit/);
    expect(() => uut.root.numericLimit("x", { value: 1, compOp: "GELE", limit: 2 })).toThrow(/two limits/);
    expect(() => uut.root.numericLimit("x", { value: 1, compOp: "LOG", low: 2 })).toThrow(/no limit/);
    expect(() => uut.root.numericLimit("x", { value: 1, limit: 2 })).toThrow(/compOp/);
    expect(() => uut.root.numericLimit("x", { value: 1, compOp: "XX" as "LT" })).toThrow(/unknown/);
  });

  it("a measurement that cannot be evaluated passes, and validation says why", () => {
    const uut = new UutReport(header);
    uut.root.numericLimit("half", { value: 5, compOp: "GELE", low: 1 });
    const report = uut.build();
    expect(find(report, "half").numericMeas?.[0]?.status).toBe("P");
    expect(validateReport(report).warnings.map((w) => w.rule)).toEqual(["limits"]);
    expect(validateReport(report, { strict: true }).valid).toBe(false);
  });

  it("timestamps: offsets of the machine or a named zone, 7 fractional digits kept, startUTC the same instant", () => {
    const at = new Date("2026-07-01T10:00:00.123Z");
    expect(new UutReport({ ...header, start: at, timeZone: "Europe/Oslo" }).build().start).toBe(
      "2026-07-01T12:00:00.123+02:00",
    );
    expect(new UutReport({ ...header, start: at, timeZone: "Asia/Kathmandu" }).build().start).toBe(
      "2026-07-01T15:45:00.123+05:45",
    );
    expect(new UutReport({ ...header, start: at, timeZone: "America/St_Johns" }).build().start).toBe(
      "2026-07-01T07:30:00.123-02:30",
    );
    expect(
      new UutReport({ ...header, start: new Date("2026-01-01T10:00:00Z"), timeZone: "Europe/Oslo" }).build()
        .start,
    ).toBe("2026-01-01T11:00:00.000+01:00");
    const precise = new UutReport({ ...header, start: "2026-01-30T22:01:41.4707353+01:00" }).build();
    expect(precise.start).toBe("2026-01-30T22:01:41.4707353+01:00");
    expect(precise.startUTC).toBe("2026-01-30T21:01:41.4707353Z");
    // a naive text is wall time in the zone, never silently UTC
    expect(
      new UutReport({ ...header, start: "2026-07-01T08:00:00", timeZone: "America/New_York" }).build().start,
    ).toBe("2026-07-01T08:00:00-04:00");
    expect(() => new UutReport({ ...header, timeZone: "Mars/Olympus" })).toThrow(RangeError);
    const now = new UutReport({ ...header, start: undefined }).build();
    expect(Math.abs(Date.parse(now.startUTC as string) - Date.now())).toBeLessThan(60_000);
  });

  it("strips characters XML cannot hold and, on request, cuts texts to their limits", () => {
    const uut = new UutReport({ ...header, textOverflow: "truncate", pn: "P".repeat(150) });
    uut.root.passFail(`name\u0000with\u0007controls ${"x".repeat(200)}`, true, {
      reportText: "ok\ttab\nline",
    });
    const report = uut.build();
    expect(report.pn).toHaveLength(100);
    const step = report.root?.steps?.[0];
    expect(step?.name?.startsWith("namewithcontrols ")).toBe(true);
    expect([...(step?.name ?? "")]).toHaveLength(100);
    expect(step?.reportText).toBe("ok\ttab\nline");
    expect(validateReport(report).errors).toEqual([]);
    const kept = new UutReport({ ...header, pn: "P".repeat(150) }).build();
    expect(validateReport(kept).errors.map((e) => e.path)).toEqual(["$.pn"]);
  });

  it("takes the station from core's station resolution when none is given", () => {
    const previous = process.env.WATS_STATION;
    process.env.WATS_STATION = "  Env Station  ";
    try {
      const { station, ...rest } = header;
      expect(new UutReport(rest).build().machineName).toBe("Env Station");
    } finally {
      if (previous === undefined) delete process.env.WATS_STATION;
      else process.env.WATS_STATION = previous;
    }
  });

  it("attachments are base64; a step holds a chart or an attachment, not both", () => {
    const uut = new UutReport(header);
    uut.root.action("log", { attachment: { name: "log.txt", contentType: "text/plain", data: "hello" } });
    uut.root.action("bin", {
      attachment: { name: "b.bin", contentType: "application/octet-stream", data: new Uint8Array([0, 255]) },
    });
    const report = uut.build();
    expect(find(report, "log").attachment).toEqual({
      name: "log.txt",
      contentType: "text/plain",
      data: "aGVsbG8=",
    });
    expect(find(report, "bin").attachment?.data).toBe("AP8=");
    expect(() =>
      uut.root.chart(
        "c",
        { label: "c", series: [{ name: "s", y: [1] }] },
        { attachment: { name: "a", contentType: "t", data: "" } },
      ),
    ).toThrow(/not both/);
    expect(() => uut.root.chart("c", { label: "c", series: [{ name: "s", x: [1, 2], y: [1] }] })).toThrow(
      /x values/,
    );
  });
});

describe("UurReport", () => {
  it("builds a valid repair of a test report, referencing it", () => {
    const uut = sampleUut();
    const uur = UurReport.forUut(uut, {
      processCode: 500,
      operator: "repairer",
      station: "R1",
      location: "Bench",
      purpose: "Repair",
      start: "2026-02-01T09:00:00Z",
    })
      .part({ pn: "IC-7", sn: "NEW-1", rev: "2", partType: "IC", replacedIdx: 0 })
      .failure({ category: "Component", code: "Burned Component", comRef: "U1", refStepId: 3 })
      .miscInfo("Note", "reworked");
    const report = uur.build();
    expect(validateReport(report).problems).toEqual([]);
    expect(report).toMatchObject({
      type: "R",
      pn: "PCBA-100",
      sn: "SN-0001",
      processCode: 500,
      result: "P",
      uur: { user: "repairer", processCode: 10, refUUT: uut.id },
      subUnits: [
        {
          partType: "Main",
          pn: "PCBA-100",
          sn: "SN-0001",
          rev: "A",
          idx: 0,
          failures: [{ category: "Component", code: "Burned Component", comRef: "U1", refStepId: 3 }],
        },
        { partType: "IC", pn: "IC-7", sn: "NEW-1", idx: 1, parentIdx: 0, replacedIdx: 0 },
      ],
    });
    expect(report.root).toBeUndefined();
    expect(uur.build().id).toBe(uur.id);
  });

  it("refuses a failure on a unit that does not exist and a refUut that is not a report id", () => {
    const uur = new UurReport({ ...header, processCode: 500, testProcessCode: 10 });
    expect(() => uur.failure({ category: "c", code: "x", unitIdx: 4 })).toThrow(RangeError);
    expect(() => new UurReport({ ...header, processCode: 500, testProcessCode: 10, refUut: "abc" })).toThrow(
      RangeError,
    );
    // without failures the validator warns (a repair should record one)
    expect(validateReport(uur.build()).warnings.map((w) => w.rule)).toEqual(["repair"]);
  });
});
