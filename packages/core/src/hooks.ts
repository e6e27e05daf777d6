/**
 * Hooks: functions the transport calls at fixed points of every SDK call (`call()`), each with
 * the operation's name and the call's correlation id. `beforeRequest` may change the headers of
 * the attempt it is given; the others observe. A hook may return a promise, which is awaited.
 *
 * - `beforeRequest`: once per attempt, just before it is sent (after the throttle and breaker).
 *   Throwing stops the call: it fails with a WatsError whose cause is what the hook threw.
 * - `afterResponse`: once per attempt that got an HTTP answer (any status), body already read.
 * - `onError`: once per failed attempt (no answer, or a status that is not a success), and once
 *   for a call that fails before or after its attempts (breaker open, answer unreadable...).
 * - `onRetry`: once per retry, before the wait.
 *
 * Exceptions thrown by `afterResponse`, `onError` and `onRetry` are logged (warn) and ignored: an
 * observer never changes a call's outcome.
 */
import type { WatsError } from "./errors.js";

export interface HookCallInfo {
  /** The operation's method name (`getProduct`). */
  operation: string;
  method: string;
  /** The request URL without credentials or secret query values. */
  url: string;
  correlationId: string;
  /** 1 for the first attempt; 0 when the call failed before any attempt was sent. */
  attempt: number;
}

export interface BeforeRequestInfo extends HookCallInfo {
  /** The attempt's headers (lower-case names). Changes apply to this attempt; auth headers cannot be changed. */
  headers: Record<string, string>;
}

export interface AfterResponseInfo extends HookCallInfo {
  status: number;
  headers: Headers;
  /** Milliseconds from sending the attempt to having its whole answer. */
  durationMs: number;
}

export interface ErrorInfo extends HookCallInfo {
  error: WatsError;
  /** True when the transport will try again. */
  willRetry: boolean;
}

export interface RetryInfo extends HookCallInfo {
  /** The wait before the next attempt. */
  delayMs: number;
  /** Why the attempt failed (`503`, `ECONNREFUSED`, `attempt timeout`...). */
  reason: string;
}

type MaybePromise = void | Promise<void>;

export interface TransportHooks {
  beforeRequest?: (info: BeforeRequestInfo) => MaybePromise;
  afterResponse?: (info: AfterResponseInfo) => MaybePromise;
  onError?: (info: ErrorInfo) => MaybePromise;
  onRetry?: (info: RetryInfo) => MaybePromise;
}

export const HOOK_NAMES = ["beforeRequest", "afterResponse", "onError", "onRetry"] as const;

/** Checks a `hooks` option; returns the list of problems (empty when valid). */
export function hookIssues(hooks: unknown): string[] {
  if (hooks === undefined) return [];
  if (typeof hooks !== "object" || hooks === null) return ["hooks: must be an object of functions"];
  const issues: string[] = [];
  for (const [name, value] of Object.entries(hooks)) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) {
      issues.push(`hooks.${name}: unknown hook (known: ${HOOK_NAMES.join(", ")})`);
    } else if (value !== undefined && typeof value !== "function") {
      issues.push(`hooks.${name}: must be a function`);
    }
  }
  return issues;
}
