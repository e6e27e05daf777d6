/** Report routes: submit WSJF/WSXF, read back, header queries, attachments, certificates. */
import type { InsertReportResult, UutResult } from "@tswats/report";
import { badRequest, notFound } from "../errors.js";
import { textPdf } from "../formats/pdf.js";
import {
  HEADER_EXPANDS,
  HEADER_ORDERABLE,
  REPORT_HEADER_MODEL,
  readBack,
  runInfo,
  toHeader,
  withoutUnexpanded,
} from "../formats/report-view.js";
import {
  canonicalGuid,
  isObject,
  type JsonObject,
  stepIdCausedUutFailure,
  validateWsjfReport,
  walkSteps,
} from "../formats/wsjf.js";
import { wsjfToWsxf, wsxfToWsjf } from "../formats/wsxf.js";
import { writeZip, type ZipEntry } from "../formats/zip.js";
import { binary, type HandlerContext, type HandlerTable, json, text } from "../handler.js";
import { project, runODataQuery } from "../odata/query.js";
import type { SimState } from "../state.js";
import { keyOf } from "../stores/keys.js";
import type { StoredReport } from "../stores/report-store.js";
import { parseInstant, toUtcText } from "../time.js";
import { assetStatsFor } from "./asset.js";

/** A GUID parameter in canonical form, or a 400 naming the parameter. */
export function requireGuid(value: string | undefined, name: string): string {
  const id = canonicalGuid(value);
  if (!id) throw badRequest(`The request is invalid: '${name}' must be a GUID, not '${value ?? ""}'.`);
  return id;
}

export function requireReport(state: SimState, id: string | undefined, name = "id"): StoredReport {
  const guid = requireGuid(id, name);
  const stored = state.reports.get(guid);
  if (!stored) throw notFound(`Report '${guid}' was not found.`);
  return stored;
}

const UUT_NULL_KEYS = [
  "execTime",
  "testSocketIndex",
  "batchSN",
  "comment",
  "errorCode",
  "errorMessage",
  "fixtureId",
  "user",
  "batchFailCount",
  "batchLoopIndex",
];
const UUR_NULL_KEYS = [
  "comment",
  "user",
  "processName",
  "refUUT",
  "confirmDate",
  "finalizeDate",
  "execTime",
  "parent",
  "children",
];

/** Adds the fields WATS fills on submit, then stores the report. */
export function storeReport(
  state: SimState,
  report: JsonObject,
  size: number,
  origin: string,
): InsertReportResult {
  const start = String(report.start);
  report.startUTC = toUtcText(start) ?? null;
  report.origin = typeof report.origin === "string" && report.origin !== "" ? report.origin : origin;
  report.productName = state.products.get(String(report.pn))?.name ?? null;
  report.processName = state.system.process(report.processCode as number)?.name ?? null;
  report.processCodeFormat = null;
  report.miscInfos = Array.isArray(report.miscInfos) ? report.miscInfos : [];
  report.subUnits = Array.isArray(report.subUnits) ? report.subUnits : [];
  report.assets = Array.isArray(report.assets) ? report.assets : [];
  report.additionalData = Array.isArray(report.additionalData) ? report.additionalData : [];
  if (report.type === "T") {
    const uut = report.uut as JsonObject;
    for (const key of UUT_NULL_KEYS) uut[key] ??= null;
    uut.stepIdCausedUUTFailure = stepIdCausedUutFailure(report.root);
    delete report.binaryData;
  } else {
    const uur = report.uur as JsonObject;
    for (const key of UUR_NULL_KEYS) uur[key] ??= null;
    uur.processName = state.system.process(uur.processCode as number)?.name ?? uur.processName ?? null;
  }
  const firstTime = state.reports.get(String(report.id)) === undefined;
  report.assetStats = assetStatsFor(state, report.assets as unknown[], firstTime, String(report.machineName));
  const { stored } = state.reports.put(report, size, state.nowIso());
  return { ID: stored.id, uuid: stored.id, Report_ID: stored.reportId };
}

