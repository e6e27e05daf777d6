/**
 * What the three Takaya layouts (ATD, APT94xx ATD, ATDX) share once a step line is read: the
 * step name, its status from the tester's judgement, the limits its function code and
 * tolerances give, and the grouping into component-type sequences.
 *
 * Function codes: `**` and `EQ` reference +- tolerance (GELE), `E` and `LE` at most the
 * reference, `F` and `GE` at least the reference, `D` outside the tolerance band (LTGE, as WATS's
 * converter reads it), `JP` jumped (skipped). `OP` (open, more than) and `SH` (short, less than)
 * compare with the reference in ATDX, whose reference column holds their threshold (100 ohm,
 * 10 ohm). In both ATD layouts the reference of those lines is not their threshold (sample lines
 * with reference 400 ohm pass at 26..372 ohm, another at 74 ohm against 67.9, so neither the
 * reference nor the fixed 100/10 ohm of WATS's converter explain them): there the value is logged
 * without limits (LOG) and the tester's verdict is its status.
 */
import type { NumericInput, StepOptions, StepStatus } from "@tswats/report";
import type { DraftStep } from "./shared/draft-steps.js";
import { inUnit, type PrefixedUnit, roundSignificant } from "./shared/engineering-units.js";

export interface TakayaValue {
  /** In base units. */
  value: number;
  unit: PrefixedUnit;
}

export interface TakayaRow {
  line: number;
  parts: string;
  comment: string;
  /** Extra parts of the step name (net names of the ATD layouts, the pin text of APT94xx). */
  nameParts: string[];
  judgement: string;
  functionCode: string;
  reference?: TakayaValue;
  measured?: TakayaValue;
  /** The other (first) measurement when the tester measured twice. */
  firstMeasured?: TakayaValue;
  /** A measured value that is not a number (kept as text). */
  measuredText?: string;
  /** Tolerances in percent (magnitudes), or absolute in `toleranceUnit`. */
  tolerancePlus?: number;
  toleranceMinus?: number;
  toleranceUnit?: PrefixedUnit;
  timeMs?: number;
  /** `OP`/`SH` compare with the reference (ATDX), or have no limit in the file (ATD layouts). */
  openShortLimits?: "reference" | "none";
  /** Everything else the line holds, as `name: value` texts for the report text. */
  details: string[];
}

const PASS = new Set(["PASS", "OK", "GOOD"]);
const FAIL = new Set([
  "FAIL",
  "NG",
  "OPEN",
  "SHORT",
  "LOWER",
  "UPPER",
  "UNMEASURED",
  "OVER",
  "UNDER",
  "ERROR",
]);
/** `LOW-NG`, `HIGH-NG`, `NG-OPEN`, ...: the tester's "no good" variants. */
const NO_GOOD = /(^|[-_ ])NG($|[-_ ])/;
const SKIP = new Set(["SKIP", "UNTESTED", "JUMP", "JP", "NOTEST", "NO-TEST"]);

/** The step status a judgement gives; undefined for a judgement nobody knows (kept as text, warned). */
export function judgementStatus(judgement: string, functionCode: string): StepStatus | undefined {
  const j = judgement.trim().toUpperCase();
  if (functionCode.trim().toUpperCase() === "JP" || SKIP.has(j) || (j !== "" && /^\.+$/.test(j))) return "S";
  if (PASS.has(j)) return "P";
  if (FAIL.has(j) || NO_GOOD.test(j)) return "F";
  return undefined;
}

/** Component-type prefix: `C476` -> `C`, `R1` -> `R`, `POWER_SHORTS` -> itself. */
export function componentType(parts: string): string {
  const m = /^([A-Za-z]+)\d/.exec(parts);
  return m ? (m[1] as string) : parts;
}

export function stepName(row: TakayaRow): string {
  const parts = row.parts.trim();
  const first = componentType(parts) !== parts ? parts : row.comment.trim() || parts;
  return [first, ...row.nameParts.filter((p) => p.trim() !== "")].join("_");
}

