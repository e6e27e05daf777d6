import createClient, { type Client } from "openapi-fetch";
import { z } from "zod";
import { parseRetryAfter } from "./backoff.js";
import { type BreakerOptions, type BreakerSnapshot, CircuitBreakerRegistry } from "./breaker.js";
import { bufferedSender } from "./buffered-send.js";
import { CallScope } from "./call-scope.js";
import { monotonicNow } from "./clock.js";
import { configError } from "./config.js";
import { checkCorrelationId, currentCorrelationId, newCorrelationId } from "./correlation.js";
import {
  errorKindForStatus,
  isWatsError,
  WatsConnectionError,
  WatsError,
  type WatsErrorKind,
  WatsValidationError,
  watsErrorKind,
} from "./errors.js";
import {
  type FetchLike,
  RequestContext,
  type ResilienceDeps,
  type ResolvedFetch,
  sendWithResilience,
} from "./fetch-wrapper.js";
import { describeCause, errorFromStatus, safeCause } from "./http-errors.js";
import { CallLog, defaultLogger, type LogLevel, silentLogger, type WatsLogger } from "./logger.js";
import { Metrics, type MetricsSnapshot } from "./metrics.js";
import type { CallInput, CallOptions, OperationSpec, Transport } from "./operation.js";
import {
  baseUrlSchema,
  breakerSchema,
  formatIssues,
  logLevelSchema,
  retrySchema,
  throttleSchema,
  timeoutSchema,
  tokenSchema,
} from "./options-schema.js";
import { OutgoingRequest } from "./outgoing-request.js";
import { tokenSecrets } from "./redact.js";
import { type ResponseValidationMode, ResponseValidator } from "./response-validation.js";
import { type ResolvedRetryOptions, type RetryOptions, resolveRetryOptions } from "./retry.js";
import type { RetryBudgetStats } from "./retry-budget.js";
import { Throttle, type ThrottleOptions, type ThrottleStats } from "./throttle.js";
import { normaliseBaseUrl, redactUrl } from "./url.js";
import { userAgent } from "./version.js";

export interface TransportOptions {
  /** The WATS server address, e.g. https://your-company.wats.com */
  baseUrl: string;
  /** The API token WATS issued (already base64); sent as `Authorization: Basic <token>`. */
  token: string;
  /** Time limit of a whole call, all attempts and waits included. Default 60 000 ms. */
  timeoutMs?: number;
  /** Retry rules, or false for a single attempt. */
  retry?: RetryOptions | false;
  /** Circuit breaker per server origin, or false for none. */
  breaker?: BreakerOptions | false;
  /** Client-side rate limit (default 500 requests per 60 s), or false for none. */
  throttle?: ThrottleOptions | false;
  /** A pino-compatible logger, or false for none. Default: a pino logger at `logLevel`. */
  logger?: WatsLogger | false;
  /** Level of the default logger. Default "info". */
  logLevel?: LogLevel;
  /**
   * The fetch implementation. Default: the global fetch (looked up per call, so msw and similar
   * interceptors work) with a keep-alive undici Agent owned by this transport.
   */
  fetch?: FetchLike | typeof fetch;
  /** Appended to the User-Agent (e.g. "my-station-app/1.2"). */
  userAgentSuffix?: string;
  /**
   * Checks each JSON answer against the operation's generated zod schema: `"warn"` logs every field
   * where the server's answer differs from the types (once per operation and field, with the
   * correlation id), `"throw"` raises `WatsResponseValidationError` naming the field. Default
   * `"off"`: no checking, and the schemas are never loaded.
   */
  validateResponses?: ResponseValidationMode;
}