function detailOptions(ctx: HandlerContext) {
  const detailLevel = ctx.query.int("detailLevel") ?? 7;
  if (detailLevel < 0 || detailLevel > 7) {
    throw badRequest(`The request is invalid: 'detailLevel' must be from 0 to 7, not ${detailLevel}.`);
  }
  return {
    detailLevel,
    includeChartdata: ctx.query.bool("includeChartdata") ?? true,
    includeAttachments: ctx.query.bool("includeAttachments") ?? true,
  };
}

function headers(state: SimState): ReturnType<typeof toHeader>[] {
  const reports = state.reports.list();
  const runs = runInfo(reports);
  return reports.map((r) => toHeader(r, runs.get(r.id)));
}

interface StepAttachment {
  stepId: number;
  name: string;
  contentType: string;
  data: string;
}

function stepAttachments(report: JsonObject): StepAttachment[] {
  const out: StepAttachment[] = [];
  for (const { step } of walkSteps(report.root)) {
    if (isObject(step.attachment) && typeof step.attachment.data === "string") {
      out.push({
        stepId: step.id as number,
        name: String(step.attachment.name ?? `step-${String(step.id)}`),
        contentType: String(step.attachment.contentType ?? "application/octet-stream"),
        data: step.attachment.data,
      });
    }
  }
  return out;
}

function binaryDataOf(report: JsonObject): JsonObject[] {
  const all = Array.isArray(report.binaryData) ? report.binaryData.filter(isObject) : [];
  const subUnits = Array.isArray(report.subUnits) ? report.subUnits.filter(isObject) : [];
  for (const s of subUnits) {
    for (const f of Array.isArray(s.failures) ? s.failures.filter(isObject) : []) {
      if (Array.isArray(f.attachments)) all.push(...f.attachments.filter(isObject));
    }
  }
  return all;
}

