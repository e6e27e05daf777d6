/**
 * `validateReport`: every problem of a report before it is sent, each with its JSON path, as
 * errors (WATS would refuse or mangle it: missing or mistyped fields, lengths, characters WATS
 * forbids, bad codes, NaN, duplicate step ids, a step with two payloads, ...) and warnings (WATS
 * stores it but it is probably wrong: statuses that disagree, limits an operator ignores,
 * measurements nothing can evaluate, ...). It checks the wire form strictly (single-letter codes
 * only, finite numbers only), accepts anything as input and never throws.
 */

import { describe } from "./model/read.js";
import { ProblemList, type ReportProblem } from "./problems.js";
import { resultFromStatus } from "./status.js";
import { Checker, isObj, type ValidateOptions } from "./validate/checker.js";
import { checkHeader } from "./validate/header.js";
import { checkStepTree } from "./validate/steps.js";

export type { ValidateOptions } from "./validate/checker.js";

export interface ValidationResult {
  /** True when there is no error (warnings do not count). */
  readonly valid: boolean;
  /** Every problem, in the order found: errors and warnings. */
  readonly problems: readonly ReportProblem[];
  readonly errors: readonly ReportProblem[];
  readonly warnings: readonly ReportProblem[];
}

export function validateReport(report: unknown, options: ValidateOptions = {}): ValidationResult {
  const problems = new ProblemList();
  try {
    check(report, new Checker(problems, options));
  } catch (error) {
    // Nothing above should throw; if something does (e.g. a getter on a hand-made object), say so instead.
    problems.error(
      "$",
      "internal",
      `the report could not be checked: ${(error as Error)?.message ?? String(error)}`,
    );
  }
  const errors = problems.items.filter((p) => p.severity === "error");
  const warnings = problems.items.filter((p) => p.severity === "warning");
  return { valid: errors.length === 0, problems: problems.items, errors, warnings };
}

function check(report: unknown, c: Checker): void {
  if (!isObj(report)) {
    c.problems.error("$", "type", `a report must be a JSON object, not ${describe(report)}`);
    return;
  }
  const type = checkHeader(c, report);
  const root = report.root;
  if (type === "R" || !isObj(root)) return;
  if (root.seqCall == null && root.steps == null) {
    c.problems.warn("$.root", "payload", "the root step should be a sequence call (seqCall and steps)");
  }
  checkStepTree(c, root, "$.root");
  const result = report.result;
  const rootStatus = root.status;
  if (
    typeof result === "string" &&
    typeof rootStatus === "string" &&
    resultFromStatus(rootStatus) !== result
  ) {
    c.problems.warn("$.result", "status", `the result is ${result} but the root step is ${rootStatus}`);
  }
}
