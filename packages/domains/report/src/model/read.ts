/**
 * The fast reader behind `parseReport`: one pass over a decoded WSJF object that checks the type
 * of every known key and normalises codes, GUIDs and measured numbers exactly as `ReportSchema`
 * does, collecting problems with JSON paths instead of throwing. Objects that need no change are
 * returned as they are (copy on write), which is what makes it several times faster than the
 * zod schema on a real report; the tests check that both agree.
 */
import { canonicalGuid } from "../guid.js";
import { child, item, type ProblemList } from "../problems.js";
import { groupCode, isMeasurementStatus, isReportResult, reportTypeCode, statusCode } from "./codes.js";
import { numberFromText } from "./numbers.js";
import type { Report } from "./types.js";

type Obj = Record<string, unknown>;
type Reader = (src: Obj, path: string, problems: ProblemList, depth: number) => Obj;

/** Deepest step tree (and additional-data nesting) read before giving up. */
export const MAX_DEPTH = 200;

export const isObj = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A short description of a value for messages ("the string \"x\"", "an array", ...). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function badText(problems: ProblemList, path: string, key: string, v: unknown): void {
  problems.error(child(path, key), "type", `must be a string or null, not ${describe(v)}`);
}
function badInt(problems: ProblemList, path: string, key: string, v: unknown): void {
  problems.error(child(path, key), "type", `must be an integer or null, not ${describe(v)}`);
}
function badDouble(problems: ProblemList, path: string, key: string, v: unknown): void {
  problems.error(child(path, key), "type", `must be a number or null, not ${describe(v)}`);
}
function badBool(problems: ProblemList, path: string, key: string, v: unknown): void {
  problems.error(child(path, key), "type", `must be true, false or null, not ${describe(v)}`);
}

const MEASUREMENT_STATUS = "measurement status (P, F, S)";

/** The normalised measurement status, `undefined` when `v` is already one, or null after reporting. */
function measurementStatus(v: unknown, problems: ProblemList, path: string): string | null | undefined {
  if (v === "P" || v === "F" || v === "S" || v == null) return undefined;
  const letter = typeof v === "string" ? statusCode(v) : undefined;
  if (letter !== undefined && isMeasurementStatus(letter)) return letter;
  problems.error(
    child(path, "status"),
    typeof v === "string" ? "code" : "type",
    `not a valid ${MEASUREMENT_STATUS}: ${describe(v)}`,
  );
  return null;
}

/** A measured number: `undefined` when `v` needs no change, else the number (null after reporting). */
function measured(v: unknown, problems: ProblemList, path: string, key: string): number | null | undefined {
  if (typeof v === "number" || v == null) return undefined;
  const n = typeof v === "string" ? numberFromText(v) : undefined;
  if (n !== undefined) return n;
  badDouble(problems, path, key, v);
  return null;
}

function readNumeric(src: Obj, path: string, problems: ProblemList): Obj {
  let out: Obj | undefined;
  for (const key in src) {
    const v = src[key];
    switch (key) {
      case "compOp":
      case "name":
      case "unit":
      case "valueFormat":
      case "lowLimitFormat":
      case "highLimitFormat":
        if (typeof v !== "string" && v != null) badText(problems, path, key, v);
        break;
      case "status": {
        const s = measurementStatus(v, problems, path);
        if (s) {
          out ??= { ...src };
          out.status = s;
        }
        break;
      }
      case "value":
      case "lowLimit":
      case "highLimit": {
        const n = measured(v, problems, path, key);
        if (typeof n === "number") {
          out ??= { ...src };
          out[key] = n;
        }
        break;
      }
    }
  }
  return out ?? src;
}

function readStringMeas(src: Obj, path: string, problems: ProblemList): Obj {
  let out: Obj | undefined;
  for (const key in src) {
    const v = src[key];
    switch (key) {
      case "compOp":
      case "name":
      case "value":
      case "limit":
        if (typeof v !== "string" && v != null) badText(problems, path, key, v);
        break;
      case "status": {
        const s = measurementStatus(v, problems, path);
        if (s) {
          out ??= { ...src };
          out.status = s;
        }
        break;
      }
    }
  }
  return out ?? src;
}

