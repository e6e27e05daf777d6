/** What the Takaya layout readers hand to the converter: one board (test run) each, and helpers they share. */
import type { ReportResult } from "@tswats/report";
import type { DraftStep } from "./shared/draft-steps.js";
import { parseDecimal, splitUnit } from "./shared/engineering-units.js";
import type { UnmappedContent } from "./shared/unmapped.js";
import type { TakayaValue } from "./takaya-steps.js";

export interface TakayaBoard {
  /** Line where the board's block starts. */
  line: number;
  sn: string;
  /** From the file; the parameter wins when set. */
  pn?: string | undefined;
  rev?: string | undefined;
  start: string;
  execTime?: number | undefined;
  station?: string | undefined;
  operator?: string | undefined;
  batchSN?: string | undefined;
  result?: ReportResult | undefined;
  /** Bottom side of a two-sided board (APT94xx): the bottom process code applies. */
  bottomSide?: boolean;
  sequenceName?: string | undefined;
  sequenceVersion?: string | undefined;
  socket?: number | undefined;
  misc: [string, string][];
  steps: DraftStep[];
}

export interface TakayaReadOptions {
  fileName: string;
  timeZone: string | undefined;
  grouping: "component-type" | "flat";
  unmapped: UnmappedContent;
  unknown: { judgement(text: string, line: number): void; functionCode(text: string, line: number): void };
}

const BOARD_RESULTS: Readonly<Record<string, ReportResult>> = { PASS: "P", FAIL: "F", "NO-TEST": "F" };

/** `* PASS *`, `* FAIL *`, `* NO-TEST *` (a board that was not tested counts as failed, as in WATS's converter). */
export function boardResult(word: string): ReportResult | undefined {
  return BOARD_RESULTS[word.toUpperCase()];
}

/** A value and its unit, e.g. `4.70` + `KO`, in base units; undefined when the value is not a number. */
export function takayaValue(
  valueText: string | undefined,
  unitText: string | undefined,
): TakayaValue | undefined {
  const n = parseDecimal(valueText ?? "");
  if (n === undefined) return undefined;
  const unit = splitUnit(unitText ?? "");
  return { value: n * unit.factor, unit };
}

/** `+5%`, `-20%`, `25.0`: the magnitude; undefined for placeholders such as `----------`. */
export function toleranceOf(text: string | undefined): number | undefined {
  const m = /^[+-]?(\d+(?:\.\d+)?)\s*%?$/.exec((text ?? "").trim());
  return m ? Number(m[1]) : undefined;
}

/** `1.0 ms`, `15.0ms`, `0.2 s`: milliseconds; undefined otherwise. */
export function millisecondsOf(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)$/i.exec((text ?? "").trim());
  if (!m) return undefined;
  return Number(m[1]) * ((m[2] as string).toLowerCase() === "s" ? 1000 : 1);
}

/** Values that stand for "nothing here" in Takaya columns. */
export function isPlaceholder(text: string | undefined): boolean {
  const t = (text ?? "").trim();
  return t === "" || /^[*.-]+$/.test(t);
}
