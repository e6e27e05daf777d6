/**
 * The attempt loop: sends one prepared request as many times as the retry rules allow. Each
 * attempt passes the circuit breaker and the throttle, carries an `X-Attempt` number, the call's
 * unchanged `X-Correlation-ID` and the current token, and (for `call()`) reads the whole answer
 * under the byte limit. Waits honour Retry-After and stop at the call's deadline or the caller's
 * abort, whichever comes first.
 *
 * What may be retried depends on what the request does (see retry.ts): a request that changes
 * nothing, or whose repeat has the same effect, is retried on any retryable failure; any other
 * state-changing request only after failures that prove the server did not carry it out
 * (connection refused, 429, 503). Its other failures are marked `outcomeUncertain`.
 */
import { Answer, BodyTooLarge, checkDeclaredLength, readLimited, webStreamChunks } from "./answer.js";
import type { AuthToken } from "./auth-token.js";
import { backoffDelay, parseRetryAfter } from "./backoff.js";
import type { BreakerPermit, CircuitBreaker, CircuitBreakerRegistry } from "./breaker.js";
import { type BufferedSend, bufferedBody } from "./buffered-send.js";
import type { CallScope } from "./call-scope.js";
import { monotonicNow, sleep } from "./clock.js";
import {
  WatsAbortError,
  WatsCircuitOpenError,
  WatsConnectionError,
  WatsError,
  WatsResponseTooLargeError,
  WatsTimeoutError,
} from "./errors.js";
import type { TransportHooks } from "./hooks.js";
import {
  type CallErrorFields,
  describeCause,
  errorFromStatus,
  safeCause,
  UNCERTAIN_NOTE,
} from "./http-errors.js";
import type { CallLog } from "./logger.js";
import type { Metrics } from "./metrics.js";
import {
  failureProvesNotSent,
  isRetryableStatus,
  type ResolvedRetryOptions,
  statusProvesNotProcessed,
} from "./retry.js";
import type { Throttle } from "./throttle.js";
import { redactUrl, requestTarget } from "./url.js";

/** The fetch shape we call: global fetch, undici's, msw's or a test double. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ResolvedFetch {
  fetch: FetchLike;
  /** The fast path for calls that read the whole answer (see buffered-send.ts), when available. */
  sendBuffered?: BufferedSend | undefined;
}

/** What the loop needs from its transport. */
export interface TransportDeps {
  /** The fetch to use and, for the runtime's own, the fast path beside it. */
  resolveFetch: () => ResolvedFetch;
  breakers: CircuitBreakerRegistry | undefined;
  throttle: Throttle | undefined;
  /** Tags this client's waiters at a (possibly shared) throttle. */
  throttleOwner: object;
  metrics: Metrics;
  token: AuthToken;
  /** Values that must never reach an error or a log line (the tokens); kept current by `token`. */
  secrets: readonly string[];
  random: () => number;
  /** Called when an observer hook throws (the transport logs it). */
  hookFailed: (hook: string, error: unknown, ctx: RequestContext) => void;
}

/** A request ready to send: the loop sends exactly this on every attempt. */
export interface PreparedRequest {
  url: string;
  method: string;
  /** Lower-case names. The loop sets authorization, x-attempt and x-correlation-id itself. */
  headers: Record<string, string>;
  body: string | Uint8Array | ArrayBuffer | Blob | FormData | undefined;
  redirect: "follow" | "manual" | "error";
}

/** How a call's attempts go. */
export interface AttemptPlan {
  retry: ResolvedRetryOptions;
  /** May be sent again after an attempt that may have reached the server. */
  resendable: boolean;
  /** Read each answer whole within its attempt (`call()`), or hand the stream on (`raw()`). */
  readBody: boolean;
  maxResponseBytes: number;
  hooks: TransportHooks | undefined;
}

