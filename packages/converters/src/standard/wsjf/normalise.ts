/**
 * WSJF files as WATS accepts them, normalised on the way in. Virinco's own example files (and
 * stations writing WSJF by hand) use forms the strict wire format does not:
 *
 * - date-times with an empty fraction (`"startUTC": "2020-01-01T08:00:00.Z"`): the dot is dropped;
 * - date-times without a UTC offset: `start` takes the offset its `startUTC` implies, else the
 *   `timeZone` parameter's (a warning); `startUTC` is UTC by definition (`Z` added); step starts
 *   are read in `timeZone` (a warning); `uur.confirmDate` / `uur.finalizeDate` are read as UTC,
 *   as WATS stores them (a warning);
 * - a missing `start` is taken from `startUTC`; a missing `result` from the root step's status;
 * - a one-limit operator (`LE`, `GT`, ...) with its limit in `highLimit` only: moved to `lowLimit`,
 *   where WATS reads it (as WATS's own WSJF converter does);
 * - missing header fields (part number, serial number, revision, process codes, operator,
 *   station, location, purpose) are filled from the converter parameters, with a warning each.
 *
 * What WATS refuses is refused with the JSON path of the field: a process given only by name, a
 * chart type WATS does not draw, chart data that is no number, and repair sub-units whose
 * indexes are missing, repeated, without a main unit (idx 0) or pointing nowhere. Everything else
 * is left to `validateReport` (run by the host), which names the field too.
 */
import { parseDateTime, resultFromStatus, toWatsDateTime } from "@tswats/report";
import { ConversionError } from "../../errors.js";
import { offsetText } from "../time-text.js";

type Obj = Record<string, unknown>;

export interface WsjfFallbacks {
  timeZone?: string | undefined;
  operator?: string | undefined;
  processCode?: number | undefined;
  repairProcessCode?: number | undefined;
  partNumber?: string | undefined;
  serialNumber?: string | undefined;
  revision?: string | undefined;
  location?: string | undefined;
  purpose?: string | undefined;
  station?: string | undefined;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const missing = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

const ONE_LIMIT = new Set(["EQ", "NE", "GT", "GE", "LT", "LE"]);
const CHART_TYPES = new Set(["line", "linelogx", "linelogy", "linelogxy"]);
const EMPTY_FRACTION = /^(\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)\.(?=(?:Z|z|[+-]\d{2}:?\d{2})?\s*$)/;

export class WsjfNormaliser {
  readonly #f: WsjfFallbacks;
  readonly #warn: (message: string) => void;
  readonly #where: string;
  #naiveStepStarts = 0;

  /** `where`: how warnings name the report ("x.json, report 2"). */
  constructor(fallbacks: WsjfFallbacks, where: string, warn: (message: string) => void) {
    this.#f = fallbacks;
    this.#where = where;
    this.#warn = warn;
  }

  #note(path: string, message: string): void {
    this.#warn(`${this.#where}: ${path} ${message}`);
  }

