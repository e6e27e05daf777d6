/**
 * How stored reports are read back: the WSJF document with the fields WATS computes on read
 * (`GET /api/Report/Wsjf/{id}`), and the OData header row (`GET /api/Report/Query/Header`).
 */
import type { ReportHeader } from "@tswats/report";
import type { EntityModel } from "../odata/evaluate.js";
import type { ReportStore, StoredReport } from "../stores/report-store.js";
import { findStep, isObject, type JsonObject, PATH_SEPARATOR, walkSteps } from "./wsjf.js";

export interface ReadOptions {
  /** 0 = identifying header, 1-3 = header data without steps, 4-5 = steps without plots, 6-7 = full. */
  detailLevel: number;
  includeChartdata: boolean;
  includeAttachments: boolean;
}

const HEADER_KEYS = [
  "type",
  "id",
  "pn",
  "sn",
  "rev",
  "productName",
  "processCode",
  "processCodeFormat",
  "processName",
  "result",
  "machineName",
  "location",
  "purpose",
  "origin",
  "start",
  "startUTC",
];

const asArray = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** The report as `GET /api/Report/Wsjf/{id}` returns it. */
export function readBack(stored: StoredReport, store: ReportStore, options: ReadOptions): JsonObject {
  const source = stored.report;
  if (options.detailLevel <= 0) {
    return Object.fromEntries(HEADER_KEYS.filter((k) => k in source).map((k) => [k, source[k]]));
  }
  const report = structuredClone(source);
  const repairs = store.list().filter((r) => r.report.type === "R");
  if (report.type === "T" && isObject(report.uut)) {
    const refs = repairs
      .filter((r) => isObject(r.report.uur) && r.report.uur.refUUT === stored.id)
      .map((r) => ({ id: r.id, start: r.report.start ?? null }));
    if (refs.length > 0) report.uut.refUURs = refs;
  }
  if (report.type === "R" && isObject(report.uur)) {
    const uur = report.uur;
    const children = repairs
      .filter((r) => isObject(r.report.uur) && r.report.uur.parent === stored.id)
      .map((r) => r.id);
    uur.children = children.length > 0 ? children : (uur.children ?? null);
    const refUut = typeof uur.refUUT === "string" ? store.get(uur.refUUT) : undefined;
    for (const subUnit of asArray(report.subUnits)) {
      for (const failure of asArray(subUnit.failures)) {
        if (refUut && typeof failure.refStepId === "number") {
          const step = findStep(refUut.report.root, failure.refStepId)?.step;
          if (step) failure.refStepName = step.name ?? null;
        }
        failure.refStepName ??= null;
      }
    }
  }
  if (options.detailLevel <= 3) {
    delete report.root;
    delete report.binaryData;
    return report;
  }
  const keepCharts = options.detailLevel >= 6 && options.includeChartdata;
  for (const { step } of walkSteps(report.root)) {
    if (isObject(step.chart) && !keepCharts) {
      for (const series of asArray(step.chart.series)) {
        delete series.xdata;
        delete series.ydata;
      }
    }
    if (isObject(step.attachment) && !options.includeAttachments) delete step.attachment.data;
  }
  if (!options.includeAttachments) {
    for (const data of asArray(report.binaryData)) delete data.data;
    for (const subUnit of asArray(report.subUnits)) {
      for (const failure of asArray(subUnit.failures))
        for (const a of asArray(failure.attachments)) delete a.data;
    }
  }
  return report;
}

/** Navigation properties of the header that `$expand` can name. */
export const HEADER_EXPANDS = [
  "subUnits",
  "miscInfo",
  "assets",
  "attachments",
  "uurSubUnits",
  "uurMiscInfo",
  "uurAttachments",
] as const;

/** The OData model of ReportHeader (names and types `$filter`/`$orderby` see). */
export const REPORT_HEADER_MODEL: EntityModel = {
  name: "ReportHeader",
  fields: {
    uuid: "guid",
    serialNumber: "string",
    partNumber: "string",
    reportType: "string",
    start: "datetime",
    revision: "string",
    result: "string",
    batchNumber: "string",
    userName: "string",
    stationName: "string",
    location: "string",
    purpose: "string",
    measuresDeleted: "boolean",
    timeStamp: "int",
    processCode: "int",
    processName: "string",
    comment: "string",
    executionTime: "number",
    swFilename: "string",
    swVersion: "string",
    testSocketIndex: "int",
    fixtureId: "string",
    errorCode: "int",
    errorMessage: "string",
    run: "int",
    receiveCount: "int",
    reportSize: "int",
    causedUutFailure: "string",
    causedUutFailurePath: "string",
    passedInRun: "int",
    referencedUut: "guid",
  },
};

/** The properties `$orderby` accepts on the header query (as WATS documents). */
export const HEADER_ORDERABLE = ["start", "uuid", "serialNumber", "timeStamp"];

export interface RunInfo {
  run: number;
  passedInRun: number | null;
}

