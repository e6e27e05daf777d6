/**
 * Comparison operators of numeric and string measurements, evaluated exactly as the table in
 * the WSJF format document (checked against all 311 measurements of the two UUT fixtures):
 *
 * | op | limits | passes when |                | op | limits | passes when |
 * |----|--------|-------------|----------------|----|--------|-------------|
 * | LOG | none | always        |              | GTLT | L, H | L < v < H |
 * | EQ | L | v = L            |              | GTLE | L, H | L < v <= H |
 * | NE | L | v != L           |              | GELT | L, H | L <= v < H |
 * | GT | L | v > L            |              | GELE | L, H | L <= v <= H |
 * | GE | L | v >= L           |              | LTGT | L, H | v < L or v > H |
 * | LT | L | v < L            |              | LTGE | L, H | v < L or v >= H |
 * | LE | L | v <= L           |              | LEGT | L, H | v <= L or v > H |
 * |    |   |                  |              | LEGE | L, H | v <= L or v >= H |
 *
 * L is `lowLimit`, H is `highLimit`. The one-limit operators read `lowLimit` only, LT and LE
 * included (pyWATS reads those from `highLimit`, which contradicts the server's data).
 * NaN follows IEEE 754: every comparison with NaN is false, so NE passes and everything else
 * fails; +-Infinity compares as the extreme it is. Operator names are case-insensitive.
 */
import type { MeasurementStatus } from "./model/codes.js";
import type { NumericMeasurement, StringMeasurement } from "./model/types.js";

export type NumericCompOp =
  | "LOG"
  | "EQ"
  | "NE"
  | "GT"
  | "GE"
  | "LT"
  | "LE"
  | "GTLT"
  | "GTLE"
  | "GELT"
  | "GELE"
  | "LTGT"
  | "LTGE"
  | "LEGT"
  | "LEGE";

/** String operators: LOG, CASESENSIT, IGNORECASE (the ones WATS exports), EQ/NE, and the ordinal GT/GE/LT/LE of the C# API. */
export type StringCompOp = "LOG" | "EQ" | "NE" | "CASESENSIT" | "IGNORECASE" | "GT" | "GE" | "LT" | "LE";

/** How many limits an operator compares with: 0 (LOG), 1 (lowLimit only) or 2 (lowLimit and highLimit). */
export const NUMERIC_COMP_OPS: Readonly<Record<NumericCompOp, 0 | 1 | 2>> = {
  LOG: 0,
  EQ: 1,
  NE: 1,
  GT: 1,
  GE: 1,
  LT: 1,
  LE: 1,
  GTLT: 2,
  GTLE: 2,
  GELT: 2,
  GELE: 2,
  LTGT: 2,
  LTGE: 2,
  LEGT: 2,
  LEGE: 2,
};

/** How many limits a string operator compares with: 0 (LOG) or 1 (`limit`). */
export const STRING_COMP_OPS: Readonly<Record<StringCompOp, 0 | 1>> = {
  LOG: 0,
  EQ: 1,
  NE: 1,
  CASESENSIT: 1,
  IGNORECASE: 1,
  GT: 1,
  GE: 1,
  LT: 1,
  LE: 1,
};

/**
 * The operator that limits imply when nothing names one: GELE for both, GE for a low limit only,
 * LE for a high limit only, LOG for none.
 */
export function impliedNumericCompOp(low: unknown, high: unknown): NumericCompOp {
  if (low !== undefined && high !== undefined) return "GELE";
  if (low !== undefined) return "GE";
  return high !== undefined ? "LE" : "LOG";
}

/** The numeric operator a text names (any case), or undefined for an unknown one. */
export function numericCompOp(text: string): NumericCompOp | undefined {
  if (Object.hasOwn(NUMERIC_COMP_OPS, text)) return text as NumericCompOp;
  const upper = text.trim().toUpperCase();
  return Object.hasOwn(NUMERIC_COMP_OPS, upper) ? (upper as NumericCompOp) : undefined;
}

/** The string operator a text names (any case), or undefined for an unknown one. */
export function stringCompOp(text: string): StringCompOp | undefined {
  if (Object.hasOwn(STRING_COMP_OPS, text)) return text as StringCompOp;
  const upper = text.trim().toUpperCase();
  return Object.hasOwn(STRING_COMP_OPS, upper) ? (upper as StringCompOp) : undefined;
}

const isNumber = (value: number | null | undefined): value is number => typeof value === "number";

