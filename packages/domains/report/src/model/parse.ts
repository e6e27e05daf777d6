import { WatsValidationError } from "@tswats/core";
import { formatProblems, ProblemList, type ReportProblem } from "../problems.js";
import { readReport } from "./read.js";
import type { Report } from "./types.js";

export type SafeParseResult =
  | { readonly success: true; readonly report: Report; readonly problems: readonly [] }
  | { readonly success: false; readonly report?: undefined; readonly problems: readonly ReportProblem[] };

/**
 * Reads a WSJF report (JSON text or decoded object) leniently, as the server exports it: nulls
 * and missing keys are fine, codes may be letters or words, measured numbers may be "NaN" /
 * "Infinity" strings, unknown keys are kept. Never throws; every type problem comes with its
 * JSON path. This checks shape only: use `validateReport` for what a submit needs.
 *
 * Objects that need no normalisation are returned as they are, not copied (that is what makes it
 * fast): treat the input as handed over, or pass a copy if you keep changing it.
 */
export function safeParseReport(input: unknown): SafeParseResult {
  const problems = new ProblemList();
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      problems.error("$", "type", `not JSON: ${(error as Error).message}`);
      return { success: false, problems: problems.items };
    }
  }
  const report = readReport(data, problems);
  if (report === undefined || problems.items.length > 0) return { success: false, problems: problems.items };
  return { success: true, report, problems: [] };
}

/**
 * `safeParseReport`, throwing a WatsValidationError that lists every problem (message and
 * `body.problems`) when the input is not a WSJF report.
 */
export function parseReport(input: unknown): Report {
  const result = safeParseReport(input);
  if (result.success) return result.report;
  throw new WatsValidationError(
    `Not a WSJF report (${result.problems.length} problem(s)):\n${formatProblems(result.problems)}`,
    { body: { problems: result.problems } },
  );
}
