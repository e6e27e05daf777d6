/**
 * Analytics (`/api/App/...`) routes, computed from the stored reports. The spec leaves their
 * answers untyped; the shapes are documented in the README (yield rows, failed-step rows,
 * measurement rows, headers).
 */
import type { WatsFilter } from "@tswats/analytics";
import { filterFromQuery, filterReports, type ReportFilter } from "../analytics/filter.js";
import {
  aggregate,
  measurements,
  requirePartAndOperation,
  stepAnalysis,
  topFailed,
} from "../analytics/steps.js";
import {
  groupBy,
  parseDimensions,
  selectKpis,
  sortRows,
  YIELD_DIMENSIONS,
  YIELD_KPIS,
  type YieldRow,
  yieldKpis,
} from "../analytics/yield.js";
import { badRequest } from "../errors.js";
import { runInfo, toHeader } from "../formats/report-view.js";
import { isObject, type JsonObject } from "../formats/wsjf.js";
import { type HandlerContext, type HandlerTable, json } from "../handler.js";
import type { SimState } from "../state.js";
import { isBlank } from "../stores/keys.js";
import type { StoredReport } from "../stores/report-store.js";

const bodyFilter = (ctx: HandlerContext): WatsFilter => (isObject(ctx.body) ? (ctx.body as WatsFilter) : {});

function limit<T>(rows: T[], topCount: number | null | undefined): T[] {
  if (topCount === undefined || topCount === null) return rows;
  if (topCount < 0) throw badRequest("The filter field 'topCount' must not be negative.");
  return rows.slice(0, topCount);
}

type YieldKind = "volume" | "high" | "worst" | "groupHigh" | "groupWorst";

function yieldList(state: SimState, filter: ReportFilter, kind: YieldKind): YieldRow[] {
  const reports = filterReports(state, "T", filter);
  const byGroup = kind === "groupHigh" || kind === "groupWorst";
  const dims = byGroup ? ["productGroup"] : ["partNumber", "productName", "testOperation", "processCode"];
  let rows = groupBy(reports, dims, state, yieldKpis, YIELD_DIMENSIONS);
  if (byGroup) rows = rows.filter((r) => r.productGroup !== null);
  const order =
    kind === "volume"
      ? [
          { key: byGroup ? "productGroup" : "partNumber", descending: false },
          { key: "processCode", descending: false },
        ]
      : kind === "high" || kind === "groupHigh"
        ? [
            { key: "unitCount", descending: true },
            { key: dims[0] as string, descending: false },
          ]
        : [
            { key: "fpy", descending: false },
            { key: "unitCount", descending: true },
            { key: dims[0] as string, descending: false },
          ];
  return limit(sortRows(rows, order), filter.topCount);
}

function getFilter(ctx: HandlerContext): ReportFilter {
  ctx.query.requireInt("days");
  return filterFromQuery(ctx.query);
}

function headersOf(state: SimState, reports: StoredReport[]) {
  const runs = runInfo(state.reports.list());
  return reports.map((r) => {
    const { subUnits, miscInfo, assets, attachments, uurSubUnits, uurMiscInfo, uurAttachments, ...header } =
      toHeader(r, runs.get(r.id));
    return header;
  });
}

/** Item of `GET /api/App/RelatedRepairHistory`: one repaired failure (the generated `RepairHistoryRow`). */
export interface RepairHistoryRow {
  reportId: string;
  serialNumber: string;
  partNumber: string;
  revision: string;
  repairDate: string;
  repairOperation: string | null;
  testOperation: string | null;
  repairCategory: string | null;
  failCode: string | null;
  componentRef: string | null;
  failStepName: string | null;
}

type RepairDimension = (
  r: StoredReport,
  state: SimState,
  failure: JsonObject | undefined,
) => string | number | null;

const uurField =
  (key: string): RepairDimension =>
  (r) => {
    const uur = isObject(r.report.uur) ? r.report.uur : {};
    const value = uur[key];
    return typeof value === "string" || typeof value === "number" ? value : null;
  };
const failureField =
  (key: string): RepairDimension =>
  (_r, _s, f) => {
    const value = f?.[key];
    return typeof value === "string" || typeof value === "number" ? value : null;
  };

