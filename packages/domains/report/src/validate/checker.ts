/**
 * Typed checks over unchecked JSON, shared by the header and step rules. Each takes the value,
 * the path of the object holding it and its key, reports what is wrong at `path.key` and returns
 * the value when it can be used further (the path text is only built for a problem).
 */
import { isGuid } from "../guid.js";
import {
  codePointLength,
  ID_SPECIAL_CHARACTERS,
  INT16,
  INT32,
  TEXT_LIMITS,
  type TextField,
  XML_INVALID,
} from "../limits.js";
import { describe } from "../model/read.js";
import { child, type ProblemList } from "../problems.js";
import { dateTimeProblem } from "../time.js";

export type Obj = Record<string, unknown>;

export const isObj = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export interface ValidateOptions {
  /**
   * Treat measurements that cannot be evaluated (missing limits, unknown operator) as errors
   * instead of warnings. Default false.
   */
  strict?: boolean;
  /** Allow `* % ? [ ] ^ ! / \` in part and serial numbers (they break WATS search). Default false. */
  allowSpecialCharacters?: boolean;
  /** "Now" for the start-in-the-future warning (tests). Default: the current time. */
  now?: Date;
}

const SPECIAL_GLOBAL = new RegExp(ID_SPECIAL_CHARACTERS.source, "g");
/** True when no character needs a closer look: no C0 control but TAB/LF/CR, no surrogate, no U+FFFE/U+FFFF. */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 ? c !== 9 && c !== 10 && c !== 13 : c >= 0xd800 && (c <= 0xdfff || c >= 0xfffe)) return false;
  }
  return true;
}

export class Checker {
  readonly strict: boolean;
  readonly allowSpecial: boolean;
  readonly nowMs: number;

  constructor(
    readonly problems: ProblemList,
    options: ValidateOptions,
  ) {
    this.strict = options.strict === true;
    this.allowSpecial = options.allowSpecialCharacters === true;
    this.nowMs = (options.now ?? new Date()).getTime();
  }

  /** Reports a missing value; true when it is there. */
  present(v: unknown, path: string, key: string, what = "is required"): boolean {
    if (v != null) return true;
    this.problems.error(child(path, key), "required", what);
    return false;
  }

