/**
 * TestStand measurements -> WSJF measurement inputs. TestStand's comparison texts are WSJF's
 * operators except `EQT` (equal within a tolerance); limits may be infinite and values NaN, which
 * WSJF (JSON numbers) cannot carry. Everything that cannot be carried as written degrades to the
 * nearest faithful form and says so in `notes`:
 *
 * - a two-limit operator with one infinite limit becomes the one-limit operator it then is
 *   (GELE with Low = -Inf is LE with High) — exactly the same test, no note;
 * - EQT becomes GELE with the actual limits (Nominal -/+ threshold: delta, percentage or ppm);
 * - unknown operators, missing or unusable limits become LOG (the value kept, a note);
 * - a value that is NaN or infinite cannot be sent at all: the measurement is dropped (a note).
 */
import {
  type MeasurementStatus,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  type NumericInput,
  numericCompOp,
  type StringCompOp,
  type StringInput,
  stringCompOp,
} from "@tswats/report";

export interface NumericSource {
  /** The measured value (undefined: none written). */
  value: number | undefined;
  valueText: string | undefined;
  low: number | undefined;
  high: number | undefined;
  comp: string | undefined;
  unit: string | undefined;
  /** EQT: Limits.ThresholdType and the raw limits (RawLimits.Nominal / Low / High). */
  thresholdType?: string | undefined;
  nominal?: number | undefined;
  rawLow?: number | undefined;
  rawHigh?: number | undefined;
}

export type MappedNumeric =
  | { kind: "ok"; input: NumericInput; notes: string[] }
  | { kind: "dropped"; reason: string };

const show = (n: number | undefined) => (n === undefined ? "none" : String(n));

/** The one-limit halves of the two-limit operators: [lower half, upper half]. */
const HALVES: Readonly<Record<string, readonly [NumericCompOp, NumericCompOp]>> = {
  GTLT: ["GT", "LT"],
  GTLE: ["GT", "LE"],
  GELT: ["GE", "LT"],
  GELE: ["GE", "LE"],
  LTGT: ["LT", "GT"],
  LTGE: ["LT", "GE"],
  LEGT: ["LE", "GT"],
  LEGE: ["LE", "GE"],
};

/** Actual EQT limits: nominal -/+ threshold in the threshold type's unit. */
function eqtLimits(src: NumericSource): { low?: number; high?: number } {
  const nominal = src.nominal;
  const type = src.thresholdType?.trim().toLowerCase();
  if (nominal === undefined || !Number.isFinite(nominal) || type === undefined)
    return {
      ...(src.low !== undefined ? { low: src.low } : {}),
      ...(src.high !== undefined ? { high: src.high } : {}),
    };
  const scale =
    type === "percentage" || type === "percent"
      ? Math.abs(nominal) / 100
      : type === "ppm"
        ? Math.abs(nominal) / 1_000_000
        : type === "delta"
          ? 1
          : undefined;
  if (scale === undefined) return {};
  const out: { low?: number; high?: number } = {};
  if (src.rawLow !== undefined && Number.isFinite(src.rawLow)) out.low = nominal - src.rawLow * scale;
  if (src.rawHigh !== undefined && Number.isFinite(src.rawHigh)) out.high = nominal + src.rawHigh * scale;
  return out;
}

/** The single limit a one-limit operator uses: LT/LE compare with High, the others with Low, either when only one is written. */
function singleLimit(
  op: NumericCompOp,
  low: number | undefined,
  high: number | undefined,
): number | undefined {
  if (op === "LT" || op === "LE") return high ?? low;
  return low ?? high;
}