function limitsOf(row: TakayaRow, unit: PrefixedUnit): Partial<NumericInput> | undefined {
  const ref = row.reference;
  if (!ref) return undefined;
  const r = inUnit(ref.value, unit);
  const fn = row.functionCode.trim().toUpperCase();
  const band = (): [number, number] => {
    if (row.toleranceUnit) {
      const plus = (row.tolerancePlus ?? 0) * row.toleranceUnit.factor;
      const minus = (row.toleranceMinus ?? 0) * row.toleranceUnit.factor;
      return [inUnit(ref.value - minus, unit), inUnit(ref.value + plus, unit)];
    }
    const plus = (row.tolerancePlus ?? 0) / 100;
    const minus = (row.toleranceMinus ?? 0) / 100;
    const lo = roundSignificant(r - Math.abs(r) * minus);
    const hi = roundSignificant(r + Math.abs(r) * plus);
    return [Math.min(lo, hi), Math.max(lo, hi)];
  };
  switch (fn) {
    case "**":
    case "EQ":
    case "": {
      const [low, high] = band();
      return { compOp: "GELE", low, high };
    }
    case "D": {
      const [low, high] = band();
      return { compOp: "LTGE", low, high };
    }
    case "E":
    case "LE":
      return { compOp: "LE", limit: r };
    case "F":
    case "GE":
      return { compOp: "GE", limit: r };
    case "SH":
      return row.openShortLimits === "reference" ? { compOp: "LT", limit: r } : { compOp: "LOG" };
    case "OP":
      return row.openShortLimits === "reference" ? { compOp: "GT", limit: r } : { compOp: "LOG" };
    default:
      return undefined;
  }
}

/**
 * The step of one line. `unknownJudgement`/`unknownFunction` are told about codes this
 * converter does not know (the step keeps them in its report text).
 */
export function takayaDraft(
  row: TakayaRow,
  unknown: { judgement(text: string, line: number): void; functionCode(text: string, line: number): void },
): DraftStep {
  const name = stepName(row);
  const status = judgementStatus(row.judgement, row.functionCode);
  if (status === undefined && row.judgement.trim() !== "") unknown.judgement(row.judgement.trim(), row.line);
  const details = [...row.details];
  if (status === undefined && row.judgement.trim() !== "")
    details.unshift(`judgement ${row.judgement.trim()}`);
  const options: StepOptions = {};
  if (status !== undefined) options.status = status;
  if (status === "F") options.errorMessage = row.judgement.trim();
  if (row.timeMs !== undefined) options.totTime = row.timeMs / 1000;
  const line = row.line;
  const measured = row.measured;
  if (status === "S" || !measured) {
    if (row.reference)
      details.unshift(
        `reference ${inUnit(row.reference.value, row.reference.unit)} ${row.reference.unit.text}`.trim(),
      );
    if (row.measuredText) details.unshift(`measured ${row.measuredText}`);
    if (details.length) options.reportText = details.join("\n");
    if (status === "P" || status === "F")
      return { kind: "passFail", name, passed: status === "P", options, line };
    return { kind: "action", name, options, line };
  }
  const unit = measured.unit;
  const input: NumericInput = { value: inUnit(measured.value, unit) };
  if (unit.text !== "") input.unit = unit.text;
  if (status === "P" || status === "F") input.status = status;
  const limits = limitsOf(row, unit);
  if (limits) Object.assign(input, limits);
  else if (row.functionCode.trim() !== "") unknown.functionCode(row.functionCode.trim(), row.line);
  if (row.firstMeasured)
    details.unshift(
      `first measurement ${inUnit(row.firstMeasured.value, unit)} ${unit.text}`.trim() +
        " (the tester measured again; the second value decides)",
    );
  if (limits?.compOp === "LOG" && row.reference)
    details.unshift(`${row.functionCode.trim()} test: its threshold is not in the file`);
  if (row.reference && limits)
    details.unshift(`reference ${inUnit(row.reference.value, unit)} ${unit.text}`.trim());
  if (details.length) options.reportText = details.join("\n");
  return { kind: "numeric", name, measurement: input, options, line };
}

/** Drafts grouped into one sequence per component type, in order of first appearance (or flat). */
export function groupByComponent(
  rows: readonly { parts: string; draft: DraftStep }[],
  grouping: "component-type" | "flat",
): DraftStep[] {
  if (grouping === "flat") return rows.map((r) => r.draft);
  const groups = new Map<string, DraftStep[]>();
  const out: DraftStep[] = [];
  for (const r of rows) {
    const type = componentType(r.parts.trim()) || "Other";
    let steps = groups.get(type);
    if (!steps) {
      steps = [];
      groups.set(type, steps);
      out.push({ kind: "sequence", name: type, steps, options: {}, line: r.draft.line as number });
    }
    steps.push(r.draft);
  }
  return out;
}