/** One call, as the loop sees it. */
export class RequestContext {
  attempts = 0;
  /** The error the previous attempt ended with, if any (the cause when a later step gives up). */
  lastError: WatsError | undefined;
  /**
   * True while the failure at hand may have reached the server: an attempt was in flight, or
   * answered with a status that does not prove it was not carried out.
   */
  mayHaveReachedServer = false;
  /** Marks errors of a state-changing call that cannot be resent as uncertain. */
  uncertainWhenReached = false;
  /** The error `onError` was last called with (so the transport does not report it twice). */
  notified: WatsError | undefined;

  constructor(
    readonly operation: string,
    readonly method: string,
    readonly correlationId: string,
    readonly scope: CallScope,
    readonly log: CallLog,
    readonly attemptTimeoutMs: number,
    /** Before the request exists: the path template (no secrets in it). */
    url: string,
    /** The server origin, when known in advance (saves parsing the URL of every request). */
    public origin?: string,
  ) {
    this.#url = url;
  }

  #url: string;
  #redacted: string | undefined;
  #fromRequest = false;

  /** The request URL without credentials or secret query values (computed on first use). */
  get redactedUrl(): string {
    if (this.#redacted === undefined) this.#redacted = this.#fromRequest ? redactUrl(this.#url) : this.#url;
    return this.#redacted;
  }

  /** The URL of the request actually sent. */
  useRequestUrl(url: string): void {
    this.#url = url;
    this.#fromRequest = true;
    this.#redacted = undefined;
  }

  get outcomeUncertain(): boolean {
    return this.uncertainWhenReached && this.mayHaveReachedServer;
  }

  fields(): CallErrorFields {
    return {
      operation: this.operation,
      method: this.method,
      url: this.redactedUrl,
      correlationId: this.correlationId,
      attempts: this.attempts,
      outcomeUncertain: this.outcomeUncertain,
    };
  }

  /** The error for a call the caller aborted or whose time ran out. */
  endedError(cause: unknown): WatsError {
    const uncertain = uncertainNote(this);
    if (this.scope.ended === "caller") {
      return new WatsAbortError(`${this.operation}: aborted by the caller${uncertain}`, {
        ...this.fields(),
        cause,
      });
    }
    const tries = this.attempts === 1 ? "1 attempt" : `${this.attempts} attempts`;
    return new WatsTimeoutError(
      `${this.operation}: no answer within ${this.scope.timeoutMs} ms (${tries})${uncertain}`,
      { ...this.fields(), cause: this.lastError ?? cause },
    );
  }
}

/** The sentence that ends the message of an uncertain failure. */
export function uncertainNote(ctx: RequestContext): string {
  return ctx.outcomeUncertain ? UNCERTAIN_NOTE : "";
}

const DISCARD_LIMIT = 64 * 1024;

/** What every attempt of a call sends through: the breaker, the fetch, and the fast path's inputs. */
interface Route {
  breaker: CircuitBreaker | undefined;
  fetchImpl: FetchLike;
  /** The buffered fast path, when this call can take it, with the body and target it sends. */
  sendFast: BufferedSend | undefined;
  fastBody: string | Uint8Array | undefined;
  target: { origin: string; path: string } | undefined;
}

function routeOf(
  deps: TransportDeps,
  request: PreparedRequest,
  ctx: RequestContext,
  plan: AttemptPlan,
): Route {
  const breaker = deps.breakers?.get(ctx.origin ?? new URL(request.url).origin);
  const { fetch: fetchImpl, sendBuffered } = deps.resolveFetch();
  const body = sendBuffered && plan.readBody ? bufferedBody(request.body) : false;
  if (sendBuffered === undefined || body === false) {
    return { breaker, fetchImpl, sendFast: undefined, fastBody: undefined, target: undefined };
  }
  const target = requestTarget(request.url, ctx.origin);
  return { breaker, fetchImpl, sendFast: sendBuffered, fastBody: body, target };
}

/**
 * Sends the request with retries; resolves with the final answer or throws a WatsError.
 *
 * Only the usual path is written here: failures and retries are handled in functions of their
 * own. That keeps this function's bytecode small, which V8 optimises after fewer calls and
 * compiles with less memory (core README, Cost: "Rare paths out of the call path").
 */
export async function sendAttempts(
  deps: TransportDeps,
  request: PreparedRequest,
  ctx: RequestContext,
  plan: AttemptPlan,
): Promise<Answer> {
  const headers = request.headers;
  ctx.useRequestUrl(request.url);
  ctx.uncertainWhenReached = !plan.resendable;
  headers["x-correlation-id"] = ctx.correlationId;
  const { breaker, fetchImpl, sendFast, fastBody, target } = routeOf(deps, request, ctx, plan);

  for (let attempt = 1; ; attempt++) {
    // Fail fast while the breaker is open, before queueing at the throttle. Nothing was sent.
    const openFor = breaker?.peek(ctx);
    if (openFor !== undefined) throw circuitOpen(ctx, breaker?.origin, openFor);
    if (deps.throttle) await throttleSlot(deps.throttle, deps.throttleOwner, ctx, attempt);
    const permit = breaker?.acquire(ctx);
    if (permit && !permit.granted) throw circuitOpen(ctx, breaker?.origin, permit.retryAfterMs);

    ctx.attempts = attempt;
    headers["x-attempt"] = String(attempt);
    const authorization = deps.token.header(ctx.operation);
    headers.authorization = authorization instanceof Promise ? await authorization : authorization;
    if (plan.hooks?.beforeRequest) await runBeforeRequest(plan.hooks, ctx, attempt, headers);

    const attemptScope = ctx.scope.attempt(ctx.attemptTimeoutMs);
    // Read only for afterResponse's duration: a clock read is not free (clock.ts).
    const sentAt = plan.hooks?.afterResponse ? monotonicNow() : 0;
    if (ctx.log.enabled("trace")) traceSending(ctx, attempt, request.method);
    let answer: Answer | undefined;
    try {
      if (sendFast !== undefined && target !== undefined) {
        answer = await sendFast(target, {
          method: request.method,
          headers,
          body: fastBody,
          onAbort: (abort) => attemptScope.onAbort(abort),
          maxResponseBytes: plan.maxResponseBytes,
        });
      }
      answer ??= await sendByFetch(fetchImpl, request, attemptScope.signal, plan);
    } catch (cause) {
      attemptScope.dispose();
      const delay = await attemptFailed(
        deps,
        ctx,
        plan,
        attempt,
        cause,
        attemptScope.timedOut,
        breaker,
        permit,
      );
      await wait(ctx, delay);
      continue;
    }
    attemptScope.dispose();
    settle(breaker, permit, answer.status >= 500 ? "failure" : "success", ctx);
    ctx.mayHaveReachedServer = !statusProvesNotProcessed(answer.status) && answer.status >= 500;
    if (plan.hooks?.afterResponse) await runAfterResponse(deps, plan.hooks, ctx, attempt, answer, sentAt);
    if (!isRetryableStatus(answer.status)) return answer;
    const delay = await retryAfterStatus(deps, ctx, plan, attempt, answer);
    if (delay === undefined) return answer;
    await wait(ctx, delay);
  }
}

function traceSending(ctx: RequestContext, attempt: number, method: string): void {
  ctx.log.write("trace", () => ({ attempt, method, url: ctx.redactedUrl }), "sending");
}

/** One attempt through fetch: the path of `raw()`, a custom fetch, and bodies the fast path cannot send. */
async function sendByFetch(
  fetchImpl: FetchLike,
  request: PreparedRequest,
  signal: AbortSignal,
  plan: AttemptPlan,
): Promise<Answer> {
  const init: Record<string, unknown> = {
    method: request.method,
    headers: request.headers,
    signal,
    redirect: request.redirect,
  };
  if (request.body !== undefined) init.body = request.body;
  const response = await fetchImpl(request.url, init as RequestInit);
  return plan.readBody
    ? await readWhole(response, plan.maxResponseBytes)
    : new Answer(response.status, response.statusText, response.headers, undefined, response);
}

/**
 * An attempt that got no answer: the wait before the next attempt, or the call's error (thrown)
 * when it must not be retried.
 */
async function attemptFailed(
  deps: TransportDeps,
  ctx: RequestContext,
  plan: AttemptPlan,
  attempt: number,
  cause: unknown,
  timedOut: boolean,
  breaker: CircuitBreaker | undefined,
  permit: BreakerPermit | undefined,
): Promise<number> {
  // Whatever happened, the request may have gone out: only a failure to connect proves not.
  ctx.mayHaveReachedServer = !failureProvesNotSent(cause);
  if (cause instanceof BodyTooLarge) {
    settle(breaker, permit, "success", ctx);
    const error = tooLarge(ctx, cause);
    await notifyError(deps, plan.hooks, ctx, attempt, error, false);
    throw error;
  }
  if (ctx.scope.ended) {
    settle(breaker, permit, ctx.scope.ended === "caller" ? "neutral" : "failure", ctx);
    const error = ctx.endedError(cause);
    await notifyError(deps, plan.hooks, ctx, attempt, error, false);
    throw error;
  }
  settle(breaker, permit, "failure", ctx);
  const error = attemptFailure(deps, ctx, attempt, cause, timedOut);
  ctx.lastError = error;
  const what = timedOut ? "attempt timeout" : describeCause(safeCause(cause, deps.secrets));
  const mayResend = plan.resendable || !ctx.mayHaveReachedServer;
  const delay = mayResend
    ? retryDelay(deps, ctx, plan.retry, attempt, undefined, what)
    : notResent(ctx, what);
  await notifyError(deps, plan.hooks, ctx, attempt, error, delay !== undefined);
  if (delay === undefined) throw error;
  await notifyRetry(deps, plan.hooks, ctx, attempt, delay, what);
  return delay;
}

/**
 * An answer with a retryable status: the wait before the next attempt (its stream freed), or
 * undefined when this answer is the call's.
 */
async function retryAfterStatus(
  deps: TransportDeps,
  ctx: RequestContext,
  plan: AttemptPlan,
  attempt: number,
  answer: Answer,
): Promise<number | undefined> {
  const retryAfterMs = parseRetryAfter(answer.header("retry-after") ?? null);
  const what = `${answer.status}`;
  const mayResend = plan.resendable || statusProvesNotProcessed(answer.status);
  const delay = mayResend
    ? retryDelay(deps, ctx, plan.retry, attempt, retryAfterMs, what)
    : notResent(ctx, what);
  if (delay === undefined) return undefined;
  ctx.lastError = errorFromStatus(
    answer.status,
    answer.statusText,
    undefined,
    retryAfterMs,
    ctx.fields(),
    deps.secrets,
    answer.headers,
  );
  await notifyError(deps, plan.hooks, ctx, attempt, ctx.lastError, true);
  await notifyRetry(deps, plan.hooks, ctx, attempt, delay, what);
  if (answer.stream) await discard(answer.stream);
  return delay;
}

async function throttleSlot(
  throttle: Throttle,
  owner: object,
  ctx: RequestContext,
  attempt: number,
): Promise<void> {
  // An ended call takes no slot; its error keeps the reason, as a throttle wait's abort does.
  if (ctx.scope.ended) throw ctx.endedError(ctx.scope.signal.reason);
  const waiting = throttle.acquire(() => ctx.scope.signal, owner);
  if (!waiting) return;
  ctx.log.write("debug", () => ({ attempt, throttle: throttle.stats() }), "waiting for the rate limit");
  try {
    await waiting;
  } catch (cause) {
    if (ctx.scope.ended) throw ctx.endedError(cause);
    // The throttle was shut down (the transport closed).
    throw new WatsError(`${ctx.operation}: ${(cause as Error).message ?? String(cause)}`, {
      ...ctx.fields(),
      cause,
    });
  }
}

/** The whole body of a fetch Response, under the limit (the connection is dropped past it). */
async function readWhole(response: Response, limitBytes: number): Promise<Answer> {
  if (response.body === null)
    return new Answer(response.status, response.statusText, response.headers, undefined);
  try {
    checkDeclaredLength(response.headers.get("content-length") ?? undefined, limitBytes);
  } catch (error) {
    await response.body.cancel().catch(() => {});
    throw error;
  }
  const body = await readLimited(webStreamChunks(response.body), limitBytes);
  return new Answer(response.status, response.statusText, response.headers, body);
}

function attemptFailure(
  deps: TransportDeps,
  ctx: RequestContext,
  attempt: number,
  cause: unknown,
  timedOut: boolean,
): WatsError {
  const safe = safeCause(cause, deps.secrets);
  const uncertain = uncertainNote(ctx);
  if (timedOut) {
    return new WatsTimeoutError(
      `${ctx.operation}: attempt ${attempt} got no answer within ${ctx.attemptTimeoutMs} ms${uncertain}`,
      { ...ctx.fields(), cause: safe },
    );
  }
  return new WatsConnectionError(
    `${ctx.operation}: could not reach ${ctx.origin ?? new URL(ctx.redactedUrl).origin} (${describeCause(safe)})${uncertain}`,
    { ...ctx.fields(), cause: safe },
  );
}

function tooLarge(ctx: RequestContext, cause: BodyTooLarge): WatsResponseTooLargeError {
  ctx.mayHaveReachedServer = true;
  return new WatsResponseTooLargeError(
    `${ctx.operation}: ${cause.message} (maxResponseBytes); the connection was dropped`,
    { ...ctx.fields(), outcomeUncertain: false, limitBytes: cause.limitBytes, cause },
  );
}

function notResent(ctx: RequestContext, what: string): undefined {
  ctx.log.write(
    "debug",
    () => ({ attempt: ctx.attempts, failure: what }),
    "not retried: the request changes state and may have reached the server",
  );
  return undefined;
}

/**
 * The wait before the next attempt, or undefined when the call must not be retried: out of
 * attempts, the wait would outlast the call's deadline, or the retry budget is empty (checked
 * last, so a refused retry never spends a token).
 */
function retryDelay(
  deps: TransportDeps,
  ctx: RequestContext,
  retry: ResolvedRetryOptions,
  attempt: number,
  retryAfterMs: number | undefined,
  what: string,
): number | undefined {
  if (attempt >= retry.maxAttempts) return undefined;
  const delay =
    retryAfterMs !== undefined
      ? Math.min(retryAfterMs, retry.maxRetryAfterMs)
      : backoffDelay(attempt, retry, deps.random);
  if (delay >= ctx.scope.remainingMs()) {
    ctx.log.write(
      "debug",
      () => ({ attempt, failure: what, delayMs: delay }),
      "not retried: the wait would outlast the call",
    );
    return undefined;
  }
  if (retry.budget && !retry.budget.tryAcquire()) {
    deps.metrics.recordBudgetExhausted(ctx.operation);
    ctx.log.write(
      "warn",
      () => ({ attempt, failure: what }),
      "not retried: the process-wide retry budget is empty",
    );
    return undefined;
  }
  deps.metrics.recordRetry(ctx.operation);
  ctx.log.write(
    "info",
    () => ({ attempt, failure: what, delayMs: delay, retryAfterMs }),
    `retrying after ${what} in ${delay} ms`,
  );
  return delay;
}

async function wait(ctx: RequestContext, delay: number): Promise<void> {
  // Nothing of this call is in flight while it waits.
  ctx.mayHaveReachedServer = false;
  try {
    await sleep(delay, ctx.scope.signal);
  } catch (cause) {
    throw ctx.endedError(cause);
  }
}

function circuitOpen(
  ctx: RequestContext,
  origin: string | undefined,
  retryAfterMs: number,
): WatsCircuitOpenError {
  ctx.mayHaveReachedServer = false;
  return new WatsCircuitOpenError(
    `${ctx.operation}: the circuit breaker for ${origin} is open; not sending (retry in ${retryAfterMs} ms)`,
    { ...ctx.fields(), retryAfterMs, cause: ctx.lastError },
  );
}

function settle(
  breaker: CircuitBreaker | undefined,
  permit: BreakerPermit | undefined,
  outcome: "success" | "failure" | "neutral",
  ctx: RequestContext,
): void {
  if (!breaker || !permit) return;
  if (outcome === "success") breaker.onSuccess(permit, ctx);
  else if (outcome === "failure") breaker.onFailure(permit, ctx);
  else breaker.onNeutral(permit);
}

/** Frees the connection of a streamed answer we will not read: small bodies are drained (keeping the socket). */
async function discard(response: Response): Promise<void> {
  try {
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    if (response.bodyUsed || response.body === null) return;
    if (length <= DISCARD_LIMIT) await response.arrayBuffer();
    else await response.body.cancel();
  } catch {
    // the connection is gone anyway
  }
}

// --- hooks ---------------------------------------------------------------------------------

function hookInfo(ctx: RequestContext, attempt: number) {
  return {
    operation: ctx.operation,
    method: ctx.method,
    url: ctx.redactedUrl,
    correlationId: ctx.correlationId,
    attempt,
  };
}

/** Headers a hook cannot change: the transport's own. */
const FIXED_BY_TRANSPORT: readonly string[] = [
  "authorization",
  "x-correlation-id",
  "x-attempt",
  "idempotency-key",
];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\x20-\x7e\t]*$/;

