import { WatsValidationError } from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  diffReports,
  parseWsxf,
  parseWsxfReports,
  type Report,
  toWsxf,
  UurReport,
  validateReport,
} from "../src/index.js";
import { sampleUut } from "./support.js";

describe("WSXF write and read", () => {
  it("a builder-made test report survives the XML round trip", () => {
    const report = sampleUut().build();
    // The reader fills in the server's always-present keys as null; null and absent are the same report.
    expect(diffReports(parseWsxf(toWsxf(report)), report, { includeServerFields: true })).toEqual([]);
  });

  it("a repair report with failures, parts and attachments survives the XML round trip", () => {
    const uur = new UurReport({
      pn: "PCBA-100",
      sn: "SN-0001",
      rev: "A",
      processCode: 500,
      testProcessCode: 10,
      operator: "repairer",
      station: "Repair-1",
      location: "Bench",
      purpose: "Repair",
      refUut: "8B7F2D2A-1111-4222-8333-944455556666",
      comment: "Replaced U1",
      start: "2026-02-02T10:00:00+01:00",
      confirmDate: "2026-02-02T10:30:00Z",
    })
      .part({ pn: "IC-7", sn: "U1-NEW", rev: "1", partType: "IC", replacedIdx: 0 })
      .failure({
        category: "Component",
        code: "Burned",
        comRef: "U1",
        refStepId: 5,
        attachments: [{ name: "photo.txt", contentType: "text/plain", data: "burnt" }],
      })
      .failure({ category: "Solder", code: "Bridge", unitIdx: 1 })
      .attachment({ name: "log.txt", contentType: "text/plain", data: "repair log" })
      .miscInfo("Technician note", "ok");
    const report = uur.build();
    expect(validateReport(report).errors).toEqual([]);
    const xml = toWsxf(report);
    expect(xml).toContain('type="UUR"');
    expect(xml).toContain("<Failures ");
    const back = parseWsxf(xml);
    expect(diffReports(back, report, { includeServerFields: true })).toEqual([]);
    expect(back.subUnits?.[0]?.failures?.[0]?.attachments?.[0]?.data).toBe(
      Buffer.from("burnt").toString("base64"),
    );
    expect(back.subUnits?.[1]?.failures?.[0]?.code).toBe("Bridge");
    expect(back.binaryData?.[0]?.name).toBe("log.txt");
  });

  it("escapes markup and keeps newlines, carriage returns and tabs in attributes and text", () => {
    const report = sampleUut().build() as Report;
    const tricky = "a & b < c > d \"e\" 'f'\r\n\tg";
    report.pn = "P&N<1>";
    (report.root?.steps?.[0] as { name: string }).name = tricky;
    (report.root?.steps?.[0] as { reportText?: string }).reportText = `line1\r\nline2 & <tag>`;
    const back = parseWsxf(toWsxf(report));
    expect(back.pn).toBe("P&N<1>");
    expect(back.root?.steps?.[0]?.name).toBe(tricky);
    expect(back.root?.steps?.[0]?.reportText).toBe("line1\r\nline2 & <tag>");
  });

  it("writes NaN and infinities as XML doubles and reads them back", () => {
    const report = sampleUut().build();
    const m =
      report.root?.steps?.[0]?.numericMeas?.[0] ?? report.root?.steps?.[0]?.steps?.[0]?.numericMeas?.[0];
    if (!m) throw new Error("no measurement");
    m.value = Number.NaN;
    m.highLimit = Number.POSITIVE_INFINITY;
    const xml = toWsxf(report);
    expect(xml).toContain('NumericValue="NaN"');
    expect(xml).toContain('HighLimit="INF"');
    const back = parseWsxf(xml).root?.steps?.[0]?.steps?.[0]?.numericMeas?.[0];
    expect(back?.value).toBeNaN();
    expect(back?.highLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads several reports from one document", () => {
    const a = sampleUut().build();
    const b = sampleUut().build();
    const reports = parseWsxfReports(toWsxf([a, b]));
    expect(reports.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(() => parseWsxf(toWsxf([a, b]))).toThrow(/2 reports/);
  });

  it("refuses what is not WSXF with a WatsValidationError", () => {
    expect(() => parseWsxf("<Reports></Reports>")).toThrow(WatsValidationError);
    expect(() => parseWsxf('<Reports><Report type="XYZ" /></Reports>')).toThrow(/neither UUT nor UUR/);
    expect(() => parseWsxf('<Reports><Report type="UUT"><Process Code="ten" /></Report></Reports>')).toThrow(
      /not a number/,
    );
  });
});
