/** What builders take for measurements, charts and attachments, and how they become WSJF objects. */
import {
  impliedNumericCompOp,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  numericCompOp,
  type StringCompOp,
  stringCompOp,
} from "../compop.js";
import type { MeasurementStatus } from "../model/codes.js";
import type { Attachment, BinaryData, Chart, NumericMeasurement, StringMeasurement } from "../model/types.js";
import type { TextPolicy } from "./text.js";

/**
 * A numeric measurement. Limits: `low` and `high` for the two-limit operators; `limit` (or
 * `low`) for the one-limit operators EQ, NE, GT, GE, LT, LE, whose only limit WATS keeps in
 * `lowLimit`. Without `compOp`: `low` and `high` give GELE, `low` alone GE, `high` alone LE,
 * neither LOG. Without `status` the status is computed from the operator when the report is built.
 */
export interface NumericInput {
  value: number;
  compOp?: NumericCompOp | Lowercase<NumericCompOp>;
  low?: number;
  high?: number;
  limit?: number;
  unit?: string;
  /** An explicit status (import mode for this measurement): kept as given. */
  status?: MeasurementStatus;
  valueFormat?: string;
  lowLimitFormat?: string;
  highLimitFormat?: string;
}

/** A string measurement. Without `compOp`: CASESENSIT when `limit` is given, else LOG. */
export interface StringInput {
  value: string;
  limit?: string;
  compOp?: StringCompOp | Lowercase<StringCompOp>;
  status?: MeasurementStatus;
}

/** One of several measurements of a step: its name is required there. */
export type Named<T> = T & { name: string };

export interface ChartSeriesInput {
  name: string;
  /** X values; omitted means 0, 1, 2, ... */
  x?: readonly number[];
  y: readonly number[];
}

export interface ChartInput {
  /** `Line` (default), `LineLogX`, `LineLogY`, `LineLogXY`. */
  chartType?: string;
  label: string;
  xLabel?: string;
  xUnit?: string;
  yLabel?: string;
  yUnit?: string;
  series: readonly ChartSeriesInput[];
}

/** A file: its name, MIME type and content (text is stored as UTF-8). */
export interface AttachmentInput {
  name: string;
  contentType: string;
  data: Uint8Array | ArrayBuffer | string;
}

function misuse(message: string): never {
  throw new TypeError(message);
}

/** The numeric measurement object for `input`, with the limits where WATS expects them. */
export function numericMeasurement(
  input: NumericInput,
  name: string | null,
  text: TextPolicy,
): NumericMeasurement {
  const { low, high, limit } = input;
  let op: NumericCompOp;
  if (input.compOp !== undefined) {
    op = numericCompOp(input.compOp) ?? misuse(`unknown numeric operator ${JSON.stringify(input.compOp)}`);
  } else if (limit !== undefined) {
    misuse("a `limit` needs a `compOp` saying how the value compares with it");
  } else op = impliedNumericCompOp(low, high);
  const needs = NUMERIC_COMP_OPS[op];
  let lowLimit: number | null = null;
  let highLimit: number | null = null;
  if (needs === 0) {
    if (low !== undefined || high !== undefined || limit !== undefined) misuse("LOG compares with no limit");
  } else if (needs === 1) {
    if (limit !== undefined && low !== undefined)
      misuse(`${op} takes one limit: pass \`limit\` or \`low\`, not both`);
    // Without an explicit operator, a lone `high` means "at most": LE with its limit in lowLimit.
    const single = limit ?? low ?? (input.compOp === undefined ? high : undefined);
    if (high !== undefined && input.compOp !== undefined) {
      misuse(`${op} takes one limit, which WATS keeps in lowLimit: pass it as \`limit\`, not \`high\``);
    }
    lowLimit = single ?? null;
  } else {
    if (limit !== undefined) misuse(`${op} takes two limits: pass \`low\` and \`high\`, not \`limit\``);
    lowLimit = low ?? null;
    highLimit = high ?? null;
  }
  const m: NumericMeasurement = {
    compOp: op,
    name,
    status: input.status ?? null,
    unit: input.unit === undefined ? null : text.clean(input.unit, "unit"),
    value: input.value,
    lowLimit,
    highLimit,
  };
  if (input.valueFormat !== undefined) m.valueFormat = input.valueFormat;
  if (input.lowLimitFormat !== undefined) m.lowLimitFormat = input.lowLimitFormat;
  if (input.highLimitFormat !== undefined) m.highLimitFormat = input.highLimitFormat;
  return m;
}

export function stringMeasurement(
  input: StringInput,
  name: string | null,
  text: TextPolicy,
): StringMeasurement {
  const op: StringCompOp =
    input.compOp !== undefined
      ? (stringCompOp(input.compOp) ?? misuse(`unknown string operator ${JSON.stringify(input.compOp)}`))
      : input.limit !== undefined
        ? "CASESENSIT"
        : "LOG";
  if (op === "LOG" && input.limit !== undefined) misuse("LOG compares with no limit");
  return {
    compOp: op,
    name,
    status: input.status ?? null,
    value: text.clean(input.value, "stringValue"),
    limit: input.limit === undefined ? null : text.clean(input.limit, "stringValue"),
  };
}

/** Invariant-culture number text: "." decimal point, no grouping. */
const numberText = (n: number): string => {
  if (!Number.isFinite(n)) misuse(`chart values must be finite, not ${n}`);
  return String(n);
};

export function chart(input: ChartInput, text: TextPolicy): Chart {
  return {
    chartType: input.chartType ?? "Line",
    label: text.clean(input.label, "chartLabel"),
    xLabel: input.xLabel === undefined ? null : text.clean(input.xLabel, "chartLabel"),
    xUnit: input.xUnit === undefined ? null : text.clean(input.xUnit, "chartUnit"),
    yLabel: input.yLabel === undefined ? null : text.clean(input.yLabel, "chartLabel"),
    yUnit: input.yUnit === undefined ? null : text.clean(input.yUnit, "chartUnit"),
    series: input.series.map((s) => {
      const x = s.x ?? s.y.map((_, i) => i);
      if (x.length !== s.y.length)
        misuse(`chart series ${JSON.stringify(s.name)}: ${x.length} x values but ${s.y.length} y values`);
      return {
        dataType: "XYG",
        name: text.clean(s.name, "chartLabel"),
        xdata: x.map(numberText).join(";"),
        ydata: s.y.map(numberText).join(";"),
      };
    }),
  };
}

function base64(data: Uint8Array | ArrayBuffer | string): string {
  if (typeof data === "string") return Buffer.from(data, "utf8").toString("base64");
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function attachment(input: AttachmentInput, text: TextPolicy): Attachment {
  return {
    name: text.clean(input.name, "attachmentName"),
    contentType: text.clean(input.contentType, "contentType"),
    data: base64(input.data),
  };
}

export function binaryData(input: AttachmentInput, text: TextPolicy): BinaryData {
  return { ...attachment(input, text) };
}
