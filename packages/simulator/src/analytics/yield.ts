/**
 * Yield figures from stored test reports, the way WATS defines them: units are counted once per
 * (part number, serial number, process); a unit passes first time (FP) when its first run passed,
 * second time (SP) when it passed within two runs, third (TP) within three, last (LP) when its
 * latest run passed. Yields are percentages of the unit count, rounded to two decimals.
 */
import { badRequest } from "../errors.js";
import { isObject } from "../formats/wsjf.js";
import type { SimState } from "../state.js";
import type { StoredReport } from "../stores/report-store.js";

/** One row of the yield endpoints: the dimension values, then the KPIs. */
export type YieldRow = Record<string, string | number | null>;

export const YIELD_KPIS = [
  "unitCount",
  "fpCount",
  "spCount",
  "tpCount",
  "lpCount",
  "fpy",
  "spy",
  "tpy",
  "lpy",
  "testYieldCount",
  "testReportCount",
  "testYield",
  "firstUtc",
  "lastUtc",
  "fpFailCount",
  "spFailCount",
  "tpFailCount",
  "lpFailCount",
  "retestCount",
] as const;

type Dimension = (r: StoredReport, state: SimState) => string | number | null;

const uutField = (key: string) => (r: StoredReport) => {
  const uut = isObject(r.report.uut) ? r.report.uut : {};
  const value = uut[key];
  return typeof value === "string" || typeof value === "number" ? value : null;
};

export const YIELD_DIMENSIONS: Record<string, Dimension> = {
  partNumber: (r) => String(r.report.pn),
  revision: (r) => String(r.report.rev),
  productName: (r, s) => s.products.get(String(r.report.pn))?.name ?? null,
  stationName: (r) => String(r.report.machineName),
  location: (r) => String(r.report.location),
  purpose: (r) => String(r.report.purpose),
  testOperation: (r, s) =>
    s.system.process(r.report.processCode as number)?.name ?? String(r.report.processName ?? ""),
  processCode: (r) => r.report.processCode as number,
  productGroup: (r, s) =>
    s.products
      .groupsOf(String(r.report.pn), String(r.report.rev))
      .map((g) => g.name)
      .join(";") || null,
  level: (r, s) => {
    const client = s.system.clients().find((c) => c.name === r.report.machineName);
    return client?.clientGroupId === undefined || client.clientGroupId === null
      ? null
      : (s.system.level(client.clientGroupId)?.name ?? null);
  },
  period: (r) => new Date(r.startMs).toISOString().slice(0, 10),
  batchNumber: uutField("batchSN"),
  operator: uutField("user"),
  fixtureId: uutField("fixtureId"),
  socketIndex: uutField("testSocketIndex"),
  errorCode: uutField("errorCode"),
  swFilename: (r) => {
    const root = isObject(r.report.root) ? r.report.root : {};
    return isObject(root.seqCall) && typeof root.seqCall.path === "string" ? root.seqCall.path : null;
  },
  swVersion: (r) => {
    const root = isObject(r.report.root) ? r.report.root : {};
    return isObject(root.seqCall) && typeof root.seqCall.version === "string" ? root.seqCall.version : null;
  },
};

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((10000 * part) / whole) / 100);

/** The KPIs of a set of test reports. */
export function yieldKpis(reports: readonly StoredReport[]): YieldRow {
  const units = new Map<string, StoredReport[]>();
  for (const r of reports) {
    const key = [r.report.pn, r.report.sn, r.report.processCode]
      .map((v) => String(v).toLowerCase())
      .join("\u0000");
    const runs = units.get(key);
    if (runs) runs.push(r);
    else units.set(key, [r]);
  }
  let fp = 0;
  let sp = 0;
  let tp = 0;
  let lp = 0;
  for (const runs of units.values()) {
    runs.sort((a, b) => a.startMs - b.startMs);
    const firstPass = runs.findIndex((r) => r.report.result === "P");
    if (firstPass === 0) fp++;
    if (firstPass >= 0 && firstPass <= 1) sp++;
    if (firstPass >= 0 && firstPass <= 2) tp++;
    if (runs[runs.length - 1]?.report.result === "P") lp++;
  }
  const unitCount = units.size;
  const passedReports = reports.filter((r) => r.report.result === "P").length;
  const starts = reports.map((r) => r.startMs);
  return {
    unitCount,
    fpCount: fp,
    spCount: sp,
    tpCount: tp,
    lpCount: lp,
    fpy: pct(fp, unitCount),
    spy: pct(sp, unitCount),
    tpy: pct(tp, unitCount),
    lpy: pct(lp, unitCount),
    testYieldCount: passedReports,
    testReportCount: reports.length,
    testYield: pct(passedReports, reports.length),
    firstUtc: starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : null,
    lastUtc: starts.length > 0 ? new Date(Math.max(...starts)).toISOString() : null,
    fpFailCount: unitCount - fp,
    spFailCount: unitCount - sp,
    tpFailCount: unitCount - tp,
    lpFailCount: unitCount - lp,
    retestCount: reports.length - unitCount,
  };
}

