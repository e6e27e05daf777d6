import createClient, {
  type Client,
  createFinalURL,
  createQuerySerializer,
  defaultPathSerializer,
} from "openapi-fetch";
import {
  type Answer,
  AnswerFormatError,
  DEFAULT_MAX_RESPONSE_BYTES,
  decodeAnswer,
  errorBody,
} from "./answer.js";
import { AnswerResponse } from "./answer-response.js";
import {
  type AttemptPlan,
  type FetchLike,
  notifyError,
  type PreparedRequest,
  RequestContext,
  type ResolvedFetch,
  sendAttempts,
  type TransportDeps,
} from "./attempts.js";
import { AuthToken, type TokenSource } from "./auth-token.js";
import { parseRetryAfter } from "./backoff.js";
import { type BreakerOptions, type BreakerSnapshot, CircuitBreakerRegistry } from "./breaker.js";
import { type HttpSender, httpSender } from "./buffered-send.js";
import { CallPromise, type DataWithResponse } from "./call-promise.js";
import { CallScope } from "./call-scope.js";
import { monotonicNow } from "./clock.js";
import { configError } from "./config.js";
import { checkCorrelationId, currentCorrelationId, newCorrelationId } from "./correlation.js";
import { DeadlineTimer } from "./deadline-timer.js";
import {
  errorKindForStatus,
  isWatsError,
  WatsConnectionError,
  WatsDecodeError,
  WatsError,
  type WatsErrorKind,
  WatsValidationError,
  watsErrorKind,
} from "./errors.js";
import { hookIssues, type TransportHooks } from "./hooks.js";
import { cleanBody, describeCause, errorFromStatus, safeCause } from "./http-errors.js";
import { JsonText, jsonValue, recordJsonSource } from "./json-source.js";
import { loadOnFirstUse } from "./load-on-first-use.js";
import { CallLog, defaultLogger, type LogLevel, silentLogger, type WatsLogger } from "./logger.js";
import { Metrics, type MetricsSnapshot } from "./metrics.js";
import { filterText } from "./odata.js";
import {
  type CallInput,
  type CallOptions,
  isJsonBody,
  type OperationSpec,
  type Transport,
} from "./operation.js";
import {
  callRetryCheck,
  check,
  checks,
  formatIssues,
  headersCheck,
  MAX_RESPONSE_BYTES_RULE,
  numberProblem,
  type OptionIssue,
  settingsCheck,
  tokenProblem,
} from "./option-rules.js";
import { scrubSecrets } from "./redact.js";
import { type ResponseValidationMode, ResponseValidator } from "./response-validation.js";
import {
  callRetryOptions,
  changesState,
  isIdempotentRequest,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "./retry.js";
import type { RetryBudgetStats } from "./retry-budget.js";
import { leaseSharedThrottle, type SharedThrottleLease, sharedThrottleKey } from "./shared-throttle.js";
import type { Throttle, ThrottleOptions, ThrottleStats } from "./throttle.js";
import { fillPath, normaliseBaseUrl, redactUrl } from "./url.js";
import { userAgent } from "./version.js";

export interface TransportOptions {
  /** The WATS server address, e.g. https://your-company.wats.com */
  baseUrl: string;
  /**
   * The API token WATS issued (already base64), sent as `Authorization: Basic <token>`; or a
   * function (sync or async) returning the current token, called before every attempt, so a
   * rotated token takes effect without rebuilding the client (breaker and throttle state kept).
   */
  token: TokenSource;
  /** Time limit of a whole call, all attempts and waits included. Default 60 000 ms. */
  timeoutMs?: number;
  /** Retry rules, or false for a single attempt. */
  retry?: RetryOptions | false;
  /** Circuit breaker per server origin, or false for none. */
  breaker?: BreakerOptions | false;
  /**
   * Client-side rate limit (default 500 requests per 60 s), or false for none. Shared by every
   * client of the same server origin and token in the process (see shared-throttle.ts).
   */
  throttle?: ThrottleOptions | false;
  /** A pino-compatible logger, or false for none. Default: a pino logger at `logLevel`. */
  logger?: WatsLogger | false;
  /** Level of the default logger. Default "info". */
  logLevel?: LogLevel;
  /**
   * The fetch implementation. Default: the global fetch (looked up per call, so msw and similar
   * interceptors work); while it is the runtime's own, calls that read the whole answer go out on
   * Node's HTTP client with keep-alive agents owned by this transport (buffered-send.ts).
   */
  fetch?: FetchLike | typeof fetch;
  /** Appended to the User-Agent (e.g. "my-station-app/1.2"). */
  userAgentSuffix?: string;
  /**
   * Headers sent with every request (a call's `headers` add to and override them). The headers
   * the transport sets itself (Authorization, User-Agent, X-Correlation-ID, ...) are refused.
   */
  defaultHeaders?: Record<string, string>;
  /**
   * Largest answer body read, in bytes; default 64 MiB. A larger answer fails with
   * WatsResponseTooLargeError and its connection is dropped. A call can set its own.
   */
  maxResponseBytes?: number;
  /** Functions called at fixed points of every call (see hooks.ts). */
  hooks?: TransportHooks;
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

/** The runtime's own fetch, to tell it from a replacement (msw, a polyfill) installed later. */
const NATIVE_FETCH = globalThis.fetch;

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

const LOGGER_METHODS = ["trace", "debug", "info", "warn", "error"];

/** The transport's options: the shared settings plus what only code can pass. */
const transportCheck = settingsCheck(
  {
    token: (value, path, issues) => {
      if (typeof value === "function") return;
      const problem =
        typeof value === "string" ? tokenProblem(value) : "must be a string or a function returning one";
      if (problem !== undefined) issues.push({ path, message: problem });
    },
    logger: (value, path, issues) => {
      const valid =
        value === false ||
        (typeof value === "object" &&
          value !== null &&
          LOGGER_METHODS.every((level) => typeof (value as Record<string, unknown>)[level] === "function"));
      if (!valid) {
        issues.push({
          path,
          message: "must be false or a pino-compatible logger (trace/debug/info/warn/error methods)",
        });
      }
    },
    fetch: (value, path, issues) => {
      if (typeof value !== "function") issues.push({ path, message: "must be a fetch function" });
    },
    userAgentSuffix: checks.string((value) =>
      /^[\x20-\x7e]{0,200}$/.test(value) ? undefined : "must be printable ASCII",
    ),
    defaultHeaders: headersCheck,
    maxResponseBytes: checks.number(MAX_RESPONSE_BYTES_RULE),
    hooks: (value, path, issues) => {
      for (const issue of hookIssues(value)) issues.push({ path, message: issue });
    },
    validateResponses: (value, path, issues) => {
      if (value !== "off" && value !== "warn" && value !== "throw")
        issues.push({ path, message: 'must be "off", "warn" or "throw"' });
    },
  },
  ["baseUrl", "token"],
);

/** One line per problem of a call option, prefixed by the operation. */
const optionProblems = (issues: readonly OptionIssue[]) => formatIssues(issues, () => undefined).join("; ");

const querySerializer = createQuerySerializer();

/**
 * The transport every generated service calls. One call reads top to bottom in `#run`:
 * identity (correlation id, log, deadline) -> the request (URL, headers, body) -> the attempts
 * (breaker, throttle, token, hooks, retry; attempts.ts) -> the answer: a typed error, or the
 * decoded data (`#decoded`, the one place where data is produced).
 */
export class HttpTransport implements Transport {
  readonly baseUrl: string;
  /** The breakers by origin: `on("stateChange", ...)`, `snapshot()`. Undefined when off. */
  readonly breakers: CircuitBreakerRegistry | undefined;
  /**
   * The client-side rate limit, shared with every client of the same server and token in this
   * process; undefined when off.
   */
  readonly throttle: Throttle | undefined;
  readonly #throttleLease: SharedThrottleLease | undefined;
  readonly logger: WatsLogger;
  readonly #timeoutMs: number;
  readonly #retry: ResolvedRetryOptions;
  readonly #metrics = new Metrics();
  readonly #deps: TransportDeps;
  /**
   * The openapi-fetch client behind `raw()`, built on the first `raw()`: it reads the global
   * `Request`, whose first use loads the runtime's own undici (fetch; about 10 MiB of RSS).
   */
  readonly #client: () => Client<Record<string, never>>;
  readonly #referer: string;
  readonly #origin: string;
  readonly #internalPrefix: string;
  /** Headers of every request: defaults, then the transport's own (lower-case names). */
  readonly #baseHeaders: Record<string, string>;
  readonly #maxResponseBytes: number;
  /** Per operation: the headers its calls start from (see #headerTemplate). */
  readonly #headerTemplates = new WeakMap<OperationSpec, Record<string, string>>();
  readonly #hooks: TransportHooks | undefined;
  readonly #customFetch: FetchLike | undefined;
  /** Undefined when `validateResponses` is off: then nothing is checked or loaded. */
  readonly #validator: ResponseValidator | undefined;
  /** The keep-alive connections of `call()`, made on the first call on the default fetch. */
  #sender: HttpSender | undefined;
  /** The one timer of all this transport's call deadlines (see deadline-timer.ts). */
  readonly #deadlines = new DeadlineTimer();
  #defaultFetch: ResolvedFetch | undefined;
  #closed = false;

  constructor(options: TransportOptions) {
    const issues = check(transportCheck, options ?? {});
    if (issues.length > 0) throw configError(formatIssues(issues, () => undefined));
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = resolveRetryOptions(options.retry);
    this.#referer = `${this.baseUrl}/`;
    this.#origin = new URL(this.baseUrl).origin;
    this.#internalPrefix = `${new URL(this.baseUrl).pathname.replace(/\/$/, "")}/api/internal/`.toLowerCase();
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#hooks = options.hooks;
    this.#baseHeaders = {};
    for (const [name, value] of Object.entries(options.defaultHeaders ?? {})) {
      this.#baseHeaders[name.toLowerCase()] = value;
    }
    this.#baseHeaders["user-agent"] = userAgent(options.userAgentSuffix);
    this.#customFetch = options.fetch as FetchLike | undefined;
    const validation = options.validateResponses ?? "off";
    this.#validator = validation === "off" ? undefined : new ResponseValidator(validation);
    this.logger =
      options.logger === false ? silentLogger : (options.logger ?? defaultLogger(options.logLevel ?? "info"));
    this.#throttleLease =
      options.throttle === false
        ? undefined
        : leaseSharedThrottle(sharedThrottleKey(this.#origin, options.token), options.throttle ?? {});
    this.throttle = this.#throttleLease?.throttle;
    if (this.#throttleLease?.mismatch !== undefined) this.logger.warn({}, this.#throttleLease.mismatch);
    this.breakers = options.breaker === false ? undefined : new CircuitBreakerRegistry(options.breaker ?? {});
    this.breakers?.on("stateChange", (change) => {
      this.#metrics.recordBreakerTransition(change.from, change.to);
      const level = change.to === "open" ? "warn" : "info";
      this.logger[level](
        { ...change },
        `circuit breaker ${change.from} -> ${change.to} for ${change.origin}`,
      );
    });
    const token = new AuthToken(options.token);
    this.#deps = {
      resolveFetch: () => this.#resolveFetch(),
      breakers: this.breakers,
      throttle: this.throttle,
      throttleOwner: this,
      metrics: this.#metrics,
      token,
      secrets: token.secrets,
      random: () => Math.random(),
      hookFailed: (hook, error, ctx) =>
        ctx.log.write(
          "warn",
          () => ({ hook, error: describeCause(safeCause(error, token.secrets)) }),
          `the ${hook} hook threw; ignored`,
        ),
    };
    this.#client = loadOnFirstUse(() =>
      createClient<Record<string, never>>({
        baseUrl: this.baseUrl,
        headers: { ...this.#baseHeaders, accept: "application/json" },
        fetch: (request: Request) => this.#sendRaw(request),
      }),
    );
  }

  /**
   * The openapi-fetch client over the same attempt loop (retries, breaker, throttle, auth), for
   * routes the generated services do not cover. Its calls are bounded by the time limit and the
   * caller's signal until the answer's headers arrive; reading the body is then up to the caller.
   * Retries follow the method (it knows no operation); hooks and `maxResponseBytes` do not apply.
   */
  raw<Paths extends {} = Record<string, never>>(): Client<Paths> {
    return this.#client() as unknown as Client<Paths>;
  }

  /** One SDK call: resolves with the data; `.withResponse()` gives `{ data, response }`. */
  call<T>(op: OperationSpec, input: CallInput, options: CallOptions = {}): CallPromise<T> {
    return new CallPromise(this.#run<T>(op, input, options));
  }

  async #run<T>(op: OperationSpec, input: CallInput, options: CallOptions): Promise<DataWithResponse<T>> {
    // 1. The call's identity: correlation id, log bindings, deadline.
    const started = monotonicNow();
    const ctx = this.#callContext(op, options, started);
    const { scope, log } = ctx;
    try {
      if (this.#closed) throw new WatsError(`${op.name}: the client is closed`, ctx.fields());
      if (scope.ended) throw ctx.endedError(options.signal?.reason);
      // 2. The request, built once and sent as it is on every attempt.
      const request = this.#prepare(op, input, options, ctx);
      const plan = this.#plan(op, options, request, ctx);
      // 3. The attempts: breaker, throttle, token, hooks, retry (attempts.ts).
      const answer = await sendAttempts(this.#deps, request, ctx, plan);
      // 4. The answer: a typed error, or the decoded data.
      if (!answer.ok) throw this.#statusError(answer, ctx);
      const data = this.#decoded(op, answer, ctx) as T;
      if (op.response === "json") recordJsonSource(data, answer.body);
      if (this.#validator)
        await this.#validator.check(op, data, log, () => ({ ...ctx.fields(), status: answer.status }));
      this.#metrics.recordCall(op.name, "ok", monotonicNow() - started);
      if (log.enabled("debug")) logSuccess(log, answer, ctx, started);
      return { data, response: new AnswerResponse(answer, ctx) };
    } catch (thrown) {
      return await this.#failed(thrown, ctx, started, this.#hooks);
    } finally {
      scope.dispose();
    }
  }

  /** A call's context: its correlation id, log bindings and deadline (the scope of its attempts). */
  #callContext(op: OperationSpec, options: CallOptions, started: number): RequestContext {
    const correlationId =
      options.correlationId !== undefined
        ? checkCorrelationId(options.correlationId)
        : (currentCorrelationId() ?? newCorrelationId());
    const log = new CallLog(this.logger, { correlationId, operation: op.name });
    const attemptTimeoutMs =
      options.attemptTimeoutMs ??
      (options.retry || undefined)?.attemptTimeoutMs ??
      this.#retry.attemptTimeoutMs;
    const scope = new CallScope(
      options.timeoutMs ?? this.#timeoutMs,
      options.signal,
      this.#deadlines,
      attemptTimeoutMs,
      started,
    );
    return new RequestContext(
      op.name,
      op.method,
      correlationId,
      scope,
      log,
      attemptTimeoutMs,
      `${this.baseUrl}${op.path}`,
      this.#origin,
    );
  }

  /** The typed error of an answer whose status is not a success. */
  #statusError(answer: Answer, ctx: RequestContext): WatsError {
    return errorFromStatus(
      answer.status,
      answer.statusText,
      errorBody(answer.body),
      parseRetryAfter(answer.header("retry-after") ?? null),
      ctx.fields(),
      this.#deps.secrets,
      answer.headers,
    );
  }

  /**
   * A failed call (`call()` or `raw()`): its error as a WatsError, reported to `hooks.onError`
   * (unless the attempt loop already did), counted and logged, then thrown. Kept out of `#run`,
   * like the other rare paths, to keep the bytecode V8 must optimise small (see sendAttempts).
   */
  async #failed(
    thrown: unknown,
    ctx: RequestContext,
    started: number,
    hooks: TransportHooks | undefined,
  ): Promise<never> {
    const error = this.#toWatsError(thrown, ctx);
    if (ctx.notified !== error) await notifyError(this.#deps, hooks, ctx, ctx.attempts, error, false);
    const kind = watsErrorKind(error) ?? "WatsError";
    this.#metrics.recordCall(ctx.operation, kind, monotonicNow() - started);
    logFailure(ctx.log, error, kind, monotonicNow() - started);
    throw error;
  }

  /**
   * The data of a successful answer, as the operation says to read it. The one place where a
   * call's data is produced (response validation belongs here).
   */
  #decoded(op: OperationSpec, answer: Answer, ctx: RequestContext): unknown {
    try {
      return decodeAnswer(op.response, answer);
    } catch (error) {
      if (!(error instanceof AnswerFormatError)) throw error;
      // After a state-changing call the server has done its part: keep the whole answer, so
      // whatever it allocated (serial numbers, ids) can still be read from the error.
      const stateChanging = changesState(op.method, op);
      const body = stateChanging
        ? scrubSecrets(error.text, this.#deps.secrets)
        : cleanBody(error.text, this.#deps.secrets);
      throw new WatsDecodeError(
        `${op.name}: ${error.message}${stateChanging ? "; the request was carried out, and the answer is kept whole in error.body" : ""}`,
        { ...ctx.fields(), status: answer.status, headers: answer.headers, body, cause: error.cause },
      );
    }
  }

  /**
   * The headers every call of `op` starts from (defaults, User-Agent, Accept, and Referer for an
   * internal route), built on the operation's first call and copied per call.
   */
  #headerTemplate(op: OperationSpec): Record<string, string> {
    let template = this.#headerTemplates.get(op);
    if (template === undefined) {
      template = { ...this.#baseHeaders, accept: ACCEPT[op.response] };
      if (op.internal) template.referer = this.#referer;
      this.#headerTemplates.set(op, template);
    }
    return template;
  }

  /** The URL, headers and body of a call, exactly as every attempt sends them. */
  #prepare(op: OperationSpec, input: CallInput, options: CallOptions, ctx: RequestContext): PreparedRequest {
    const params = splitParams(op, input.params, ctx);
    const url = buildUrl(this.baseUrl, op.path, params);
    // Object.assign, not a spread: V8 (Node 20) gives an object spread that then gains a property
    // (the attempt loop adds x-correlation-id, x-attempt, authorization) a hidden class of its own,
    // made in the old generation on every call (see answer-response.ts for what that costs).
    const headers: Record<string, string> = Object.assign({}, this.#headerTemplate(op));
    if (options.headers !== undefined || options.idempotencyKey !== undefined) {
      addCallHeaders(op, options, headers, ctx);
    }
    const body =
      op.body !== undefined && input.body !== undefined
        ? requestBody(op.body, input.body, headers)
        : undefined;
    return { url, method: op.method, headers, body, redirect: "follow" };
  }

  /** How this call's attempts go: retry rules, whether a resend is safe, the byte limit, hooks. */
  #plan(op: OperationSpec, options: CallOptions, request: PreparedRequest, ctx: RequestContext): AttemptPlan {
    if (options.retry !== undefined) {
      const issues = check(callRetryCheck, options.retry, ["retry"]);
      if (issues.length > 0) {
        throw new WatsValidationError(
          `${op.name}: invalid retry option: ${optionProblems(issues)}`,
          ctx.fields(),
        );
      }
    }
    if (
      options.maxResponseBytes !== undefined &&
      numberProblem(MAX_RESPONSE_BYTES_RULE, options.maxResponseBytes) !== undefined
    ) {
      throw new WatsValidationError(
        `${op.name}: maxResponseBytes must be a whole number of bytes >= 1`,
        ctx.fields(),
      );
    }
    return {
      retry: callRetryOptions(this.#retry, options.retry),
      resendable: isIdempotentRequest(op.method, op, request.headers["idempotency-key"] !== undefined),
      readBody: true,
      maxResponseBytes: options.maxResponseBytes ?? this.#maxResponseBytes,
      hooks: this.#hooks,
    };
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
    this.throttle?.cancelAll(new WatsError("the client is closed"), this);
    this.#throttleLease?.release();
    const sender = this.#sender;
    this.#sender = undefined;
    this.#defaultFetch = undefined;
    sender?.close();
    this.#deadlines.stopIfIdle();
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #sendRaw(request: Request): Promise<Response> {
    const correlationId =
      request.headers.get("x-correlation-id") ?? currentCorrelationId() ?? newCorrelationId();
    const operation = `raw ${request.method}`;
    const log = new CallLog(this.logger, { correlationId, operation });
    const scope = new CallScope(this.#timeoutMs, request.signal, this.#deadlines);
    const ctx = new RequestContext(
      operation,
      request.method,
      correlationId,
      scope,
      log,
      this.#retry.attemptTimeoutMs,
      redactUrl(request.url),
    );
    const started = monotonicNow();
    try {
      if (this.#closed) throw new WatsError(`${operation}: the client is closed`, ctx.fields());
      if (scope.ended) throw ctx.endedError(request.signal.reason);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      if (new URL(request.url).pathname.toLowerCase().startsWith(this.#internalPrefix)) {
        headers.referer = this.#referer;
      }
      const prepared: PreparedRequest = {
        url: request.url,
        method: request.method,
        headers,
        body: request.body === null ? undefined : await request.arrayBuffer(),
        redirect: request.redirect,
      };
      const answer = await sendAttempts(this.#deps, prepared, ctx, {
        retry: this.#retry,
        resendable: isIdempotentRequest(request.method, undefined, headers["idempotency-key"] !== undefined),
        readBody: false,
        maxResponseBytes: this.#maxResponseBytes,
        hooks: undefined,
      });
      const outcome = answer.ok ? "ok" : errorKindForStatus(answer.status);
      this.#metrics.recordCall(operation, outcome, monotonicNow() - started);
      return answer.stream as Response;
    } catch (thrown) {
      // No hooks on this path: nothing is told but the metrics and the log.
      return await this.#failed(thrown, ctx, started, undefined);
    } finally {
      scope.dispose();
    }
  }

  #resolveFetch(): ResolvedFetch {
    if (this.#customFetch) return { fetch: this.#customFetch };
    // Global fetch is looked up per call, so interceptors installed later (msw) still apply; while
    // it is the runtime's own, `call()` sends on Node's HTTP client instead (buffered-send.ts).
    if (globalThis.fetch !== NATIVE_FETCH) return { fetch: globalThis.fetch as FetchLike };
    if (!this.#defaultFetch) {
      this.#sender = httpSender();
      this.#defaultFetch = {
        fetch: globalThis.fetch as FetchLike,
        sendBuffered: this.#sender.send,
      };
    }
    return this.#defaultFetch;
  }

  #toWatsError(thrown: unknown, ctx: RequestContext): WatsError {
    if (isWatsError(thrown)) return thrown;
    if (ctx.scope.ended) return ctx.endedError(thrown);
    return new WatsConnectionError(
      `${ctx.operation}: the answer could not be read (${describeCause(safeCause(thrown, this.#deps.secrets))})`,
      { ...ctx.fields(), cause: safeCause(thrown, this.#deps.secrets) },
    );
  }
}

/** The Accept header for each way of reading the answer. */
const ACCEPT: Record<OperationSpec["response"], string> = {
  json: "application/json",
  xml: "application/xml, text/xml;q=0.9, */*;q=0.1",
  text: "*/*",
  binary: "*/*",
  none: "*/*",
};

/** Same as `new HttpTransport(options)`. */
export function createTransport(options: TransportOptions): HttpTransport {
  return new HttpTransport(options);
}

/** A call's own headers (`headers`, `idempotencyKey` options), checked, over the operation's. */
function addCallHeaders(
  op: OperationSpec,
  options: CallOptions,
  headers: Record<string, string>,
  ctx: RequestContext,
): void {
  if (options.headers !== undefined) {
    const issues = check(headersCheck, options.headers);
    if (issues.length > 0) {
      throw new WatsValidationError(
        `${op.name}: invalid headers option: ${optionProblems(issues)}`,
        ctx.fields(),
      );
    }
    // A call may set its own Accept; Referer is reserved, so the template's stands.
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
  }
  if (options.idempotencyKey !== undefined) {
    if (typeof options.idempotencyKey !== "string" || !IDEMPOTENCY_KEY.test(options.idempotencyKey)) {
      throw new WatsValidationError(
        `${op.name}: idempotencyKey must be 1-255 printable ASCII characters`,
        ctx.fields(),
      );
    }
    headers["idempotency-key"] = options.idempotencyKey;
  }
}

/** The body as sent, and its Content-Type set in `headers` (FormData sets its own). */
function requestBody(
  spec: NonNullable<OperationSpec["body"]>,
  value: unknown,
  headers: Record<string, string>,
): PreparedRequest["body"] {
  if (isJsonBody(spec)) {
    headers["content-type"] = "application/json";
    // A body that reached the sync engine as JSON text is sent as that text (json-source.ts).
    return value instanceof JsonText ? value.text : JSON.stringify(value);
  }
  const body = jsonValue(value);
  // FormData carries its own multipart boundary: fetch writes that Content-Type itself.
  if (!(body instanceof FormData)) headers["content-type"] = spec.contentType;
  return body as PreparedRequest["body"];
}

/** The debug line of a call that succeeded (written only when debug is on: no closure otherwise). */
function logSuccess(log: CallLog, answer: Answer, ctx: RequestContext, started: number): void {
  log.write(
    "debug",
    () => ({
      status: answer.status,
      attempts: ctx.attempts,
      durationMs: Math.round(monotonicNow() - started),
    }),
    "call succeeded",
  );
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

/** The error of a call that leaves out a path parameter (nothing is sent). */
function missingPathParam(op: OperationSpec, name: string, ctx: { fields(): object } | undefined): WatsError {
  return new WatsValidationError(`${op.name}: path parameter "${name}" is required`, {
    operation: op.name,
    method: op.method,
    ...ctx?.fields(),
  });
}

/**
 * The request URL: the path from the operation's template split once (url.ts `fillPath`), the
 * query by openapi-fetch's serializer; openapi-fetch's `createFinalURL` when the fast path does
 * not apply. Both give the same URL (tested over every generated operation).
 */
export function buildUrl(
  baseUrl: string,
  template: string,
  params: { path: Record<string, unknown>; query: Record<string, unknown> },
): string {
  const path = fillPath(baseUrl, template, params.path);
  if (path === undefined) {
    return createFinalURL(template, {
      baseUrl,
      params,
      querySerializer,
      pathSerializer: defaultPathSerializer,
    });
  }
  let search = querySerializer(params.query);
  if (search.startsWith("?")) search = search.substring(1);
  return search === "" ? path : `${path}?${search}`;
}

/** Sorts a method's single params object into path and query values, by the operation table. */
export function splitParams(
  op: OperationSpec,
  values: object | undefined,
  ctx?: { fields(): object },
): { path: Record<string, unknown>; query: Record<string, unknown> } {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const record = (jsonValue(values) ?? {}) as Record<string, unknown>;
  for (const name of op.pathParams) {
    const value = record[name];
    if (value === undefined || value === null || value === "") throw missingPathParam(op, name, ctx);
    path[name] = value instanceof Date ? value.toISOString() : value;
  }
  for (const name of op.queryParams) {
    const value = record[name];
    if (value !== undefined && value !== null)
      query[name] = value instanceof Date ? value.toISOString() : filterText(value);
  }
  return { path, query };
}
