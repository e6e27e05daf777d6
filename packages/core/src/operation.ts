import type { ZodType } from "zod";

/** The zod schemas of a module's operations, by method name (each package's `operationSchemas`). */
export type OperationSchemas = Readonly<
  Record<string, { readonly body?: ZodType; readonly response?: ZodType }>
>;

/**
 * The description of one WATS operation, as codegen writes it into each domain package's
 * operation table. The transport needs nothing else to build and send the request.
 */
import type { CallPromise } from "./call-promise.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD";

export interface OperationSpec {
  /** Method name on the service class (`getProduct`). */
  readonly name: string;
  /** Normalised operationId, unique within its spec. */
  readonly operationId: string;
  /** The operationId as the server's document has it, when normalising renamed it. */
  readonly originalOperationId?: string;
  readonly method: HttpMethod;
  /** Path template exactly as the server's document has it (`/api/Product/{partNumber}`). */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  /** Request body content type, when the operation takes a body. */
  readonly body?: { readonly contentType: string; readonly required: boolean };
  /**
   * How the successful response body is read: JSON, text, an XML document (parsed into an
   * `XmlElement`; a text answer such as CSV stays a string), bytes, or nothing.
   */
  readonly response: ResponseKind;
  /**
   * Loads the zod schemas of the operation's module (its response schema is under its `name`).
   * Called only when response validation is on (`validateResponses`), so the schemas cost nothing
   * otherwise.
   */
  readonly schemas?: () => Promise<OperationSchemas>;
  /** True when the operation accepts the OData query options ($filter, $top, ...). */
  readonly odata?: boolean;
  /** True for `/api/internal/...` routes, which WATS only serves with a Referer header. */
  readonly internal?: boolean;
  /**
   * True when the operation changes state on the server, whatever its HTTP method (codegen sets
   * it for every POST, PUT, PATCH and DELETE, and for the GETs `specs/overlay.json` lists, such as
   * the workflow's `startTest`/`endTest`). Unless it is also `idempotent`, such a request is never
   * sent again once it may have reached the server, and its errors say the outcome is uncertain.
   * When absent (a hand-written spec), the method decides: anything but GET, HEAD and OPTIONS.
   */
  readonly stateChanging?: boolean;
  /**
   * True when sending the request twice has the same effect as sending it once, so the transport
   * may retry it although it changes state (report submission: the report `id` is the key; PUT
   * and DELETE by HTTP's contract, unless the overlay says otherwise). When absent, PUT and DELETE
   * count as idempotent.
   */
  readonly idempotent?: boolean;
}

/** How a successful answer is read (see `OperationSpec.response`). */
export type ResponseKind = "json" | "text" | "xml" | "binary" | "none";

/**
 * Whether a body of this kind is JSON: the transport sends it as `JSON.stringify(body)` (or a
 * `JsonText`'s text), and the sync facade sends such a body to its engine as that text.
 */
export function isJsonBody(body: OperationSpec["body"]): boolean {
  return body?.contentType === "application/json";
}

/** Per-call options: the last argument of every generated method. */
export interface CallOptions {
  /** Aborts the call, including any wait between attempts. */
  signal?: AbortSignal;
  /** Bounds the whole call, across all attempts. */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Makes a non-idempotent call (a POST) safe to retry: sent as `Idempotency-Key`, unchanged
   * across attempts. Use a value that identifies the intended effect, not a fresh one per attempt.
   */
  idempotencyKey?: string;
  /**
   * The correlation id of this call, sent as `X-Correlation-ID` and found in its log lines and
   * errors. Defaults to the one set with `withCorrelationId`, else a fresh UUID.
   */
  correlationId?: string;
  /** Time limit of each single attempt; an attempt that runs out is retried when the call may be. */
  attemptTimeoutMs?: number;
  /**
   * This call's retry rules: false for a single attempt, or limits that replace the client's for
   * this call (the retry budget stays the client's).
   */
  retry?: false | CallRetryOptions;
  /**
   * Largest answer body read, in bytes (default: the client's `maxResponseBytes`, 64 MiB). A larger
   * answer fails with WatsResponseTooLargeError and its connection is dropped.
   */
  maxResponseBytes?: number;
}

/** The retry limits a single call may change (see `RetryOptions`). */
export interface CallRetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  attemptTimeoutMs?: number;
}

/** What a generated method hands to the transport. */
export interface CallInput {
  /** Path and query parameter values, by name. */
  params?: object | undefined;
  body?: unknown;
}

/** The one thing a generated service needs from core. */
export interface Transport {
  call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): CallPromise<T>;
}