function readBooleanMeas(src: Obj, path: string, problems: ProblemList): Obj {
  let out: Obj | undefined;
  for (const key in src) {
    const v = src[key];
    if (key === "name") {
      if (typeof v !== "string" && v != null) badText(problems, path, key, v);
    } else if (key === "status") {
      const s = measurementStatus(v, problems, path);
      if (s) {
        out ??= { ...src };
        out.status = s;
      }
    }
  }
  return out ?? src;
}

/** Reads an array of objects with `read`; returns the array itself when no element changed. */
function readArray(v: unknown, path: string, problems: ProblemList, depth: number, read: Reader): unknown {
  if (!Array.isArray(v)) {
    problems.error(path, "type", `must be an array or null, not ${describe(v)}`);
    return v;
  }
  let out: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const element: unknown = v[i];
    if (isObj(element)) {
      const read1 = read(element, item(path, i), problems, depth);
      if (read1 !== element) {
        out ??= v.slice();
        out[i] = read1;
      }
    } else problems.error(item(path, i), "type", `must be an object, not ${describe(element)}`);
  }
  return out ?? v;
}

type Kind =
  | "text"
  | "int"
  | "double"
  | "bool"
  | "guid"
  | "guids"
  | "ints"
  | { object: Reader }
  | { array: Reader };

/** Extra checks of a field table reader: returns the keys to change, if any. */
type Extra = (src: Obj, path: string, problems: ProblemList) => Obj | undefined;

/** A reader for an object type from its field table (for the types that occur a few times per report). */
function fields(spec: Record<string, Kind>, extra?: Extra): Reader {
  const table = new Map(Object.entries(spec));
  return function readFields(src, path, problems, depth) {
    let out: Obj | undefined;
    for (const key in src) {
      const kind = table.get(key);
      if (kind === undefined) continue;
      const v = src[key];
      if (v == null) continue;
      switch (kind) {
        case "text":
          if (typeof v !== "string") badText(problems, path, key, v);
          break;
        case "int":
          if (!Number.isSafeInteger(v)) badInt(problems, path, key, v);
          break;
        case "double":
          if (!(typeof v === "number" && Number.isFinite(v))) badDouble(problems, path, key, v);
          break;
        case "bool":
          if (typeof v !== "boolean") badBool(problems, path, key, v);
          break;
        case "guid":
          if (typeof v !== "string")
            problems.error(child(path, key), "type", `must be a GUID string or null, not ${describe(v)}`);
          else {
            const canonical = canonicalGuid(v);
            if (canonical !== undefined && canonical !== v) {
              out ??= { ...src };
              out[key] = canonical;
            }
          }
          break;
        case "guids":
          if (Array.isArray(v) && v.every((g) => typeof g === "string")) {
            const canonical = v.map((g: string) => canonicalGuid(g) ?? g);
            if (canonical.some((g, i) => g !== v[i])) {
              out ??= { ...src };
              out[key] = canonical;
            }
          } else problems.error(child(path, key), "type", "must be an array of GUID strings or null");
          break;
        case "ints":
          if (!(Array.isArray(v) && v.every((n) => Number.isSafeInteger(n))))
            problems.error(child(path, key), "type", "must be an array of integers or null");
          break;
        default: {
          let r: unknown;
          if ("object" in kind) {
            if (!isObj(v)) {
              problems.error(child(path, key), "type", `must be an object or null, not ${describe(v)}`);
              break;
            }
            r = kind.object(v, child(path, key), problems, depth + 1);
          } else r = readArray(v, child(path, key), problems, depth + 1, kind.array);
          if (r !== v) {
            out ??= { ...src };
            out[key] = r;
          }
        }
      }
    }
    const changes = extra?.(src, path, problems);
    if (changes !== undefined) out = { ...(out ?? src), ...changes };
    return out ?? src;
  };
}

/** The code at `key` normalised to its letter when it is written otherwise; reports a bad one. */
function code(
  v: unknown,
  key: string,
  path: string,
  problems: ProblemList,
  what: string,
  read: (value: string) => string | undefined,
  allowed?: (letter: string) => boolean,
): string | undefined {
  if (v == null) return undefined;
  if (typeof v !== "string") {
    problems.error(child(path, key), "type", `must be a ${what} code, not ${describe(v)}`);
    return undefined;
  }
  const letter = read(v);
  if (letter === undefined || (allowed !== undefined && !allowed(letter))) {
    problems.error(child(path, key), "code", `not a valid ${what}: ${JSON.stringify(v)}`);
    return undefined;
  }
  return letter === v ? undefined : letter;
}

