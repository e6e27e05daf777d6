import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

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

/** A fresh correlation id (a UUID). */
export function newCorrelationId(): string {
  return randomUUID();
}

/** Throws unless the id can travel in an HTTP header: 1-128 visible ASCII characters. */
export function checkCorrelationId(id: string): string {
  if (typeof id !== "string" || !VALID_ID.test(id)) {
    throw new TypeError("correlation id: must be 1-128 visible ASCII characters (no spaces or line breaks)");
  }
  return id;
}