export function mapNumeric(src: NumericSource, status: MeasurementStatus | undefined): MappedNumeric {
  const { value } = src;
  if (value === undefined) return { kind: "dropped", reason: "no measured value" };
  if (!Number.isFinite(value))
    return {
      kind: "dropped",
      reason: `the measured value ${src.valueText?.trim() || String(value)} is not a finite number, which WSJF cannot carry`,
    };
  const notes: string[] = [];
  const base: NumericInput = { value };
  if (src.unit !== undefined && src.unit !== "") base.unit = src.unit;
  if (status !== undefined) base.status = status;
  const log = (why: string): MappedNumeric => {
    notes.push(`${why}; sent as LOG (value kept)`);
    return { kind: "ok", input: { ...base, compOp: "LOG" }, notes };
  };

  let low = src.low;
  let high = src.high;
  let op: NumericCompOp | undefined;
  const comp = src.comp?.trim();
  if (comp !== undefined && comp !== "" && comp.toUpperCase() === "EQT") {
    ({ low, high } = eqtLimits(src));
    if (low === undefined || high === undefined || !Number.isFinite(low) || !Number.isFinite(high))
      return log(
        `comparison EQT (equal within tolerance) without usable limits (Low ${show(low)}, High ${show(high)})`,
      );
    notes.push(
      `comparison EQT (equal within tolerance) has no WSJF operator; sent as GELE [${low}, ${high}]`,
    );
    op = "GELE";
  } else if (comp === undefined || comp === "") {
    op =
      low !== undefined && high !== undefined
        ? "GELE"
        : low !== undefined
          ? "GE"
          : high !== undefined
            ? "LE"
            : "LOG";
  } else {
    op = numericCompOp(comp);
    if (op === undefined)
      return log(`unknown comparison "${comp}" (limits Low ${show(low)}, High ${show(high)} not compared)`);
  }

  const needs = NUMERIC_COMP_OPS[op];
  if (needs === 0) return { kind: "ok", input: { ...base, compOp: op }, notes };
  if (needs === 1) {
    const limit = singleLimit(op, low, high);
    if (limit === undefined) return log(`comparison ${op} without a limit`);
    if (!Number.isFinite(limit))
      return log(`comparison ${op} with the limit ${limit}, which WSJF cannot carry`);
    return { kind: "ok", input: { ...base, compOp: op, limit }, notes };
  }
  if (low === undefined || high === undefined)
    return log(`comparison ${op} needs Low and High (Low ${show(low)}, High ${show(high)})`);
  if (Number.isNaN(low) || Number.isNaN(high))
    return log(`comparison ${op} with a NaN limit (Low ${show(low)}, High ${show(high)})`);
  if (Number.isFinite(low) && Number.isFinite(high))
    return { kind: "ok", input: { ...base, compOp: op, low, high }, notes };
  // One or both limits infinite. Inside a range (GE..LE) and outside it (LT..GT) alike, a Low of
  // -Inf removes the lower comparison and a High of +Inf the upper one: the other half remains.
  const [lower, upper] = HALVES[op] as readonly [NumericCompOp, NumericCompOp];
  const lowOpen = low === -Infinity;
  const highOpen = high === Infinity;
  if (low === Infinity || high === -Infinity || (lowOpen && highOpen))
    return log(`comparison ${op} with limits [${low}, ${high}], which WSJF cannot carry`);
  if (lowOpen) return { kind: "ok", input: { ...base, compOp: upper, limit: high }, notes };
  return { kind: "ok", input: { ...base, compOp: lower, limit: low }, notes };
}

export interface StringSource {
  value: string;
  limit: string | undefined;
  comp: string | undefined;
}

/** TestStand's string comparison texts (`IgnoreCase`, `CaseSensitive`) and WSJF's own. */
export function stringOperator(comp: string): StringCompOp | undefined {
  const c = comp.trim();
  if (/^ignore\s*case$/i.test(c)) return "IGNORECASE";
  if (/^case\s*sensitiv/i.test(c)) return "CASESENSIT";
  return stringCompOp(c);
}

export function mapString(
  src: StringSource,
  status: MeasurementStatus | undefined,
): { input: StringInput; notes: string[] } {
  const notes: string[] = [];
  const base: StringInput = { value: src.value };
  if (status !== undefined) base.status = status;
  const comp = src.comp?.trim();
  let op: StringCompOp;
  if (comp === undefined || comp === "") op = src.limit !== undefined ? "CASESENSIT" : "LOG";
  else {
    const known = stringOperator(comp);
    if (known === undefined) {
      notes.push(
        `unknown string comparison "${comp}"${src.limit !== undefined ? ` (limit ${JSON.stringify(src.limit)} not compared)` : ""}; sent as LOG (value kept)`,
      );
      return { input: { ...base, compOp: "LOG" }, notes };
    }
    op = known;
  }
  if (op === "LOG") return { input: { ...base, compOp: "LOG" }, notes };
  if (src.limit === undefined) {
    notes.push(`string comparison ${op} without a limit; sent as LOG (value kept)`);
    return { input: { ...base, compOp: "LOG" }, notes };
  }
  return { input: { ...base, compOp: op, limit: src.limit }, notes };
}
