import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WsjfReportSchema } from "@tswats/report/schemas";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/index.js";
import { call, callJson, uutReport, wsjfFixtureDir } from "./helpers.js";

describe("report store: POST /api/Report/WSJF, replace, read back", () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ data: "empty" });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reports.clear());

  it("answers InsertReportResult with the report id and stores the report", async () => {
    const report = uutReport();
    const result = await callJson<Record<string, unknown>>(sim, "/api/Report/WSJF", { body: report });
    expect(result).toEqual({ ID: report.id, uuid: report.id, Report_ID: expect.any(Number) });
    expect(sim.reports.ids()).toEqual([report.id]);
    expect(sim.reports.replaceCount(String(report.id))).toBe(0);
  });

  it("replaces a report posted again with the same id and counts the replacement", async () => {
    const first = uutReport({ result: "F" });
    const again = { ...first, result: "P", root: uutReport().root };
    const a = await callJson<{ Report_ID: number }>(sim, "/api/Report/WSJF", { body: first });
    const b = await callJson<{ Report_ID: number }>(sim, "/api/Report/WSJF", { body: again });
    expect(b.Report_ID).toBe(a.Report_ID);
    expect(sim.reports.size).toBe(1);
    expect(sim.reports.replaceCount(String(first.id))).toBe(1);
    expect(sim.reports.totalReplacements).toBe(1);
    expect(sim.reports.get(String(first.id))?.result).toBe("P");
    const [header] = await callJson<{ receiveCount: number }[]>(sim, "/api/Report/Query/Header");
    expect(header?.receiveCount).toBe(2);
  });

  it("treats ids case-insensitively (WSXF writes them upper-case)", async () => {
    const report = uutReport();
    await callJson(sim, "/api/Report/WSJF", { body: { ...report, id: String(report.id).toUpperCase() } });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    expect(sim.reports.replaceCount(String(report.id))).toBe(1);
  });

  it("reads back with the server-added fields", async () => {
    const report = uutReport({ result: "F", processCode: 50 });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const back = await callJson<Record<string, unknown>>(sim, `/api/Report/Wsjf/${report.id}`);
    expect(WsjfReportSchema.safeParse(back).success).toBe(true);
    expect(back.startUTC).toBe("2026-03-01T09:00:00.1234567Z");
    expect(back.processName).toBe("PCBA test");
    expect(back.productName).toBeNull();
    expect(back.processCodeFormat).toBeNull();
    expect(back.origin).toBe("simulator");
    expect(back.assetStats).toEqual([]);
    expect(back.miscInfos).toEqual([]);
    expect(back).not.toHaveProperty("binaryData");
    expect((back.uut as Record<string, unknown>).stepIdCausedUUTFailure).toBe(2);
    expect((back.uut as Record<string, unknown>).batchSN).toBeNull();
    expect(back.root).toEqual(report.root);
  });

  it("keeps keys it does not know (lossless round trip)", async () => {
    const report = uutReport({ vendorExtension: { a: 1 } });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const back = await callJson<Record<string, unknown>>(sim, `/api/Report/Wsjf/${report.id}`);
    expect(back.vendorExtension).toEqual({ a: 1 });
  });

  it("honours detailLevel and includeChartdata", async () => {
    const report = uutReport();
    (report.root as { steps: unknown[] }).steps.push({
      id: 3,
      group: "M",
      stepType: "WATS_XYGMNLT",
      name: "Curve",
      status: "P",
      chart: { chartType: "Line", series: [{ dataType: "XYG", name: "s", xdata: "0;1", ydata: "1;2" }] },
    });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const header = await callJson<Record<string, unknown>>(
      sim,
      `/api/Report/Wsjf/${report.id}?detailLevel=0`,
    );
    expect(Object.keys(header)).not.toContain("root");
    expect(header.sn).toBe("SN-1");
    const full = await callJson<{ root: { steps: { chart?: { series: Record<string, unknown>[] } }[] } }>(
      sim,
      `/api/Report/Wsjf/${report.id}?includeChartdata=false`,
    );
    expect(full.root.steps[1]?.chart?.series[0]).not.toHaveProperty("xdata");
    expect((await call(sim, `/api/Report/Wsjf/${report.id}?detailLevel=9`)).status).toBe(400);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    const missing = await call(sim, "/api/Report/Wsjf/11111111-2222-4333-8444-555555555555");
    expect(missing.status).toBe(404);
    expect((await missing.json()).Message).toContain("11111111-2222-4333-8444-555555555555");
    const bad = await call(sim, "/api/Report/Wsjf/not-a-guid");
    expect(bad.status).toBe(400);
    expect((await bad.json()).Message).toContain("'id' must be a GUID");
  });

  it.each([
    [{ pn: undefined }, "'pn' is required"],
    [{ sn: "" }, "'sn' is required"],
    [{ type: "X" }, "'type' must be"],
    [{ id: "123" }, "'id' must be a GUID"],
    [{ result: "D" }, "'result' must be one of P, F, E, T"],
    [{ processCode: 70000 }, "'processCode'"],
    [{ start: "2026-03-01T10:00:00" }, "must carry a UTC offset"],
    [{ machineName: "x".repeat(101) }, "'machineName' is longer than 100"],
    [{ root: undefined }, "needs the step tree 'root'"],
    [{ uut: undefined }, "needs the 'uut' object"],
    [{ processCode: "50" }, "'processCode'"],
  ])("rejects an invalid report (%j) with a 400 naming the field", async (change, message) => {
    const response = await call(sim, "/api/Report/WSJF", { body: { ...uutReport(), ...change } });
    expect(response.status).toBe(400);
    expect((await response.json()).Message).toContain(message);
    expect(sim.reports.size).toBe(0);
  });

  it("rejects duplicate step ids and a repair without uur", async () => {
    const report = uutReport();
    (report.root as { steps: { id: number }[] }).steps.push({
      ...(report.root as { steps: { id: number }[] }).steps[0],
      id: 2,
    } as never);
    const dup = await call(sim, "/api/Report/WSJF", { body: report });
    expect((await dup.json()).Message).toContain("Step id 2 is used twice");
    const repair = await call(sim, "/api/Report/WSJF", {
      body: { ...uutReport(), type: "R", root: undefined, uut: undefined },
    });
    expect((await repair.json()).Message).toContain("needs the 'uur' object");
  });

  it("links repairs to the test they repair (uut.refUURs, failures[].refStepName)", async () => {
    const test = uutReport({ result: "F" });
    await callJson(sim, "/api/Report/WSJF", { body: test });
    const repair: Record<string, unknown> = {
      ...uutReport(),
      type: "R",
      processCode: 500,
      root: undefined,
      uut: undefined,
      uur: { user: "fixer", processCode: 50, refUUT: String(test.id).toUpperCase() },
      subUnits: [
        {
          partType: "Main",
          pn: "TEST-PN",
          rev: "A",
          sn: "SN-1",
          idx: 0,
          failures: [{ category: "C", code: "X", refStepId: 2 }],
        },
      ],
    };
    await callJson(sim, "/api/Report/WSJF", { body: repair });
    const backTest = await callJson<{ uut: { refUURs: { id: string }[] } }>(
      sim,
      `/api/Report/Wsjf/${test.id}`,
    );
    expect(backTest.uut.refUURs.map((r) => r.id)).toEqual([repair.id]);
    const backRepair = await callJson<{
      processName: string;
      subUnits: { failures: { refStepName: string }[] }[];
    }>(sim, `/api/Report/Wsjf/${repair.id}`);
    expect(backRepair.processName).toBe("Repair");
    expect(backRepair.subUnits[0]?.failures[0]?.refStepName).toBe("Voltage");
  });

  it("serves step attachments, the attachment zip and a PDF certificate", async () => {
    const report = uutReport();
    (report.root as { steps: unknown[] }).steps.push({
      id: 9,
      group: "M",
      stepType: "Action",
      name: "Log",
      status: "D",
      attachment: {
        name: "log.txt",
        contentType: "text/plain",
        data: Buffer.from("hello log").toString("base64"),
      },
    });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const one = await call(sim, `/api/Report/Attachment?reportId=${report.id}&stepId=9`);
    expect(one.headers.get("content-type")).toBe("text/plain");
    expect(await one.text()).toBe("hello log");
    const zip = Buffer.from(await (await call(sim, `/api/Report/Attachments/${report.id}`)).arrayBuffer());
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    expect(zip.includes(Buffer.from("9_log.txt"))).toBe(true);
    const pdf = Buffer.from(await (await call(sim, `/api/Report/Certificate/${report.id}`)).arrayBuffer());
    expect(pdf.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect((await call(sim, `/api/Report/Attachment?reportId=${report.id}`)).status).toBe(400);
  });

  it("answers the header query from stored reports with run numbers", async () => {
    const first = uutReport({ sn: "RUN-1", result: "F", start: "2026-03-01T10:00:00Z" });
    const second = uutReport({ sn: "RUN-1", result: "P", start: "2026-03-01T11:00:00Z" });
    await callJson(sim, "/api/Report/WSJF", { body: second });
    await callJson(sim, "/api/Report/WSJF", { body: first });
    const rows = await callJson<
      { uuid: string; run: number; passedInRun: number; causedUutFailure: string | null }[]
    >(sim, "/api/Report/Query/Header?$orderby=start");
    expect(rows.map((r) => [r.uuid, r.run, r.passedInRun])).toEqual([
      [first.id, 1, 2],
      [second.id, 2, 2],
    ]);
    expect(rows[0]?.causedUutFailure).toBe("Voltage");
  });

  it("finds reports by misc info", async () => {
    await callJson(sim, "/api/Report/WSJF", {
      body: uutReport({ miscInfos: [{ description: "Firmware", text: "2.0", numeric: null }] }),
    });
    await callJson(sim, "/api/Report/WSJF", { body: uutReport() });
    const rows = await callJson<{ miscData: { data: string }[] }[]>(
      sim,
      "/api/Report/Query/HeaderByMiscInfo?description=firmware&data=2.0",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.miscData[0]?.data).toBe("2.0");
  });

  it("accepts a WSXF report and serves stored reports as WSXF", async () => {
    const report = uutReport();
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const xml = await (await call(sim, `/api/Report/Wsxf/${report.id}`)).text();
    expect(xml).toContain(`ID="${String(report.id).toUpperCase()}"`);
    sim.reports.clear();
    const posted = await call(sim, "/api/Report/WSXF", { raw: xml, contentType: "application/xml" });
    expect(posted.status).toBe(200);
    const back = await callJson<Record<string, unknown>>(sim, `/api/Report/Wsjf/${report.id}`);
    expect(back.root).toEqual({
      ...(report.root as object),
      totTime: 0,
      causedUUTFailure: false,
      steps: [{ ...(report.root as { steps: object[] }).steps[0], totTime: 0, causedUUTFailure: false }],
    });
    const broken = await call(sim, "/api/Report/WSXF", {
      raw: "<Reports><Report>",
      contentType: "application/xml",
    });
    expect(broken.status).toBe(400);
    expect((await broken.json()).Message).toMatch(/not well-formed XML/);
  });
});

