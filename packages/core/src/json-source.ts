/**
 * The UTF-8 JSON bytes a call's data was parsed from, kept for the @tswats/sync engine only: it
 * sends those bytes to its blocked caller (a transfer, parsed once there) instead of
 * structured-cloning the parsed object graph, which costs more for any answer beyond a few hundred
 * bytes (measured in packages/sync/bench/body-crossing.bench.ts).
 *
 * Off unless `keepJsonSources()` was called on this thread (the engine thread does): an ordinary
 * `Wats` keeps nothing, so no answer is held twice in memory.
 *
 * The other way, a request body that reached the engine as JSON text (serialised once, in the
 * sync caller) is remembered with that text, which the transport sends as it is instead of
 * stringifying the parsed body again.
 */

let sources: WeakMap<object, ArrayBuffer> | undefined;
let smallestKept = 0;

/**
 * From now on, this thread's transports remember the bytes each JSON answer was parsed from, when
 * there are at least `minBytes` of them (the engine sends smaller answers as they are, so keeping
 * their bytes would only cost a WeakMap entry per call).
 */
export function keepJsonSources(minBytes = 0): void {
  sources ??= new WeakMap();
  smallestKept = minBytes;
}

/** Called by the transport: `data` is exactly `JSON.parse` of `bytes` (UTF-8, BOM dropped). */
export function recordJsonSource(data: unknown, bytes: ArrayBuffer | undefined): void {
  if (sources === undefined || bytes === undefined || typeof data !== "object" || data === null) return;
  if (bytes.byteLength < smallestKept) return;
  sources.set(data, bytes);
}

/**
 * The bytes `data` was parsed from, once (the entry is removed), or undefined when `data` is not
 * an answer's parsed body as the transport produced it.
 */
export function takeJsonSource(data: unknown): ArrayBuffer | undefined {
  if (sources === undefined || typeof data !== "object" || data === null) return undefined;
  const bytes = sources.get(data);
  if (bytes !== undefined) sources.delete(data);
  return bytes;
}

let texts: WeakMap<object, string> | undefined;

/**
 * `value` is exactly `JSON.parse(text)` where `text` is `JSON.stringify` output: a call with
 * `value` as its JSON body sends `text` (the same bytes stringifying `value` would give).
 */
export function recordJsonText(value: object, text: string): void {
  texts ??= new WeakMap();
  texts.set(value, text);
}

/** The JSON text a request body was parsed from, once, or undefined. */
export function takeJsonText(value: unknown): string | undefined {
  if (texts === undefined || typeof value !== "object" || value === null) return undefined;
  const text = texts.get(value);
  if (text !== undefined) texts.delete(value);
  return text;
}
