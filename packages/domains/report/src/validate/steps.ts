/** Checks of the step tree: every step's fields and payload, unique ids, and status agreement. */
import { STEP_GROUPS, STEP_STATUSES } from "../model/codes.js";
import { describe } from "../model/read.js";
import { child } from "../problems.js";
import { checkStepStatus } from "../status.js";
import { checkAdditionalData, checkAttachment, checkChart } from "./attachments.js";
import { type Checker, isObj, type Obj } from "./checker.js";
import { checkBoolean, checkNames, checkNumeric, checkString } from "./measurements.js";

/** A step holds at most one of these. */
export const STEP_PAYLOADS = [
  "seqCall",
  "numericMeas",
  "stringMeas",
  "booleanMeas",
  "callExe",
  "messagePopup",
] as const;
const MAX_DEPTH = 200;

function checkMeasurements(
  c: Checker,
  v: unknown,
  path: string,
  key: string,
  check: (c: Checker, m: Obj, path: string) => void,
): void {
  const list = c.array(v, path, key);
  if (!list) return;
  const at = child(path, key);
  c.each(list, at, (m, mPath) => check(c, m, mPath));
  checkNames(c, list, at);
}

/** Checks one step's own fields and payload (not its children). */
function checkStep(c: Checker, step: Obj, path: string): void {
  let payloads = 0;
  // Only the keys present are visited: most steps carry a handful of the thirty possible.
  for (const key in step) {
    const v = step[key];
    if (v == null) continue;
    switch (key) {
      case "id":
      case "errorCode":
      case "interactiveExeNum":
        c.integer(v, path, key);
        break;
      case "group":
        c.code(v, path, key, STEP_GROUPS, "step group");
        break;
      case "status":
        c.code(v, path, key, STEP_STATUSES, "step status");
        break;
      case "stepType":
        c.text(v, path, key, undefined, true);
        break;
      case "name":
        c.text(v, path, key, "stepName", true);
        break;
      case "start":
        c.dateTime(v, path, key);
        break;
      case "totTime":
        c.number(v, path, key);
        break;
      case "errorMessage":
        c.text(v, path, key, "stepErrorMessage");
        break;
      case "reportText":
        c.text(v, path, key, "reportText");
        break;
      case "tsGuid":
        c.text(v, path, key, "tsGuid");
        break;
      case "errorCodeFormat":
      case "totTimeFormat":
      case "interactiveExeNumFormat":
        c.text(v, path, key);
        break;
      case "causedSeqFailure":
      case "causedUUTFailure":
        c.bool(v, path, key);
        break;
      case "loop": {
        const loop = c.object(v, path, key);
        if (loop) {
          const at = child(path, key);
          c.int16(loop.idx, at, "idx");
          c.int16(loop.num, at, "num");
          c.int16(loop.endingIndex, at, "endingIndex");
          c.int16(loop.passed, at, "passed");
          c.int16(loop.failed, at, "failed");
        }
        break;
      }
      case "seqCall": {
        payloads++;
        const seqCall = c.object(v, path, key);
        if (seqCall) {
          const at = child(path, key);
          c.text(seqCall.path, at, "path", "seqCallPath");
          c.text(seqCall.name, at, "name", "seqCallName");
          c.text(seqCall.version, at, "version", "seqCallVersion");
        }
        break;
      }
      case "numericMeas":
        payloads++;
        checkMeasurements(c, v, path, key, checkNumeric);
        break;
      case "stringMeas":
        payloads++;
        checkMeasurements(c, v, path, key, checkString);
        break;
      case "booleanMeas":
        payloads++;
        checkMeasurements(c, v, path, key, checkBoolean);
        break;
      case "callExe": {
        payloads++;
        const callExe = c.object(v, path, key);
        if (callExe) {
          c.number(callExe.exitCode, child(path, key), "exitCode");
          c.text(callExe.exitCodeFormat, child(path, key), "exitCodeFormat");
        }
        break;
      }
      case "messagePopup": {
        payloads++;
        const popup = c.object(v, path, key);
        if (popup) {
          const at = child(path, key);
          c.text(popup.response, at, "response", "popupResponse");
          c.int16(popup.button, at, "button");
          c.text(popup.buttonFormat, at, "buttonFormat");
        }
        break;
      }
      case "chart": {
        const chart = c.object(v, path, key);
        if (chart) checkChart(c, chart, child(path, key));
        break;
      }
      case "attachment": {
        const attachment = c.object(v, path, key);
        if (attachment) checkAttachment(c, attachment, child(path, key), false);
        break;
      }
      case "additionalResults": {
        const list = c.array(v, path, key);
        if (list) checkAdditionalData(c, list, child(path, key));
        break;
      }
    }
  }
  if (step.group == null) c.present(step.group, path, "group", "is required (step group: S, M, C)");
  if (step.stepType == null) c.present(step.stepType, path, "stepType");
  if (step.name == null) c.present(step.name, path, "name");
  if (step.status == null)
    c.present(step.status, path, "status", "is required (step status: P, F, D, S, E, T, U)");
  if (payloads > 1) {
    const present = STEP_PAYLOADS.filter((key) => step[key] != null);
    c.problems.error(
      path,
      "payload",
      `carries ${present.join(" and ")}; a step holds at most one of ${STEP_PAYLOADS.join(", ")}`,
    );
  }
  if (step.chart != null && step.attachment != null) {
    c.problems.error(path, "payload", "carries a chart and an attachment; a step holds one or the other");
  }
  checkStepStatus(step, path, c.problems);
}

/**
 * Walks the tree from `root` iteratively (real reports have hundreds of steps) and checks every
 * step, the step ids (unique; all or none) and that only sequence calls have children.
 */
export function checkStepTree(c: Checker, root: Obj, rootPath: string): void {
  const ids = new Map<number, string>();
  let withId = 0;
  let withoutId: string | undefined;
  // Three parallel stacks instead of a tuple per step.
  const steps: Obj[] = [root];
  const paths: string[] = [rootPath];
  const depths: number[] = [0];
  while (steps.length > 0) {
    const step = steps.pop() as Obj;
    const path = paths.pop() as string;
    const depth = depths.pop() as number;
    checkStep(c, step, path);
    const id = step.id;
    if (id == null) withoutId ??= path;
    else if (typeof id === "number" && Number.isInteger(id)) {
      withId++;
      const first = ids.get(id);
      if (first !== undefined)
        c.problems.error(child(path, "id"), "duplicate-id", `step id ${id} is already used by ${first}`);
      else ids.set(id, path);
    }
    const children = c.array(step.steps, path, "steps");
    if (!children || children.length === 0) continue;
    const stepsPath = child(path, "steps");
    if (step.seqCall == null)
      c.problems.error(stepsPath, "payload", "only a step with a seqCall can have child steps");
    if (depth >= MAX_DEPTH) {
      c.problems.error(stepsPath, "depth", `the step tree is deeper than ${MAX_DEPTH} levels`);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const childStep = children[i];
      const at = `${stepsPath}[${i}]`;
      if (isObj(childStep)) {
        steps.push(childStep);
        paths.push(at);
        depths.push(depth + 1);
      } else c.problems.error(at, "type", `a step must be an object, not ${describe(childStep)}`);
    }
  }
  if (withId > 0 && withoutId !== undefined) {
    c.problems.error(
      child(withoutId, "id"),
      "step-ids",
      "other steps have an id and this one has none; give every step an id, or none",
    );
  }
}