/** Run numbers: per part number, serial number and process, in order of start time. */
export function runInfo(reports: readonly StoredReport[]): Map<string, RunInfo> {
  const groups = new Map<string, StoredReport[]>();
  for (const r of reports) {
    const key = [r.report.type, r.report.pn, r.report.sn, r.report.processCode]
      .map((v) => String(v).toLowerCase())
      .join("\u0000");
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const out = new Map<string, RunInfo>();
  for (const list of groups.values()) {
    list.sort((a, b) => a.startMs - b.startMs);
    const firstPass = list.findIndex((r) => r.report.result === "P");
    list.forEach((r, i) => {
      out.set(r.id, { run: i + 1, passedInRun: firstPass < 0 ? null : firstPass + 1 });
    });
  }
  return out;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

const headerCache = new WeakMap<StoredReport, ReportHeader>();

/**
 * The header row of a report, with every navigation property filled. Rows are cached per stored
 * version (a replacement is a new StoredReport); only the run numbers are applied each time.
 */
export function toHeader(stored: StoredReport, run: RunInfo | undefined): ReportHeader {
  let header = headerCache.get(stored);
  if (!header) {
    header = buildHeader(stored);
    headerCache.set(stored, header);
  }
  return { ...header, run: run?.run ?? 1, passedInRun: run?.passedInRun ?? null };
}

/** WSJF writes a report's result as a letter; report headers spell it out, as WATS documents. */
const HEADER_RESULTS: Record<string, NonNullable<ReportHeader["result"]>> = {
  P: "Passed",
  F: "Failed",
  E: "Error",
  T: "Terminated",
};

function headerResult(result: unknown): ReportHeader["result"] {
  return typeof result === "string" ? (HEADER_RESULTS[result.toUpperCase()] ?? null) : null;
}

function buildHeader(stored: StoredReport): ReportHeader {
  const r = stored.report;
  const uut = isObject(r.uut) ? r.uut : {};
  const uur = isObject(r.uur) ? r.uur : {};
  const root = isObject(r.root) ? r.root : {};
  const seqCall = isObject(root.seqCall) ? root.seqCall : {};
  const failedStepId = num(uut.stepIdCausedUUTFailure);
  const failedStep = failedStepId === null ? undefined : findStep(r.root, failedStepId);
  const isTest = r.type === "T";
  const subUnits = asArray(r.subUnits);
  const miscInfos = asArray(r.miscInfos);
  const attachments: { stepId: number | null; filename: string | null }[] = [];
  if (isTest) {
    for (const { step } of walkSteps(r.root)) {
      if (isObject(step.attachment))
        attachments.push({ stepId: num(step.id), filename: str(step.attachment.name) });
    }
  }
  const miscValue = (m: JsonObject) => str(m.text) ?? (num(m.numeric) === null ? null : String(m.numeric));
  return {
    uuid: stored.id,
    serialNumber: str(r.sn),
    partNumber: str(r.pn),
    reportType: r.type === "T" || r.type === "R" ? r.type : null,
    start: str(r.start),
    revision: str(r.rev),
    result: headerResult(r.result),
    batchNumber: str(uut.batchSN),
    userName: str(isTest ? uut.user : uur.user),
    stationName: str(r.machineName),
    location: str(r.location),
    purpose: str(r.purpose),
    measuresDeleted: false,
    timeStamp: stored.timeStamp,
    processCode: num(r.processCode),
    processName: str(r.processName),
    comment: str(isTest ? uut.comment : uur.comment),
    executionTime: num(isTest ? uut.execTime : uur.execTime),
    swFilename: str(seqCall.path),
    swVersion: str(seqCall.version),
    testSocketIndex: num(uut.testSocketIndex),
    fixtureId: str(uut.fixtureId),
    errorCode: num(uut.errorCode),
    errorMessage: str(uut.errorMessage),
    run: 1,
    receiveCount: stored.receiveCount,
    reportSize: stored.size,
    causedUutFailure: failedStep ? str(failedStep.step.name) : null,
    causedUutFailurePath: failedStep ? failedStep.path.join(PATH_SEPARATOR) : null,
    passedInRun: null,
    referencedUut: str(uur.refUUT),
    subUnits: isTest
      ? subUnits.map((s) => ({
          partType: str(s.partType),
          serialNumber: str(s.sn),
          partNumber: str(s.pn),
          revision: str(s.rev),
        }))
      : [],
    miscInfo: isTest ? miscInfos.map((m) => ({ description: str(m.description), value: miscValue(m) })) : [],
    assets: asArray(r.assetStats).map((a) => ({
      serialNumber: str(a.assetSN),
      runningCount: num(a.runningCount),
      runningCountExceeded: num(a.runningCountExceeded),
      totalCount: num(a.totalCount),
      totalCountExceeded: num(a.totalCountExceeded),
      daysSinceMaintenance: num(a.daysSinceMaintenance),
      maintenanceDaysOverdue: num(a.maintenanceDaysOverdue),
      daysSinceCalibration: num(a.daysSinceCalibration),
      calibrationDaysOverdue: num(a.calibrationDaysOverdue),
    })),
    attachments,
    uurSubUnits: isTest
      ? []
      : subUnits.map((s) => ({ serialNumber: str(s.sn), partNumber: str(s.pn), revision: str(s.rev) })),
    uurMiscInfo: isTest
      ? []
      : miscInfos.map((m) => ({ description: str(m.description), value: miscValue(m) })),
    uurAttachments: isTest
      ? []
      : asArray(r.binaryData).map((b) => ({ id: str(b.id), filename: str(b.name) })),
  };
}

/** Drops the navigation properties that were not expanded. */
export function withoutUnexpanded(header: ReportHeader, expand: ReadonlySet<string>): ReportHeader {
  const out: Record<string, unknown> = { ...header };
  for (const key of HEADER_EXPANDS) if (!expand.has(key)) delete out[key];
  return out as ReportHeader;
}