describe("real WATS exports round trip (fixtures/wsjf)", () => {
  const fixture = (name: string) => readFileSync(join(wsjfFixtureDir, name), "utf8");
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ data: "empty" });
  });
  afterAll(() => sim?.close());

  it.each(["uut-server-export.json", "uut-large-example.json", "uur-example.json"])(
    "%s is accepted and read back unchanged (but productName, resolved from the product table)",
    async (name) => {
      const text = fixture(name);
      const original = JSON.parse(text) as Record<string, unknown>;
      const result = await callJson<{ ID: string }>(sim, "/api/Report/WSJF", {
        raw: text,
        contentType: "application/json",
        method: "POST",
      });
      expect(result.ID).toBe(original.id);
      const back = await callJson<Record<string, unknown>>(sim, `/api/Report/Wsjf/${original.id}`);
      expect({ ...back, productName: original.productName }).toEqual(original);
    },
  );

  it("the WSXF export converts to the same report as the WSJF export", async () => {
    sim.reports.clear();
    const result = await call(sim, "/api/Report/WSXF", {
      raw: fixture("uut-server-export.wsxf.xml"),
      contentType: "application/xml",
    });
    expect(result.status).toBe(200);
    const expected = JSON.parse(fixture("uut-server-export.json")) as Record<string, unknown>;
    const back = await callJson<Record<string, unknown>>(sim, `/api/Report/Wsjf/${expected.id}`);
    expect(back).toEqual(expected);
  });
});