/** Groups reports by dimensions and computes the KPIs of each group. */
export function groupBy(
  reports: readonly StoredReport[],
  dimensions: readonly string[],
  state: SimState,
  kpis: (group: StoredReport[]) => YieldRow,
  dimensionTable: Record<string, (r: StoredReport, state: SimState) => string | number | null>,
): YieldRow[] {
  const groups = new Map<string, { values: YieldRow; reports: StoredReport[] }>();
  for (const r of reports) {
    const values: YieldRow = {};
    for (const d of dimensions)
      values[d] = (dimensionTable[d] as (r: StoredReport, s: SimState) => string | number | null)(r, state);
    const key = JSON.stringify(dimensions.map((d) => values[d]));
    const group = groups.get(key);
    if (group) group.reports.push(r);
    else groups.set(key, { values, reports: [r] });
  }
  return [...groups.values()].map((g) => ({ ...g.values, ...kpis(g.reports) }));
}

export interface DimensionSpec {
  dimensions: string[];
  order: { key: string; descending: boolean }[];
  kpis: string[];
}

/**
 * Reads a `dimensions` text like `unitCount desc;partNumber;testOperation`: dimension names
 * group, KPI names select (and with asc/desc sort) the figures. Unknown names are a 400.
 */
export function parseDimensions(
  text: string,
  known: readonly string[],
  kpis: readonly string[],
): DimensionSpec {
  const spec: DimensionSpec = { dimensions: [], order: [], kpis: [] };
  for (const part of text.split(";")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const [name = "", direction] = trimmed.split(/\s+/);
    const dimension = known.find((d) => d.toLowerCase() === name.toLowerCase());
    const kpi = kpis.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!dimension && !kpi) {
      throw badRequest(
        `'${name}' is not a supported dimension or KPI. Dimensions: ${known.join(", ")}. KPIs: ${kpis.join(", ")}.`,
      );
    }
    if (direction !== undefined && !/^(asc|desc)$/i.test(direction)) {
      throw badRequest(`'${direction}' after '${name}' must be asc or desc.`);
    }
    const key = (dimension ?? kpi) as string;
    if (dimension) spec.dimensions.push(dimension);
    else spec.kpis.push(key);
    spec.order.push({ key, descending: direction?.toLowerCase() === "desc" });
  }
  if (spec.dimensions.length === 0) throw badRequest("The dimensions must name at least one dimension.");
  return spec;
}

/** Sorts rows by the order keys, in order; values compare as numbers or text. */
export function sortRows(
  rows: YieldRow[],
  order: readonly { key: string; descending: boolean }[],
): YieldRow[] {
  return rows.sort((a, b) => {
    for (const { key, descending } of order) {
      const x = a[key] ?? null;
      const y = b[key] ?? null;
      let c = 0;
      if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
      else if (typeof x === "number" && typeof y === "number") c = x - y;
      else c = String(x).localeCompare(String(y));
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}

/** Keeps the dimension values and only the requested KPIs (all when none requested). */
export function selectKpis(rows: YieldRow[], spec: DimensionSpec): YieldRow[] {
  if (spec.kpis.length === 0) return rows;
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).filter(([k]) => spec.dimensions.includes(k) || spec.kpis.includes(k)),
    ),
  );
}
