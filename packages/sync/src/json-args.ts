/**
 * Call arguments that cross to the engine as their JSON text instead of structured clones:
 * serialised once in the caller; the engine hands them on as that text (a `JsonText`), which its
 * transport sends as a JSON body without parsing or stringifying it again (see @tswats/core
 * json-source). The text crosses as a string, at any length: a structured clone copies a
 * string's characters as they are, while UTF-8 bytes would be encoded here and decoded again in
 * the engine (for a 50 KB report, 120 against 170-200 µs per round trip, and 110 against 310
 * with characters beyond Latin-1; `README.md`, "How answers cross").
 *
 * - A method's JSON body, when it is an object or an array, always crosses as its text: the
 *   engine's transport would send `JSON.stringify(body)`, which is exactly the text made here,
 *   whatever the body holds (a Date, NaN, an undefined field, a class instance with `toJSON`,
 *   which a structured clone would lose), so a sync call sends what the async call sends, and the
 *   body is not walked first.
 * - Other arguments (parameters) cross as text only when they are plain JSON of JSON_BYTES_MIN
 *   characters or more (objects and arrays of strings, finite numbers, booleans and null): the
 *   engine reads their values, so a Date, a typed array, undefined or a class instance there
 *   must arrive as itself, and small ones are cheaper as clones.
 * Anything else crosses as a structured clone.
 */

import { JsonText } from "@tswats/core";
import { JSON_BYTES_MIN } from "./protocol.js";

const MAX_DEPTH = 64;

/** An array, or an object of no class (not a Map, a Date, a typed array, FormData...). */
function hasPlainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/** Whether `JSON.parse(JSON.stringify(value))` gives `value` back, deeply equal. */
export function isPlainJson(value: unknown): boolean {
  return plainJsonBound(value, 0) >= 0;
}

/** Characters a number takes in JSON at most ("-0.0000035746051648933137"). */
const NUMBER_CHARS = 25;
/** Characters one character of a string takes in JSON at most (`\u001f`). */
const ESCAPED_CHARS = 6;

/**
 * -1 when `value` is not plain JSON (see isPlainJson); else an upper bound of the length of
 * `JSON.stringify(value)`, so that a small value is known to be small without writing its text.
 */
function plainJsonBound(value: unknown, depth: number): number {
  switch (typeof value) {
    case "string":
      return value.length * ESCAPED_CHARS + 2;
    case "boolean":
      return 5;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? NUMBER_CHARS : -1;
    case "object": {
      if (value === null) return 4;
      if (depth >= MAX_DEPTH || !hasPlainPrototype(value)) return -1;
      let total = 2;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = i in value ? plainJsonBound(value[i], depth + 1) : -1;
          if (item < 0) return -1;
          total += item + 1;
        }
        return Object.keys(value).length === value.length ? total : -1;
      }
      if (Object.getOwnPropertySymbols(value).length > 0) return -1;
      for (const key in value) {
        const item = plainJsonBound((value as Record<string, unknown>)[key], depth + 1);
        if (item < 0) return -1;
        total += key.length * ESCAPED_CHARS + 4 + item;
      }
      return total;
    }
    default:
      return -1;
  }
}

/** A parameter's JSON text when it is plain JSON of at least JSON_BYTES_MIN characters. */
function largeParamText(value: object): string | undefined {
  const bound = plainJsonBound(value, 0);
  // Under the limit even at its longest: not worth writing out.
  if (bound < JSON_BYTES_MIN) return undefined;
  const text = JSON.stringify(value);
  return text.length >= JSON_BYTES_MIN ? text : undefined;
}

export interface EncodedArgs {
  /** The arguments, with `null` where an argument crosses in `jsonArgs`. */
  args: unknown[];
  /** Per argument: its JSON text, or null when it is in `args`. Undefined when none is. */
  jsonArgs: (string | null)[] | undefined;
}

/** The JSON text of a body as the transport would write it; undefined when that throws (a bigint, a cycle). */
function bodyText(body: object): string | undefined {
  if (!hasPlainPrototype(body)) return undefined;
  try {
    const text: unknown = JSON.stringify(body);
    return typeof text === "string" ? text : undefined;
  } catch {
    // The engine's transport meets the same error and reports it as the async call would.
    return undefined;
  }
}

/**
 * The arguments before `optionsIndex` that cross as JSON text (see the module comment): the JSON
 * body at `jsonBodyIndex` (undefined when the method takes none), and plain-JSON parameters.
 */
export function encodeJsonArgs(args: unknown[], optionsIndex: number, jsonBodyIndex?: number): EncodedArgs {
  let jsonArgs: (string | null)[] | undefined;
  let sent = args;
  for (let i = 0; i < optionsIndex && i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== "object" || arg === null) continue;
    const text = i === jsonBodyIndex ? bodyText(arg) : largeParamText(arg);
    if (text === undefined) continue;
    if (jsonArgs === undefined) {
      jsonArgs = args.map(() => null);
      sent = [...args];
    }
    sent[i] = null;
    jsonArgs[i] = text;
  }
  return { args: sent, jsonArgs };
}

/**
 * The engine's side: the arguments with each JSON one as a `JsonText` (@tswats/core), which a
 * generated method passes to the transport unparsed: a JSON body goes out as that text, and only
 * path and query parameters are parsed (json-source.ts). Paged listings never get JSON text (the
 * facade sends their arguments as clones), so their methods, which read their parameters, never
 * see a JsonText.
 */
export function decodeJsonArgs(args: unknown[], jsonArgs: (string | null)[] | undefined): unknown[] {
  if (jsonArgs === undefined) return args;
  const decoded = [...args];
  for (let i = 0; i < jsonArgs.length; i++) {
    const json = jsonArgs[i];
    if (json === null || json === undefined) continue;
    decoded[i] = new JsonText(json);
  }
  return decoded;
}
