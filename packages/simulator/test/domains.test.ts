import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/index.js";
import { ManualClock } from "./clock.js";
import { call, callJson, uutReport } from "./helpers.js";

type Json = Record<string, unknown>;

describe("stateful domains", () => {
  let sim: Simulator;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(Date.parse("2026-03-10T12:00:00Z"));
    sim = await startSimulator({ seed: 3, clock });
  });
  afterAll(() => sim.close());

  it("products and revisions: create, update by id, read, query", async () => {
    const created = await callJson<Json>(sim, "/api/Product", {
      method: "PUT",
      body: { partNumber: "DOM-1", name: "First" },
    });
    const updated = await callJson<Json>(sim, "/api/Product", {
      method: "PUT",
      body: { productId: created.productId, name: "Renamed" },
    });
    expect(updated).toMatchObject({ productId: created.productId, partNumber: "DOM-1", name: "Renamed" });
    await callJson(sim, "/api/Product/Revision", {
      method: "PUT",
      body: { PartNumber: "dom-1", revision: "A" },
    });
    const revision = await callJson<Json>(sim, "/api/Product/DOM-1/A");
    expect(revision).toMatchObject({ revision: "A", productId: created.productId, PartNumber: "DOM-1" });
    const product = await callJson<{ revisions: Json[] }>(sim, "/api/Product/DOM-1");
    expect(product.revisions.map((r) => r.revision)).toEqual(["A"]);
    expect((await call(sim, "/api/Product/DOM-1/Z")).status).toBe(404);
    const missing = await call(sim, "/api/Product/Revision", {
      method: "PUT",
      body: { PartNumber: "NOPE", revision: "A" },
    });
    expect((await missing.json()).Message).toContain("'NOPE' does not exist");
    const views = await callJson<Json[]>(sim, "/api/Product/Query?$filter=partNumber eq 'DOM-1'");
    expect(views).toEqual([
      { partNumber: "DOM-1", name: "Renamed", category: null, nonSerial: false, state: 1 },
    ]);
  });

  it("reports resolve productName from the product table", async () => {
    const report = uutReport({ pn: "DOM-1", rev: "A" });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    expect(sim.reports.get(String(report.id))?.productName).toBe("Renamed");
  });

  it("units: phase, process, parent/child add/check/remove and the change feed", async () => {
    await callJson(sim, "/api/Production/Units", {
      method: "PUT",
      body: [
        { serialNumber: "P-1", partNumber: "DOM-1", revision: "A" },
        { serialNumber: "C-1", partNumber: "DOM-1", revision: "A" },
      ],
    });
    const addChild = (extra = "") =>
      call(
        sim,
        `/api/Production/AddChildUnit?parentSerialNumber=P-1&parentPartNumber=DOM-1&childSerialNumber=C-1&childPartNumber=DOM-1${extra}`,
        {
          method: "POST",
        },
      );
    const notFinal = await addChild();
    expect(notFinal.status).toBe(400);
    expect((await notFinal.json()).Message).toContain("must be Finalized");
    await callJson(sim, "/api/Production/SetUnitPhase?serialNumber=C-1&partNumber=DOM-1&phase=16", {
      method: "PUT",
    });
    expect(
      (
        await call(sim, "/api/Production/SetUnitPhase?serialNumber=C-1&partNumber=DOM-1&phase=3", {
          method: "PUT",
        })
      ).status,
    ).toBe(400);
    expect((await addChild("&checkPartNumber=OTHER")).status).toBe(400);
    expect((await addChild()).status).toBe(200);
    expect((await addChild()).status).toBe(400); // already has a parent
    const loop = await call(
      sim,
      "/api/Production/AddChildUnit?parentSerialNumber=C-1&parentPartNumber=DOM-1&childSerialNumber=P-1&childPartNumber=DOM-1",
      { method: "POST" },
    );
    expect(loop.status).toBe(400);
    const unit = await callJson<{ subUnits: Json[]; product: Json }>(sim, "/api/Production/Unit/P-1/DOM-1");
    expect(unit.subUnits.map((u) => u.serialNumber)).toEqual(["C-1"]);
    expect(unit.product.name).toBe("Renamed");
    const check = await callJson<{ valid: boolean }>(
      sim,
      "/api/Production/CheckChildUnits?parentSerialNumber=P-1&parentPartNumber=DOM-1",
    );
    expect(check.valid).toBe(true);
    await callJson(
      sim,
      "/api/Production/SetUnitProcess?serialNumber=P-1&partNumber=DOM-1&processName=Burn%20In%20test",
      { method: "PUT" },
    );
    expect(sim.state.units.find("P-1", "DOM-1")?.processCode).toBe("90");
    await callJson(
      sim,
      "/api/Production/RemoveChildUnit?parentSerialNumber=P-1&parentPartNumber=DOM-1&childSerialNumber=C-1&childPartNumber=DOM-1",
      { method: "POST" },
    );
    expect((await callJson<{ subUnits: Json[] }>(sim, "/api/Production/Unit/P-1/DOM-1")).subUnits).toEqual(
      [],
    );
    const changes = await callJson<Json[]>(sim, "/api/Production/Units/Changes?maxCount=1000");
    const mine = changes.filter((c) => c.unitSerialNumber === "C-1");
    expect(mine.map((c) => [c.newParentSerialNumber, c.newUnitPhaseId])).toEqual([
      [null, 2],
      [null, 16],
      ["P-1", 16],
      [null, 16],
    ]);
    await callJson(sim, `/api/Production/Units/Changes/${mine[0]?.id}`, { method: "DELETE" });
    expect(
      (await call(sim, `/api/Production/Units/Changes/${mine[0]?.id}`, { method: "DELETE" })).status,
    ).toBe(404);
  });

  it("assets: counts, reset, calibration dates, state, messages and log entries", async () => {
    const type = await callJson<Json>(sim, "/api/Asset/Types", {
      method: "PUT",
      body: {
        typeName: "Jig",
        runningCountLimit: 10,
        calibrationInterval: 30,
        warningThreshold: 80,
        alarmThreshold: 100,
      },
    });
    const asset = await callJson<Json>(sim, "/api/Asset", {
      method: "PUT",
      body: { serialNumber: "JIG-1", typeId: type.typeId },
    });
    const byId = await callJson<Json>(sim, `/api/Asset/${asset.assetId}`);
    const bySn = await callJson<Json>(sim, "/api/Asset/JIG-1");
    expect(byId.assetId).toBe(bySn.assetId);
    await callJson(sim, "/api/Asset/Count?serialNumber=JIG-1&incrementBy=5", { method: "PUT" });
    const counted = await callJson<Json>(sim, "/api/Asset/Count?serialNumber=JIG-1&totalCount=9", {
      method: "PUT",
    });
    expect([counted.runningCount, counted.totalCount]).toEqual([9, 9]);
    // 1 = AssetAlarmState.Warning: the running count passed the type's warning threshold.
    expect((await callJson<Json>(sim, "/api/Asset/Status?serialNumber=JIG-1")).status).toBe(1);
    const reset = await callJson<Json>(
      sim,
      "/api/Asset/ResetRunningCount?serialNumber=JIG-1&comment=new%20pins",
      { method: "POST" },
    );
    expect([reset.runningCount, reset.totalCount]).toEqual([0, 9]);
    const calibrated = await callJson<Json>(
      sim,
      "/api/Asset/Calibration?serialNumber=JIG-1&dateTime=2026-03-01T00:00:00Z",
      {
        method: "POST",
      },
    );
    expect(calibrated.lastCalibrationDate).toBe("2026-03-01T00:00:00.000Z");
    expect(calibrated.nextCalibrationDate).toBe("2026-03-31T00:00:00.000Z");
    clock.advance(40 * 86_400_000);
    const status = await callJson<Json>(sim, "/api/Asset/Status?serialNumber=JIG-1");
    expect(status).toMatchObject({ status: 2, calibrationDaysOverdue: 19.5 }); // 2 = AssetAlarmState.Alarm
    const state = await callJson<Json>(sim, "/api/Asset/State?serialNumber=JIG-1&state=4", { method: "PUT" });
    expect(state.state).toBe(4);
    expect((await call(sim, "/api/Asset/State?serialNumber=JIG-1&state=9", { method: "PUT" })).status).toBe(
      400,
    );
    await callJson(sim, "/api/Asset/Message?serialNumber=JIG-1", { body: { content: "looks worn" } });
    const log = await callJson<Json[]>(
      sim,
      `/api/Asset/Log?$filter=assetId eq '${asset.assetId}'&$orderby=logId`,
    );
    expect(log.map((l) => l.type)).toEqual([1, 6, 6, 3, 4, 2, 0]);
    expect(log.at(-1)?.comment).toBe("looks worn");
  });

  it("reports with assets count their usage once per report id", async () => {
    const report = uutReport({ assets: [{ assetSN: "JIG-1", usageCount: 2 }, { assetSN: "UNKNOWN-1" }] });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    await callJson(sim, "/api/Report/WSJF", { body: report });
    const stats = sim.reports.get(String(report.id))?.assetStats as Json[];
    expect(stats[0]).toMatchObject({ assetSN: "JIG-1", runningCount: 2, totalCount: 11 });
    expect(stats[1]).toMatchObject({ assetSN: "UNKNOWN-1", message: "Asset 'UNKNOWN-1' is not registered" });
  });

  it("software packages: versions, Draft -> Pending -> Released -> Revoked, invalid transitions 400", async () => {
    const v1 = await callJson<Json>(sim, "/api/Software/Package", {
      body: { name: "Flow", tags: [{ key: "Line", value: "A" }] },
    });
    const v2 = await callJson<Json>(sim, "/api/Software/Package", { body: { name: "Flow" } });
    expect([v1.version, v1.status, v2.version]).toEqual([1, "Draft", 2]);
    const move = (id: unknown, status: string) =>
      call(sim, `/api/Software/PackageStatus/${id}?status=${status}`, { method: "POST" });
    const skip = await move(v1.packageId, "Released");
    expect(skip.status).toBe(400);
    expect((await skip.json()).Message).toBe(
      "The status of package 'Flow' v1 cannot change from Draft to Released; allowed: Pending.",
    );
    expect((await move(v1.packageId, "Pending")).status).toBe(200);
    expect((await move(v1.packageId, "Draft")).status).toBe(200);
    expect((await move(v1.packageId, "Pending")).status).toBe(200);
    const released = await (await move(v1.packageId, "Released")).json();
    expect(released).toMatchObject({ status: "Released", releasedBy: "simulator" });
    expect((await move(v1.packageId, "Pending")).status).toBe(400);
    expect((await move(v1.packageId, "Bogus")).status).toBe(400);
    const edit = await call(sim, `/api/Software/Package/${v1.packageId}`, {
      method: "PUT",
      body: { description: "nope" },
    });
    expect((await edit.json()).Message).toContain("only 'status' and 'tags' may change");
    expect((await call(sim, `/api/Software/Package/${v1.packageId}`, { method: "DELETE" })).status).toBe(400);
    const byTag = await callJson<Json[]>(sim, "/api/Software/PackagesByTag?tag=Line%3Da&status=Released");
    expect(byTag.map((p) => p.packageId)).toEqual([v1.packageId]);
    expect((await move(v1.packageId, "Revoked")).status).toBe(200);
    expect((await call(sim, `/api/Software/Package/${v1.packageId}`, { method: "DELETE" })).status).toBe(200);
    const latest = await callJson<Json>(sim, "/api/Software/PackageByName?name=flow&status=Draft");
    expect(latest.version).toBe(2);
  });

  it("root-cause tickets: create, update with history, list by status flags, archive only solved", async () => {
    const ticket = await callJson<Json>(sim, "/api/RootCause/Ticket", {
      body: { subject: "Drift on jig", assignee: "simulator" },
    });
    expect(ticket).toMatchObject({ status: 1, owner: "simulator" });
    const refused = await call(sim, "/api/RootCause/ArchiveTickets", { body: [ticket.ticketId] });
    expect((await refused.json()).Message).toContain("not Solved");
    const updated = await callJson<{ history: Json[]; status: number }>(sim, "/api/RootCause/Ticket", {
      method: "PUT",
      body: { ticketId: ticket.ticketId, status: 8, update: { content: "fixed" } },
    });
    expect(updated.history.map((h) => h.content)).toEqual(["Ticket created", "fixed"]);
    const solved = await callJson<Json[]>(sim, "/api/RootCause/Tickets?status=8&view=0&searchString=jig");
    expect(solved.map((t) => t.ticketId)).toEqual([ticket.ticketId]);
    const archived = await callJson<Json>(sim, "/api/RootCause/ArchiveTickets", { body: [ticket.ticketId] });
    expect(archived.status).toBe(32);
  });

  it("serial numbers: take in order, by reference, in sequence, and run out", async () => {
    const taken = await call(
      sim,
      "/api/Production/SerialNumbers/Take?serialNumberType=MAC&quantity=2&refSN=BOARD-1",
      { method: "POST" },
    );
    expect(taken.headers.get("content-type")).toMatch(/^application\/xml/);
    const xml = await taken.text();
    expect([...xml.matchAll(/<SN id="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "00:1A:2B:00:00:00",
      "00:1A:2B:00:00:01",
    ]);
    expect(xml).toContain('refSN="BOARD-1"');
    const csv = await call(
      sim,
      "/api/Production/SerialNumbers/Take?serialNumberType=MAC&quantity=1&format=CSV",
      {
        method: "POST",
      },
    );
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect((await csv.text()).split("\r\n")[1]).toMatch(/^00:1A:2B:00:00:02;true;/);
    const byRef = await callJson<Json[]>(
      sim,
      "/api/Production/SerialNumbers/ByReference?serialNumberType=MAC&refSN=board-1",
    );
    expect(byRef).toHaveLength(2);
    const rest = await call(sim, "/api/Production/SerialNumbers/Take?serialNumberType=MAC&quantity=500", {
      method: "POST",
    });
    expect((await rest.text()).match(/<SN /g)).toHaveLength(97);
    const none = await call(
      sim,
      "/api/Production/SerialNumbers/Take?serialNumberType=MAC&quantity=1&onlyInSequence=true",
      { method: "POST" },
    );
    expect(none.status).toBe(400);
    expect(
      (
        await call(sim, "/api/Production/SerialNumbers/Take?serialNumberType=NOPE&quantity=1", {
          method: "POST",
        })
      ).status,
    ).toBe(404);
  });

  it("yield endpoints compute from the stored reports", async () => {
    const at = (day: number) => `2026-04-${String(day).padStart(2, "0")}T08:00:00Z`;
    const post = (sn: string, result: string, day: number) =>
      callJson(sim, "/api/Report/WSJF", {
        body: uutReport({ pn: "YIELD-1", sn, result, processCode: 100, start: at(day) }),
      });
    await post("Y-1", "P", 1); // first pass
    await post("Y-2", "F", 1);
    await post("Y-2", "P", 2); // second pass
    await post("Y-3", "F", 1);
    await post("Y-3", "F", 2);
    await post("Y-3", "F", 3); // never passes
    const [row] = await callJson<Json[]>(sim, "/api/App/VolumeYield", { body: { partNumber: "YIELD-1" } });
    expect(row).toMatchObject({
      partNumber: "YIELD-1",
      testOperation: "Final Function test",
      unitCount: 3,
      fpCount: 1,
      spCount: 2,
      tpCount: 2,
      lpCount: 2,
      fpy: 33.33,
      spy: 66.67,
      testReportCount: 6,
      testYield: 33.33,
    });
    const top = await callJson<Json[]>(sim, "/api/App/TopFailed", {
      body: { partNumber: "YIELD-1", topCount: 1 },
    });
    expect(top).toEqual([
      {
        stepName: "Voltage",
        stepPath: "MainSequence Callback¶Voltage",
        stepType: "ET_NLT",
        failCount: 4,
        totalCount: 6,
        failRate: 66.67,
      },
    ]);
    const dynamic = await callJson<Json[]>(sim, "/api/App/DynamicYield?dimensions=partNumber;fpy", {
      body: { partNumber: "YIELD-1" },
    });
    expect(dynamic).toEqual([{ partNumber: "YIELD-1", fpy: 33.33 }]);
    expect((await call(sim, "/api/App/DynamicYield?dimensions=colour", { body: {} })).status).toBe(400);
    const grade = await callJson<Json>(
      sim,
      "/api/Production/UnitVerification?serialNumber=Y-2&partNumber=YIELD-1",
    );
    expect(grade).toMatchObject({
      status: "Passed",
      grade: "B",
      allProcessesPassedFirstRun: false,
      allProcessesPassedLastRun: true,
    });
    const measurements = await callJson<Json[]>(
      sim,
      "/api/App/AggregatedMeasurements?measurementPaths=MainSequence%20Callback%C2%B6Voltage",
      {
        body: { partNumber: "YIELD-1", testOperation: "100" },
      },
    );
    expect(measurements[0]).toMatchObject({ count: 6, avg: 5, min: 5, max: 5 });
    expect((await call(sim, "/api/App/Measurements", { body: {} })).status).toBe(400);
  });

  it("workflow start/end and barcode identification", async () => {
    const start = () => callJson<boolean>(sim, "/api/Workflow/StartTest?serialNumber=P-1&partNumber=DOM-1");
    const end = () => callJson<boolean>(sim, "/api/Workflow/EndTest?serialNumber=P-1&partNumber=DOM-1");
    expect(await end()).toBe(false);
    expect(await start()).toBe(true);
    expect(await start()).toBe(false);
    expect(await end()).toBe(true);
    expect((await call(sim, "/api/Workflow/StartTest?serialNumber=NONE&partNumber=DOM-1")).status).toBe(400);
    const code = await callJson<Json>(
      sim,
      `/api/BarcodeIdentifiers/IdentifyBarcode?code=${encodeURIComponent("PWR-1000|SN77|B")}`,
    );
    expect(code).toMatchObject({ partNumber: "PWR-1000", serialNumber: "SN77", revision: "B" });
    const fallback = await callJson<Json>(
      sim,
      `/api/BarcodeIdentifiers/IdentifyBarcode?code=${encodeURIComponent("S1/P1/R1")}`,
    );
    expect(fallback).toMatchObject({
      serialNumber: "S1",
      partNumber: "P1",
      revision: "R1",
      batchNumber: null,
    });
  });
});

describe("seeded data", () => {
  it("is the same for the same seed and differs for another", async () => {
    const snapshot = async (seed: number) => {
      const sim = await startSimulator({ seed });
      try {
        const headers = await callJson<Json[]>(sim, "/api/Report/Query/Header?$top=1000&$orderby=uuid");
        const assets = await callJson<Json[]>(sim, "/api/Asset");
        const packages = await callJson<Json[]>(sim, "/api/Software/Packages");
        const strip = (rows: Json[]) => rows.map(({ receivedAt, ...rest }) => rest);
        return JSON.stringify([strip(headers), assets, packages]);
      } finally {
        await sim.close();
      }
    };
    const a = await snapshot(11);
    expect(await snapshot(11)).toBe(a);
    expect(await snapshot(12)).not.toBe(a);
  });

  it("data: 'empty' starts without products or reports but with processes", async () => {
    const sim = await startSimulator({ data: "empty" });
    try {
      expect(sim.reports.size).toBe(0);
      expect(await callJson<Json[]>(sim, "/api/Product/Query")).toEqual([]);
      expect((await callJson<Json[]>(sim, "/api/App/Processes")).length).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });
});
