/**
 * teststand-xml: the three real TestStand files (both roots) checked against an independent
 * reading of the source file, the simulator round trip (converting again replaces), and a
 * corpus of variants (missing fields, unknown elements, encodings, empty and truncated files,
 * EQT / custom statuses / NaN, multi-unit files, charts, attachments, loops, additional data).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  parseDateTime,
  type Report,
  ReportClient,
  type Step,
  serialiseReport,
  validateReport,
} from "@tswats/report";
import { Wats } from "@tswats/sdk";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { deriveReportId, sha256Hex } from "../src/report-id.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";
import {
  arr,
  b,
  n,
  p,
  plainReport,
  plainReports,
  s,
  sourceHeader,
  sourceReportInfo,
  sourceResults,
  teResult,
} from "./teststand-source.js";

const SAMPLES = [
  "teststand/TSWithWats.xml",
  "converters/teststand/TsWithoutWats.xml",
  "converters/teststand/TSWithWats2.xml",
] as const;

const STATUS_LETTER: Record<string, string> = {
  Passed: "P",
  Failed: "F",
  Done: "D",
  Skipped: "S",
  Error: "E",
  Terminated: "T",
};

function allSteps(root: Step): Step[] {
  const out: Step[] = [];
  const walk = (st: Step) => {
    out.push(st);
    for (const c of st.steps ?? []) walk(c);
  };
  walk(root);
  return out;
}

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir("tswats-ts-");
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

const convert = (path: string, parameters: Record<string, unknown> = {}) =>
  host.convertFile(path, { converter: "teststand-xml", parameters, station: "HOST-ST" });

describe("teststand-xml on Virinco's sample files", () => {
  for (const sample of SAMPLES) {
    it(`${sample}: valid WSJF whose steps, statuses, times, limits and units are those of the file`, async () => {
      const path = join(REPO_FIXTURES, sample);
      const xml = await readFile(path, "latin1");
      const r = await host.convertFile(path, { parameters: { timeZone: "Europe/Oslo" } });
      expect(r.converter).toBe("teststand-xml");
      expect(r.reports).toHaveLength(1);
      const report = r.reports[0] as Report;
      expect(validateReport(serialiseReport(report)).valid).toBe(true);

      const source = sourceResults(xml);
      const steps = allSteps(report.root as Step);
      expect(steps).toHaveLength(source.length);
      const pairs = (list: { name: string | null | undefined; status: string }[]) =>
        list.map((x) => `${x.name}=${x.status}`).sort();
      expect(pairs(steps.map((st) => ({ name: st.name, status: st.status ?? "" })))).toEqual(
        pairs(source.map((x) => ({ name: x.name, status: STATUS_LETTER[x.status] ?? "?" }))),
      );
      expect(steps.map((st) => `${st.name}@${st.totTime}`).sort()).toEqual(
        source.map((x) => `${x.name}@${x.totalTime}`).sort(),
      );
      expect(steps.map((st) => `${st.name}:${st.stepType}`).sort()).toEqual(
        source.map((x) => `${x.name}:${x.stepType}`).sort(),
      );

      // measurements: every numeric, pass/fail and string result of the file, with its limits
      const numericSource = source.filter((x) => x.numeric);
      const numericSteps = steps.filter((st) => st.numericMeas?.length);
      expect(numericSteps).toHaveLength(numericSource.length);
      for (const src of numericSource) {
        const m = steps.find((st) => st.name === src.name && st.numericMeas)?.numericMeas?.[0];
        const num = src.numeric as NonNullable<typeof src.numeric>;
        expect(m?.value).toBe(Number(num.value));
        expect(m?.compOp).toBe(num.comp);
        expect(m?.unit ?? undefined).toBe(num.units);
        if (num.low !== undefined && num.high !== undefined) {
          expect([m?.lowLimit, m?.highLimit]).toEqual([Number(num.low), Number(num.high)]);
        } else {
          expect([m?.lowLimit, m?.highLimit]).toEqual([Number(num.low ?? num.high), null]);
        }
      }
      for (const src of source.filter((x) => x.passFail !== undefined)) {
        const st = steps.find((x) => x.name === src.name && x.booleanMeas);
        expect(st?.booleanMeas?.[0]?.status).toBe(src.passFail === "True" ? "P" : "F");
      }
      expect(steps.filter((st) => st.booleanMeas?.length)).toHaveLength(
        source.filter((x) => x.passFail !== undefined).length,
      );

      // header
      const uut = sourceHeader(xml, "UUT");
      const station = sourceHeader(xml, "StationInfo");
      expect(report.sn).toBe(uut.SerialNumber);
      expect(report.pn).toBe(uut.UUTPartNumber || uut.PartNumber || "Unknown");
      expect(report.rev).toBe(uut.UUTPartRevisionNumber || "1.0");
      expect(report.machineName).toBe(station.StationID);
      expect(report.uut?.user).toBe(station.LoginName);
      expect(report.location).toBe(station.Location || "Unknown");
      expect(report.purpose).toBe(station.Purpose || "Production");
      if (uut.UUTOperationType) expect(report.processCode).toBe(Number(uut.UUTOperationType));
      else expect(report.processCode).toBe(10);
      expect(report.uut?.testSocketIndex).toBe(Number(uut.TestSocketIndex));
      const main = source.find((x) => x.name === "MainSequence Callback");
      expect(report.uut?.execTime).toBe(main?.totalTime);

      // times: the report's start, and each step at its offset from the engine (or report) start
      const info = sourceReportInfo(xml);
      const startMs = parseDateTime(report.start as string)?.epochMs as number;
      if (info.Start) {
        expect(report.start).toBe(info.Start);
        const engine = parseDateTime(info.EngineStarted as string)?.epochMs as number;
        for (const src of source)
          expect(parseDateTime(steps.find((x) => x.name === src.name)?.start as string)?.epochMs).toBe(
            Math.round(engine + (src.startTime as number) * 1000),
          );
      } else {
        const date = sourceHeader(xml, "StartDate");
        const time = sourceHeader(xml, "StartTime");
        // Europe/Oslo in July is UTC+2
        const expected = Date.UTC(
          Number(date.Year),
          Number(date.Month) - 1,
          Number(date.MonthDay),
          Number(time.Hours) - 2,
          Number(time.Minutes),
          Number(time.Seconds),
          Number(time.Milliseconds),
        );
        expect(startMs).toBe(expected);
        expect(report.start).toMatch(/\+02:00$/);
        for (const src of source.filter((x) => x.name !== "If" && x.name !== "End"))
          expect(parseDateTime(steps.find((x) => x.name === src.name)?.start as string)?.epochMs).toBe(
            Math.round(startMs + ((src.startTime as number) - (main?.startTime as number)) * 1000),
          );
      }

      // id: the report's own (ReportInfo ID) or derived from the file; the same every time
      const bytes = await readFile(path);
      expect(report.id).toBe(info.ID ?? deriveReportId("teststand-xml", sha256Hex(bytes), 0));
      const again = await host.convertFile(path, { parameters: { timeZone: "Europe/Oslo" } });
      expect(again.reports[0]?.id).toBe(report.id);

      // warnings: only the missing part number of the plain report
      if (!uut.UUTPartNumber && !uut.PartNumber)
        expect(r.warnings).toEqual([expect.stringMatching(/no part number .* sent as "Unknown"/)]);
      else expect(r.warnings).toEqual([]);
    });
  }

  it("the plain report with partNumber and revision parameters converts without a warning", async () => {
    const r = await host.convertFile(join(REPO_FIXTURES, "converters/teststand/TsWithoutWats.xml"), {
      parameters: { partNumber: "MB-100", revision: "C" },
    });
    expect(r.warnings).toEqual([]);
    expect(r.reports[0]).toMatchObject({ pn: "MB-100", rev: "C", sn: "2342343" });
  });
});

describe("teststand-xml into the simulator", () => {
  let sim: Simulator;
  let wats: Wats;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, data: "empty" });
    wats = new Wats({
      baseUrl: sim.url,
      token: sim.token,
      retry: { maxAttempts: 1 },
    } as ConstructorParameters<typeof Wats>[0]);
  });
  afterAll(async () => {
    await wats?.close();
    await sim?.close();
  });

  it("each sample is accepted; converting and submitting again replaces instead of duplicating", async () => {
    const client = new ReportClient(wats);
    const ids: string[] = [];
    for (const sample of SAMPLES) {
      const r = await host.convertFile(join(REPO_FIXTURES, sample));
      const { id } = await client.submit(r.reports[0] as Report);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(3);
    expect(sim.reports.size).toBe(3);
    for (const sample of SAMPLES) {
      const r = await host.convertFile(join(REPO_FIXTURES, sample));
      await client.submit(r.reports[0] as Report);
    }
    expect(sim.reports.size).toBe(3);
    for (const id of ids) expect(sim.reports.replaceCount(id)).toBe(1);
    expect(sim.reports.get(ids[0] as string)).toMatchObject({ sn: "12345", pn: "PN1" });
  });
});

const numericResult = (value: string, limits: string, comp: string, units = "V") =>
  n("Numeric", value) + p("Limits", "Obj", limits) + s("Comp", comp) + s("Units", units);

describe("teststand-xml on variants of the plain <Reports> layout", () => {
  it("a file with several UUT reports gives one report per unit (batch summaries left out with a warning)", async () => {
    const xml = plainReports([
      { sn: "U-1", pn: "P", steps: [{ name: "A", type: "Action", status: "Done" }] },
      {
        sn: "U-2",
        pn: "P",
        status: "Failed",
        steps: [{ name: "A", type: "PassFailTest", status: "Failed", result: b("PassFail", false) }],
      },
      { sn: "U-3", pn: "P", steps: [] },
      { type: "Batch", sn: "B", pn: "P", steps: [] },
    ]);
    const path = await file("multi.xml", xml);
    const r = await convert(path);
    expect(r.reports.map((x) => [x.sn, x.result])).toEqual([
      ["U-1", "P"],
      ["U-2", "F"],
      ["U-3", "P"],
    ]);
    expect(new Set(r.reports.map((x) => x.id)).size).toBe(3);
    expect(r.warnings).toEqual([
      expect.stringMatching(/multi\.xml line \d+: <Report Type="Batch"> is not a UUT report; left out/),
    ]);
    const again = await convert(path);
    expect(again.reports.map((x) => x.id)).toEqual(r.reports.map((x) => x.id));
  });

  it("missing serial number: refused naming UUT.SerialNumber and its line; the serialNumber parameter fills it", async () => {
    const xml = plainReports([{ pn: "P", steps: [] }]);
    const path = await file("nosn.xml", xml);
    const e = await conversionFailure(convert(path));
    expect(e).toMatchObject({ kind: "content", field: "UUT.SerialNumber" });
    const uutLine = xml.split("\n").findIndex((l) => l.includes("Name='UUT'")) + 1;
    expect(e.line).toBe(uutLine);
    expect(e.message).toMatch(/no serial number/);
    const ok = await convert(path, { serialNumber: "FALLBACK-1" });
    expect(ok.reports[0]?.sn).toBe("FALLBACK-1");
  });

  it("missing start time: refused naming the field and the report's line", async () => {
    const xml = plainReports([{ sn: "S", pn: "P", steps: [] }])
      .split("\n")
      .filter(
        (l) => !l.startsWith("<Prop Name='StartTime' Type='Obj'") && !l.startsWith("<Prop Name='StartDate'"),
      )
      .join("\n");
    expect(xml).not.toMatch(/StartDate/);
    const e = await conversionFailure(convert(await file("nostart.xml", xml)));
    expect(e).toMatchObject({ kind: "content", field: "StartDate", line: 4 });
  });

  it("start date from the report's texts and numbers, in the timeZone parameter; step starts relative to it", async () => {
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        date: { year: 2021, month: 12, day: 31, text: "fredag 31. desember 2021" },
        time: { h: 23, m: 59, s: 58, ms: 5 },
        steps: [{ name: "Late", type: "Action", status: "Done", start: 102.5 }],
      },
    ]);
    const r = await convert(await file("date.xml", xml), { timeZone: "America/New_York" });
    expect(r.reports[0]?.start).toBe("2021-12-31T23:59:58.005-05:00");
    // root StartTime 100, step 102.5: 2.5 s after the report start, past midnight
    expect(r.reports[0]?.root?.steps?.[0]?.start).toBe("2022-01-01T00:00:00.505-05:00");
  });

  it("unknown elements: custom result members become additional results, unknown TS members and ReportInfo keys are warned about with their line", async () => {
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        extra: p("ModelData", "Obj", s("Fixture", "FX-9")),
        uut: s("CustomerOrder", "ORD-77"),
        steps: [
          {
            name: "Custom",
            type: "AcmeStep",
            status: "Passed",
            result: n("Temperature", 41.5) + p("Common", "Obj", s("Operator note", "ok")),
            ts: n("Frobnication", 3),
          },
        ],
      },
    ]);
    const r = await convert(await file("unknown.xml", xml));
    const step = r.reports[0]?.root?.steps?.[0] as Step;
    expect(step.additionalResults).toEqual([
      { name: "Operator note", props: [{ name: "Operator note", type: "String", flags: 0, value: "ok" }] },
      { name: "Temperature", props: [{ name: "Temperature", type: "Number", flags: 0, value: "41.5" }] },
    ]);
    expect(r.reports[0]?.additionalData).toEqual(
      expect.arrayContaining([
        {
          name: "UUT.CustomerOrder",
          props: [{ name: "CustomerOrder", type: "String", flags: 0, value: "ORD-77" }],
        },
        { name: "ModelData", props: [{ name: "Fixture", type: "String", flags: 0, value: "FX-9" }] },
      ]),
    );
    const line = xml.split("\n").findIndex((l) => l.includes("Frobnication")) + 1;
    expect(r.warnings).toEqual([
      `unknown.xml line ${line}, step "MainSequence Callback/Custom": TS.Frobnication is not mapped`,
    ]);
  });

  it("EQT, custom status texts and NaN values degrade (the step kept, a warning each); infinite limits become the one-limit test they are", async () => {
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        steps: [
          {
            name: "Tolerance",
            type: "NumericLimitTest",
            status: "Passed",
            result:
              n("Numeric", 5.2) +
              p("Limits", "Obj", n("Low", 10) + n("High", 10) + s("ThresholdType", "Percentage")) +
              p("RawLimits", "Obj", n("Nominal", 5) + n("Low", 10) + n("High", 10)) +
              s("Comp", "EQT") +
              s("Units", "V"),
          },
          { name: "Odd status", type: "Action", status: "Warning" },
          {
            name: "No value",
            type: "NumericLimitTest",
            status: "Failed",
            result: numericResult("NaN", n("Low", 1) + n("High", 2), "GELE"),
          },
          {
            name: "NaN limit",
            type: "NumericLimitTest",
            status: "Passed",
            result: numericResult("1.5", n("Low", "NaN") + n("High", 2), "GELE"),
          },
          {
            name: "Open below",
            type: "NumericLimitTest",
            status: "Passed",
            result: numericResult("1.5", n("Low", "-Inf") + n("High", 2), "GELT"),
          },
          {
            name: "Open above",
            type: "NumericLimitTest",
            status: "Passed",
            result: numericResult("1.5", n("Low", 1) + n("High", "+Inf"), "GELE"),
          },
          {
            name: "Single high",
            type: "NumericLimitTest",
            status: "Passed",
            result: numericResult("1.5", n("High", 2), "LT"),
          },
        ],
      },
    ]);
    const r = await convert(await file("degrade.xml", xml));
    const steps = (r.reports[0]?.root?.steps ?? []) as Step[];
    expect(steps.map((st) => [st.name, st.status])).toEqual([
      ["Tolerance", "P"],
      ["Odd status", "U"],
      ["No value", "F"],
      ["NaN limit", "P"],
      ["Open below", "P"],
      ["Open above", "P"],
      ["Single high", "P"],
    ]);
    expect(steps[0]?.numericMeas?.[0]).toMatchObject({
      compOp: "GELE",
      lowLimit: 4.5,
      highLimit: 5.5,
      value: 5.2,
      unit: "V",
    });
    expect(steps[2]?.numericMeas).toBeUndefined();
    expect(steps[3]?.numericMeas?.[0]).toMatchObject({
      compOp: "LOG",
      lowLimit: null,
      highLimit: null,
      value: 1.5,
    });
    expect(steps[4]?.numericMeas?.[0]).toMatchObject({ compOp: "LT", lowLimit: 2, highLimit: null });
    expect(steps[5]?.numericMeas?.[0]).toMatchObject({ compOp: "GE", lowLimit: 1, highLimit: null });
    expect(steps[6]?.numericMeas?.[0]).toMatchObject({ compOp: "LT", lowLimit: 2, highLimit: null });
    expect(r.warnings).toHaveLength(4);
    expect(r.warnings[0]).toMatch(
      /step "MainSequence Callback\/Tolerance": .*EQT .* sent as GELE \[4\.5, 5\.5\]/,
    );
    expect(r.warnings[1]).toMatch(
      /step "MainSequence Callback\/Odd status": status "Warning" is not a WSJF status; sent as U/,
    );
    expect(r.warnings[2]).toMatch(
      /step "MainSequence Callback\/No value": .*NaN is not a finite number.*kept without it/,
    );
    expect(r.warnings[3]).toMatch(/step "MainSequence Callback\/NaN limit": .*NaN limit.*sent as LOG/);
    for (const w of r.warnings) expect(w).toMatch(/^degrade\.xml line \d+, step /);
  });

  it("a report whose own status is a custom text takes its result from UUTResult", async () => {
    const xml = plainReports([{ sn: "S", pn: "P", status: "Aborted by line", steps: [] }]).replace(
      "UUTResult='Aborted by line'",
      "UUTResult='Failed'",
    );
    const r = await convert(await file("custom-root.xml", xml));
    expect(r.reports[0]?.root?.status).toBe("U");
    expect(r.reports[0]?.result).toBe("F");
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /custom-root\.xml line \d+, step "MainSequence Callback": status "Aborted by line" is not a WSJF status/,
      ),
    ]);
  });

  it("multiple numeric, string and pass/fail measurements, loop summaries and iterations", async () => {
    const limitMeas = (name: string, data: number, low: number, high: number, status: string) =>
      p(
        name,
        "Obj",
        n("Data", data) +
          p("Limits", "Obj", n("Low", low) + n("High", high)) +
          s("Comp", "GELE") +
          s("Units", "A") +
          s("Status", status),
        " TypeName='NI_LimitMeasurement'",
      );
    const strMeas = (name: string, value: string, limit: string, comp: string, status: string) =>
      p(
        "Measurement",
        "Obj",
        s("MeasName", name) +
          s("StringData", value) +
          s("StringLimit", limit) +
          s("Comp", comp) +
          s("Status", status),
      );
    const boolMeas = (name: string, v: boolean) =>
      p("Measurement", "Obj", s("MeasName", name) + b("PassFail", v));
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        status: "Failed",
        steps: [
          {
            name: "Currents",
            type: "NI_MultipleNumericLimitTest",
            status: "Failed",
            result: arr("Measurement", [
              limitMeas("I1", 0.5, 0.1, 1, "Passed"),
              limitMeas("I2", 3, 0.1, 1, "Failed"),
            ]),
            ts: n("NumLoops", 3) + n("NumPassed", 2) + n("NumFailed", 1) + n("EndingLoopIndex", 2),
          },
          {
            name: "Currents",
            type: "NI_MultipleNumericLimitTest",
            status: "Passed",
            result: arr("Measurement", [limitMeas("I1", 0.4, 0.1, 1, "Passed")]),
            ts: n("LoopIndex", 0),
          },
          {
            name: "Versions",
            type: "ET_MSVT",
            status: "Passed",
            result: arr("Measurement", [
              strMeas("FW", "1.2", "1.2", "IgnoreCase", "Passed"),
              strMeas("HW", "B", "b", "CaseSensitive", "Failed"),
            ]),
          },
          {
            name: "LEDs",
            type: "ET_MPFT",
            status: "Failed",
            result: arr("Measurement", [boolMeas("Red", true), boolMeas("Green", false)]),
          },
        ],
      },
    ]);
    const r = await convert(await file("multi-meas.xml", xml));
    expect(r.warnings).toEqual([]);
    const [currents, iteration, versions, leds] = (r.reports[0]?.root?.steps ?? []) as Step[];
    expect(currents?.numericMeas).toEqual([
      { compOp: "GELE", name: "I1", value: 0.5, lowLimit: 0.1, highLimit: 1, unit: "A", status: "P" },
      { compOp: "GELE", name: "I2", value: 3, lowLimit: 0.1, highLimit: 1, unit: "A", status: "F" },
    ]);
    expect(currents?.loop).toEqual({ idx: null, num: 3, endingIndex: 2, passed: 2, failed: 1 });
    expect(iteration?.loop).toEqual({ idx: 0, num: null, endingIndex: null, passed: null, failed: null });
    expect(versions?.stringMeas).toEqual([
      { compOp: "IGNORECASE", name: "FW", value: "1.2", limit: "1.2", status: "P" },
      { compOp: "CASESENSIT", name: "HW", value: "B", limit: "b", status: "F" },
    ]);
    expect(leds?.booleanMeas).toEqual([
      { name: "Red", status: "P" },
      { name: "Green", status: "F" },
    ]);
  });

  it("charts, XML attachments, station files (read only when allowed), additional results, additional data, misc infos, sub-units, assets and the step that failed the UUT", async () => {
    const plot = (name: string, xs: number[], ys: number[]) =>
      p(
        undefined,
        "Obj",
        s("PlotName", name) +
          s("PlotDataType", "XYG") +
          p(
            "PlotData",
            "Array",
            [
              ...xs.map((x, j) => `<Value ID='[0][${j}]'>${x}</Value>`),
              ...ys.map((y, j) => `<Value ID='[1][${j}]'>${y}</Value>`),
            ].join(""),
            ` LBound='[0][0]' HBound='[1][${xs.length - 1}]' ElementType='Number'`,
          ),
        " TypeName='WATS_Chart_Plots'",
      );
    const chart = p(
      "Chart",
      "Obj",
      s("ChartLabel", "Ramp") +
        s("Xlabel", "t") +
        s("Xunit", "s") +
        s("Ylabel", "U") +
        s("Yunit", "V") +
        s("ChartType", "Line") +
        arr("Plots", [plot("U", [0, 1, 2], [0, 1.5, 3]), plot("Limit", [0, 2], [3.3, 3.3])]),
      " TypeName='WATS_Chart_Data'",
    );
    const station = join(tmp.dir, "scope.png");
    await writeFile(station, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const uut =
      p("AdditionalData", "Obj", p("Calibration", "Obj", s("Lab", "Cal-1") + n("Days", 12))) +
      p(
        "MiscUUTResult",
        "Obj",
        arr("Misc_UUT_Info", [
          p(
            undefined,
            "Obj",
            s("Description", "Firmware") + s("Data_String", "2.1") + n("Data_Numeric", 7),
            " TypeName='ET_Misc_UUT_Info'",
          ),
        ]) +
          arr("UUT_Part_Info", [
            p(
              undefined,
              "Obj",
              s("Part_Type", "PCBA") +
                s("Part_Number", "PCB-1") +
                s("Part_Serial_Number", "PS-9") +
                s("Part_Revision_Number", "A"),
              " TypeName='ET_UUT_Part_Info'",
            ),
          ]) +
          arr("Asset_Info", [
            p(
              undefined,
              "Obj",
              s("AssetSerialNumber", "FIX-3") + n("UsageCount", 2),
              " TypeName='WATS_Asset_Info'",
            ),
          ]),
      ) +
      arr("CriticalFailureStack", [
        p(
          undefined,
          "Obj",
          s("StepName", "Ramp") + n("ResultId", 42),
          " TypeName='NI_CriticalFailureStackEntry'",
        ),
      ]);
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        status: "Failed",
        uut,
        station: p(
          "StationInfo",
          "Obj",
          s("StationID", "ST-9") + s("LoginName", "op") + p("AdditionalData", "Obj", s("Bench", "B2")),
          " TypeName='NI_StationInfo'",
        ),
        steps: [
          {
            name: "Ramp",
            type: "WATS_XYGMNLT",
            status: "Failed",
            id: 42,
            result: chart + arr("AdditionalResults", [p("Gain", "Number", "<Value>2.5</Value>")]),
          },
          { name: "Dump", type: "Action", status: "Done", result: s("XMLString", "<data><x>1</x></data>") },
          {
            name: "Scope",
            type: "Action",
            status: "Done",
            result: p(
              "AttachedFileData",
              "Obj",
              s("FullFileName", station) + s("FileName", "scope.png") + s("MIMEtype", "image/png"),
            ),
          },
        ],
      },
    ]);
    const path = await file("extras.xml", xml);
    const off = await convert(path);
    const [ramp, dump, scope] = (off.reports[0]?.root?.steps ?? []) as Step[];
    expect(ramp?.chart).toEqual({
      chartType: "Line",
      label: "Ramp",
      xLabel: "t",
      xUnit: "s",
      yLabel: "U",
      yUnit: "V",
      series: [
        { dataType: "XYG", name: "U", xdata: "0;1;2", ydata: "0;1.5;3" },
        { dataType: "XYG", name: "Limit", xdata: "0;2", ydata: "3.3;3.3" },
      ],
    });
    expect(ramp?.causedUUTFailure).toBe(true);
    expect(ramp?.additionalResults).toEqual([
      { name: "Gain", props: [{ name: "Gain", type: "Number", flags: 0, value: "2.5" }] },
    ]);
    expect(dump?.attachment).toEqual({
      name: "stepdata.xml",
      contentType: "text/xml",
      data: Buffer.from("<data><x>1</x></data>").toString("base64"),
    });
    expect(scope?.attachment).toBeUndefined();
    expect(off.warnings).toEqual([
      expect.stringMatching(
        /step "MainSequence Callback\/Scope": attached file .*scope\.png is not in the report .*attachFiles/,
      ),
    ]);
    const on = await convert(path, { attachFiles: true });
    expect(on.warnings).toEqual([]);
    expect(on.reports[0]?.root?.steps?.[2]?.attachment).toEqual({
      name: "scope.png",
      contentType: "image/png",
      data: "iVBORw==",
    });
    const report = on.reports[0] as Report;
    expect(report.miscInfos).toEqual([{ description: "Firmware", text: "2.1", numeric: 7 }]);
    expect(report.subUnits).toEqual([{ partType: "PCBA", pn: "PCB-1", rev: "A", sn: "PS-9" }]);
    expect(report.assets).toEqual([{ assetSN: "FIX-3", usageCount: 2 }]);
    expect(report.additionalData).toEqual([
      {
        name: "Calibration",
        props: [
          { name: "Lab", type: "String", flags: 0, value: "Cal-1" },
          { name: "Days", type: "Number", flags: 0, value: "12" },
        ],
      },
      { name: "Station info", props: [{ name: "Bench", type: "String", flags: 0, value: "B2" }] },
    ]);
  });

  it("StepCount that disagrees with the results read is a warning (a partly read report never looks clean)", async () => {
    const xml = plainReports([
      { sn: "S", pn: "P", stepCount: 5, steps: [{ name: "A", type: "Action", status: "Done" }] },
    ]);
    const r = await convert(await file("count.xml", xml));
    expect(r.warnings).toEqual([
      expect.stringMatching(/count\.xml line 4: the report says StepCount 5, but 1 step results were read/),
    ]);
  });

  it("numbers written with the localized decimal point (ReportOptions.UseLocalizedDecimalPoint) are read", async () => {
    const xml = plainReports([
      {
        sn: "S",
        pn: "P",
        steps: [
          {
            name: "V",
            type: "NumericLimitTest",
            status: "Passed",
            total: "0,25" as unknown as number,
            result: numericResult("3,25", n("Low", "3,1") + n("High", "3,4"), "GELE"),
          },
        ],
      },
    ]).replace(
      `<Prop Name='IncludeTimes' Type='Boolean' Flags='0x0'><Value>True</Value></Prop>`,
      b("UseLocalizedDecimalPoint", true),
    );
    const r = await convert(await file("comma.xml", xml));
    expect(r.reports[0]?.root?.steps?.[0]).toMatchObject({
      totTime: 0.25,
      numericMeas: [{ value: 3.25, lowLimit: 3.1, highLimit: 3.4 }],
    });
  });

  it("a step name longer than WATS keeps is cut with a warning instead of failing the file", async () => {
    const long = "N".repeat(130);
    const r = await convert(
      await file(
        "long.xml",
        plainReports([{ sn: "S", pn: "P", steps: [{ name: long, type: "Action", status: "Done" }] }]),
      ),
    );
    expect(r.reports[0]?.root?.steps?.[0]?.name).toBe("N".repeat(100));
    expect(r.warnings).toEqual([
      expect.stringMatching(/the step name is 130 characters, cut to the 100 WATS keeps/),
    ]);
  });

  it("encodings: the declaration is honoured (windows-1252, UTF-16 with and without BOM), a wrong declaration is named", async () => {
    const body = (decl: string) => plainReports([{ sn: "SN-Ø", pn: "Pæ", steps: [] }], decl);
    const cp1252 = await convert(
      await file("cp1252.xml", Buffer.from(body(`<?xml version="1.0" encoding="windows-1252"?>`), "latin1")),
    );
    expect(cp1252.reports[0]).toMatchObject({ sn: "SN-Ø", pn: "Pæ" });
    const u16 = body(`<?xml version="1.0" encoding="UTF-16"?>`);
    const withBom = await convert(
      await file("u16bom.xml", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(u16, "utf16le")])),
    );
    const noBom = await convert(await file("u16.xml", Buffer.from(u16, "utf16le")));
    expect(withBom.reports[0]?.sn).toBe("SN-Ø");
    expect(noBom.reports[0]?.sn).toBe("SN-Ø");
    const liar = await convert(
      await file(
        "liar.xml",
        Buffer.from(
          body(`<?xml version="1.0" encoding="utf-16"?>`).replace("SN-Ø", "SN-O").replace("Pæ", "Pae"),
          "latin1",
        ),
      ),
    );
    expect(liar.warnings).toEqual([
      expect.stringMatching(/liar\.xml line 1: the XML declaration names utf-16, but .* read as UTF-8/),
    ]);
    const unknown = await conversionFailure(
      convert(await file("klingon.xml", body(`<?xml version="1.0" encoding="x-klingon"?>`))),
    );
    expect(unknown).toMatchObject({ kind: "encoding", line: 1, field: "encoding" });
    expect(unknown.message).toMatch(/"x-klingon"/);
  });

  it("the obsolete <?xml:stylesheet?> instruction is tolerated", async () => {
    const xml = plainReports([{ sn: "S", pn: "P", steps: [] }]).replace(
      `<?xml-stylesheet type="text/xsl" href="C:\\horizontal.xsl"?>`,
      `<?xml:stylesheet type="text/xsl" href="C:\\old.xsl"?>`,
    );
    expect((await convert(await file("oldpi.xml", xml))).reports[0]?.sn).toBe("S");
  });

  it("empty sequences convert; a <Reports> without a UUT report and a truncated file are refused naming the line", async () => {
    const empty = await convert(
      await file(
        "empty-seq.xml",
        plainReports([
          {
            sn: "S",
            pn: "P",
            steps: [{ name: "Sub", type: "SequenceCall", status: "Passed", children: [] }],
          },
        ]),
      ),
    );
    expect(empty.reports[0]?.root?.steps?.[0]).toMatchObject({
      name: "Sub",
      steps: [],
      seqCall: { name: "Sub" },
    });
    expect(empty.warnings).toEqual([]);
    const none = await conversionFailure(
      convert(await file("none.xml", `<?xml version="1.0"?>\n<Reports>\n</Reports>\n`)),
    );
    expect(none).toMatchObject({ kind: "content", field: "Report", line: 2 });
    const full = plainReports([{ sn: "S", pn: "P", steps: [{ name: "A", type: "Action", status: "Done" }] }]);
    const cut = full.slice(0, Math.floor(full.length * 0.6));
    const e = await conversionFailure(convert(await file("cut.xml", cut)));
    expect(e.kind).toBe("parse");
    expect(e.line).toBeGreaterThan(1);
    expect(e.line).toBeLessThanOrEqual(cut.split("\n").length + 1);
  });

  it("a huge report (thousands of steps in nested sequences) converts completely", async () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({
      name: `Block ${i}`,
      type: "SequenceCall",
      status: "Passed",
      children: Array.from({ length: 100 }, (__, j) => ({
        name: `V${i}.${j}`,
        type: "NumericLimitTest",
        status: "Passed",
        start: 100 + i + j / 1000,
        result: numericResult(String(1 + j / 1000), n("Low", 0) + n("High", 2), "GELE"),
      })),
    }));
    const xml = plainReports([{ sn: "BIG", pn: "P", steps }]);
    expect(xml.length).toBeGreaterThan(3_000_000);
    const r = await convert(await file("huge.xml", xml));
    expect(r.warnings).toEqual([]);
    const all = allSteps(r.reports[0]?.root as Step);
    expect(all).toHaveLength(1 + 40 + 4000);
    expect(all.filter((st) => st.numericMeas).length).toBe(4000);
    expect(all.at(-1)?.numericMeas?.[0]?.value).toBe(1.099);
  });

  it("a <TSReport> generated beside it: the main sequence result can have any name and the report's own id is kept", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<TSReport>
<ReportInfo key="ID" value="{8D2C7A51-0B1E-4C2B-9A7E-2F7C3F2B1A90}" type="System.Guid" />
<ReportInfo key="Start" value="2026-05-04T09:00:00.5+02:00" type="System.DateTime" />
<ReportInfo key="EngineStarted" value="2026-05-04T06:59:00Z" type="System.DateTime" />
<ReportInfo key="Operator" value="nobody" />
${p("UUT", "Obj", s("SerialNumber", "T-1") + s("PartNumber", "TP") + s("UUTPartRevisionNumber", "R2") + n("UUTOperationType", 40))}
${teResult({ name: "Custom Main", type: "SequenceCall", status: "Passed", start: 60, children: [{ name: "Inner", type: "Action", status: "Done", start: 61 }] })}
</TSReport>`;
    const r = await convert(await file("anyname.xml", xml));
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      id: "8d2c7a51-0b1e-4c2b-9a7e-2f7c3f2b1a90",
      sn: "T-1",
      rev: "R2",
      processCode: 40,
    });
    expect(report.root?.name).toBe("Custom Main");
    expect(report.root?.steps?.[0]?.start).toBe("2026-05-04T09:00:01.000+02:00");
    expect(r.warnings).toEqual([
      expect.stringMatching(/anyname\.xml line 6: ReportInfo "Operator" is not mapped/),
    ]);
  });
});

it("plainReport builds a report the independent reader sees completely (sanity of the test tools)", () => {
  const xml = plainReports([
    {
      sn: "X",
      pn: "P",
      steps: [
        {
          name: "A",
          type: "Action",
          status: "Done",
          children: [{ name: "B", type: "Action", status: "Done" }],
        },
      ],
    },
  ]);
  expect(sourceResults(xml).map((x) => x.name)).toEqual(["MainSequence Callback", "A", "B"]);
  expect(plainReport({ steps: [] })).toMatch(/StepCount='0'/);
});
