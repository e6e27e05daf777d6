import type { Report } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { converterBench } from "./issue16-helpers.js";

let bench: Awaited<ReturnType<typeof converterBench>>;
beforeAll(async () => {
  bench = await converterBench();
});
afterAll(() => bench.close());

describe("csv: header lines, key-value lines, locales and a limits column", () => {
  it("serial number and date on their own lines before the table; other keys become misc infos", async () => {
    const path = await bench.file(
      "kv.csv",
      [
        "Acme bench report",
        "Serial Number: SN-77",
        "Part Number,PCB-9",
        "Date: 7/22/2020",
        "Time: 2:05:06 PM",
        "Fixture = F-3",
        "",
        "StepName,Value,Unit,Limits,Result",
        "Vout,5.02,V,4.9/5.1,PASS",
        "Ripple,0.2,V,0.15..0.1,FAIL",
      ].join("\n"),
    );
    const r = await bench.convert(path, "csv", { dateFormat: "MDY", timeZone: "UTC" });
    expect(r.reports).toHaveLength(1);
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({
      sn: "SN-77",
      pn: "PCB-9",
      start: "2020-07-22T14:05:06+00:00",
      result: "F",
    });
    expect(report.miscInfos).toEqual([expect.objectContaining({ description: "Fixture", text: "F-3" })]);
    expect(report.root?.steps?.map((s) => s.numericMeas?.[0])).toEqual([
      expect.objectContaining({ compOp: "GELE", value: 5.02, lowLimit: 4.9, highLimit: 5.1, status: "P" }),
      expect.objectContaining({ compOp: "GELE", value: 0.2, lowLimit: 0.1, highLimit: 0.15, status: "F" }),
    ]);
    // the title line is neither a key-value line nor the table: a warning with its line
    expect(r.warnings).toEqual([
      expect.stringMatching(/^line 1: text before the table is not a key-value line/),
    ]);
  });

  it("a table without a header row, columns by number, decimal commas and day-first dates", async () => {
    const path = await bench.file(
      "positional.csv",
      ["U1;P1;03.02.2026 10:00;Vout;4,95;4,5..5,5", "U1;P1;03.02.2026 10:00;Iin;1,25;1,0..1,2"].join("\n"),
    );
    const columns = { serialNumber: 1, partNumber: 2, startTime: 3, stepName: 4, value: 5, limits: 6 };
    const r = await bench.convert(path, "csv", {
      headerRow: false,
      columns,
      delimiter: ";",
      numberFormat: "comma",
      dateFormat: "DMY",
      timeZone: "UTC",
    });
    const report = r.reports[0] as Report;
    expect(report).toMatchObject({ sn: "U1", start: "2026-02-03T10:00:00+00:00", result: "F" });
    expect(
      report.root?.steps?.map((s) => [
        s.name,
        s.numericMeas?.[0]?.value,
        s.numericMeas?.[0]?.lowLimit,
        s.status,
      ]),
    ).toEqual([
      ["Vout", 4.95, 4.5, "P"],
      ["Iin", 1.25, 1, "F"],
    ]);
    // "auto" reads the same file from its commas
    const auto = await bench.convert(path, "csv", {
      headerRow: false,
      columns,
      delimiter: ";",
      numberFormat: "auto",
      dateFormat: "auto",
      timeZone: "UTC",
    });
    expect(auto.reports[0]?.root?.steps?.[0]?.numericMeas?.[0]?.value).toBe(4.95);
    expect(auto.reports[0]?.start).toBe("2026-02-03T10:00:00+00:00");
  });

  it("a limits cell that is not two limits fails the row, naming line and column", async () => {
    const path = await bench.file(
      "badlimits.csv",
      [
        "SerialNumber,PartNumber,TestDate,StepName,Value,Limits",
        "A,P,2026-02-03 10:00:00,V,1.0,low-ish",
        "A,P,2026-02-03 10:00:00,W,1.0,0.5/1.5",
      ].join("\n"),
    );
    const e = await bench.fail(path, "csv");
    expect(e).toMatchObject({ kind: "content", line: 2, field: "Limits" });
    expect(e.problems).toEqual([
      'line 2, column Limits: "low-ish" is not two limits (like 4.5/5.5 or 4.5..5.5)',
    ]);
    const skipped = await bench.convert(path, "csv", { badRows: "skip-row" });
    expect(skipped.reports[0]?.root?.steps).toHaveLength(1);
    expect(skipped.warnings).toHaveLength(1);
  });

  it("a header field missing from both the table and the key-value lines is named", async () => {
    const path = await bench.file(
      "nosn.csv",
      ["Part Number: P", "StepName,Value,TestDate", "V,1,2026-02-03 10:00:00"].join("\n"),
    );
    const e = await bench.fail(path, "csv");
    expect(e).toMatchObject({ kind: "content", line: 2, field: "SerialNumber" });
    expect(e.message).toMatch(/no key-value line before the table gives it/);
  });
});