const readLoop = fields({ idx: "int", num: "int", endingIndex: "int", passed: "int", failed: "int" });
const readSeqCall = fields({ path: "text", name: "text", version: "text" });
const readCallExe = fields({ exitCode: "double", exitCodeFormat: "text" });
const readPopup = fields({ response: "text", button: "int", buttonFormat: "text" });
const readChart = fields({
  chartType: "text",
  label: "text",
  xLabel: "text",
  xUnit: "text",
  yLabel: "text",
  yUnit: "text",
  series: { array: fields({ dataType: "text", name: "text", xdata: "text", ydata: "text" }) },
});
const readAttachment = fields({ name: "text", contentType: "text", data: "text" });
const readBinary = fields({ contentType: "text", data: "text", name: "text", id: "guid" });

const readProperty: Reader = (src, path, problems, depth) => {
  if (depth > MAX_DEPTH) {
    problems.error(path, "depth", `additional data nested deeper than ${MAX_DEPTH} levels`);
    return src;
  }
  return readPropertyFields(src, path, problems, depth);
};
const readArrayIndex = fields({ text: "text", indexes: "ints", value: { object: readProperty } });
const readPropertyFields: Reader = fields({
  name: "text",
  type: "text",
  flags: "int",
  value: "text",
  numFormat: "text",
  comment: "text",
  props: { array: readProperty },
  array: { object: fields({ dimension: "int", type: "text", indexes: { array: readArrayIndex } }) },
});
const readAdditionalData = fields({ name: "text", props: { array: readProperty } });

function readStep(src: Obj, path: string, problems: ProblemList, depth: number): Obj {
  let out: Obj | undefined;
  for (const key in src) {
    const v = src[key];
    switch (key) {
      case "stepType":
      case "name":
      case "start":
      case "errorCodeFormat":
      case "errorMessage":
      case "tsGuid":
      case "totTimeFormat":
      case "reportText":
      case "interactiveExeNumFormat":
        if (typeof v !== "string" && v != null) badText(problems, path, key, v);
        break;
      case "id":
      case "interactiveExeNum":
      case "errorCode":
        if (v != null && !Number.isSafeInteger(v)) badInt(problems, path, key, v);
        break;
      case "totTime":
        if (v != null && !(typeof v === "number" && Number.isFinite(v))) badDouble(problems, path, key, v);
        break;
      case "causedSeqFailure":
      case "causedUUTFailure":
        if (typeof v !== "boolean" && v != null) badBool(problems, path, key, v);
        break;
      case "status":
        if (
          v !== "P" &&
          v !== "F" &&
          v !== "D" &&
          v !== "S" &&
          v !== "E" &&
          v !== "T" &&
          v !== "U" &&
          v != null
        ) {
          const letter = code(v, key, path, problems, "step status (P, F, D, S, E, T, U)", statusCode);
          if (letter !== undefined) {
            out ??= { ...src };
            out.status = letter;
          }
        }
        break;
      case "group":
        if (v !== "M" && v !== "S" && v !== "C" && v != null) {
          const letter = code(v, key, path, problems, "step group (S, M, C)", groupCode);
          if (letter !== undefined) {
            out ??= { ...src };
            out.group = letter;
          }
        }
        break;
      case "steps":
        if (v != null) {
          const stepsPath = child(path, key);
          if (depth >= MAX_DEPTH)
            problems.error(stepsPath, "depth", `step tree deeper than ${MAX_DEPTH} levels`);
          else {
            const r = readArray(v, stepsPath, problems, depth + 1, readStep);
            if (r !== v) {
              out ??= { ...src };
              out[key] = r;
            }
          }
        }
        break;
      case "numericMeas":
      case "stringMeas":
      case "booleanMeas":
      case "additionalResults":
        if (v != null) {
          const read: Reader =
            key === "numericMeas"
              ? readNumeric
              : key === "stringMeas"
                ? readStringMeas
                : key === "booleanMeas"
                  ? readBooleanMeas
                  : readAdditionalData;
          const r = readArray(v, child(path, key), problems, depth, read);
          if (r !== v) {
            out ??= { ...src };
            out[key] = r;
          }
        }
        break;
      case "loop":
      case "seqCall":
      case "callExe":
      case "messagePopup":
      case "chart":
      case "attachment":
        if (v != null) {
          if (!isObj(v))
            problems.error(child(path, key), "type", `must be an object or null, not ${describe(v)}`);
          else {
            const read: Reader =
              key === "loop"
                ? readLoop
                : key === "seqCall"
                  ? readSeqCall
                  : key === "callExe"
                    ? readCallExe
                    : key === "messagePopup"
                      ? readPopup
                      : key === "chart"
                        ? readChart
                        : readAttachment;
            const r = read(v, child(path, key), problems, depth);
            if (r !== v) {
              out ??= { ...src };
              out[key] = r;
            }
          }
        }
        break;
    }
  }
  return out ?? src;
}