  #refuse(path: string, message: string): never {
    throw new ConversionError(`${this.#where}: ${path} ${message}`, { kind: "content", field: path });
  }

  /** A normalised copy of one report object. */
  normalise(input: Obj): Obj {
    const r = structuredClone(input);
    this.#dates(r);
    this.#header(r);
    if (isObj(r.root)) this.#steps(r.root, "$.root");
    if (this.#naiveStepStarts > 0)
      this.#note(
        "step start",
        `times: ${this.#naiveStepStarts} written without UTC offset, read in ${this.#zoneName()}`,
      );
    if (r.type === "R" || r.type === "r") this.#repairUnits(r);
    return r;
  }

  #zoneName(): string {
    return (
      this.#f.timeZone ?? `this machine's time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone})`
    );
  }

  /** The text without an empty fraction; undefined when it is no date-time at all. */
  #clean(v: unknown): string | undefined {
    if (typeof v !== "string") return undefined;
    const text = v.replace(EMPTY_FRACTION, "$1");
    return parseDateTime(text) ? text.trim() : undefined;
  }

  #dates(r: Obj): void {
    const start = this.#clean(r.start);
    const startUtc = this.#clean(r.startUTC);
    let utc: string | undefined;
    if (startUtc !== undefined) {
      utc = parseDateTime(startUtc)?.offsetMinutes === undefined ? `${startUtc}Z` : startUtc;
      r.startUTC = utc;
    }
    if (start !== undefined) {
      const parsed = parseDateTime(start);
      if (parsed?.offsetMinutes !== undefined) r.start = start;
      else if (utc !== undefined) {
        // The wall time of `start` against the instant of `startUTC` gives the offset exactly.
        const offset = Math.round(
          (parsed?.epochMs ?? 0) / 60_000 - (parseDateTime(utc)?.epochMs ?? 0) / 60_000,
        );
        if (Math.abs(offset) <= 14 * 60) r.start = `${start}${offsetText(offset)}`;
        else {
          r.start = toWatsDateTime(start, this.#f.timeZone);
          this.#note("$.start", `"${start}" has no UTC offset; read in ${this.#zoneName()}`);
        }
      } else {
        r.start = toWatsDateTime(start, this.#f.timeZone);
        this.#note("$.start", `"${start}" has no UTC offset; read in ${this.#zoneName()}`);
      }
    } else if (missing(r.start) && utc !== undefined) {
      r.start = toWatsDateTime(new Date(parseDateTime(utc)?.epochMs ?? 0), this.#f.timeZone);
      this.#note("$.start", `is missing; taken from startUTC in ${this.#zoneName()} (${r.start as string})`);
    }
    if (isObj(r.uur)) {
      for (const key of ["confirmDate", "finalizeDate"]) {
        const text = this.#clean(r.uur[key]);
        if (text === undefined) continue;
        if (parseDateTime(text)?.offsetMinutes === undefined) {
          r.uur[key] = `${text}Z`;
          this.#note(`$.uur.${key}`, `"${text}" has no UTC offset; read as UTC, as WATS stores it`);
        } else r.uur[key] = text;
      }
    }
  }

  #fill(r: Obj, key: string, path: string, value: unknown, parameter: string): void {
    if (!missing(r[key])) return;
    if (value === undefined || value === null || value === "") return; // validation names the field
    r[key] = value;
    this.#note(path, `is missing; set from the parameter "${parameter}" (${JSON.stringify(value)})`);
  }

  #header(r: Obj): void {
    const f = this.#f;
    const repair = r.type === "R" || r.type === "r";
    this.#fill(r, "pn", "$.pn", f.partNumber, "partNumber");
    this.#fill(r, "sn", "$.sn", f.serialNumber, "serialNumber");
    this.#fill(r, "rev", "$.rev", f.revision, "revision");
    this.#fill(r, "location", "$.location", f.location, "location");
    this.#fill(r, "purpose", "$.purpose", f.purpose, "purpose");
    if (missing(r.machineName) && f.station !== undefined) {
      r.machineName = f.station;
      this.#note("$.machineName", `is missing; set to this station's name (${JSON.stringify(f.station)})`);
    }
    if (missing(r.processCode)) {
      const code = repair ? f.repairProcessCode : f.processCode;
      if (code !== undefined)
        this.#fill(r, "processCode", "$.processCode", code, repair ? "repairProcessCode" : "processCode");
      else if (typeof r.processName === "string" && r.processName.trim() !== "")
        this.#refuse(
          "$.processCode",
          `is missing: the file names the process "${r.processName}" (processName), which WATS resolves to a code but a converter cannot offline; set the parameter "${repair ? "repairProcessCode" : "processCode"}"`,
        );
    }
    const block = repair ? "uur" : "uut";
    if (r[block] === undefined || r[block] === null) {
      if (f.operator !== undefined) r[block] = {};
    }
    if (isObj(r[block])) {
      const b = r[block] as Obj;
      this.#fill(b, "user", `$.${block}.user`, f.operator, "operator");
      if (repair && missing(b.processCode)) {
        if (f.processCode !== undefined)
          this.#fill(b, "processCode", "$.uur.processCode", f.processCode, "processCode");
        else if (typeof b.processName === "string" && b.processName.trim() !== "")
          this.#refuse(
            "$.uur.processCode",
            `is missing: the file names the test operation "${b.processName}" (uur.processName), which a converter cannot resolve offline; set the parameter "processCode"`,
          );
      }
    }
    if (missing(r.result)) {
      const status = isObj(r.root) ? r.root.status : undefined;
      r.result = repair
        ? "P"
        : resultFromStatus(typeof status === "string" ? status.trim().toUpperCase().slice(0, 1) : undefined);
      this.#note(
        "$.result",
        `is missing; set to ${JSON.stringify(r.result)} (${repair ? "a repair's usual result" : "from the root step's status"})`,
      );
    }
  }

  #steps(root: Obj, rootPath: string): void {
    const stack: { step: Obj; path: string }[] = [{ step: root, path: rootPath }];
    while (stack.length > 0) {
      const { step, path } = stack.pop() as { step: Obj; path: string };
      const start = this.#clean(step.start);
      if (start !== undefined) {
        if (parseDateTime(start)?.offsetMinutes === undefined) {
          step.start = toWatsDateTime(start, this.#f.timeZone);
          this.#naiveStepStarts++;
        } else step.start = start;
      }
      if (Array.isArray(step.numericMeas))
        step.numericMeas.forEach((m, i) => {
          if (!isObj(m)) return;
          const op = typeof m.compOp === "string" ? m.compOp.trim().toUpperCase() : "";
          if (ONE_LIMIT.has(op) && m.lowLimit == null && m.highLimit != null) {
            m.lowLimit = m.highLimit;
            m.highLimit = null;
            this.#note(
              `${path}.numericMeas[${i}]`,
              `has the one limit of ${op} in highLimit; moved to lowLimit, where WATS reads it`,
            );
          }
        });
      if (isObj(step.chart)) this.#chart(step.chart, `${path}.chart`);
      const children = Array.isArray(step.steps) ? step.steps : [];
      for (let i = children.length - 1; i >= 0; i--) {
        const c = children[i];
        if (isObj(c)) stack.push({ step: c, path: `${path}.steps[${i}]` });
      }
    }
  }

  #chart(chart: Obj, path: string): void {
    const type = chart.chartType;
    if (typeof type === "string" && type.trim() !== "" && !CHART_TYPES.has(type.trim().toLowerCase()))
      this.#refuse(
        `${path}.chartType`,
        `"${type}" is not a chart type WATS draws (Line, LineLogX, LineLogY, LineLogXY)`,
      );
    const series = Array.isArray(chart.series) ? chart.series : [];
    series.forEach((s, i) => {
      if (!isObj(s)) return;
      for (const key of ["xdata", "ydata"]) {
        const data = s[key];
        if (typeof data !== "string" || data.trim() === "") continue;
        const values = data.split(";").filter((v) => v.trim() !== "");
        const bad = values.findIndex((v) => !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v));
        if (bad >= 0)
          this.#refuse(
            `${path}.series[${i}].${key}`,
            `value #${bad + 1} "${values[bad]}" is not a number (invariant culture, "." decimal point)`,
          );
      }
    });
  }

  /** Repair sub-units: every one with a unique idx, one main unit (idx 0), parent/replaced pointing at existing ones. */
  #repairUnits(r: Obj): void {
    const units = Array.isArray(r.subUnits) ? r.subUnits : [];
    if (units.length === 0) return;
    const seen = new Map<number, number>();
    units.forEach((u, i) => {
      const idx = isObj(u) ? u.idx : undefined;
      if (typeof idx !== "number" || !Number.isInteger(idx))
        this.#refuse(
          `$.subUnits[${i}].idx`,
          "is missing: every sub-unit of a repair report needs its index (idx)",
        );
      if (seen.has(idx))
        this.#refuse(`$.subUnits[${i}].idx`, `${idx} is already the index of $.subUnits[${seen.get(idx)}]`);
      seen.set(idx, i);
    });
    if (!seen.has(0))
      this.#refuse("$.subUnits", "has no main unit: one sub-unit of a repair report must have idx 0");
    units.forEach((u, i) => {
      for (const key of ["parentIdx", "replacedIdx"]) {
        const ref = (u as Obj)[key];
        if (ref != null && !(typeof ref === "number" && seen.has(ref)))
          this.#refuse(`$.subUnits[${i}].${key}`, `${JSON.stringify(ref)} is the idx of no sub-unit`);
      }
    });
  }
}