/**
 * The limits an operator needs that are missing (`lowLimit`, `highLimit`); empty for LOG and
 * for unknown operators.
 */
export function missingLimits(
  compOp: string,
  lowLimit: number | null | undefined,
  highLimit: number | null | undefined,
): ("lowLimit" | "highLimit")[] {
  const op = numericCompOp(compOp);
  if (op === undefined) return [];
  const needs = NUMERIC_COMP_OPS[op];
  const missing: ("lowLimit" | "highLimit")[] = [];
  if (needs >= 1 && !isNumber(lowLimit)) missing.push("lowLimit");
  if (needs === 2 && !isNumber(highLimit)) missing.push("highLimit");
  return missing;
}

/**
 * Whether a numeric value passes its operator: `"P"` or `"F"`, or undefined when it cannot be
 * evaluated (unknown operator, no value, or a limit the operator needs is missing).
 */
export function evaluateNumeric(
  compOp: string,
  value: number | null | undefined,
  lowLimit?: number | null,
  highLimit?: number | null,
): "P" | "F" | undefined {
  const op = numericCompOp(compOp);
  if (op === undefined) return undefined;
  if (op === "LOG") return "P";
  if (!isNumber(value) || !isNumber(lowLimit)) return undefined;
  const v = value;
  const L = lowLimit;
  let pass: boolean;
  switch (op) {
    case "EQ":
      pass = v === L;
      break;
    case "NE":
      pass = v !== L;
      break;
    case "GT":
      pass = v > L;
      break;
    case "GE":
      pass = v >= L;
      break;
    case "LT":
      pass = v < L;
      break;
    case "LE":
      pass = v <= L;
      break;
    default: {
      if (!isNumber(highLimit)) return undefined;
      const H = highLimit;
      switch (op) {
        case "GTLT":
          pass = L < v && v < H;
          break;
        case "GTLE":
          pass = L < v && v <= H;
          break;
        case "GELT":
          pass = L <= v && v < H;
          break;
        case "GELE":
          pass = L <= v && v <= H;
          break;
        case "LTGT":
          pass = v < L || v > H;
          break;
        case "LTGE":
          pass = v < L || v >= H;
          break;
        case "LEGT":
          pass = v <= L || v > H;
          break;
        case "LEGE":
          pass = v <= L || v >= H;
          break;
      }
    }
  }
  return pass ? "P" : "F";
}

/** `a` and `b` equal ignoring case (invariant upper-casing, as .NET's OrdinalIgnoreCase). */
function equalsIgnoreCase(a: string, b: string): boolean {
  return a === b || a.toUpperCase() === b.toUpperCase();
}

/**
 * Whether a string value passes its operator: `"P"`, `"F"`, or undefined when it cannot be
 * evaluated (unknown operator, or no value/limit for a comparing operator). GT/GE/LT/LE compare
 * ordinally (by UTF-16 code units), value against limit.
 */
export function evaluateString(
  compOp: string,
  value: string | null | undefined,
  limit: string | null | undefined,
): "P" | "F" | undefined {
  const op = stringCompOp(compOp);
  if (op === undefined) return undefined;
  if (op === "LOG") return "P";
  if (typeof value !== "string" || typeof limit !== "string") return undefined;
  let pass: boolean;
  switch (op) {
    case "EQ":
    case "CASESENSIT":
      pass = value === limit;
      break;
    case "NE":
      pass = value !== limit;
      break;
    case "IGNORECASE":
      pass = equalsIgnoreCase(value, limit);
      break;
    case "GT":
      pass = value > limit;
      break;
    case "GE":
      pass = value >= limit;
      break;
    case "LT":
      pass = value < limit;
      break;
    case "LE":
      pass = value <= limit;
      break;
  }
  return pass ? "P" : "F";
}

/** The status a numeric measurement's operator gives it (undefined when it cannot be evaluated). */
export function evaluateNumericMeasurement(m: NumericMeasurement): MeasurementStatus | undefined {
  return typeof m.compOp === "string"
    ? evaluateNumeric(m.compOp, m.value, m.lowLimit, m.highLimit)
    : undefined;
}

/** The status a string measurement's operator gives it (undefined when it cannot be evaluated). */
export function evaluateStringMeasurement(m: StringMeasurement): MeasurementStatus | undefined {
  return typeof m.compOp === "string" ? evaluateString(m.compOp, m.value, m.limit) : undefined;
}
