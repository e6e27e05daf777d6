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
  passedCount: number;
  failedCount: number;
  errorCount: number;
  skippedCount: number;
  avgTime: number;
  minTime: number | null;
  maxTime: number | null;
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
      passedCount: count("P"),
      failedCount: count("F"),
      errorCount: count("E"),
      skippedCount: count("S"),
      avgTime: times.length === 0 ? 0 : times.reduce((a, b) => a + b, 0) / times.length,
      minTime: times.length === 0 ? null : Math.min(...times),
      maxTime: times.length === 0 ? null : Math.max(...times),
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
  value: number | string | null;
  status: string | null;
  unit: string | null;
  compOp: string | null;
  lowLimit: number | string | null;
  highLimit: number | string | null;
}

/** Item of `POST /api/App/AggregatedMeasurements`. */
export interface AggregatedMeasurementRow {
  measurementPath: string;
  count: number;
  failCount: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  stdev: number | null;
  cpk: number | null;
  unit: string | null;
  lowLimit: number | null;
  highLimit: number | null;
}

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
          value: (m.value as number | string | undefined) ?? null,
          status: typeof m.status === "string" ? m.status : null,
          unit: typeof m.unit === "string" ? m.unit : null,
          compOp: typeof m.compOp === "string" ? m.compOp : null,
          lowLimit: (m.lowLimit as number | string | undefined) ?? null,
          highLimit: (m.highLimit as number | string | undefined) ?? null,
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
    const low = typeof last?.lowLimit === "number" ? last.lowLimit : null;
    const high = typeof last?.highLimit === "number" ? last.highLimit : null;
    const cpk =
      avg !== null && stdev !== null && stdev > 0 && low !== null && high !== null
        ? Math.min((high - avg) / (3 * stdev), (avg - low) / (3 * stdev))
        : null;
    return {
      measurementPath,
      count: list.length,
      failCount: list.filter((r) => r.status === "F").length,
      min: n === 0 ? null : Math.min(...values),
      max: n === 0 ? null : Math.max(...values),
      avg,
      stdev,
      cpk,
      unit: last?.unit ?? null,
      lowLimit: low,
      highLimit: high,
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