/** Runs `beforeRequest` on a copy of the attempt's headers and takes its changes (names lower-cased). */
async function runBeforeRequest(
  hooks: TransportHooks,
  ctx: RequestContext,
  attempt: number,
  headers: Record<string, string>,
): Promise<void> {
  const given: Record<string, string> = { ...headers };
  const notSent = (message: string, cause?: unknown) =>
    new WatsError(`${ctx.operation}: ${message}; the request was not sent`, {
      ...ctx.fields(),
      outcomeUncertain: false,
      cause,
    });
  try {
    const result = hooks.beforeRequest?.({ ...hookInfo(ctx, attempt), headers: given });
    if (result instanceof Promise) await result;
  } catch (cause) {
    throw notSent("the beforeRequest hook threw", cause);
  }
  const next: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!HEADER_NAME.test(name) || typeof value !== "string" || !HEADER_VALUE.test(value)) {
      throw notSent(`the beforeRequest hook set an invalid header ${JSON.stringify(name)}`);
    }
    next[name.toLowerCase()] = value;
  }
  for (const name of FIXED_BY_TRANSPORT) {
    const own = headers[name];
    if (own === undefined) delete next[name];
    else next[name] = own;
  }
  for (const name of Object.keys(headers)) delete headers[name];
  Object.assign(headers, next);
}

