/**
 * Call arguments that cross to the engine as UTF-8 JSON bytes (transferred) instead of structured
 * clones: serialised once in the caller; the engine hands them on as that text, which its
 * transport sends as a JSON body without parsing or stringifying it again (see @tswats/core
 * json-source).
 *
 * Only arguments of at least JSON_BYTES_MIN bytes of JSON that JSON carries unchanged go this way (plain objects and arrays of strings,
 * finite numbers, booleans and null); anything else (a Date, a typed array, undefined, a class
 * instance) crosses as a structured clone, as before.
 */

import { JsonText } from "@tswats/core";
import { JSON_BYTES_MIN } from "./protocol.js";

const MAX_DEPTH = 64;

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
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        }
        return Object.keys(value).length === value.length;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
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
  /** Per argument: its JSON bytes, or null when it is in `args`. Undefined when none is. */
  jsonArgs: (ArrayBuffer | null)[] | undefined;
  transfer: ArrayBuffer[];
}

/**
 * The arguments before `optionsIndex` that are plain JSON objects or arrays of at least
 * JSON_BYTES_MIN characters of JSON, as bytes.
 */
export function encodeJsonArgs(args: unknown[], optionsIndex: number): EncodedArgs {
  let jsonArgs: (ArrayBuffer | null)[] | undefined;
  let sent = args;
  const transfer: ArrayBuffer[] = [];
  for (let i = 0; i < optionsIndex && i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== "object" || arg === null || !isPlainJson(arg)) continue;
    const text = JSON.stringify(arg);
    // Small values are cheaper as clones (UTF-8 text is at least as long as the string).
    if (text.length < JSON_BYTES_MIN) continue;
    if (jsonArgs === undefined) {
      jsonArgs = args.map(() => null);
      sent = [...args];
    }
    const bytes = encoder.encode(text);
    // A fresh, exactly sized buffer: TextEncoder's result is transferred whole.
    const buffer =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? (bytes.buffer as ArrayBuffer)
        : (bytes.slice().buffer as ArrayBuffer);
    jsonArgs[i] = buffer;
    sent[i] = null;
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
export function decodeJsonArgs(args: unknown[], jsonArgs: (ArrayBuffer | null)[] | undefined): unknown[] {
  if (jsonArgs === undefined) return args;
  const decoded = [...args];
  for (let i = 0; i < jsonArgs.length; i++) {
    const bytes = jsonArgs[i];
    if (bytes === null || bytes === undefined) continue;
    decoded[i] = new JsonText(decoder.decode(bytes));
  }
  return decoded;
}