/** `transport.metrics()`: call metrics plus the state of the breakers, throttle and retry budget. */
export interface TransportMetrics extends MetricsSnapshot {
  breakers: BreakerSnapshot[];
  throttle: ThrottleStats | undefined;
  retryBudget: RetryBudgetStats | undefined;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Headers the caller's `headers` option cannot replace. */
/** The runtime's own fetch, to tell it from a replacement (msw, a polyfill) installed later. */
const NATIVE_FETCH = globalThis.fetch;

const RESERVED_HEADERS = new Set([
  "authorization",
  "user-agent",
  "x-correlation-id",
  "x-attempt",
  "idempotency-key",
]);
const HEADER_VALUE = /^[\x20-\x7e]{1,255}$/;

const transportSchema = z.object({
  baseUrl: baseUrlSchema,
  token: tokenSchema,
  timeoutMs: timeoutSchema.optional(),
  retry: retrySchema.optional(),
  breaker: breakerSchema.optional(),
  throttle: throttleSchema.optional(),
  logLevel: logLevelSchema.optional(),
  logger: z
    .custom<WatsLogger | false>(
      (value) =>
        value === false ||
        (typeof value === "object" &&
          value !== null &&
          ["trace", "debug", "info", "warn", "error"].every(
            (level) => typeof (value as Record<string, unknown>)[level] === "function",
          )),
      { message: "must be false or a pino-compatible logger (trace/debug/info/warn/error methods)" },
    )
    .optional(),
  fetch: z
    .custom<FetchLike>((value) => typeof value === "function", { message: "must be a fetch function" })
    .optional(),
  userAgentSuffix: z
    .string()
    .regex(/^[\x20-\x7e]{0,200}$/, { message: "must be printable ASCII" })
    .optional(),
  validateResponses: z
    .enum(["off", "warn", "throw"], { message: 'must be "off", "warn" or "throw"' })
    .optional(),
});

type UndiciAgent = { close(): Promise<void> };

/**
 * The transport every generated service calls: openapi-fetch over our resilient fetch wrapper
 * (correlation id -> throttle -> circuit breaker -> attempt loop with backoff and Retry-After,
 * all within one deadline) -> keep-alive connection -> typed data or a typed WatsError.
 */
export class HttpTransport implements Transport {
  readonly baseUrl: string;
  /** The breakers by origin: `on("stateChange", ...)`, `snapshot()`. Undefined when off. */
  readonly breakers: CircuitBreakerRegistry | undefined;
  /** The client-side rate limit; undefined when off. */
  readonly throttle: Throttle | undefined;
  readonly logger: WatsLogger;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #retry: ResolvedRetryOptions;
  readonly #metrics = new Metrics();
  readonly #deps: ResilienceDeps;
  /** The raw client (base headers for every request) and the one `call()` uses (headers per call). */
  readonly #client: Client<Record<string, never>>;
  readonly #callClient: Client<Record<string, never>>;
  readonly #referer: string;
  readonly #origin: string;
  readonly #internalPrefix: string;
  readonly #userAgent: string;
  readonly #customFetch: FetchLike | undefined;
  /** Undefined when `validateResponses` is off: then nothing is checked or loaded. */
  readonly #validator: ResponseValidator | undefined;
  #agent: Promise<UndiciAgent> | undefined;
  #defaultFetch: ResolvedFetch | undefined;
  #closed = false;

