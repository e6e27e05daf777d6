/**
 * The UTF-8 JSON bytes a call's data was parsed from, kept for the @tswats/sync engine only: it
 * sends those bytes to its blocked caller (a transfer, parsed once there) instead of
 * structured-cloning the parsed object graph, which costs more for any answer beyond a few hundred
 * bytes (measured in packages/sync/bench/body-crossing.bench.ts).
 *
 * Off unless `keepJsonSources()` was called on this thread (the engine thread does): an ordinary
 * `Wats` keeps nothing, so no answer is held twice in memory.
 *
 * The other way, a call argument that reached the engine as JSON text (serialised once, in the
 * sync caller) stays that text (`JsonText`), which the transport sends as it is.
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

/**
 * A JSON value still as its text: what the @tswats/sync engine hands a method for an argument
 * that crossed from its caller as JSON bytes. A generated method passes its arguments to the
 * transport as they are; the transport sends a JSON body as this text and parses it only where it
 * needs the value (path and query parameters, a body of another content type). So a report
 * submitted through the sync facade is stringified once, in the caller, and never parsed again.
 */
export class JsonText {
  #parsed = false;
  #value: unknown;

  /** `text` is `JSON.stringify` output. */
  constructor(readonly text: string) {}

  /** The value the text stands for, parsed on first use. */
  value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.text);
      this.#parsed = true;
    }
    return this.#value;
  }

  /** `JSON.stringify` of it gives the text's value, not this wrapper. */
  toJSON(): unknown {
    return this.value();
  }
}

/** The value itself, or the value a JsonText stands for. */
export function jsonValue(value: unknown): unknown {
  return value instanceof JsonText ? value.value() : value;
}