const REPAIR_DIMENSIONS: Record<string, RepairDimension> = {
  partNumber: (r) => String(r.report.pn),
  revision: (r) => String(r.report.rev),
  productName: (r, s) => s.products.get(String(r.report.pn))?.name ?? null,
  repairOperation: (r, s) =>
    s.system.process(r.report.processCode as number)?.name ?? String(r.report.processCode),
  stationName: (r) => String(r.report.machineName),
  location: (r) => String(r.report.location),
  purpose: (r) => String(r.report.purpose),
  operator: uurField("user"),
  period: (r) => new Date(r.startMs).toISOString().slice(0, 10),
  testOperation: (r, s) => {
    const uur = isObject(r.report.uur) ? r.report.uur : {};
    return s.system.process(uur.processCode as number)?.name ?? null;
  },
  repairCode: failureField("code"),
  repairCategory: failureField("category"),
  componentRef: failureField("comRef"),
  componentNumber: failureField("artNumber"),
  componentRevision: failureField("artRev"),
  componentVendor: failureField("artVendor"),
  componentDescription: failureField("artDescription"),
  functionBlock: failureField("funcBlock"),
  referencedStep: failureField("refStepName"),
};

function failuresOf(report: JsonObject): JsonObject[] {
  const subUnits = Array.isArray(report.subUnits) ? report.subUnits.filter(isObject) : [];
  return subUnits.flatMap((s) => (Array.isArray(s.failures) ? s.failures.filter(isObject) : []));
}

function dynamicRepair(state: SimState, filter: WatsFilter, dimensionsText: string): YieldRow[] {
  const spec = parseDimensions(dimensionsText, Object.keys(REPAIR_DIMENSIONS), [
    "repairReportCount",
    "repairCount",
  ]);
  const perFailure = spec.dimensions.some((d) =>
    [
      "repairCode",
      "repairCategory",
      "componentRef",
      "componentNumber",
      "componentRevision",
      "componentVendor",
      "componentDescription",
      "functionBlock",
      "referencedStep",
    ].includes(d),
  );
  const groups = new Map<string, { values: YieldRow; reports: Set<string>; repairs: number }>();
  for (const r of filterReports(state, "R", filter)) {
    const failures = failuresOf(r.report);
    const items: (JsonObject | undefined)[] = perFailure ? failures : [undefined];
    for (const failure of items) {
      const values: YieldRow = {};
      for (const d of spec.dimensions)
        values[d] = (REPAIR_DIMENSIONS[d] as RepairDimension)(r, state, failure);
      const key = JSON.stringify(spec.dimensions.map((d) => values[d]));
      const group = groups.get(key) ?? { values, reports: new Set<string>(), repairs: 0 };
      group.reports.add(r.id);
      group.repairs += perFailure ? 1 : failures.length;
      groups.set(key, group);
    }
  }
  const rows = [...groups.values()].map((g) => ({
    ...g.values,
    repairReportCount: g.reports.size,
    repairCount: g.repairs,
  }));
  return limit(selectKpis(sortRows(rows, spec.order), spec), filter.topCount ?? 10);
}

function dynamicYield(state: SimState, filter: WatsFilter, dimensionsText: string): YieldRow[] {
  const spec = parseDimensions(dimensionsText, Object.keys(YIELD_DIMENSIONS), YIELD_KPIS);
  const rows = groupBy(
    filterReports(state, "T", filter),
    spec.dimensions,
    state,
    yieldKpis,
    YIELD_DIMENSIONS,
  );
  return limit(selectKpis(sortRows(rows, spec.order), spec), filter.topCount ?? 10);
}

/** Answer of `POST /api/App/OeeAnalysis` (the generated `OeeResult`; times in hours). */
export interface OeeResult {
  plannedProductionTime: number;
  runTime: number;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  totalCount: number;
  goodCount: number;
  rejectCount: number;
}