  constructor(options: TransportOptions) {
    const parsed = transportSchema.safeParse(options ?? {});
    if (!parsed.success) throw configError(formatIssues(parsed.error.issues, () => undefined));
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.#token = options.token.trim();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = resolveRetryOptions(options.retry);
    this.#referer = `${this.baseUrl}/`;
    this.#origin = new URL(this.baseUrl).origin;
    this.#internalPrefix = `${new URL(this.baseUrl).pathname.replace(/\/$/, "")}/api/internal/`.toLowerCase();
    this.#userAgent = userAgent(options.userAgentSuffix);
    this.#customFetch = options.fetch as FetchLike | undefined;
    const validation = options.validateResponses ?? "off";
    this.#validator = validation === "off" ? undefined : new ResponseValidator(validation);
    this.logger =
      options.logger === false ? silentLogger : (options.logger ?? defaultLogger(options.logLevel ?? "info"));
    this.throttle = options.throttle === false ? undefined : new Throttle(options.throttle ?? {});
    this.breakers = options.breaker === false ? undefined : new CircuitBreakerRegistry(options.breaker ?? {});
    this.breakers?.on("stateChange", (change) => {
      this.#metrics.recordBreakerTransition(change.from, change.to);
      const level = change.to === "open" ? "warn" : "info";
      this.logger[level](
        { ...change },
        `circuit breaker ${change.from} -> ${change.to} for ${change.origin}`,
      );
    });
    this.#deps = {
      resolveFetch: () => this.#resolveFetch(),
      retry: this.#retry,
      breakers: this.breakers,
      throttle: this.throttle,
      metrics: this.#metrics,
      secrets: tokenSecrets(this.#token),
      random: () => Math.random(),
    };
    this.#client = createClient<Record<string, never>>({
      baseUrl: this.baseUrl,
      headers: {
        Accept: "application/json",
        Authorization: `Basic ${this.#token}`,
        "User-Agent": this.#userAgent,
      },
      fetch: (request: Request) => this.#sendRaw(request),
    });
    this.#callClient = createClient<Record<string, never>>({ baseUrl: this.baseUrl });
  }

  /**
   * The openapi-fetch client over the same wrapper (retries, breaker, throttle, auth), for routes
   * the generated services do not cover. Its calls are bounded by the time limit and the caller's
   * signal until the answer's headers arrive; reading the body is then up to the caller.
   */
  raw<Paths extends {} = Record<string, never>>(): Client<Paths> {
    return this.#client as unknown as Client<Paths>;
  }

  async call<T>(op: OperationSpec, input: CallInput, options: CallOptions = {}): Promise<T> {
    const started = monotonicNow();
    const correlationId =
      options.correlationId !== undefined
        ? checkCorrelationId(options.correlationId)
        : (currentCorrelationId() ?? newCorrelationId());
    const log = new CallLog(this.logger, { correlationId, operation: op.name });
    const scope = new CallScope(options.timeoutMs ?? this.#timeoutMs, options.signal);
    const ctx = new RequestContext(
      op.name,
      op.method,
      op,
      correlationId,
      scope,
      log,
      options.attemptTimeoutMs ?? this.#retry.attemptTimeoutMs,
      true,
      `${this.baseUrl}${op.path}`,
      this.#origin,
    );
    try {
      if (this.#closed) throw new WatsError(`${op.name}: the client is closed`, ctx.fields());
      if (scope.ended) throw ctx.endedError(options.signal?.reason);
      const init = this.#buildInit(op, input, options, ctx);
      const request = this.#callClient.request as unknown as (
        method: string,
        path: string,
        init: Record<string, unknown>,
      ) => Promise<{ response: Response }>;
      const { response } = await request(op.method.toLowerCase(), op.path, init);
      if (!response.ok) {
        throw errorFromStatus(
          response.status,
          response.statusText,
          errorBody(ctx.responseBody),
          parseRetryAfter(response.headers.get("retry-after")),
          ctx.fields(),
          this.#deps.secrets,
        );
      }
      const data = decodeBody(op.response, ctx.responseBody);
      if (this.#validator)
        await this.#validator.check(op, data, log, () => ({ ...ctx.fields(), status: response.status }));
      this.#metrics.recordCall(op.name, "ok", monotonicNow() - started);
      log.write(
        "debug",
        () => ({
          status: response.status,
          attempts: ctx.attempts,
          durationMs: Math.round(monotonicNow() - started),
        }),
        "call succeeded",
      );
      return data as T;
    } catch (thrown) {
      const error = this.#toWatsError(thrown, ctx);
      const kind = watsErrorKind(error) ?? "WatsError";
      this.#metrics.recordCall(op.name, kind, monotonicNow() - started);
      logFailure(log, error, kind, monotonicNow() - started);
      throw error;
    } finally {
      scope.dispose();
    }
  }

  /** Counts, retries, breaker transitions, latency histograms, and the breakers'/throttle's state. */
  metrics(): TransportMetrics {
    return {
      ...this.#metrics.snapshot(),
      breakers: this.breakers?.snapshot() ?? [],
      throttle: this.throttle?.stats(),
      retryBudget: this.#retry.budget?.stats(),
    };
  }

  /** Rejects calls waiting at the throttle, refuses new ones and closes kept-alive connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.throttle?.cancelAll(new WatsError("the client is closed"));
    const agent = this.#agent;
    this.#agent = undefined;
    this.#defaultFetch = undefined;
    if (agent) await (await agent).close();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #buildInit(
    op: OperationSpec,
    input: CallInput,
    options: CallOptions,
    ctx: RequestContext,
  ): Record<string, unknown> {
    const params = splitParams(op, input.params, ctx);
    const headers: Record<string, string> = {
      Accept: op.response === "json" ? "application/json" : "*/*",
    };
    if (options.headers) {
      for (const [name, value] of Object.entries(options.headers)) {
        if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
    }
    headers.Authorization = `Basic ${this.#token}`;
    headers["User-Agent"] = this.#userAgent;
    headers["X-Correlation-ID"] = ctx.correlationId;
    if (op.internal) headers.Referer = this.#referer;
    if (options.idempotencyKey !== undefined) {
      if (typeof options.idempotencyKey !== "string" || !HEADER_VALUE.test(options.idempotencyKey)) {
        throw new WatsValidationError(
          `${op.name}: idempotencyKey must be 1-255 printable ASCII characters`,
          ctx.fields(),
        );
      }
      headers["Idempotency-Key"] = options.idempotencyKey;
    }
    const init: Record<string, unknown> = {
      params,
      headers,
      // The wrapper reads the body within the attempt; openapi-fetch must leave it alone.
      parseAs: "stream",
      Request: OutgoingRequest,
      fetch: (request: Request | OutgoingRequest) => sendWithResilience(this.#deps, request, ctx),
    };
    if (op.body !== undefined && input.body !== undefined) {
      init.body = input.body;
      if (op.body.contentType !== "application/json") {
        // FormData carries its own multipart boundary: fetch writes that Content-Type itself.
        if (!(input.body instanceof FormData)) headers["Content-Type"] = op.body.contentType;
        init.bodySerializer = (value: unknown) => value;
      }
    }
    return init;
  }

  async #sendRaw(request: Request): Promise<Response> {
    const correlationId =
      request.headers.get("x-correlation-id") ?? currentCorrelationId() ?? newCorrelationId();
    const operation = `raw ${request.method}`;
    const log = new CallLog(this.logger, { correlationId, operation });
    const scope = new CallScope(this.#timeoutMs, request.signal);
    const ctx = new RequestContext(
      operation,
      request.method,
      undefined,
      correlationId,
      scope,
      log,
      this.#retry.attemptTimeoutMs,
      false,
      redactUrl(request.url),
    );
    const started = monotonicNow();
    try {
      if (this.#closed) throw new WatsError(`${operation}: the client is closed`, ctx.fields());
      if (scope.ended) throw ctx.endedError(request.signal.reason);
      let outgoing = request;
      if (new URL(request.url).pathname.toLowerCase().startsWith(this.#internalPrefix)) {
        const headers = new Headers(request.headers);
        headers.set("Referer", this.#referer);
        outgoing = new Request(request, { headers });
      }
      const response = await sendWithResilience(this.#deps, outgoing, ctx);
      const outcome = response.ok ? "ok" : errorKindForStatus(response.status);
      this.#metrics.recordCall(operation, outcome, monotonicNow() - started);
      return response;
    } catch (thrown) {
      const error = this.#toWatsError(thrown, ctx);
      const kind = watsErrorKind(error) ?? "WatsError";
      this.#metrics.recordCall(operation, kind, monotonicNow() - started);
      logFailure(log, error, kind, monotonicNow() - started);
      throw error;
    } finally {
      scope.dispose();
    }
  }

  #resolveFetch(): ResolvedFetch | Promise<ResolvedFetch> {
    if (this.#customFetch) return { fetch: this.#customFetch, dispatcher: undefined };
    // Global fetch is looked up per call, so interceptors installed later (msw) still apply; while
    // it is the runtime's own, `call()` may bypass it for undici's request API on the same pool.
    if (this.#defaultFetch) {
      if (globalThis.fetch === NATIVE_FETCH) return this.#defaultFetch;
      return { fetch: globalThis.fetch as FetchLike, dispatcher: this.#defaultFetch.dispatcher };
    }
    if (!this.#agent) {
      // undici is loaded only when the default fetch is used; the agent keeps connections alive.
      this.#agent = import("undici").then(
        ({ Agent }) => new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 64 }),
      );
    }
    return this.#agent.then((agent) => {
      this.#defaultFetch = {
        fetch: globalThis.fetch as FetchLike,
        dispatcher: agent,
        sendBuffered: bufferedSender(agent),
      };
      return this.#resolveFetch();
    });
  }

  #toWatsError(thrown: unknown, ctx: RequestContext): WatsError {
    if (isWatsError(thrown)) return thrown;
    if (ctx.scope.ended) return ctx.endedError(thrown);
    if (thrown instanceof SyntaxError) {
      return new WatsError(`${ctx.operation}: the server's answer is not valid JSON`, {
        ...ctx.fields(),
        cause: safeCause(thrown, this.#deps.secrets),
      });
    }
    return new WatsConnectionError(
      `${ctx.operation}: the answer could not be read (${describeCause(safeCause(thrown, this.#deps.secrets))})`,
      { ...ctx.fields(), cause: safeCause(thrown, this.#deps.secrets) },
    );
  }
}

/** Same as `new HttpTransport(options)`. */
export function createTransport(options: TransportOptions): HttpTransport {
  return new HttpTransport(options);
}

const utf8 = new TextDecoder();

/** The success body as the operation says to read it. */
function decodeBody(kind: OperationSpec["response"], bytes: ArrayBuffer | undefined): unknown {
  if (kind === "none") return undefined;
  if (kind === "binary") return bytes ?? new ArrayBuffer(0);
  const text = bytes === undefined ? "" : utf8.decode(bytes);
  if (kind === "text") return text;
  return text.trim() === "" ? undefined : JSON.parse(text);
}

/** An error body: parsed JSON when it is JSON, else the text; undefined when empty. */
function errorBody(bytes: ArrayBuffer | undefined): unknown {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Failures the caller caused (4xx, abort) are debug lines; the rest warn. Bodies only at debug. */
function logFailure(log: CallLog, error: WatsError, kind: WatsErrorKind, durationMs: number): void {
  const quiet =
    kind === "WatsAbortError" ||
    (error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500 &&
      error.status !== 408 &&
      error.status !== 429);
  log.write(
    quiet ? "debug" : "warn",
    () => ({
      error: kind,
      status: error.status,
      attempts: error.attempts,
      durationMs: Math.round(durationMs),
      url: error.url,
      message: error.message,
    }),
    "call failed",
  );
  if (error.body !== undefined) log.write("debug", () => ({ error: kind, body: error.body }), "error body");
}

/** Sorts a method's single params object into path and query values, by the operation table. */
export function splitParams(
  op: OperationSpec,
  values: object | undefined,
  ctx?: { fields(): object },
): { path: Record<string, unknown>; query: Record<string, unknown> } {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const record = (values ?? {}) as Record<string, unknown>;
  for (const name of op.pathParams) {
    const value = record[name];
    if (value === undefined || value === null || value === "") {
      throw new WatsValidationError(`${op.name}: path parameter "${name}" is required`, {
        operation: op.name,
        method: op.method,
        ...ctx?.fields(),
      });
    }
    path[name] = value instanceof Date ? value.toISOString() : value;
  }
  for (const name of op.queryParams) {
    const value = record[name];
    if (value !== undefined && value !== null)
      query[name] = value instanceof Date ? value.toISOString() : value;
  }
  return { path, query };
}
