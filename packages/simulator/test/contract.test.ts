/**
 * Contract: every public operation of the generated tables is called once against a seeded
 * simulator with plausible inputs, through the SDK's transport with `validateResponses: "throw"`:
 * it must answer 2xx, and its JSON answer must match the generated response schema exactly (a
 * wrong type, a missing required field or a field the types do not declare fails), or its
 * response kind where the spec has no schema.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FetchLike, HttpTransport, type OperationSpec, WatsResponseValidationError } from "@tswats/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../src/formats/zip.js";
import { type Simulator, startSimulator } from "../src/index.js";
import { operationKey, operations } from "../src/operations.js";
import { callJson, repoRoot, uutReport } from "./helpers.js";

interface Plan {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | string[]>;
  body?: unknown;
  /** A body sent as is: XML text, or multipart form data. */
  raw?: string | FormData;
}

function multipart(fileName: string, contentType: string, data: Uint8Array): { raw: FormData } {
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(data)], { type: contentType }), fileName);
  return { raw: form };
}

function plans(sim: Simulator): Record<string, () => Plan | Promise<Plan>> {
  const s = sim.state;
  const asset = (sn: string) => s.assets.bySerialNumber(sn)?.assetId ?? "";
  const draft = (name: string) => s.software.create({ name }, "test", s.nowIso());
  const seededReport = () => s.reports.list().find((r) => r.report.type === "T")?.id ?? "";
  const postReport = async (report: Record<string, unknown>) => {
    await callJson(sim, "/api/Report/WSJF", { body: report });
    return String(report.id);
  };
  return {
    "analytics.aggregatedMeasurements": () => ({
      query: { measurementPaths: "MainSequence Callback¶Voltage 3V3" },
      body: { partNumber: "PWR-1000", testOperation: "50" },
    }),
    "analytics.dynamicRepair": () => ({ body: {} }),
    "analytics.dynamicYield": () => ({
      query: { dimensions: "unitCount desc;partNumber;testOperation" },
      body: {},
    }),
    "analytics.highVolume": () => ({ query: { days: 100000, productGroupId: "", levelId: "" } }),
    "analytics.postHighVolume": () => ({ body: {} }),
    "analytics.getHighVolumeByProductGroup": () => ({ body: {} }),
    "analytics.levels": () => ({}),
    "analytics.measurements": () => ({ body: { partNumber: "PWR-1000", testOperation: "PCBA test" } }),
    "analytics.oeeAnalysis": () => ({ query: { availableTime: "24,24,24,24,24,8,8" }, body: {} }),
    "analytics.processes": () => ({}),
    "analytics.productGroups": () => ({ query: { includeFilters: true } }),
    "analytics.getRelatedRepairHistory": () => ({ query: { partNumber: "PWR-1000", revision: "B" } }),
    "analytics.serialNumberHistory": () => ({ body: { serialNumber: "PWR1000-0001" } }),
    "analytics.getTestStepAnalysis": () => ({ body: {} }),
    "analytics.topFailed": () => ({
      query: {
        partNumber: "PWR-1000",
        processCode: "50",
        productGroupId: "",
        levelId: "",
        days: 100000,
        count: 5,
      },
    }),
    "analytics.postTopFailed": () => ({ body: {} }),
    "analytics.uurReports": () => ({ body: {} }),
    "analytics.uutReport": () => ({ query: { partNumber: "PWR-1000" } }),
    "analytics.postUutReport": () => ({ body: { topCount: 5 } }),
    "analytics.version": () => ({}),
    "analytics.volumeYield": () => ({ query: { days: 100000 } }),
    "analytics.postVolumeYield": () => ({ body: {} }),
    "analytics.worstYield": () => ({ query: { days: 100000 } }),
    "analytics.postWorstYield": () => ({ body: {} }),
    "analytics.getWorstYieldByProductGroup": () => ({ body: {} }),

    "asset.getAssets": () => ({ query: { $filter: "runningCount ge 0", $top: 5 } }),
    "asset.putAsset": () => ({ body: { serialNumber: "NEW-ASSET-1", typeId: s.assets.types()[0]?.typeId } }),
    "asset.deleteAsset": () => {
      s.assets.put(
        { serialNumber: "DELETE-ME", typeId: s.assets.types()[0]?.typeId as string },
        "test",
        s.nowIso(),
      );
      return { query: { serialNumber: "DELETE-ME" } };
    },
    "asset.getAssetByAssetId": () => ({ params: { assetId: asset("FIX-001") } }),
    "asset.getAssetBySerialNumber": () => ({ params: { serialNumber: "FIX-001" } }),
    "asset.postCalibration": () => ({ query: { serialNumber: "DMM-001", comment: "calibrated" } }),
    "asset.putAssetCount": () => ({ query: { serialNumber: "FIX-001", incrementBy: 3 } }),
    "asset.getAssetLog": () => ({ query: { $top: 3 } }),
    "asset.postMaintenance": () => ({ query: { serialNumber: "FIX-001", comment: "cleaned" } }),
    "asset.postAssetMessage": () => ({ query: { serialNumber: "FIX-001" }, body: { content: "hello" } }),
    "asset.resetRunningCount": () => ({ query: { serialNumber: "FIX-001" } }),
    "asset.putAssetState": () => ({ query: { serialNumber: "FIX-001", state: 3 } }),
    "asset.getAssetStatus": () => ({ query: { serialNumber: "DMM-001" } }),
    "asset.getAssetChildren": () => ({ query: { serialNumber: "FIX-001", level: 0 } }),
    "asset.getAssetTypes": () => ({}),
    "asset.putAssetType": () => ({ body: { typeName: "Probe", calibrationInterval: 30 } }),

    "auth.getToken": () => ({}),
    "auth.getTokenByIdentifier": () => ({ params: { identifier: "station-7" } }),

    "barcode-identifiers.putBarcodeIdentifier": () => ({
      body: { pattern: "^X(?<serialNumber>\\d+)$", description: "x" },
    }),
    "barcode-identifiers.deleteBarcodeIdentifier": () => ({
      params: { id: s.barcodes.put({ pattern: "^Z" }).id ?? 0 },
    }),
    "barcode-identifiers.getBarcodeIdentifiers": () => ({}),
    "barcode-identifiers.getIdentifiedBarcode": () => ({ query: { code: "PWR-1000|PWR1000-0001|B" } }),

    "export.getExportedFile": async () => {
      const queued = await callJson<{ exportFileName: string }>(sim, "/api/Export/Certificate", {
        body: { partNumber: "PWR-*" },
      });
      return { params: { fileName: queued.exportFileName } };
    },
    "export.queueExportCertificate": () => ({
      query: { asIndividualFiles: true },
      body: { partNumber: "CTRL-100" },
    }),
    "export.getExportList": () => ({}),

    "mes.getCommonUserSettings": () => ({ query: { UserName: "operator1" } }),

    "product.putProduct": () => ({ body: { partNumber: "NEW-PN", name: "New product" } }),
    "product.getProduct": () => ({ params: { partNumber: "PWR-1000" } }),
    "product.getProductRevision": () => ({ params: { partNumber: "PWR-1000", revision: "A" } }),
    "product.putBom": () => ({
      raw: '<BOM PartNumber="PWR-1000" Revision="A"><Component Number="R1" Qty="2"/></BOM>',
    }),
    "product.productGroupFilter": () => ({ query: { productGroup: "Power", partNumber: "PWR-3*" } }),
    "product.getProductGroupsByProduct": () => ({ query: { partNumber: "PWR-1000" } }),
    "product.getProducts": () => ({ query: { $filter: "startswith(partNumber,'PWR')" } }),
    "product.putProductRevision": () => ({ body: { PartNumber: "PWR-1000", revision: "C" } }),
    "product.vendors": () => ({}),
    "product.putVendors": () => ({ body: [{ VendorName: "Vendor X" }] }),
    "product.deleteVendors": () => ({ body: [{ VendorName: "Vendor X" }] }),
    "product.putProducts": () => ({ body: [{ partNumber: "BULK-1", name: "Bulk" }] }),
    "product.putProductRevisions": () => ({ body: [{ PartNumber: "BULK-1", revision: "1" }] }),

    "production.addChildUnit": () => ({
      query: {
        parentSerialNumber: "PWR2000-0002",
        parentPartNumber: "PWR-2000",
        childSerialNumber: "CTRL100-0003",
        childPartNumber: "CTRL-100",
        checkPartNumber: "",
        checkRevision: "",
      },
    }),
    "production.putBatches": () => ({ body: [{ batchNumber: "B-1", batchSize: 10 }] }),
    "production.checkChildUnits": () => ({
      query: { parentSerialNumber: "PWR1000-0001", parentPartNumber: "PWR-1000" },
    }),
    "production.removeChildUnit": () => ({
      query: {
        parentSerialNumber: "PWR1000-0001",
        parentPartNumber: "PWR-1000",
        childSerialNumber: "CTRL100-0001",
        childPartNumber: "CTRL-100",
      },
    }),
    "production.exportSerialNumbers": () => ({ query: { serialNumberType: "PCBA", format: "CSV" } }),
    "production.uploadSerialNumbers": () => ({
      query: { serialNumberType: "PCBA", format: "CSV" },
      ...multipart("numbers.csv", "text/csv", Buffer.from("SerialNumber\r\nPCBA-900001\r\nPCBA-900002\r\n")),
    }),
    "production.getSerialNumbersByRange": () => ({
      query: { serialNumberType: "PCBA", startAddress: "PCBA-000001", endAddress: "PCBA-000010" },
    }),
    "production.getSerialNumbersByReference": () => {
      s.serialNumbers.take("PCBA", 2, { refSN: "REF-1", refPN: null, stationName: null }, false, s.nowIso());
      return { query: { serialNumberType: "PCBA", refSN: "REF-1" } };
    },
    "production.takeSerialNumbers": () => ({
      query: { serialNumberType: "PCBA", quantity: 2, refSN: "REF-2" },
    }),
    "production.getSerialNumberTypes": () => ({}),
    "production.setUnitPhase": () => ({
      query: { serialNumber: "PWR1000-0002", partNumber: "PWR-1000", phase: 16 },
    }),
    "production.setUnitProcess": () => ({
      query: { serialNumber: "PWR1000-0002", partNumber: "PWR-1000", processName: "PCBA test" },
    }),
    "production.getUnit": () => ({ params: { serialNumber: "PWR1000-0001", partNumber: "PWR-1000" } }),
    "production.putUnits": () => ({
      body: [{ serialNumber: "NEWU-1", partNumber: "PWR-1000", revision: "A" }],
    }),
    "production.getUnitChanges": () => ({ query: { maxCount: 5 } }),
    "production.deleteUnitChange": () => ({ params: { id: s.units.changes(1)[0]?.id ?? 0 } }),
    "production.getUnitVerification": () => ({
      query: { serialNumber: "PWR1000-0001", partNumber: "PWR-1000" },
    }),

    "report.getAttachment": async () => {
      const report = uutReport();
      (report.root as { steps: unknown[] }).steps.push({
        id: 3,
        group: "M",
        stepType: "Action",
        name: "Photo",
        status: "D",
        attachment: {
          name: "photo.txt",
          contentType: "text/plain",
          data: Buffer.from("hello").toString("base64"),
        },
      });
      return { query: { reportId: await postReport(report), stepId: 3 } };
    },
    "report.getAttachments": () => ({ params: { id: seededReport() } }),
    "report.getCertificate": () => ({ params: { id: seededReport() } }),
    "report.headerQuery": () => ({ query: { $top: 5, $expand: "subUnits,miscInfo" } }),
    "report.headerByMiscInfo": () => ({ query: { description: "Firmware", data: "1.4.0" } }),
    "report.postWsjf": () => ({ body: uutReport() }),
    "report.getReportAsWsjf": () => ({ params: { id: seededReport() } }),
    "report.postWsxf": () => ({
      raw:
        '<?xml version="1.0" encoding="utf-8"?><Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">' +
        '<Report type="UUT" ID="7B5D3B38-1A7A-4E47-9E1B-1E7C1C2D3E4F" Start="2026-03-01T10:00:00+01:00" Result="Passed" SN="X-1" PN="TEST-PN" Rev="A" MachineName="ST" Location="Lab" Purpose="Test">' +
        '<UUT UserLoginName="op" /><Process Code="50" Name="PCBA test" />' +
        '<Step Id="1" Group="Main" Name="MainSequence Callback" StepType="SequenceCall" Status="Passed" total_time="0"><SequenceCall Name="Main" Version="" Filename="a.seq" Filepath="a.seq" /></Step>' +
        "</Report></Reports>",
    }),
    "report.getReportAsWsxf": () => ({ params: { id: seededReport() }, query: { detailLevel: 7 } }),

    "root-cause.archiveTickets": () => ({
      body: [s.tickets.list().find((t) => t.status === 8)?.ticketId ?? ""],
    }),
    "root-cause.getAttachment": () => ({
      query: { attachmentId: s.tickets.addAttachment("a.txt", "text/plain", Buffer.from("x")).attachmentId },
    }),
    "root-cause.postAttachment": () => multipart("log.txt", "text/plain", Buffer.from("log line")),
    "root-cause.getTicket": () => ({ query: { ticketId: s.tickets.list()[0]?.ticketId ?? "" } }),
    "root-cause.putTicket": () => ({
      body: { ticketId: s.tickets.list()[0]?.ticketId, status: 2, update: { content: "working on it" } },
    }),
    "root-cause.postTicket": () => ({ body: { subject: "New problem", priority: 0 } }),
    "root-cause.getTickets": () => ({ query: { status: 63, view: 2 } }),

    "scim.getJwt": () => ({ query: { duration: 30 } }),
    "scim.getUsers": () => ({ query: { filter: 'userName eq "operator1"' } }),
    "scim.createUser": () => ({
      body: {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: "new.user",
        name: { givenName: "New", familyName: "User" },
      },
    }),
    "scim.getUserWithId": () => ({ params: { id: s.users.byUserName("operator1")?.id ?? "" } }),
    "scim.deleteUser": () => ({
      params: {
        id: s.users.add(
          {
            userName: "temp",
            givenName: null,
            familyName: null,
            fullName: null,
            email: null,
            active: true,
            roles: [],
            levels: [],
            productGroups: [],
            cultureCode: "en-US",
          },
          s.nowIso(),
        ).id,
      },
    }),
    "scim.updateUser": () => ({
      params: { id: s.users.byUserName("operator1")?.id ?? "" },
      body: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "fullName", value: "Olivia O." }],
      },
    }),
    "scim.getUser": () => ({ params: { userName: "operator1" } }),

    "software.postSoftwarePackage": () => ({
      body: { name: "NewPackage", tags: [{ key: "Line", value: "1" }] },
    }),
    "software.getSoftwarePackage": () => ({ params: { id: s.software.list()[0]?.packageId ?? "" } }),
    "software.putSoftwarePackage": () => ({
      params: { id: draft("PutMe").packageId },
      body: { description: "changed" },
    }),
    "software.deleteSoftwarePackage": () => ({ params: { id: draft("DeleteMe").packageId } }),
    "software.postFileAttribute": () => ({
      params: {
        id: s.software.list().flatMap((pkg) => s.software.files(pkg))[0]?.packageFileId ?? "",
      },
      query: { attribute: "executeonce" },
    }),
    "software.postZipToPackage": () => ({
      params: { id: draft("ZipMe").packageId },
      query: { cleanInstall: true },
      ...multipart(
        "files.zip",
        "application/zip",
        writeZip([{ name: "folder/a.txt", data: Buffer.from("a") }]),
      ),
    }),
    "software.getSoftwarePackageByName": () => ({ query: { name: "StationSetup", status: "Released" } }),
    "software.deleteSoftwarePackageByName": () => {
      const pkg = draft("DeleteByName");
      return { query: { name: pkg.name, version: pkg.version } };
    },
    "software.getSoftwareFiles": () => ({ params: { id: s.software.list()[0]?.packageId ?? "" } }),
    "software.getSoftwarePackages": () => ({}),
    "software.getSoftwarePackagesByTag": () => ({ query: { tag: "Station=pcba", status: "Released" } }),
    "software.postNewStatus": () => ({
      params: { id: draft("Promote").packageId },
      query: { status: "Pending" },
    }),
    "software.getVirtualFolders": () => ({}),

    "system-manager.client": () => ({ query: { name: "STATION-01" } }),
    "system-manager.putClient": () => ({ body: { clientId: 1, displayName: "Station one" } }),
    "system-manager.clientLog": () => ({ params: { identifier: s.system.clients()[0]?.identifier ?? "" } }),
    "system-manager.clients": () => ({}),
    "system-manager.levelByHierarchy": () => ({ query: { hierarchy: ["Europe", "Norway"] } }),
    "system-manager.postLevelByHierarchy": () => ({ body: ["Asia", "China", "Suzhou"] }),
    "system-manager.getSystemStatus": () => ({}),

    "workflow.endTest": () => ({ query: { serialNumber: "PWR1000-0001", partNumber: "PWR-1000" } }),
    "workflow.startTest": () => ({ query: { serialNumber: "PWR1000-0001", partNumber: "PWR-1000" } }),
  };
}