function oee(ctx: HandlerContext): OeeResult {
  const hoursText = ctx.query.requireString("availableTime");
  const hours = hoursText.split(",").map((h) => Number(h.trim()));
  if (hours.length !== 7 || hours.some((h) => !Number.isFinite(h) || h < 0 || h > 24)) {
    throw badRequest(
      `'availableTime' must list 7 weekday hour counts (0-24, Monday first), not '${hoursText}'.`,
    );
  }
  const filter = bodyFilter(ctx);
  let reports = filterReports(ctx.state, "T", filter);
  const minExec = ctx.query.int("minExecutionTime");
  const maxExec = ctx.query.int("maxExecutionTime");
  const exec = (r: StoredReport) =>
    isObject(r.report.uut) && typeof r.report.uut.execTime === "number" ? r.report.uut.execTime : 0;
  reports = reports.filter(
    (r) => (minExec === undefined || exec(r) >= minExec) && (maxExec === undefined || exec(r) <= maxExec),
  );
  const now = ctx.state.now();
  const from = isBlank(filter.dateFrom) ? now - 7 * 86_400_000 : Date.parse(filter.dateFrom);
  const to = isBlank(filter.dateTo) ? now : Date.parse(filter.dateTo);
  let availableHours = 0;
  let days = 0;
  for (let t = from; t < to; t += 86_400_000) {
    availableHours += hours[(new Date(t).getUTCDay() + 6) % 7] as number;
    days++;
  }
  const runHours = reports.reduce((sum, r) => sum + exec(r), 0) / 3600;
  const passed = reports.filter((r) => r.report.result === "P").length;
  const target = ctx.query.int("targetOutput") ?? null;
  const availability = availableHours === 0 ? 0 : Math.min(1, runHours / availableHours);
  const performance = target ? Math.min(1, reports.length / (target * Math.max(1, days))) : 1;
  const quality = reports.length === 0 ? 0 : passed / reports.length;
  const pct = (n: number) => Math.round(n * 10000) / 100;
  return {
    plannedProductionTime: availableHours,
    runTime: Math.round(runHours * 1000) / 1000,
    availability: pct(availability),
    performance: pct(performance),
    quality: pct(quality),
    oee: pct(availability * performance * quality),
    totalCount: reports.length,
    goodCount: passed,
    rejectCount: reports.length - passed,
  };
}

