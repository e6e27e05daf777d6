/**
 * The tsWATS error tree. Every error a call can end with is a `WatsError`; the subclass says
 * what kind. Classes are branded with `Symbol.for` keys so `isWatsError` and the static
 * `is` checks work across duplicated module copies (CJS/ESM) and across worker boundaries,
 * where `instanceof` does not.
 */
const BRAND = Symbol.for("tswats.error");
const KIND = Symbol.for("tswats.error.kind");

export interface WatsErrorDetails {
  status?: number | undefined;
  operation?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  correlationId?: string | undefined;
  attempts?: number | undefined;
  retryAfterMs?: number | undefined;
  body?: unknown;
  cause?: unknown;
  /** The answer's headers (a `Headers`, or name/value pairs as `toJSON()` writes them). */
  headers?: Headers | readonly (readonly [string, string])[] | Record<string, string> | undefined;
  /**
   * True when a state-changing request failed after it may have reached the server: WATS may or
   * may not have carried it out. Check the server's state before sending it again.
   */
  outcomeUncertain?: boolean | undefined;
  /** WatsResponseTooLargeError: the byte limit the answer went over. */
  limitBytes?: number | undefined;
}

export type WatsErrorKind =
  | "WatsError"
  | "WatsValidationError"
  | "WatsAuthenticationError"
  | "WatsAuthorizationError"
  | "WatsNotFoundError"
  | "WatsConflictError"
  | "WatsRateLimitError"
  | "WatsServerError"
  | "WatsTimeoutError"
  | "WatsConnectionError"
  | "WatsCircuitOpenError"
  | "WatsAbortError"
  | "WatsConfigError"
  | "WatsPaginationError"
  | "WatsResponseTooLargeError"
  | "WatsDecodeError"
  | "WatsResponseValidationError";

/** A WatsError's fields as plain data (`toJSON()`): what crosses a worker boundary or goes into a log line. */
export type WatsErrorJson = Omit<WatsErrorDetails, "headers"> & {
  kind: WatsErrorKind;
  message: string;
  /** The answer's headers as name/value pairs. */
  headers: [string, string][] | undefined;
};

export class WatsError extends Error {
  readonly status: number | undefined;
  readonly operation: string | undefined;
  readonly method: string | undefined;
  /** The request URL without credentials or secret query values. */
  readonly url: string | undefined;
  readonly correlationId: string | undefined;
  readonly attempts: number | undefined;
  readonly retryAfterMs: number | undefined;
  /**
   * The server's error body: parsed JSON when it was JSON, else text. For a WatsDecodeError, the
   * answer as text, whole after a state-changing call (so nothing the server allocated is lost).
   */
  readonly body: unknown;
  /** The headers of the server's answer, when there was one. */
  readonly headers: Headers | undefined;
  /**
   * True when a state-changing request (see `OperationSpec.stateChanging`) failed after it may
   * have reached the server, so WATS may or may not have carried it out. It was not sent again;
   * check the server's state before repeating it. False when the failure proves it was not sent
   * or not carried out, or the request changes nothing.
   */
  readonly outcomeUncertain: boolean;

  constructor(message: string, details: WatsErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.operation = details.operation;
    this.method = details.method;
    this.url = details.url;
    this.correlationId = details.correlationId;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
    this.headers = toHeaders(details.headers);
    this.outcomeUncertain = details.outcomeUncertain === true;
    Object.defineProperty(this, BRAND, { value: true });
    Object.defineProperty(this, KIND, { value: this.kind });
  }

  /** The class name, stable under minification and across realms. */
  get kind(): WatsErrorKind {
    return "WatsError";
  }

  override get name(): string {
    return this.kind;
  }

  /** The fields as plain data (what crosses a worker boundary or goes into a log line). */
  toJSON(): WatsErrorJson {
    return {
      kind: this.kind,
      message: this.message,
      status: this.status,
      operation: this.operation,
      method: this.method,
      url: this.url,
      correlationId: this.correlationId,
      attempts: this.attempts,
      retryAfterMs: this.retryAfterMs,
      body: this.body,
      headers: this.headers === undefined ? undefined : [...this.headers],
      outcomeUncertain: this.outcomeUncertain,
    };
  }
}

function toHeaders(value: WatsErrorDetails["headers"]): Headers | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Headers) return value;
  return new Headers(value as ConstructorParameters<typeof Headers>[0]);
}

function defineKind<K extends WatsErrorKind>(kind: K) {
  return class extends WatsError {
    override get kind(): WatsErrorKind {
      return kind;
    }
    static is(value: unknown): boolean {
      return isWatsError(value) && (value as unknown as Record<symbol, unknown>)[KIND] === kind;
    }
  };
}

