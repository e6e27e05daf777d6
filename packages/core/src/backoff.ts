/** Delays between attempts: exponential backoff with full jitter, and the server's Retry-After. */

export interface BackoffOptions {
  /** Delay ceiling before jitter of the first retry. */
  baseDelayMs: number;
  /** Cap on the ceiling, however many retries. */
  maxDelayMs: number;
}

/**
 * Full jitter: a uniform random delay in [0, min(maxDelayMs, baseDelayMs * 2^(retry - 1))].
 * `retry` is 1 for the first retry. Spreads out clients that failed together.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, retry - 1);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header: delta seconds ("120") or an HTTP date. Returns milliseconds from
 * `nowMs` (never negative), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; this keeps bare numbers like "-5" out of Date.parse.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