export const analyticsHandlers: HandlerTable = {
  version: (ctx) => json(ctx.state.version),

  levels: (ctx) => json(ctx.state.system.levels()),

  processes: (ctx) => {
    const test = ctx.query.bool("includeTestOperations");
    const repair = ctx.query.bool("includeRepairOperations");
    const wip = ctx.query.bool("includeWipOperations");
    const inactive = ctx.query.bool("includeInactiveProcesses") ?? false;
    const anyKind = test === undefined && repair === undefined && wip === undefined;
    return json(
      ctx.state.system.processes
        .filter(
          (p) =>
            (p.isActive || inactive) &&
            (anyKind ||
              (test === true && p.isTestOperation) ||
              (repair === true && p.isRepairOperation) ||
              (wip === true && p.isWipOperation)),
        )
        // WATS says whether a process is active with its state: 1 = active.
        .map(({ isActive, ...process }) => ({ ...process, state: isActive ? 1 : 0 })),
    );
  },

  productGroups: (ctx) => {
    const withFilters = ctx.query.bool("includeFilters") ?? false;
    return json(
      ctx.state.products
        .groups()
        .map((g) => (withFilters ? g : { productGroupId: g.productGroupId, name: g.name })),
    );
  },

  volumeYield: (ctx) => json(yieldList(ctx.state, getFilter(ctx), "volume")),
  postVolumeYield: (ctx) => json(yieldList(ctx.state, bodyFilter(ctx), "volume")),
  highVolume: (ctx) => json(yieldList(ctx.state, getFilter(ctx), "high")),
  postHighVolume: (ctx) => json(yieldList(ctx.state, bodyFilter(ctx), "high")),
  worstYield: (ctx) => json(yieldList(ctx.state, getFilter(ctx), "worst")),
  postWorstYield: (ctx) => json(yieldList(ctx.state, bodyFilter(ctx), "worst")),
  getHighVolumeByProductGroup: (ctx) => json(yieldList(ctx.state, bodyFilter(ctx), "groupHigh")),
  getWorstYieldByProductGroup: (ctx) => json(yieldList(ctx.state, bodyFilter(ctx), "groupWorst")),

  dynamicYield: (ctx) =>
    json(
      dynamicYield(
        ctx.state,
        bodyFilter(ctx),
        ctx.query.string("dimensions") ??
          bodyFilter(ctx).dimensions ??
          "unitCount desc;partNumber;testOperation",
      ),
    ),

  dynamicRepair: (ctx) =>
    json(
      dynamicRepair(
        ctx.state,
        bodyFilter(ctx),
        ctx.query.string("dimensions") ??
          bodyFilter(ctx).dimensions ??
          "repairCount desc;repairReportCount desc;partNumber;repairOperation",
      ),
    ),

  topFailed: (ctx) => {
    const count = ctx.query.requireInt("count");
    const filter = getFilter(ctx);
    return json(topFailed(filterReports(ctx.state, "T", filter), count));
  },

  postTopFailed: (ctx) => {
    const filter = bodyFilter(ctx);
    return json(topFailed(filterReports(ctx.state, "T", filter), filter.topCount ?? 10));
  },

  getTestStepAnalysis: (ctx) => json(stepAnalysis(filterReports(ctx.state, "T", bodyFilter(ctx)))),

  measurements: (ctx) => {
    const filter = bodyFilter(ctx);
    requirePartAndOperation(filter);
    const paths = ctx.query
      .string("measurementPaths")
      ?.split(";")
      .filter((p) => p !== "");
    return json(measurements(filterReports(ctx.state, "T", filter), paths));
  },

  aggregatedMeasurements: (ctx) => {
    const filter = bodyFilter(ctx);
    requirePartAndOperation(filter);
    const paths = ctx.query
      .string("measurementPaths")
      ?.split(";")
      .filter((p) => p !== "");
    return json(aggregate(measurements(filterReports(ctx.state, "T", filter), paths)));
  },

  uutReport: (ctx) => {
    const filter = filterFromQuery(ctx.query);
    return json(headersOf(ctx.state, filterReports(ctx.state, "T", filter).slice(0, 1000)));
  },

  postUutReport: (ctx) => {
    const filter = bodyFilter(ctx);
    return json(headersOf(ctx.state, limit(filterReports(ctx.state, "T", filter), filter.topCount ?? 1000)));
  },

  uurReports: (ctx) => {
    const filter = bodyFilter(ctx);
    return json(headersOf(ctx.state, limit(filterReports(ctx.state, "R", filter), filter.topCount ?? 1000)));
  },

  serialNumberHistory: (ctx) => {
    const filter = bodyFilter(ctx);
    const reports = [...filterReports(ctx.state, "T", filter), ...filterReports(ctx.state, "R", filter)].sort(
      (a, b) => b.startMs - a.startMs,
    );
    return json(headersOf(ctx.state, limit(reports, filter.topCount ?? 1000)));
  },

  oeeAnalysis: (ctx) => json(oee(ctx)),

  getRelatedRepairHistory: (ctx) => {
    const partNumber = ctx.query.requireString("partNumber");
    const revision = ctx.query.requireString("revision");
    const repairCode = ctx.query.int("repairOperationCode");
    const testCode = ctx.query.int("testOperationCode");
    const rows: RepairHistoryRow[] = [];
    for (const r of filterReports(ctx.state, "R", { partNumber, revision })) {
      const uur = isObject(r.report.uur) ? r.report.uur : {};
      if (repairCode !== undefined && r.report.processCode !== repairCode) continue;
      if (testCode !== undefined && uur.processCode !== testCode) continue;
      for (const f of failuresOf(r.report)) {
        rows.push({
          reportId: r.id,
          serialNumber: String(r.report.sn),
          partNumber: String(r.report.pn),
          revision: String(r.report.rev),
          repairDate: String(r.report.startUTC ?? r.report.start),
          repairOperation: ctx.state.system.process(r.report.processCode as number)?.name ?? null,
          testOperation: ctx.state.system.process(uur.processCode as number)?.name ?? null,
          repairCategory: typeof f.category === "string" ? f.category : null,
          failCode: typeof f.code === "string" ? f.code : null,
          componentRef: typeof f.comRef === "string" ? f.comRef : null,
          failStepName: typeof f.refStepName === "string" ? f.refStepName : null,
        });
      }
    }
    return json(rows);
  },
};
