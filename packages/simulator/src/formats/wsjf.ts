/**
 * WSJF report checks and tree helpers. A submitted report is validated twice: against the
 * generated `WsjfReportSchema` (types of every known key) and against the submit rules of the
 * format document (required header fields, identifiers, codes, an offset on `start`). The
 * submitted JSON itself is what gets stored, so unknown keys survive the round trip.
 */
import { WsjfReportSchema } from "@tswats/report/schemas";
import type { z } from "zod";
import { badRequest } from "../errors.js";
import { parseInstant } from "../time.js";

export type JsonObject = Record<string, unknown>;

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
const REPORT_RESULTS = ["P", "F", "E", "T"];

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The canonical (lower-case, no braces) form of a GUID, or undefined. */
export function canonicalGuid(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return GUID.exec(value.trim())?.[1]?.toLowerCase();
}

/** `a.b[2].c` for a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(body)" : out;
}

/** A 400 message for the first issue of a failed zod parse. */
export function describeIssues(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  if (!issue) return `${what} is invalid.`;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : "";
  return `${what} is invalid: '${issuePath(issue.path)}' ${issue.message}${more}.`;
}

function requireText(report: JsonObject, key: string, max = 100): string {
  const value = report[key];
  if (typeof value !== "string" || value.length === 0) {
    throw badRequest(`The report field '${key}' is required.`);
  }
  if ([...value].length > max)
    throw badRequest(`The report field '${key}' is longer than ${max} characters.`);
  return value;
}

/** Every step of a tree in depth-first pre-order, with its path of names from the root. */
export function* walkSteps(root: unknown): Generator<{ step: JsonObject; path: string[] }> {
  if (!isObject(root)) return;
  const stack: { step: JsonObject; path: string[] }[] = [{ step: root, path: [String(root.name ?? "")] }];
  while (stack.length > 0) {
    const item = stack.pop() as { step: JsonObject; path: string[] };
    yield item;
    const children = item.step.steps;
    if (Array.isArray(children)) {
      for (let i = children.length - 1; i >= 0; i--) {
        const childStep = children[i];
        if (isObject(childStep))
          stack.push({ step: childStep, path: [...item.path, String(childStep.name ?? "")] });
      }
    }
  }
}

/**
 * Checks a submitted report and returns a deep copy with the id in canonical form; throws a 400
 * naming the first problem.
 */
export function validateWsjfReport(body: unknown): JsonObject {
  if (Array.isArray(body)) throw badRequest("The request body must be one report object, not an array.");
  if (!isObject(body)) throw badRequest("The request body must be a WSJF report object.");
  const parsed = WsjfReportSchema.safeParse(body);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error, "The report"));

  const report = structuredClone(body);
  const type = report.type;
  if (type !== "T" && type !== "R") {
    throw badRequest(
      `The report field 'type' must be "T" (test) or "R" (repair), not ${JSON.stringify(type)}.`,
    );
  }
  const id = canonicalGuid(report.id);
  if (!id)
    throw badRequest(`The report field 'id' must be a GUID, not ${JSON.stringify(report.id ?? null)}.`);
  report.id = id;
  for (const key of ["pn", "sn", "rev", "machineName", "location", "purpose"]) requireText(report, key);
  const processCode = report.processCode;
  if (
    typeof processCode !== "number" ||
    !Number.isInteger(processCode) ||
    processCode < 0 ||
    processCode > 32767
  ) {
    throw badRequest("The report field 'processCode' is required and must be an integer from 0 to 32767.");
  }
  if (typeof report.result !== "string" || !REPORT_RESULTS.includes(report.result)) {
    throw badRequest(
      `The report field 'result' must be one of ${REPORT_RESULTS.join(", ")}, not ${JSON.stringify(report.result ?? null)}.`,
    );
  }
  const start = requireText(report, "start", 40);
  const instant = parseInstant(start);
  if (!instant || instant.dateOnly)
    throw badRequest(`The report field 'start' is not a date-time: '${start}'.`);
  if (!instant.hasOffset) {
    throw badRequest(`The report field 'start' must carry a UTC offset (e.g. +01:00 or Z): '${start}'.`);
  }
  if (instant.epochMs < 0) throw badRequest(`The report field 'start' is before 1970: '${start}'.`);

  if (type === "T") {
    if (!isObject(report.root)) throw badRequest("A test report (type T) needs the step tree 'root'.");
    if (!isObject(report.uut)) throw badRequest("A test report (type T) needs the 'uut' object.");
    const seen = new Set<number>();
    for (const { step, path } of walkSteps(report.root)) {
      if (typeof step.id === "number") {
        if (seen.has(step.id)) {
          throw badRequest(`Step id ${step.id} is used twice (second time at '${path.join("/")}').`);
        }
        seen.add(step.id);
      }
    }
  } else {
    if (!isObject(report.uur)) throw badRequest("A repair report (type R) needs the 'uur' object.");
    const uurCode = report.uur.processCode;
    if (typeof uurCode !== "number" || !Number.isInteger(uurCode)) {
      throw badRequest("The report field 'uur.processCode' (the test operation of the repair) is required.");
    }
    if (report.uur.refUUT !== undefined && report.uur.refUUT !== null) {
      const ref = canonicalGuid(report.uur.refUUT);
      if (!ref) throw badRequest("The report field 'uur.refUUT' must be a GUID.");
      report.uur.refUUT = ref;
    }
  }
  return report;
}

/** Id of the first step flagged `causedUUTFailure`, or null. */
export function stepIdCausedUutFailure(root: unknown): number | null {
  for (const { step } of walkSteps(root)) {
    if (step.causedUUTFailure === true && typeof step.id === "number") return step.id;
  }
  return null;
}

/** The step with the given id and its path, or undefined. */
export function findStep(root: unknown, id: number): { step: JsonObject; path: string[] } | undefined {
  for (const item of walkSteps(root)) if (item.step.id === id) return item;
  return undefined;
}

/** WATS writes measurement paths with `¶` between step names. */
export const PATH_SEPARATOR = "¶";