/** 400 or 422: the server refused the request as invalid; also a report refused before sending. */
export class WatsValidationError extends defineKind("WatsValidationError") {}
/** 401: the token is missing, wrong or expired. */
export class WatsAuthenticationError extends defineKind("WatsAuthenticationError") {}
/** 403: the token is valid but lacks the right for this operation. */
export class WatsAuthorizationError extends defineKind("WatsAuthorizationError") {}
/** 404 */
export class WatsNotFoundError extends defineKind("WatsNotFoundError") {}
/** 409 */
export class WatsConflictError extends defineKind("WatsConflictError") {}
/** 429: the server's rate limit; `retryAfterMs` says when to try again when the server said. */
export class WatsRateLimitError extends defineKind("WatsRateLimitError") {}
/** 5xx */
export class WatsServerError extends defineKind("WatsServerError") {}
/** The call's time limit ran out (across all attempts). */
export class WatsTimeoutError extends defineKind("WatsTimeoutError") {}
/** No HTTP answer: refused, reset, DNS, TLS. */
export class WatsConnectionError extends defineKind("WatsConnectionError") {}
/** The circuit breaker for this server is open; `retryAfterMs` says when it half-opens. */
export class WatsCircuitOpenError extends defineKind("WatsCircuitOpenError") {}
/** The caller aborted the call. */
export class WatsAbortError extends defineKind("WatsAbortError") {}
/** The configuration (options, environment, config file) is invalid; the message lists every bad field. */
export class WatsConfigError extends defineKind("WatsConfigError") {
  /** One entry per bad field: where it came from and what is wrong (never the value). */
  readonly issues: readonly string[];
  constructor(message: string, details: WatsErrorDetails & { issues?: readonly string[] } = {}) {
    super(message, details);
    this.issues = details.issues ?? [];
  }
  override toJSON(): WatsErrorJson & { issues: readonly string[] } {
    return { ...super.toJSON(), issues: this.issues };
  }
}
/** A paged listing misbehaved: the server repeated a page or never reached the end. */
export class WatsPaginationError extends defineKind("WatsPaginationError") {}
/**
 * The answer was larger than `maxResponseBytes`; its connection was dropped rather than read on.
 * `limitBytes` is the limit.
 */
export class WatsResponseTooLargeError extends defineKind("WatsResponseTooLargeError") {
  readonly limitBytes: number | undefined;
  constructor(message: string, details: WatsErrorDetails = {}) {
    super(message, details);
    this.limitBytes = details.limitBytes;
  }
  override toJSON(): WatsErrorJson & { limitBytes: number | undefined } {
    return { ...super.toJSON(), limitBytes: this.limitBytes };
  }
}
/**
 * A successful answer could not be read as the operation says (not JSON, not XML...). `body`
 * keeps the answer as text: whole after a state-changing call, so whatever the server allocated
 * (serial numbers, ids) can still be recovered from it.
 */
export class WatsDecodeError extends defineKind("WatsDecodeError") {}

/** One place where a server's answer differs from the generated types. */
export interface ResponseDifference {
  /** Where, from the answer's root: `$`, `$.product.state`, `$[3].unitPhaseId`. */
  readonly path: string;
  /** `type`: a value of the wrong type or outside its enum; `missing`: a required field is absent; `extra`: a field the types do not declare. */
  readonly problem: "type" | "missing" | "extra";
  readonly message: string;
}

/**
 * The server's answer does not match the operation's generated types (`validateResponses:
 * "throw"`). `differences` names every field that differs; the message names the first ones.
 */
export class WatsResponseValidationError extends defineKind("WatsResponseValidationError") {
  readonly differences: readonly ResponseDifference[];
  constructor(
    message: string,
    details: WatsErrorDetails & { differences?: readonly ResponseDifference[] } = {},
  ) {
    super(message, details);
    this.differences = details.differences ?? [];
  }
  override toJSON(): WatsErrorJson & { differences: readonly ResponseDifference[] } {
    return { ...super.toJSON(), differences: this.differences };
  }
}

const CLASSES: Record<WatsErrorKind, new (message: string, details?: WatsErrorDetails) => WatsError> = {
  WatsError,
  WatsValidationError,
  WatsAuthenticationError,
  WatsAuthorizationError,
  WatsNotFoundError,
  WatsConflictError,
  WatsRateLimitError,
  WatsServerError,
  WatsTimeoutError,
  WatsConnectionError,
  WatsCircuitOpenError,
  WatsAbortError,
  WatsConfigError,
  WatsPaginationError,
  WatsResponseTooLargeError,
  WatsDecodeError,
  WatsResponseValidationError,
};

export function isWatsError(value: unknown): value is WatsError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** The kind of a WatsError, read from its brand (works where `instanceof` does not). */
export function watsErrorKind(value: unknown): WatsErrorKind | undefined {
  return isWatsError(value)
    ? ((value as unknown as Record<symbol, unknown>)[KIND] as WatsErrorKind)
    : undefined;
}

/** Rebuilds an error of the right class from its plain-data form (see `WatsError.toJSON`). */
export function watsErrorFromJSON(
  data: WatsErrorDetails & { kind: WatsErrorKind; message: string },
): WatsError {
  const Class = CLASSES[data.kind] ?? WatsError;
  return new Class(data.message, data);
}

/**
 * The error class for an HTTP status that is not a success. 408 (the server gave up waiting for
 * the request) is a timeout; statuses without a class of their own (405, 410, 413, 3xx...) are a
 * plain `WatsError` that still carries the status.
 */
export function errorClassForStatus(
  status: number,
): new (
  message: string,
  details?: WatsErrorDetails,
) => WatsError {
  if (status === 400 || status === 422) return WatsValidationError;
  if (status === 401) return WatsAuthenticationError;
  if (status === 403) return WatsAuthorizationError;
  if (status === 404) return WatsNotFoundError;
  if (status === 408) return WatsTimeoutError;
  if (status === 409) return WatsConflictError;
  if (status === 429) return WatsRateLimitError;
  if (status >= 500) return WatsServerError;
  return WatsError;
}

/** The error class name for an HTTP status that is not a success. */
export function errorKindForStatus(status: number): WatsErrorKind {
  return new (errorClassForStatus(status))("").kind;
}

/** Pulls a human-readable message out of a WATS error body (`Message`, `message`, `error`...). */
export function serverMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() === "" ? undefined : body.slice(0, 500);
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ["Message", "message", "error", "title", "detail", "ExceptionMessage"]) {
    const value = record[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
