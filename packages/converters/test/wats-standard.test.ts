import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Report, type Step, validateReport } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { conversionFailure, REPO_FIXTURES, tempDir } from "./helpers.js";

const DIR = join(REPO_FIXTURES, "converters/wats-standard");
const preOrder = (root: Step): Step[] => [root, ...(root.steps ?? []).flatMap(preOrder)];

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
const file = async (name: string, content: string) => {
  const path = join(tmp.dir, name);
  await writeFile(path, content);
  return path;
};

describe("wrml: WATS XML test and repair reports", () => {
  it("uut-wrml.xml: every step, measurement, chart, attachment, misc info and sub-unit of the file", async () => {
    const path = join(DIR, "uut-wrml.xml");
    const xml = readFileSync(path, "utf8");
    const r = await host.convertFile(path);
    expect(r.converter).toBe("wrml");
    const report = r.reports[0] as Report;
    expect(validateReport(report).valid).toBe(true);
    expect(report.id).toBe(/<Report [^>]*ID="([^"]+)"/.exec(xml)?.[1]);
    const steps = preOrder(report.root as Step);
    const fileSteps = [...xml.matchAll(/<Step StepID="(\d+)"[^>]*Name="([^"]*)"[^>]*Status="(\w+)"/g)];
    expect(steps.map((s) => [s.name, s.status])).toEqual(
      fileSteps.map((m) => [
        m[2],
        { Passed: "P", Failed: "F", Done: "D", Skipped: "S", Terminated: "T" }[m[3] as string],
      ]),
    );
    const byId = new Map(fileSteps.map((m, i) => [m[1], steps[i] as Step]));
    for (const m of xml.matchAll(/<NumericLimit StepID="(\d+)"([^>]*)\/>/g)) {
      const attrs = m[2] as string;
      const get = (k: string) => new RegExp(`${k}="([^"]*)"`).exec(attrs)?.[1];
      const meas = byId
        .get(m[1] as string)
        ?.numericMeas?.find(
          (x) => x.name === (get("Name") ?? null) && x.value === Number(get("NumericValue")),
        );
      expect(meas, attrs).toBeDefined();
      expect(meas?.compOp).toBe(get("CompOperator"));
      expect(meas?.unit).toBe(get("Units"));
      expect(meas?.status).toBe(get("Status")?.[0]);
      const limits = [get("LowLimit"), get("HighLimit")].filter((x) => x !== undefined).map(Number);
      expect([meas?.lowLimit, meas?.highLimit].filter((x) => x !== null)).toEqual(limits);
    }
    const count = (re: RegExp) => (xml.match(re) ?? []).length;
    expect(steps.reduce((n, s) => n + (s.stringMeas?.length ?? 0), 0)).toBe(count(/<StringValue /g));
    expect(steps.reduce((n, s) => n + (s.booleanMeas?.length ?? 0), 0)).toBe(count(/<PassFail /g));
    const charts = steps.filter((s) => s.chart);
    expect(charts.map((s) => s.chart?.series?.length)).toEqual([2, 4]);
    expect(charts[0]?.chart?.series?.[0]?.ydata).toBe("0;1;1;2;3;5;8;13;21;34;55;89;144"); // Fibonacci, decoded from the base64 doubles
    expect(steps.filter((s) => s.attachment).map((s) => s.attachment?.name)).toEqual([
      "winhlp32.exe",
      "WiFiNotification",
    ]);
    expect(report.miscInfos?.map((m) => m.description)).toEqual(
      [...xml.matchAll(/<MiscInfo [^>]*Description="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(report.subUnits?.map((u) => u.sn)).toEqual(
      [...xml.matchAll(/<PartInfo [^>]*SN="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(report.uut).toMatchObject({
      user: "FAToper",
      execTime: 123.67,
      testSocketIndex: 999,
      errorCode: 999,
    });
    // the 1900 placeholder start is replaced, and said; the client information is named as not mapped
    expect(r.warnings.some((w) => /before 1970/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /ReportInfo clientstat/.test(w) && /line \d+/.test(w))).toBe(true);
  });

  it("uur-wrml.xml: a repair report with its units, failures on their unit and the test operation", async () => {
    const r = await host.convertFile(join(DIR, "uur-wrml.xml"));
    expect(r.converter).toBe("wrml");
    const report = r.reports[0] as Report;
    expect(validateReport(report).valid).toBe(true);
    expect(report).toMatchObject({
      type: "R",
      sn: "FATTest-810",
      processCode: 500,
      uur: { user: "FAToper", processCode: 10 },
    });
    expect(report.subUnits?.map((u) => [u.idx, u.parentIdx ?? null, u.sn])).toEqual([
      [0, null, "FATTest-810"],
      [1, 0, "SubPartSN1"],
      [2, 0, "SubPartSN2"],
    ]);
    expect(
      report.subUnits?.[0]?.failures?.map((f) => [f.category, f.code, f.comRef, f.refStepId, f.comment]),
    ).toEqual([
      ["Assembly Process", "Missing component", "U16", 32, "Failure on subunit"],
      ["Solder Process", "Appearance", "R55", 16, "Failure on main unit"],
    ]);
    expect(r.warnings.some((w) => /Failcode/.test(w))).toBe(true);
  });

  it("a step pointing at a missing parent is refused with its line; a payload row for no step is warned", async () => {
    const xml = readFileSync(join(DIR, "uut-wrml.xml"), "utf8").replace(
      'Start="1900-01-01T01:00:00+01:00"',
      'Start="2024-01-01T01:00:00+01:00"',
    );
    const orphan = xml.replace('<Step StepID="3" ParentStepID="2"', '<Step StepID="3" ParentStepID="77"');
    const e = await conversionFailure(host.convertFile(await file("orphan.xml", orphan)));
    expect(e.field).toBe("Step@ParentStepID");
    expect(e.line).toBe(orphan.split("\n").findIndex((l) => l.includes('ParentStepID="77"')) + 1);
    const stray = xml.replace('<NumericLimit StepID="5"', '<NumericLimit StepID="500"');
    const r = await host.convertFile(await file("stray.xml", stray));
    expect(r.warnings.some((w) => w.includes('StepID="500"') && /line \d+/.test(w))).toBe(true);
  });

  it("wsxf-xml forced onto a WRML file no longer succeeds silently: it names what it does not read", async () => {
    const xml = readFileSync(join(DIR, "uut-wrml.xml"), "utf8").replace(
      'Start="1900-01-01T01:00:00+01:00" Start_utc="1900-01-01T00:00:00Z"',
      'Start="2024-01-01T01:00:00+01:00" Start_utc="2024-01-01T00:00:00Z"',
    );
    const r = await host.convertFile(await file("forced.xml", xml), { converter: "wsxf-xml" });
    expect(r.warnings.some((w) => /<NumericLimit> in <Report> not mapped/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /a second <Step> in <Report>/.test(w))).toBe(true);
  });
});

describe("wats-text: WATS Standard Text format", () => {
  it("the sample: header, misc infos, sub-units and every step line as the file holds it", async () => {
    const path = join(DIR, "WatsStandardTextFormat.txt");
    const text = readFileSync(path, "utf8");
    const r = await host.convertFile(path, {
      parameters: { operationCodes: { "SW Debug": 10 }, timeZone: "UTC" },
    });
    expect(r.converter).toBe("wats-text");
    expect(r.warnings).toEqual([]);
    const report = r.reports[0] as Report;
    expect(validateReport(report).valid).toBe(true);
    const header = new Map(
      text
        .split(/\r?\n/)
        .map((l) => l.split("\t"))
        .filter((c) => c.length > 1)
        .map((c) => [c[0], c[1]]),
    );
    expect(report).toMatchObject({
      sn: header.get("SerialNumber"),
      pn: header.get("PartNumber"),
      rev: header.get("Revision"),
      machineName: header.get("StationName"),
      processCode: 10,
      result: "F",
    });
    expect(report.start).toBe(`${header.get("UTCStartDateTime")}.000+00:00`);
    expect(report.uut).toMatchObject({
      user: header.get("OperatorName"),
      batchSN: header.get("BatchSerialNumber"),
      fixtureId: header.get("FixtureId"),
      execTime: 10,
    });
    expect(report.subUnits?.map((u) => [u.partType, u.pn, u.sn, u.rev])).toEqual(
      text
        .split(/\r?\n/)
        .filter((l) => l.startsWith("Subunit\t"))
        .map((l) => l.split("\t").slice(1, 5)),
    );
    expect(report.miscInfos?.map((m) => [m.description, m.text])).toEqual([["uCSwVer", "1.0"]]);
    // every measurement line of the file, in order, with its value, limits, operator, unit and status
    const rows = text
      .split(/\r?\n/)
      .map((l) => l.split("\t"))
      .filter((c) => ["NumericLimitTest", "PassFailTest", "StringValueTest"].includes(c[0] as string));
    const meas = preOrder(report.root as Step).flatMap((s) => [
      ...(s.numericMeas ?? []),
      ...(s.booleanMeas ?? []),
      ...(s.stringMeas ?? []),
    ]);
    expect(meas).toHaveLength(rows.length);
    rows.forEach((c, i) => {
      const m = meas[i] as Record<string, unknown>;
      expect(m.status).toBe((c[8] as string)[0]);
      if (c[0] === "NumericLimitTest") {
        expect([m.value, m.compOp, m.unit, m.lowLimit]).toEqual([Number(c[3]), c[6], c[7], Number(c[4])]);
        if ((c[6] as string).length === 4) expect(m.highLimit).toBe(Number(c[5]));
      }
      if (c[0] === "StringValueTest") expect([m.value, m.limit, m.compOp]).toEqual([c[3], c[4], c[6]]);
    });
    const seqs = (report.root?.steps ?? []).filter((s) => s.seqCall).map((s) => [s.name, s.steps?.length]);
    expect(seqs).toEqual([
      ["SubSeq1", 2],
      ["SubSeq2", 1],
      ["SubSeq3", 1],
    ]);
  });

  it("two UUTs give two reports; a truncated file, an unknown step type and a bad number are refused with the line", async () => {
    const base = readFileSync(join(DIR, "WatsStandardTextFormat.txt"), "utf8");
    const two = await host.convertFile(await file("two.txt", base + base.replace("423664753", "SECOND")));
    expect(two.reports.map((x) => x.sn)).toEqual(["423664753", "SECOND"]);
    expect(new Set(two.reports.map((x) => x.id)).size).toBe(2);
    const lines = base.split("\n");
    const cut = lines.slice(0, 30).join("\n");
    expect((await conversionFailure(host.convertFile(await file("cut.txt", cut)))).field).toBe("--UUT-End--");
    const bad = base.replace("ActionStep\tAction", "WeirdStep\tAction");
    const e = await conversionFailure(host.convertFile(await file("bad.txt", bad)));
    expect([e.field, e.line]).toEqual([
      "StepType",
      bad.split("\n").findIndex((l) => l.startsWith("WeirdStep")) + 1,
    ]);
    const nan = base.replace("test1.2\t\t8\t", "test1.2\t\tabc\t");
    expect((await conversionFailure(host.convertFile(await file("nan.txt", nan)))).field).toBe("Value");
  });
});
