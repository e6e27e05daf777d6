/** Checks of numeric, string and pass/fail measurements, including whether a status agrees with its operator. */
import {
  evaluateNumeric,
  evaluateString,
  NUMERIC_COMP_OPS,
  numericCompOp,
  STRING_COMP_OPS,
  stringCompOp,
} from "../compop.js";
import { MEASUREMENT_STATUSES, type MeasurementStatus } from "../model/codes.js";
import { child } from "../problems.js";
import type { Checker, Obj } from "./checker.js";

/** A warning, or an error in strict mode (for measurements that cannot be evaluated). */
function evaluation(c: Checker, path: string, rule: "limits" | "comp-op", message: string): void {
  if (c.strict) c.problems.error(path, rule, message);
  else c.problems.warn(path, rule, message);
}

function statusAgrees(
  c: Checker,
  path: string,
  status: MeasurementStatus | undefined,
  evaluated: "P" | "F" | undefined,
  what: () => string,
): void {
  if ((status === "P" || status === "F") && evaluated !== undefined && evaluated !== status) {
    c.problems.warn(child(path, "status"), "status", `is ${status} but ${what()} gives ${evaluated}`);
  }
}

const show = (n: number | undefined) => (n === undefined ? "?" : String(n));
const MEASUREMENT_STATUS = "measurement status";

export function checkNumeric(c: Checker, m: Obj, path: string): void {
  const compOp = c.text(m.compOp, path, "compOp", undefined, true);
  const status = c.code(m.status, path, "status", MEASUREMENT_STATUSES, MEASUREMENT_STATUS);
  const value = c.number(m.value, path, "value", true);
  const low = c.number(m.lowLimit, path, "lowLimit");
  const high = c.number(m.highLimit, path, "highLimit");
  c.text(m.name, path, "name", "measurementName");
  c.text(m.unit, path, "unit", "unit");
  if (m.valueFormat != null) c.text(m.valueFormat, path, "valueFormat");
  if (m.lowLimitFormat != null) c.text(m.lowLimitFormat, path, "lowLimitFormat");
  if (m.highLimitFormat != null) c.text(m.highLimitFormat, path, "highLimitFormat");
  if (compOp === undefined) return;
  const op = numericCompOp(compOp);
  if (op === undefined) {
    evaluation(
      c,
      child(path, "compOp"),
      "comp-op",
      `${JSON.stringify(compOp)} is not a numeric operator (${Object.keys(NUMERIC_COMP_OPS).join(", ")}); WATS keeps it but nothing evaluates it`,
    );
    return;
  }
  const needs = NUMERIC_COMP_OPS[op];
  if (needs >= 1 && m.lowLimit == null) {
    evaluation(c, child(path, "lowLimit"), "limits", `${op} compares with lowLimit, which is missing`);
  }
  if (needs === 2 && m.highLimit == null) {
    evaluation(c, child(path, "highLimit"), "limits", `${op} compares with highLimit, which is missing`);
  }
  if (needs < 2 && m.highLimit != null) {
    c.problems.warn(
      child(path, "highLimit"),
      "limits",
      needs === 0
        ? "LOG compares with no limit; highLimit is ignored"
        : `${op} compares with lowLimit only; highLimit is ignored (a one-limit operator's limit goes in lowLimit)`,
    );
  }
  if (needs === 0 && m.lowLimit != null) {
    c.problems.warn(child(path, "lowLimit"), "limits", "LOG compares with no limit; lowLimit is ignored");
  }
  statusAgrees(c, path, status, evaluateNumeric(op, value, low, high), () =>
    needs === 2 ? `${show(value)} ${op} [${show(low)}, ${show(high)}]` : `${show(value)} ${op} ${show(low)}`,
  );
}

export function checkString(c: Checker, m: Obj, path: string): void {
  const compOp = c.text(m.compOp, path, "compOp", undefined, true);
  const status = c.code(m.status, path, "status", MEASUREMENT_STATUSES, MEASUREMENT_STATUS);
  const value = c.text(m.value, path, "value", "stringValue");
  const limit = c.text(m.limit, path, "limit", "stringValue");
  c.text(m.name, path, "name", "measurementName");
  if (compOp === undefined) return;
  const op = stringCompOp(compOp);
  if (op === undefined) {
    evaluation(
      c,
      child(path, "compOp"),
      "comp-op",
      `${JSON.stringify(compOp)} is not a string operator (${Object.keys(STRING_COMP_OPS).join(", ")}); WATS keeps it but nothing evaluates it`,
    );
    return;
  }
  if (STRING_COMP_OPS[op] === 1 && m.limit == null) {
    evaluation(c, child(path, "limit"), "limits", `${op} compares with limit, which is missing`);
  }
  statusAgrees(
    c,
    path,
    status,
    evaluateString(op, value, limit),
    () => `${op} of ${JSON.stringify(value)} with ${JSON.stringify(limit)}`,
  );
}

export function checkBoolean(c: Checker, m: Obj, path: string): void {
  c.code(m.status, path, "status", MEASUREMENT_STATUSES, MEASUREMENT_STATUS);
  c.text(m.name, path, "name", "measurementName");
}

/** Names in a multi-measurement step should be present and unique (WATS tells measurements apart by name). */
export function checkNames(c: Checker, list: readonly unknown[], path: string): void {
  if (list.length < 2) return;
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    const name = m !== null && typeof m === "object" ? (m as Obj).name : undefined;
    if (name == null || name === "") {
      c.problems.warn(
        `${path}[${i}].name`,
        "duplicate-name",
        "a step with several measurements needs a name on each",
      );
    } else if (typeof name === "string") {
      const first = seen.get(name);
      if (first !== undefined)
        c.problems.warn(`${path}[${i}].name`, "duplicate-name", `repeats the name of ${path}[${first}]`);
      else seen.set(name, i);
    }
  }
}