/** The routes the overlay lists as truly free-form (`responseFreeForm`): their answers stay `unknown`. */
function freeFormRoutes(): string[] {
  const overlay = JSON.parse(readFileSync(join(repoRoot, "specs/overlay.json"), "utf8")) as {
    operations: Record<string, { responseFreeForm?: string }>;
  };
  return Object.entries(overlay.operations)
    .filter(([, entry]) => entry.responseFreeForm !== undefined)
    .map(([route]) => route);
}

describe("contract: every public operation answers per its generated schema", () => {
  let sim: Simulator;
  let table: Record<string, () => Plan | Promise<Plan>>;
  let transport: HttpTransport;
  /** The answer of the last call as it came off the wire. */
  const wire: { last?: { status: number; contentType: string | null; bytes: number } } = {};
  const lastAnswer = () => wire.last;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7 });
    table = plans(sim);
    transport = new HttpTransport({
      baseUrl: sim.url,
      token: sim.token,
      logger: false,
      retry: false,
      throttle: false,
      breaker: false,
      validateResponses: "throw",
      fetch: (async (url: string, init: RequestInit) => {
        const response = await fetch(url, init);
        const copy = response.clone();
        wire.last = {
          status: response.status,
          contentType: response.headers.get("content-type"),
          bytes: (await copy.arrayBuffer()).byteLength,
        };
        return response;
      }) satisfies FetchLike,
    });
  });
  afterAll(async () => {
    await transport.close();
    await sim.close();
  });

  it("covers all 126 public operations and plans each exactly once", () => {
    expect(operations).toHaveLength(126);
    const keys = operations.map(operationKey);
    expect(new Set(keys).size).toBe(126);
    expect(Object.keys(table).sort()).toEqual([...keys].sort());
  });

  it("types every JSON answer, but for the free-form ones the overlay lists with a reason", () => {
    const freeForm = freeFormRoutes();
    const untyped = operations
      .filter(
        (o) => o.spec.response === "json" && o.schemas.response?.safeParse(Symbol("any")).success !== false,
      )
      .map((o) => `${o.spec.method} ${o.spec.path}`);
    expect(untyped.sort()).toEqual(freeForm.filter((route) => untyped.includes(route)).sort());
    expect(untyped.filter((route) => !freeForm.includes(route))).toEqual([]);
  });

  it("package listings are typed as lists (the spec declares one Package; the overlay corrects it)", () => {
    for (const key of ["software.getSoftwarePackages", "software.getSoftwarePackagesByTag"]) {
      const op = operations.find((o) => operationKey(o) === key);
      expect(op?.schemas.response?.safeParse([]).success, key).toBe(true);
    }
  });

  for (const op of operations) {
    const key = operationKey(op);
    it(`${key}: ${op.spec.method} ${op.spec.path}`, async () => {
      const plan = await (table[key] as () => Plan | Promise<Plan>)();
      delete wire.last;
      let value: unknown;
      try {
        value = await transport.call(op.spec as OperationSpec, {
          params: { ...plan.params, ...plan.query },
          body: plan.raw ?? plan.body,
        });
      } catch (error) {
        if (WatsResponseValidationError.is(error)) {
          const { differences } = error as WatsResponseValidationError;
          expect.fail(
            `${key}: the answer breaks the generated types: ${JSON.stringify(differences.slice(0, 5))}`,
          );
        }
        throw error;
      }
      const last = lastAnswer();
      expect(last?.status).toBeGreaterThanOrEqual(200);
      expect(last?.status).toBeLessThan(300);
      switch (op.spec.response) {
        case "json":
          expect(last?.contentType).toMatch(/^application\/json/);
          expect(value).not.toBeUndefined();
          break;
        case "text":
          expect(typeof value).toBe("string");
          expect((value as string).length).toBeGreaterThan(0);
          expect(last?.contentType).toMatch(/^(text\/|application\/xml)/);
          break;
        case "xml":
          // Read by the transport into an element tree (a CSV answer would stay text).
          expect(last?.contentType).toMatch(/^(application|text)\/xml/);
          expect(typeof value).toBe("object");
          break;
        case "binary":
          expect((value as ArrayBuffer).byteLength).toBeGreaterThan(0);
          expect(last?.contentType).toBeTruthy();
          break;
        case "none":
          expect(last?.status).toBe(204);
          expect(last?.bytes).toBe(0);
          break;
      }
    });
  }
});
