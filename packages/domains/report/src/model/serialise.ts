/**
 * Report -> wire JSON. The server-added fields (format document §6) are left out unless asked
 * for; `null`s stay as given (the server's own null policy, so a parsed export comes back key
 * for key) and unknown keys pass through. NaN and +-Infinity, which JSON cannot carry, are
 * written as the strings "NaN"/"Infinity"/"-Infinity" that `parseReport` reads back
 * (`validateReport` refuses them before a submit). Keys set to `undefined` are left out of the
 * JSON text.
 *
 * The wire object shares the subtrees that need no change with the report (copy on write): it
 * is meant to be sent or stringified, not edited.
 */
import type { WsjfReport } from "../generated/models.js";
import { nonFiniteText } from "./numbers.js";
import type { Report } from "./types.js";

/**
 * Fields WATS adds or resolves when it stores a report (format document §6, "read-back
 * differences"); `serialiseReport` leaves them out. `[]` marks every element of an array.
 */
export const SERVER_ADDED_FIELDS = [
  "origin",
  "productName",
  "processName",
  "assetStats",
  "uut.stepIdCausedUUTFailure",
  "uut.refUURs",
  "uur.processName",
  "uur.children",
  "subUnits[].failures[].refStepName",
] as const;

export interface SerialiseOptions {
  /** Keep the server-added fields (for storing an export as it came). Default false. */
  keepServerFields?: boolean;
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const nonFinite = (v: unknown): v is number => typeof v === "number" && !Number.isFinite(v);

/** Copy of `obj` without `keys`, or `obj` itself when it has none of them. */
function without(obj: Obj, keys: readonly string[]): Obj {
  if (!keys.some((key) => Object.hasOwn(obj, key))) return obj;
  const copy = { ...obj };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Copy on write over an array: `map` returns the element itself when it needs no change. */
function mapArray<T>(array: T[], map: (element: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const element = array[i] as T;
    const mapped = map(element);
    if (mapped !== element) {
      out ??= array.slice();
      out[i] = mapped;
    }
  }
  return out ?? array;
}

function wireNumbers(obj: Obj, keys: readonly string[]): Obj {
  let out: Obj | undefined;
  for (const key of keys) {
    const v = obj[key];
    if (nonFinite(v)) {
      out ??= { ...obj };
      out[key] = nonFiniteText(v);
    }
  }
  return out ?? obj;
}

const MEASURED = ["value", "lowLimit", "highLimit"] as const;

function wireStep(step: Obj): Obj {
  let out: Obj | undefined;
  const meas = step.numericMeas;
  if (Array.isArray(meas)) {
    const mapped = mapArray(meas, (m: unknown) => (isObj(m) ? wireNumbers(m, MEASURED) : m));
    if (mapped !== meas) {
      out ??= { ...step };
      out.numericMeas = mapped;
    }
  }
  const steps = step.steps;
  if (Array.isArray(steps)) {
    const mapped = mapArray(steps, (s: unknown) => (isObj(s) ? wireStep(s) : s));
    if (mapped !== steps) {
      out ??= { ...step };
      out.steps = mapped;
    }
  }
  return out ?? step;
}

/**
 * The report as the wire object `POST /api/Report/WSJF` takes. The input is not changed; the
 * output shares the parts that need no change with it.
 */
export function serialiseReport(report: Report, options: SerialiseOptions = {}): WsjfReport {
  if (!isObj(report)) throw new TypeError("serialiseReport: a report must be an object");
  let out: Obj = report as Obj;
  if (options.keepServerFields !== true) out = stripServerFields(report) as Obj;
  if (isObj(out.root)) {
    const root = wireStep(out.root);
    if (root !== out.root) out = { ...out, root };
  }
  return out as WsjfReport;
}

/** The report as WSJF text. */
export function reportToJson(report: Report, options: SerialiseOptions & { space?: number } = {}): string {
  return JSON.stringify(serialiseReport(report, options), null, options.space);
}

/** The report without the server-added fields of SERVER_ADDED_FIELDS (copy on write). */
export function stripServerFields<T extends Report>(report: T): T {
  let out = without(report as Obj, ["origin", "productName", "processName", "assetStats"]);
  if (isObj(out.uut)) {
    const uut = without(out.uut, ["stepIdCausedUUTFailure", "refUURs"]);
    if (uut !== out.uut) out = { ...out, uut };
  }
  if (isObj(out.uur)) {
    const uur = without(out.uur, ["processName", "children"]);
    if (uur !== out.uur) out = { ...out, uur };
  }
  if (Array.isArray(out.subUnits)) {
    const subUnits = mapArray(out.subUnits, (unit: unknown) => {
      if (!isObj(unit) || !Array.isArray(unit.failures)) return unit;
      const failures = mapArray(unit.failures, (f: unknown) => (isObj(f) ? without(f, ["refStepName"]) : f));
      return failures === unit.failures ? unit : { ...unit, failures };
    });
    if (subUnits !== out.subUnits) out = { ...out, subUnits };
  }
  return out as T;
}
