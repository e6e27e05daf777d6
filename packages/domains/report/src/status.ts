/**
 * Status propagation (the format document's "active mode", §3.6 and §4), public so that
 * converters and tools can use the same rules the builders use:
 *
 * 1. A numeric or string measurement without a status gets the one its operator gives
 *    (`evaluateNumeric`/`evaluateString`); one that cannot be evaluated (unknown operator,
 *    missing limit) gets `P`, as WATS's own clients do, and `validateReport` warns about it.
 * 2. A step with measurements and no status: `F` if any measurement is `F`, `S` if all are `S`,
 *    else `P`.
 * 3. A sequence (a step with children): an explicit `F`/`E`/`T`/`S` is kept; otherwise it fails
 *    with the most severe failing child (`T` > `E` > `F`) among the children that fail their
 *    parent, else keeps its `P`/`D` (default `P`). `D` and `S` children never fail a parent.
 * 4. The report result is the root's status (`D`, `S`, `U` count as `P`).
 * 5. When the result is not `P` and no step says so yet, the first failing leaf (pre-order) is
 *    marked `causedUUTFailure`.
 *
 * Statuses that are already set are never recomputed (import mode): parse a report and its
 * statuses stay exactly as they were. `statusWarnings` says where set statuses disagree.
 */
import { evaluateNumericMeasurement, evaluateStringMeasurement } from "./compop.js";
import type { MeasurementStatus, ReportResult, StepStatus } from "./model/codes.js";
import type { Report, Step } from "./model/types.js";
import { child, item, type ProblemList } from "./problems.js";

const SEVERITY: Readonly<Record<string, number>> = { F: 1, E: 2, T: 3 };

/** True for the statuses that fail a parent: F, E, T. */
export const isFailing = (status: unknown): boolean =>
  typeof status === "string" && SEVERITY[status] !== undefined;

/** The report result a root status gives: P/F/E/T as they are, D/S/U (and none) as P. */
export function resultFromStatus(status: StepStatus | string | null | undefined): ReportResult {
  return status === "F" || status === "E" || status === "T" ? status : "P";
}

/**
 * The status a step's measurements give it: `F` if any is `F`, `S` if all are `S`, else `P`;
 * undefined when it has no measurement with a status.
 */
export function measurementStepStatus(step: Step): MeasurementStatus | undefined {
  let any = false;
  let allSkipped = true;
  for (let k = 0; k < 3; k++) {
    const list = k === 0 ? step.numericMeas : k === 1 ? step.stringMeas : step.booleanMeas;
    if (!Array.isArray(list)) continue;
    for (const m of list) {
      const status = m?.status;
      if (status === "F") return "F";
      if (status === "P") allSkipped = false;
      else if (status !== "S") continue;
      any = true;
    }
  }
  if (!any) return undefined;
  return allSkipped ? "S" : "P";
}

export interface PropagateOptions {
  /** Whether a failing step fails its parent (the builders' `failParentOnFail`). Default: always. */
  failsParent?: (step: Step) => boolean;
  /** Mark the first failing leaf `causedUUTFailure` when none is marked. Default true. */
  markCausedUutFailure?: boolean;
}

const hasMeasurements = (step: Step): boolean =>
  [step.numericMeas, step.stringMeas, step.booleanMeas].some(
    (list) => Array.isArray(list) && list.length > 0,
  );

function fillMeasurements(step: Step): void {
  if (Array.isArray(step.numericMeas)) {
    for (const m of step.numericMeas)
      if (m && m.status == null) m.status = evaluateNumericMeasurement(m) ?? "P";
  }
  if (Array.isArray(step.stringMeas)) {
    for (const m of step.stringMeas)
      if (m && m.status == null) m.status = evaluateStringMeasurement(m) ?? "P";
  }
}

function settle(step: Step, failsParent: (step: Step) => boolean): void {
  fillMeasurements(step);
  const children = Array.isArray(step.steps) ? step.steps : [];
  const status = step.status;
  if (children.length > 0 && (status == null || status === "P" || status === "D")) {
    let worst: StepStatus | undefined;
    for (const c of children) {
      const s = c?.status;
      if (
        c &&
        isFailing(s) &&
        failsParent(c) &&
        (worst === undefined || (SEVERITY[s as string] ?? 0) > (SEVERITY[worst] ?? 0))
      )
        worst = s as StepStatus;
    }
    step.status = worst ?? status ?? "P";
    return;
  }
  if (status != null) return;
  if (hasMeasurements(step)) step.status = measurementStepStatus(step) ?? "P";
  else step.status = children.length > 0 ? "P" : "D";
}

/** Steps of a tree in pre-order (parents first), iteratively. */
export function* stepsInOrder(root: Step): Generator<Step> {
  const stack: Step[] = [root];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    yield step;
    const children = step.steps;
    if (Array.isArray(children))
      for (let i = children.length - 1; i >= 0; i--) {
        const c = children[i];
        if (c) stack.push(c);
      }
  }
}

/**
 * Fills in and propagates statuses bottom-up, in place, by the rules above; sets `result` from
 * the root. Returns the same report. Repair reports (no root) are returned unchanged.
 */
export function propagateStatus<T extends Report>(report: T, options: PropagateOptions = {}): T {
  const root = report.root;
  if (!root) return report;
  const failsParent = options.failsParent ?? (() => true);
  // Post-order without recursion: parents are settled after all their children.
  const order = [...stepsInOrder(root)];
  for (let i = order.length - 1; i >= 0; i--) settle(order[i] as Step, failsParent);
  report.result = resultFromStatus(root.status);
  if (options.markCausedUutFailure !== false && report.result !== "P") {
    let marked = false;
    let first: Step | undefined;
    for (const step of order) {
      if (step.causedUUTFailure === true) marked = true;
      const leaf = !Array.isArray(step.steps) || step.steps.length === 0;
      if (first === undefined && leaf && isFailing(step.status)) first = step;
    }
    if (!marked && first) first.causedUUTFailure = true;
  }
  return report;
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Warnings where the statuses of one step disagree with each other (WATS stores such data and
 * the FAT export has some, so they are never errors): a step whose status differs from what its
 * measurements give, a sequence that passed although a child failed, a `causedUUTFailure` on a
 * step that did not fail. Defensive: works on unchecked JSON.
 */
export function checkStepStatus(step: Obj, path: string, problems: ProblemList): void {
  const status = step.status;
  if (typeof status !== "string") return;
  if (status === "P" || status === "F" || status === "D") {
    const derived = measurementStepStatus(step as Step);
    if ((derived === "P" || derived === "F") && derived !== status) {
      problems.warn(
        child(path, "status"),
        "status",
        `the step is ${status} but its measurements give ${derived}`,
      );
    }
  }
  const children = step.steps;
  if ((status === "P" || status === "D") && Array.isArray(children)) {
    const failing = children.findIndex((c) => isObj(c) && isFailing(c.status));
    if (failing >= 0) {
      const failed = children[failing] as Obj;
      problems.warn(
        child(path, "status"),
        "status",
        `the sequence is ${status} although its child ${item(child(path, "steps"), failing)} is ${String(failed.status)}`,
      );
    }
  }
  if (step.causedUUTFailure === true && !isFailing(status)) {
    problems.warn(
      child(path, "causedUUTFailure"),
      "status",
      `causedUUTFailure is set on a step that is ${status}, not F, E or T`,
    );
  }
}
