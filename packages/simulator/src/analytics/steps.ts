/** Step and measurement statistics over stored test reports (TopFailed, TestStepAnalysis, Measurements). */
import { badRequest } from "../errors.js";
import { isObject, type JsonObject, PATH_SEPARATOR, walkSteps } from "../formats/wsjf.js";
import type { StoredReport } from "../stores/report-store.js";

/** Item of the TopFailed endpoints. */
export interface FailedStepRow {
  stepName: string;
  stepPath: string;
  stepType: string;
  failCount: number;
  totalCount: number;
  failRate: number;
}

/** Item of `POST /api/App/TestStepAnalysis`. */
export interface StepAnalysisRow {
  stepName: string;
  stepPath: string;
  stepType: string;
  stepCount: number;
  stepPassedCount: number;
  stepFailedCount: number;
  stepErrorCount: number;
  stepSkippedCount: number;
  stepTimeAvg: number;
  stepTimeMin: number | null;
  stepTimeMax: number | null;
}

function collect(
  reports: readonly StoredReport[],
): Map<string, { rows: JsonObject[]; name: string; type: string }> {
  const byPath = new Map<string, { rows: JsonObject[]; name: string; type: string }>();
  for (const r of reports) {
    let first = true;
    for (const { step, path } of walkSteps(r.report.root)) {
      if (first) {
        first = false;
        continue; // the root sequence is the report itself
      }
      const key = path.join(PATH_SEPARATOR);
      const entry = byPath.get(key);
      if (entry) entry.rows.push(step);
      else
        byPath.set(key, { rows: [step], name: String(step.name ?? ""), type: String(step.stepType ?? "") });
    }
  }
  return byPath;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The steps that failed most often, most failures first. */
export function topFailed(reports: readonly StoredReport[], count: number): FailedStepRow[] {
  const rows: FailedStepRow[] = [];
  for (const [stepPath, { rows: steps, name, type }] of collect(reports)) {
    const failCount = steps.filter((s) => s.status === "F").length;
    if (failCount === 0) continue;
    rows.push({
      stepName: name,
      stepPath,
      stepType: type,
      failCount,
      totalCount: steps.length,
      failRate: round((100 * failCount) / steps.length),
    });
  }
  return rows
    .sort((a, b) => b.failCount - a.failCount || a.stepPath.localeCompare(b.stepPath))
    .slice(0, count);
}

export function stepAnalysis(reports: readonly StoredReport[]): StepAnalysisRow[] {
  const rows: StepAnalysisRow[] = [];
  for (const [stepPath, { rows: steps, name, type }] of collect(reports)) {
    const times = steps.map((s) => s.totTime).filter((t): t is number => typeof t === "number");
    const count = (status: string) => steps.filter((s) => s.status === status).length;
    rows.push({
      stepName: name,
      stepPath,
      stepType: type,
      stepCount: steps.length,
      stepPassedCount: count("P"),
      stepFailedCount: count("F"),
      stepErrorCount: count("E"),
      stepSkippedCount: count("S"),
      stepTimeAvg: times.length === 0 ? 0 : times.reduce((a, b) => a + b, 0) / times.length,
      stepTimeMin: times.length === 0 ? null : Math.min(...times),
      stepTimeMax: times.length === 0 ? null : Math.max(...times),
    });
  }
  return rows;
}

/** Item of `POST /api/App/Measurements`. */
export interface MeasurementRow {
  measurementPath: string;
  reportId: string;
  serialNumber: string;
  partNumber: string;
  revision: string;
  startUtc: string;
  value: number | null;
  status: string | null;
  unit: string | null;
  compOperator: string | null;
  /** Low limit, or the only one (WATS's limit1). */
  limit1: number | null;
  /** High limit (WATS's limit2). */
  limit2: number | null;
}

/** Item of `POST /api/App/AggregatedMeasurements`. */
export interface AggregatedMeasurementRow {
  measurementPath: string;
  count: number;
  stepFailCount: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  stdev: number | null;
  cpk: number | null;
  unit: string | null;
  limit1: number | null;
  limit2: number | null;
}

const numberOrNull = (value: unknown): number | null => (typeof value === "number" ? value : null);

export const MAX_MEASUREMENTS = 10_000;

/**
 * Numeric measurements by path: step names joined with `¶`, then `¶¶<name>` for a named
 * measurement of a multi-measurement step (WATS's notation). No paths = every numeric path.
 */
export function measurements(
  reports: readonly StoredReport[],
  paths: readonly string[] | undefined,
): MeasurementRow[] {
  const wanted = paths?.map((p) => p.toLowerCase());
  const rows: MeasurementRow[] = [];
  const ordered = [...reports].sort((a, b) => a.startMs - b.startMs);
  for (const r of ordered) {
    for (const { step, path } of walkSteps(r.report.root)) {
      const list = Array.isArray(step.numericMeas) ? step.numericMeas.filter(isObject) : [];
      for (const m of list) {
        const base = path.join(PATH_SEPARATOR);
        const measurementPath =
          typeof m.name === "string" && list.length > 1
            ? `${base}${PATH_SEPARATOR}${PATH_SEPARATOR}${m.name}`
            : base;
        if (wanted && !wanted.includes(measurementPath.toLowerCase())) continue;
        rows.push({
          measurementPath,
          reportId: r.id,
          serialNumber: String(r.report.sn),
          partNumber: String(r.report.pn),
          revision: String(r.report.rev),
          startUtc: String(r.report.startUTC ?? ""),
          value: numberOrNull(m.value),
          status: typeof m.status === "string" ? m.status : null,
          unit: typeof m.unit === "string" ? m.unit : null,
          compOperator: typeof m.compOp === "string" ? m.compOp : null,
          limit1: numberOrNull(m.lowLimit),
          limit2: numberOrNull(m.highLimit),
        });
        if (rows.length >= MAX_MEASUREMENTS) return rows;
      }
    }
  }
  return rows;
}

export function aggregate(rows: readonly MeasurementRow[]): AggregatedMeasurementRow[] {
  const byPath = new Map<string, MeasurementRow[]>();
  for (const row of rows) {
    const list = byPath.get(row.measurementPath);
    if (list) list.push(row);
    else byPath.set(row.measurementPath, [row]);
  }
  return [...byPath].map(([measurementPath, list]) => {
    const values = list.map((r) => r.value).filter((v): v is number => typeof v === "number");
    const n = values.length;
    const avg = n === 0 ? null : values.reduce((a, b) => a + b, 0) / n;
    const stdev =
      avg === null || n < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - avg) ** 2, 0) / (n - 1));
    const last = list[list.length - 1];
    const low = last?.limit1 ?? null;
    const high = last?.limit2 ?? null;
    const cpk =
      avg !== null && stdev !== null && stdev > 0 && low !== null && high !== null
        ? Math.min((high - avg) / (3 * stdev), (avg - low) / (3 * stdev))
        : null;
    return {
      measurementPath,
      count: list.length,
      stepFailCount: list.filter((r) => r.status === "F").length,
      min: n === 0 ? null : Math.min(...values),
      max: n === 0 ? null : Math.max(...values),
      avg,
      stdev,
      cpk,
      unit: last?.unit ?? null,
      limit1: low,
      limit2: high,
    };
  });
}

/** The measurement routes need a part number and a test operation in the filter (as WATS does). */
export function requirePartAndOperation(filter: {
  partNumber?: string | null;
  testOperation?: string | null;
}): void {
  if (!filter.partNumber || !filter.testOperation) {
    throw badRequest("The filter needs 'partNumber' and 'testOperation' for measurement queries.");
  }
}