async function observe(
  deps: TransportDeps,
  ctx: RequestContext,
  name: string,
  run: () => void | Promise<void>,
): Promise<void> {
  try {
    const result = run();
    if (result instanceof Promise) await result;
  } catch (error) {
    deps.hookFailed(name, error, ctx);
  }
}

async function runAfterResponse(
  deps: TransportDeps,
  hooks: TransportHooks,
  ctx: RequestContext,
  attempt: number,
  answer: Answer,
  sentAt: number,
): Promise<void> {
  await observe(deps, ctx, "afterResponse", () =>
    hooks.afterResponse?.({
      ...hookInfo(ctx, attempt),
      status: answer.status,
      headers: answer.headers,
      durationMs: monotonicNow() - sentAt,
    }),
  );
}

/** `onError` for a failed attempt, or (attempt 0) a call that failed without one. */
export async function notifyError(
  deps: TransportDeps,
  hooks: TransportHooks | undefined,
  ctx: RequestContext,
  attempt: number,
  error: WatsError,
  willRetry: boolean,
): Promise<void> {
  ctx.notified = error;
  if (!hooks?.onError) return;
  await observe(deps, ctx, "onError", () => hooks.onError?.({ ...hookInfo(ctx, attempt), error, willRetry }));
}

async function notifyRetry(
  deps: TransportDeps,
  hooks: TransportHooks | undefined,
  ctx: RequestContext,
  attempt: number,
  delayMs: number,
  reason: string,
): Promise<void> {
  if (!hooks?.onRetry) return;
  await observe(deps, ctx, "onRetry", () => hooks.onRetry?.({ ...hookInfo(ctx, attempt), delayMs, reason }));
}