export const reportHandlers: HandlerTable = {
  postWsjf: (ctx) => {
    const report = validateWsjfReport(ctx.body);
    return json(storeReport(ctx.state, report, ctx.rawBody.length, ctx.auth.identifier));
  },

  postWsxf: (ctx) => {
    if (typeof ctx.body !== "string" || ctx.body.trim() === "") {
      throw badRequest("The request body must be a WSXF (XML) document.");
    }
    const report = validateWsjfReport(wsxfToWsjf(ctx.body));
    return json(storeReport(ctx.state, report, ctx.rawBody.length, ctx.auth.identifier));
  },

  getReportAsWsjf: (ctx) => {
    const stored = requireReport(ctx.state, ctx.params.id);
    return json(readBack(stored, ctx.state.reports, detailOptions(ctx)));
  },

  getReportAsWsxf: (ctx) => {
    const stored = requireReport(ctx.state, ctx.params.id);
    ctx.query.bool("includeIndexes");
    const report = readBack(stored, ctx.state.reports, detailOptions(ctx));
    return text(wsjfToWsxf(report), "application/xml; charset=utf-8");
  },

  headerQuery: (ctx) => {
    const result = runODataQuery(headers(ctx.state), ctx.query.odata(), {
      model: REPORT_HEADER_MODEL,
      defaultTop: 10,
      maxTop: 10_000,
      defaultOrder: (a, b) =>
        (parseInstant(b.start ?? "")?.epochMs ?? 0) - (parseInstant(a.start ?? "")?.epochMs ?? 0),
      orderable: HEADER_ORDERABLE,
      expandable: HEADER_EXPANDS,
      countSupported: false,
    });
    return json(
      result.rows.map((row) =>
        project(withoutUnexpanded(row, result.expand), result.select, [...result.expand]),
      ),
    );
  },

  headerByMiscInfo: (ctx) => {
    const processCode = ctx.query.int("processCode");
    const serialNumber = ctx.query.string("serialNumber");
    const description = ctx.query.string("description");
    const data = ctx.query.string("data");
    const rows: UutResult[] = [];
    for (const stored of ctx.state.reports.list()) {
      const r = stored.report;
      if (r.type !== "T") continue;
      if (processCode !== undefined && r.processCode !== processCode) continue;
      if (serialNumber !== undefined && keyOf(String(r.sn)) !== keyOf(serialNumber)) continue;
      const misc = (Array.isArray(r.miscInfos) ? r.miscInfos.filter(isObject) : []).map((m) => ({
        description: typeof m.description === "string" ? m.description : null,
        data:
          typeof m.text === "string"
            ? m.text
            : m.numeric === null || m.numeric === undefined
              ? null
              : String(m.numeric),
      }));
      const hit = misc.some(
        (m) =>
          (description === undefined || keyOf(m.description) === keyOf(description)) &&
          (data === undefined || keyOf(m.data) === keyOf(data)),
      );
      if ((description !== undefined || data !== undefined) && !hit) continue;
      rows.push({
        miscData: misc,
        serialNumber: String(r.sn),
        partNumber: String(r.pn),
        start: String(r.start),
        result: String(r.result),
        uuid: stored.id,
        processCode: r.processCode as number,
        processName: typeof r.processName === "string" ? r.processName : null,
      });
    }
    return json(rows);
  },

  getAttachment: (ctx) => {
    const stored = requireReport(ctx.state, ctx.query.string("reportId"), "reportId");
    const attachmentId = ctx.query.string("attachmentId");
    const stepId = ctx.query.int("stepId");
    if (attachmentId !== undefined) {
      const id = requireGuid(attachmentId, "attachmentId");
      const found = binaryDataOf(stored.report).find((b) => canonicalGuid(b.id) === id);
      if (!found || typeof found.data !== "string")
        throw notFound(`Attachment '${id}' was not found in report '${stored.id}'.`);
      return binary(
        Buffer.from(found.data, "base64"),
        String(found.contentType ?? "application/octet-stream"),
        String(found.name ?? id),
      );
    }
    if (stepId !== undefined) {
      const found = stepAttachments(stored.report).find((a) => a.stepId === stepId);
      if (!found) throw notFound(`Step ${stepId} of report '${stored.id}' has no attachment.`);
      return binary(Buffer.from(found.data, "base64"), found.contentType, found.name);
    }
    throw badRequest(
      "The request is invalid: give 'attachmentId' (repair reports) or 'stepId' (test reports).",
    );
  },

  getAttachments: (ctx) => {
    const stored = requireReport(ctx.state, ctx.params.id);
    const entries: ZipEntry[] = [
      ...stepAttachments(stored.report).map((a) => ({
        name: `${a.stepId}_${a.name}`,
        data: Buffer.from(a.data, "base64"),
      })),
      ...binaryDataOf(stored.report)
        .filter((b) => typeof b.data === "string")
        .map((b) => ({ name: String(b.name ?? b.id), data: Buffer.from(String(b.data), "base64") })),
    ];
    return binary(writeZip(entries), "application/zip", `${stored.id}.zip`);
  },

  getCertificate: (ctx) => {
    const stored = requireReport(ctx.state, ctx.params.id);
    const r = stored.report;
    const pdf = textPdf([
      "WATS test certificate (simulated)",
      "",
      `Report: ${stored.id}`,
      `Part number: ${String(r.pn)}  Revision: ${String(r.rev)}`,
      `Serial number: ${String(r.sn)}`,
      `Process: ${String(r.processCode)} ${String(r.processName ?? "")}`,
      `Result: ${String(r.result)}`,
      `Start: ${String(r.start)}`,
      `Station: ${String(r.machineName)}`,
    ]);
    return binary(pdf, "application/pdf", `${stored.id}.pdf`);
  },
};