const readUut = fields({
  execTime: "double",
  execTimeFormat: "text",
  testSocketIndex: "int",
  testSocketIndexFormat: "text",
  batchSN: "text",
  comment: "text",
  errorCode: "int",
  errorCodeFormat: "text",
  errorMessage: "text",
  fixtureId: "text",
  user: "text",
  batchFailCount: "int",
  batchFailCountFormat: "text",
  batchLoopIndex: "int",
  batchLoopIndexFormat: "text",
  stepIdCausedUUTFailure: "int",
  refUURs: { array: fields({ id: "guid", start: "text" }) },
});

const readUur = fields({
  comment: "text",
  user: "text",
  processCode: "int",
  processCodeFormat: "text",
  processName: "text",
  refUUT: "guid",
  confirmDate: "text",
  finalizeDate: "text",
  execTime: "double",
  parent: "guid",
  children: "guids",
});

const readFailure = fields({
  artNumber: "text",
  artRev: "text",
  artVendor: "text",
  artDescription: "text",
  category: "text",
  code: "text",
  comment: "text",
  comRef: "text",
  funcBlock: "text",
  refStepId: "int",
  refStepName: "text",
  attachments: { array: readBinary },
});

const readReportFields = fields(
  {
    pn: "text",
    sn: "text",
    rev: "text",
    productName: "text",
    processCode: "int",
    processCodeFormat: "text",
    processName: "text",
    machineName: "text",
    location: "text",
    purpose: "text",
    origin: "text",
    start: "text",
    startUTC: "text",
    id: "guid",
    root: { object: readStep },
    uut: { object: readUut },
    uur: { object: readUur },
    miscInfos: {
      array: fields({
        description: "text",
        typedef: "text",
        text: "text",
        numeric: "int",
        numericFormat: "text",
        id: "guid",
      }),
    },
    subUnits: {
      array: fields({
        partType: "text",
        pn: "text",
        rev: "text",
        sn: "text",
        idx: "int",
        parentIdx: "int",
        position: "int",
        replacedIdx: "int",
        failures: { array: readFailure },
      }),
    },
    assets: { array: fields({ assetSN: "text", usageCount: "int", usageCountFormat: "text" }) },
    assetStats: {
      array: fields({
        assetSN: "text",
        runningCount: "int",
        runningCountExceeded: "int",
        totalCount: "int",
        totalCountExceeded: "int",
        daysSinceCalibration: "double",
        isDaysSinceCalibrationUnknown: "bool",
        calibrationDaysOverdue: "double",
        daysSinceMaintenance: "double",
        isDaysSinceMaintenanceUnknown: "bool",
        maintenanceDaysOverdue: "double",
        message: "text",
      }),
    },
    binaryData: { array: readBinary },
    additionalData: { array: readAdditionalData },
  },
  (src, path, problems) => {
    const type = code(src.type, "type", path, problems, "report type (T or R)", reportTypeCode);
    const result = code(
      src.result,
      "result",
      path,
      problems,
      "report result (P, F, E, T)",
      statusCode,
      isReportResult,
    );
    if (type === undefined && result === undefined) return undefined;
    const changes: Obj = {};
    if (type !== undefined) changes.type = type;
    if (result !== undefined) changes.result = result;
    return changes;
  },
);

/**
 * Reads a decoded WSJF report into the model, adding every problem to `problems`. Objects that
 * need no normalisation are returned as they are, not copied. The result is only meaningful
 * when no error was added.
 */
export function readReport(input: unknown, problems: ProblemList): Report | undefined {
  if (!isObj(input)) {
    problems.error("$", "type", `a report must be a JSON object, not ${describe(input)}`);
    return undefined;
  }
  return readReportFields(input, "$", problems, 0) as Report;
}
