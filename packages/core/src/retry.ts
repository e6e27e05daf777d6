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

const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);
const IDEMPOTENT_WRITE_METHODS: ReadonlySet<string> = new Set(["PUT", "DELETE"]);

/**
 * Whether the request changes state on the server: the operation says (`stateChanging`), else
 * the method does (anything but GET, HEAD and OPTIONS).
 */
export function changesState(
  method: HttpMethod | string,
  op: Pick<OperationSpec, "stateChanging"> | undefined,
): boolean {
  return op?.stateChanging ?? !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Whether the request may be sent again after an attempt that may have reached the server: when
 * it changes nothing, when a repeat has the same effect (`idempotent`; PUT and DELETE unless the
 * operation says otherwise), or when the caller gave an idempotency key. Other state-changing
 * requests are only sent again after failures that prove the server did not carry them out
 * (see `provesNotProcessed`).
 */
export function isIdempotentRequest(
  method: HttpMethod | string,
  op: Pick<OperationSpec, "idempotent" | "stateChanging"> | undefined,
  hasIdempotencyKey: boolean,
): boolean {
  if (hasIdempotencyKey || !changesState(method, op)) return true;
  return op?.idempotent ?? IDEMPOTENT_WRITE_METHODS.has(method.toUpperCase());
}

/** Statuses that say the server did not carry the request out: rate limited, or unavailable. */
const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Network failures that happen before a request can reach the server (no connection was made). */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_HAS_EXPIRED",
]);

/** True for an answer status that proves the server did not carry the request out. */
export function statusProvesNotProcessed(status: number): boolean {
  return NOT_PROCESSED_STATUSES.has(status);
}

/** True when a network failure (by its error code, anywhere in the cause chain) proves nothing was sent. */
export function failureProvesNotSent(cause: unknown): boolean {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
    // AggregateError (several addresses tried): every one must have failed to connect.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => failureProvesNotSent(e)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A call's retry rules: the client's, replaced for this call by `override` (false: one attempt). */
export function callRetryOptions(
  base: ResolvedRetryOptions,
  override: false | Omit<RetryOptions, "budget"> | undefined,
): ResolvedRetryOptions {
  if (override === undefined) return base;
  if (override === false) return { ...base, maxAttempts: 1 };
  return {
    maxAttempts: override.maxAttempts ?? base.maxAttempts,
    baseDelayMs: override.baseDelayMs ?? base.baseDelayMs,
    maxDelayMs: override.maxDelayMs ?? base.maxDelayMs,
    maxRetryAfterMs: override.maxRetryAfterMs ?? base.maxRetryAfterMs,
    attemptTimeoutMs: override.attemptTimeoutMs ?? base.attemptTimeoutMs,
    budget: base.budget,
  };
}
