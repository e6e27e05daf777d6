import type { HttpMethod, OperationSpec } from "./operation.js";
import { RetryBudget, type RetryBudgetOptions, sharedRetryBudget } from "./retry-budget.js";

/** Which calls are retried, how often, and how long to wait in between. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 3. */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry (full jitter below it). Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of the backoff ceiling. Default 8 000 ms. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured; longer ones are clamped to it. Default 30 000 ms. */
  maxRetryAfterMs?: number;
  /** Time limit of one attempt (an attempt that runs out is retried). Default 30 000 ms. */
  attemptTimeoutMs?: number;
  /**
   * The retry token bucket: a `RetryBudget` to share, options for one of this transport's own,
   * or false for none. Default: the process-wide budget.
   */
  budget?: RetryBudget | RetryBudgetOptions | false;
}

export interface ResolvedRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number;
  budget: RetryBudget | undefined;
}

export const DEFAULT_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  attemptTimeoutMs: 30_000,
} as const;

export function resolveRetryOptions(options: RetryOptions | false | undefined): ResolvedRetryOptions {
  if (options === false) {
    return {
      ...DEFAULT_RETRY,
      maxAttempts: 1,
      attemptTimeoutMs: Number.POSITIVE_INFINITY,
      budget: undefined,
    };
  }
  const given = options ?? {};
  const budget =
    given.budget === false
      ? undefined
      : given.budget instanceof RetryBudget
        ? given.budget
        : given.budget === undefined
          ? sharedRetryBudget()
          : new RetryBudget(given.budget);
  return {
    maxAttempts: given.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: given.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: given.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    maxRetryAfterMs: given.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
    attemptTimeoutMs: given.attemptTimeoutMs ?? DEFAULT_RETRY.attemptTimeoutMs,
    budget,
  };
}

/** Statuses worth another attempt: the server may answer differently in a moment. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * Whether sending the request again is safe: idempotent methods always; a POST (or PATCH) only
 * when its operation is marked idempotent or the caller gave it an idempotency key.
 */
export function isIdempotentRequest(
  method: HttpMethod | string,
  op: Pick<OperationSpec, "idempotent"> | undefined,
  hasIdempotencyKey: boolean,
): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) || op?.idempotent === true || hasIdempotencyKey;
}
