import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Correlation ids: one per call, sent as `X-Correlation-ID`, carried by every log line and error
 * of that call. A caller groups several calls under one id with `withCorrelationId`.
 */
const storage = new AsyncLocalStorage<string>();

const VALID_ID = /^[\x21-\x7e]{1,128}$/;

/** Runs `fn` (and everything it awaits) with `id` as the correlation id of the calls it makes. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return storage.run(checkCorrelationId(id), fn);
}

/** The correlation id set by the nearest enclosing `withCorrelationId`, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

/** `digits` random hex digits (Math.random: V8 seeds it from the system's entropy, per thread). */
function randomHex(digits: number): string {
  let out = "";
  while (out.length < digits)
    out += Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, "0");
  return out.slice(0, digits);
}

/**
 * Ids are UUIDs (version 4 layout): the first 19 digits drawn once per thread, the last 12 a
 * counter from a random start. Unique without a random draw per call, and without loading
 * node:crypto for it (about 2 MiB of a fresh process). Correlation ids name calls; they guard
 * nothing, so they need not be unpredictable.
 */
const ID_PREFIX = (() => {
  const hex = randomHex(19);
  const variant = "89ab"[Math.floor(Math.random() * 4)];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(15, 18)}-`;
})();
const COUNTER_SPAN = 2 ** 48;
let idCounter = Math.floor(Math.random() * 2 ** 32);

/** A fresh correlation id (a UUID). */
export function newCorrelationId(): string {
  idCounter = (idCounter + 1) % COUNTER_SPAN;
  return ID_PREFIX + idCounter.toString(16).padStart(12, "0");
}

/** Throws unless the id can travel in an HTTP header: 1-128 visible ASCII characters. */
export function checkCorrelationId(id: string): string {
  if (typeof id !== "string" || !VALID_ID.test(id)) {
    throw new TypeError("correlation id: must be 1-128 visible ASCII characters (no spaces or line breaks)");
  }
  return id;
}
