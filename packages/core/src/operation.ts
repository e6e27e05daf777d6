import type { ZodType } from "zod";

/** The zod schemas of a module's operations, by method name (each package's `operationSchemas`). */
export type OperationSchemas = Readonly<
  Record<string, { readonly body?: ZodType; readonly response?: ZodType }>
>;

/**
 * The description of one WATS operation, as codegen writes it into each domain package's
 * operation table. The transport needs nothing else to build and send the request.
 */
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
  /** How the successful response body is read. */
  readonly response: "json" | "text" | "binary" | "none";
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
   * True when sending the request twice has the same effect as sending it once, so the transport
   * may retry it even though its method is POST (report submission: the report `id` is the key).
   * GET, HEAD, PUT, DELETE and OPTIONS are treated as idempotent without it.
   */
  readonly idempotent?: boolean;
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
}

/** What a generated method hands to the transport. */
export interface CallInput {
  /** Path and query parameter values, by name. */
  params?: object | undefined;
  body?: unknown;
}

/** The one thing a generated service needs from core. */
export interface Transport {
  call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): Promise<T>;
}