  /** A text of at most its field's length; `required` also refuses null/missing and blank text. */
  text(v: unknown, path: string, key: string, field?: TextField, required = false): string | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required");
      return undefined;
    }
    if (typeof v !== "string") {
      this.problems.error(child(path, key), "type", `must be a string, not ${describe(v)}`);
      return undefined;
    }
    if (required && v.trim() === "") this.problems.error(child(path, key), "empty", "must not be empty");
    if (field !== undefined) {
      const max = TEXT_LIMITS[field];
      if (v.length > max) {
        const length = codePointLength(v);
        if (length > max)
          this.problems.error(
            child(path, key),
            "too-long",
            `is ${length} characters long; at most ${max} are allowed`,
          );
      }
    }
    if (!plain(v) && XML_INVALID.test(v)) {
      this.problems.error(
        child(path, key),
        "characters",
        "contains control or non-character code points that WATS cannot store (its reports are also XML)",
      );
    }
    return v;
  }

  /** A part/serial number: a text without the characters that break WATS search. */
  identifier(v: unknown, path: string, key: string, field: TextField, required = true): string | undefined {
    const text = this.text(v, path, key, field, required);
    if (text !== undefined && !this.allowSpecial && ID_SPECIAL_CHARACTERS.test(text)) {
      const found = [...new Set(text.match(SPECIAL_GLOBAL))].join(" ");
      this.problems.error(
        child(path, key),
        "characters",
        `contains ${found}, which break WATS search and filters (allowSpecialCharacters permits them)`,
      );
    }
    return text;
  }

  integer(
    v: unknown,
    path: string,
    key: string,
    range: { readonly min: number; readonly max: number } = INT32,
    required = false,
  ): number | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required");
      return undefined;
    }
    if (typeof v !== "number" || !Number.isInteger(v)) {
      this.problems.error(child(path, key), "type", `must be an integer, not ${describe(v)}`);
      return undefined;
    }
    if (v < range.min || v > range.max) {
      this.problems.error(
        child(path, key),
        "range",
        `must be between ${range.min} and ${range.max}, not ${v}`,
      );
      return undefined;
    }
    return v;
  }

  int16(v: unknown, path: string, key: string, required = false): number | undefined {
    return this.integer(v, path, key, INT16, required);
  }

  /** A finite number (JSON cannot carry NaN or Infinity, and WATS stores a double). */
  number(v: unknown, path: string, key: string, required = false): number | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required");
      return undefined;
    }
    if (typeof v !== "number") {
      this.problems.error(child(path, key), "type", `must be a number, not ${describe(v)}`);
      return undefined;
    }
    if (!Number.isFinite(v)) {
      this.problems.error(
        child(path, key),
        "non-finite",
        `is ${v}: JSON cannot carry it and WATS stores a double; record a finite value (or LOG it) instead`,
      );
      return undefined;
    }
    return v;
  }

  bool(v: unknown, path: string, key: string): boolean | undefined {
    if (v == null) return undefined;
    if (typeof v !== "boolean") {
      this.problems.error(child(path, key), "type", `must be true or false, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A single-letter code from `allowed` (the wire takes letters only, never words). */
  code<T extends string>(
    v: unknown,
    path: string,
    key: string,
    allowed: readonly T[],
    what: string,
    required = true,
  ): T | undefined {
    if (v == null) {
      if (required)
        this.problems.error(child(path, key), "required", `is required (${what}: ${allowed.join(", ")})`);
      return undefined;
    }
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      this.problems.error(
        child(path, key),
        typeof v === "string" ? "code" : "type",
        `must be one of ${allowed.join(", ")} (${what}), not ${describe(v)}`,
      );
      return undefined;
    }
    return v as T;
  }

  guid(v: unknown, path: string, key: string, required = false): string | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required (a GUID)");
      return undefined;
    }
    if (!isGuid(v)) {
      this.problems.error(
        child(path, key),
        typeof v === "string" ? "guid" : "type",
        `must be a GUID (8-4-4-4-12 hex digits), not ${describe(v)}`,
      );
      return undefined;
    }
    return v;
  }

  /** A date-time with a UTC offset, not before 1970. */
  dateTime(v: unknown, path: string, key: string, required = false): string | undefined {
    // The format check leaves no room for odd characters, so the text check is only needed for what fails it.
    const text = typeof v === "string" && v !== "" ? v : this.text(v, path, key, undefined, required);
    if (text === undefined || text.trim() === "") return undefined;
    const problem = dateTimeProblem(text);
    if (problem === undefined) return text;
    const message =
      problem === "format"
        ? `must be an ISO-8601 date-time, not ${describe(text)}`
        : problem === "offset"
          ? `must carry a UTC offset (e.g. +01:00 or Z): ${describe(text)} is ambiguous`
          : "is before 1970-01-01, which WATS does not accept";
    this.problems.error(child(path, key), problem === "range" ? "range" : "date-time", message);
    return undefined;
  }

  /** An array (or null/missing); reports anything else. */
  array(v: unknown, path: string, key: string, required = false): unknown[] | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required");
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.problems.error(child(path, key), "type", `must be an array, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** An object (or null/missing); reports anything else. */
  object(v: unknown, path: string, key: string, required = false): Obj | undefined {
    if (v == null) {
      if (required) this.problems.error(child(path, key), "required", "is required");
      return undefined;
    }
    if (!isObj(v)) {
      this.problems.error(child(path, key), "type", `must be an object, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** Calls `check` for each element of `list` that is an object, with its path; reports the others. */
  each(
    list: readonly unknown[],
    path: string,
    check: (element: Obj, at: string, index: number) => void,
  ): void {
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      const at = `${path}[${i}]`;
      if (isObj(v)) check(v, at, i);
      else this.problems.error(at, "type", `must be an object, not ${describe(v)}`);
    }
  }

  /** A base64 text (no data-URL prefix); returns its decoded size in bytes. */
  base64(v: unknown, path: string, key: string, required: boolean): number | undefined {
    const text = this.text(v, path, key, undefined, required);
    if (text === undefined) return undefined;
    const compact = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      this.problems.error(child(path, key), "attachment", "must be base64 data (without a data: URL prefix)");
      return undefined;
    }
    const padding = compact.endsWith("==") ? 2 : compact.endsWith("=") ? 1 : 0;
    return Math.floor((compact.length * 3) / 4) - padding;
  }
}
