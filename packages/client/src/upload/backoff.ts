/** The queue's retry schedule: exponential backoff with jitter, Retry-After honoured, a cap on both. */

export interface UploadRetryOptions {
  /** Delay ceiling of the first retry. Default 2 000 ms. */
  baseDelayMs?: number;
  /** Cap of the backoff delay. Default 300 000 ms (5 minutes). */
  maxDelayMs?: number;
  /** A server's Retry-After is honoured up to this. Default 3 600 000 ms (1 hour). */
  maxRetryAfterMs?: number;
  /**
   * Attempts after which a retryable failure goes to failed/ (reason "gave-up"; `queue retry`
   * brings it back). Default 0: never give up (a station offline for a week still delivers).
   */
  maxAttempts?: number;
}

export type ResolvedUploadRetry = Required<UploadRetryOptions>;

export const DEFAULT_UPLOAD_RETRY: ResolvedUploadRetry = {
  baseDelayMs: 2_000,
  maxDelayMs: 300_000,
  maxRetryAfterMs: 3_600_000,
  maxAttempts: 0,
};

export function resolveUploadRetry(options: UploadRetryOptions = {}): ResolvedUploadRetry {
  const out = { ...DEFAULT_UPLOAD_RETRY };
  for (const key of Object.keys(out) as (keyof ResolvedUploadRetry)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Delay before attempt `attempts + 1`, after `attempts` failed ones: "equal jitter" (half the
 * ceiling fixed, half random) so a retry never comes at once, and never below the server's
 * Retry-After (itself capped).
 */
export function retryDelayMs(
  attempts: number,
  retryAfterMs: number | undefined,
  options: ResolvedUploadRetry,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, attempts - 1), 40);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const backoff = Math.floor(ceiling / 2 + random() * (ceiling / 2));
  const serverWait = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, options.maxRetryAfterMs);
  return Math.max(backoff, serverWait);
}
