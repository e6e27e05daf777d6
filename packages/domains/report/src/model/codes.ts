/**
 * The single-letter codes WSJF uses for report types, results, step and measurement statuses
 * and step groups, and the words WSXF (and people) use for them.
 */

/** `T` test report (UUT), `R` repair report (UUR). */
export type ReportType = "T" | "R";
/** Report result: Passed, Failed, Error, Terminated. */
export type ReportResult = "P" | "F" | "E" | "T";
/** Step status: Passed, Failed, Done, Skipped, Error, Terminated, Unknown. */
export type StepStatus = "P" | "F" | "D" | "S" | "E" | "T" | "U";
/** Measurement status: Passed, Failed, Skipped. */
export type MeasurementStatus = "P" | "F" | "S";
/** Step group: Setup, Main, Cleanup. */
export type StepGroup = "S" | "M" | "C";

export const REPORT_TYPES: readonly ReportType[] = ["T", "R"];
export const REPORT_RESULTS: readonly ReportResult[] = ["P", "F", "E", "T"];
export const STEP_STATUSES: readonly StepStatus[] = ["P", "F", "D", "S", "E", "T", "U"];
export const MEASUREMENT_STATUSES: readonly MeasurementStatus[] = ["P", "F", "S"];
export const STEP_GROUPS: readonly StepGroup[] = ["S", "M", "C"];

/** The word WSXF writes for each status code. */
export const STATUS_WORDS: Readonly<Record<StepStatus, string>> = {
  P: "Passed",
  F: "Failed",
  D: "Done",
  S: "Skipped",
  E: "Error",
  T: "Terminated",
  U: "Unknown",
};

/** The word WSXF writes for each step group. */
export const GROUP_WORDS: Readonly<Record<StepGroup, string>> = { S: "Setup", M: "Main", C: "Cleanup" };

/** The word WSXF writes for each report type. */
export const REPORT_TYPE_WORDS: Readonly<Record<ReportType, string>> = { T: "UUT", R: "UUR" };

const STATUS_ALIASES: Readonly<Record<string, StepStatus>> = {
  p: "P",
  passed: "P",
  pass: "P",
  ok: "P",
  f: "F",
  failed: "F",
  fail: "F",
  ng: "F",
  d: "D",
  done: "D",
  s: "S",
  skipped: "S",
  skip: "S",
  e: "E",
  error: "E",
  err: "E",
  t: "T",
  terminated: "T",
  terminate: "T",
  abort: "T",
  aborted: "T",
  u: "U",
  unknown: "U",
};

/**
 * The status code for a code or word, case-insensitively (`"P"`, `"passed"`, `"Pass"`, `"ok"`,
 * `"NG"`, ...), or undefined when it is neither. Only the code goes over the wire.
 */
export function statusCode(value: string): StepStatus | undefined {
  switch (value) {
    case "P":
    case "F":
    case "D":
    case "S":
    case "E":
    case "T":
    case "U":
      return value;
    default:
      return STATUS_ALIASES[value.trim().toLowerCase()];
  }
}

/** The step group code for `S`/`M`/`C` or `Setup`/`Main`/`Cleanup` (any case). */
export function groupCode(value: string): StepGroup | undefined {
  if (value === "M" || value === "S" || value === "C") return value;
  switch (value.trim().toLowerCase()) {
    case "s":
    case "setup":
      return "S";
    case "m":
    case "main":
      return "M";
    case "c":
    case "cleanup":
      return "C";
    default:
      return undefined;
  }
}

/** The report type code for `T`/`R` or `UUT`/`UUR` (any case). */
export function reportTypeCode(value: string): ReportType | undefined {
  switch (value.trim().toLowerCase()) {
    case "t":
    case "uut":
      return "T";
    case "r":
    case "uur":
      return "R";
    default:
      return undefined;
  }
}

export const isReportResult = (code: string): code is ReportResult =>
  (REPORT_RESULTS as readonly string[]).includes(code);
export const isMeasurementStatus = (code: string): code is MeasurementStatus =>
  (MEASUREMENT_STATUSES as readonly string[]).includes(code);
