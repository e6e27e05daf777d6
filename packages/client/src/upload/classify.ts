/**
 * What an upload failure means for the queue: try again later, give up, pause everything for
 * credentials, or wait for the circuit breaker. One place, so the rules are easy to read.
 */
import { isWatsError, serverMessage, watsErrorKind } from "@tswats/core";

export type FailureClass =
  /** Connection, timeout, 408/429/5xx, unknown 4xx: try again with backoff (counts as an attempt). */
  | "retryable"
  /** 400/409/413/415/422 or a report that does not validate: failed/ with the server's message. */
  | "permanent"
  /** 401/403: pause all uploads until the token is fixed (no attempt counted). */
  | "auth"
  /** The breaker refused the call: no request was made; wait for half-open (no attempt counted). */
  | "breaker-open"
  /** The upload was aborted because the uploader stops (no attempt counted). */
  | "aborted";

export interface ClassifiedFailure {
  kind: FailureClass;
  status: number | null;
  /** The server's message when it sent one, else the error's message (never holds the token). */
  message: string;
  errorKind: string;
  retryAfterMs: number | undefined;
}

const PERMANENT_STATUSES = new Set([400, 409, 413, 415, 422]);

export function classifyUploadError(error: unknown): ClassifiedFailure {
  if (!isWatsError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    const aborted = error instanceof Error && error.name === "AbortError";
    return {
      kind: aborted ? "aborted" : "retryable",
      status: null,
      message,
      errorKind: error instanceof Error ? error.name : "Error",
      retryAfterMs: undefined,
    };
  }
  const kind = watsErrorKind(error) ?? "WatsError";
  const status = typeof error.status === "number" ? error.status : null;
  const message = serverMessage(error.body) ?? error.message;
  const base = { status, message, errorKind: kind, retryAfterMs: error.retryAfterMs };
  switch (kind) {
    case "WatsAuthenticationError":
    case "WatsAuthorizationError":
      return { ...base, kind: "auth" };
    case "WatsCircuitOpenError":
      return { ...base, kind: "breaker-open" };
    case "WatsAbortError":
      return { ...base, kind: "aborted" };
    case "WatsValidationError":
      return { ...base, kind: "permanent" };
    case "WatsConnectionError":
    case "WatsTimeoutError":
    case "WatsRateLimitError":
    case "WatsServerError":
      return { ...base, kind: "retryable" };
    default:
      if (status !== null && PERMANENT_STATUSES.has(status)) return { ...base, kind: "permanent" };
      return { ...base, kind: "retryable" };
  }
}
