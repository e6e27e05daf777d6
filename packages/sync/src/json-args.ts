/**
 * Call arguments that cross to the engine as their JSON text instead of structured clones:
 * serialised once in the caller; the engine hands them on as that text (a `JsonText`), which its
 * transport sends as a JSON body without parsing or stringifying it again (see @tswats/core
 * json-source). Text of JSON_BYTES_MIN characters or more crosses as UTF-8 bytes (transferred),
 * shorter text as a string.
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
import { JSON_BYTES_MIN, type JsonArg } from "./protocol.js";

const MAX_DEPTH = 64;

/** An array, or an object of no class (not a Map, a Date, a typed array, FormData...). */
function hasPlainPrototype(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/** Whether `JSON.parse(JSON.stringify(value))` gives `value` back, deeply equal. */
export function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth >= MAX_DEPTH || !hasPlainPrototype(value)) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        }
        return Object.keys(value).length === value.length;
      }
      if (Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface EncodedArgs {
  /** The arguments, with `null` where an argument crosses in `jsonArgs`. */
  args: unknown[];
  /** Per argument: its JSON text, or null when it is in `args`. Undefined when none is. */
  jsonArgs: (JsonArg | null)[] | undefined;
  transfer: ArrayBuffer[];
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
  let jsonArgs: (JsonArg | null)[] | undefined;
  let sent = args;
  const transfer: ArrayBuffer[] = [];
  for (let i = 0; i < optionsIndex && i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== "object" || arg === null) continue;
    const isBody = i === jsonBodyIndex;
    const text = isBody ? bodyText(arg) : isPlainJson(arg) ? JSON.stringify(arg) : undefined;
    if (text === undefined || (!isBody && text.length < JSON_BYTES_MIN)) continue;
    if (jsonArgs === undefined) {
      jsonArgs = args.map(() => null);
      sent = [...args];
    }
    sent[i] = null;
    // UTF-8 text is at least as long as the string: short text is cheaper to clone than to encode.
    if (text.length < JSON_BYTES_MIN) {
      jsonArgs[i] = text;
      continue;
    }
    const bytes = encoder.encode(text);
    // A fresh, exactly sized buffer: TextEncoder's result is transferred whole.
    const buffer =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.slice().buffer as ArrayBuffer);
    jsonArgs[i] = buffer;
    transfer.push(buffer);
  }
  return { args: sent, jsonArgs, transfer };
}

/**
 * The engine's side: the arguments with each JSON one as a `JsonText` (@tswats/core), which a
 * generated method passes to the transport unparsed: a JSON body goes out as that text, and only
 * path and query parameters are parsed (json-source.ts). Paged listings never get JSON bytes (the
 * facade sends their arguments as clones), so their methods, which read their parameters, never
 * see a JsonText.
 */
export function decodeJsonArgs(args: unknown[], jsonArgs: (JsonArg | null)[] | undefined): unknown[] {
  if (jsonArgs === undefined) return args;
  const decoded = [...args];
  for (let i = 0; i < jsonArgs.length; i++) {
    const json = jsonArgs[i];
    if (json === null || json === undefined) continue;
    decoded[i] = new JsonText(typeof json === "string" ? json : decoder.decode(json));
  }
  return decoded;
}
