import { backoffDelay, parseRetryAfter } from "./backoff.js";
import type { BreakerPermit, CircuitBreaker, CircuitBreakerRegistry } from "./breaker.js";
import { type BufferedSend, bufferedBody } from "./buffered-send.js";
import type { CallScope } from "./call-scope.js";
import { sleep } from "./clock.js";
import {
  WatsAbortError,
  WatsCircuitOpenError,
  WatsConnectionError,
  WatsError,
  WatsTimeoutError,
} from "./errors.js";
import { type CallErrorFields, describeCause, errorFromStatus, safeCause } from "./http-errors.js";
import type { CallLog } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { OperationSpec } from "./operation.js";
import { type OutgoingRequest, resendableBody } from "./outgoing-request.js";
import { isIdempotentRequest, isRetryableStatus, type ResolvedRetryOptions } from "./retry.js";
import type { Throttle } from "./throttle.js";
import { redactUrl } from "./url.js";

/**
 * Our fetch wrapper: the attempt loop under openapi-fetch. openapi-fetch builds one Request; we
 * buffer its body once and send it as many times as the retry rules allow, each attempt passing
 * the circuit breaker and the throttle, with an `X-Attempt` number and the call's unchanged
 * `X-Correlation-ID`. Waits honour Retry-After and stop at the call's deadline or the caller's
 * abort, whichever comes first.
 */

/** The fetch shape we call: global fetch, undici's, msw's or a test double. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ResolvedFetch {
  fetch: FetchLike;
  /** Passed as `dispatcher` in the request init when defined (undici's keep-alive Agent). */
  dispatcher: unknown;
  /** The fast path for calls that read the whole answer (see buffered-send.ts), when available. */
  sendBuffered?: BufferedSend | undefined;
}

/** What the wrapper needs from its transport. */
export interface ResilienceDeps {
  /** The fetch to use and, for the default one, the keep-alive dispatcher to pass it. */
  resolveFetch: () => ResolvedFetch | Promise<ResolvedFetch>;
  retry: ResolvedRetryOptions;
  breakers: CircuitBreakerRegistry | undefined;
  throttle: Throttle | undefined;
  metrics: Metrics;
  /** Values that must never reach an error or a log line (the token). */
  secrets: readonly string[];
  random: () => number;
}

/** One call, as the wrapper sees it. */
export class RequestContext {
  attempts = 0;
  /** The final answer's body, when `captureBody` (undefined when it had none). */
  responseBody: ArrayBuffer | undefined;
  /** The error the previous attempt ended with, if any (the cause when a later step gives up). */
  lastError: WatsError | undefined;
  constructor(
    readonly operation: string,
    readonly method: string,
    readonly op: OperationSpec | undefined,
    readonly correlationId: string,
    readonly scope: CallScope,
    readonly log: CallLog,
    readonly attemptTimeoutMs: number,
    /**
     * In `call()` the whole answer is read within the attempt (so a cut-off body is retried too)
     * and kept in `responseBody`.
     */
    readonly captureBody: boolean,
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

  fields(): CallErrorFields {
    return {
      operation: this.operation,
      method: this.method,
      url: this.redactedUrl,
      correlationId: this.correlationId,
      attempts: this.attempts,
    };
  }

  /** The error for a call the caller aborted or whose time ran out. */
  endedError(cause: unknown): WatsError {
    if (this.scope.ended === "caller") {
      return new WatsAbortError(`${this.operation}: aborted by the caller`, { ...this.fields(), cause });
    }
    const tries = this.attempts === 1 ? "1 attempt" : `${this.attempts} attempts`;
    return new WatsTimeoutError(`${this.operation}: no answer within ${this.scope.timeoutMs} ms (${tries})`, {
      ...this.fields(),
      cause: this.lastError ?? cause,
    });
  }
}

const DISCARD_LIMIT = 64 * 1024;

/** Sends the request with retries; resolves with the final Response or throws a WatsError. */
export async function sendWithResilience(
  deps: ResilienceDeps,
  request: Request | OutgoingRequest,
  ctx: RequestContext,
): Promise<Response> {
  const url = request.url;
  const method = request.method;
  ctx.useRequestUrl(url);
  const pending = resendableBody(request);
  const body = pending instanceof Promise ? await pending : pending;
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  if (headers["x-correlation-id"] === undefined) headers["x-correlation-id"] = ctx.correlationId;
  const idempotent = isIdempotentRequest(method, ctx.op, headers["idempotency-key"] !== undefined);
  const breaker = deps.breakers?.get(ctx.origin ?? new URL(url).origin);
  const resolving = deps.resolveFetch();
  const {
    fetch: fetchImpl,
    dispatcher,
    sendBuffered,
  } = resolving instanceof Promise ? await resolving : resolving;
  const fastBody = sendBuffered && ctx.captureBody ? bufferedBody(body) : false;

  for (let attempt = 1; ; attempt++) {
    // Fail fast while the breaker is open, before queueing at the throttle.
    const openFor = breaker?.peek(ctx);
    if (openFor !== undefined) throw circuitOpen(ctx, breaker?.origin, openFor);
    if (deps.throttle) {
      const waiting = deps.throttle.acquire(ctx.scope.signal);
      if (waiting) {
        ctx.log.write(
          "debug",
          () => ({ attempt, throttle: deps.throttle?.stats() }),
          "waiting for the rate limit",
        );
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
    }
    const permit = breaker?.acquire(ctx);
    if (permit && !permit.granted) throw circuitOpen(ctx, breaker?.origin, permit.retryAfterMs);

    ctx.attempts = attempt;
    headers["x-attempt"] = String(attempt);
    const attemptScope = ctx.scope.attempt(ctx.attemptTimeoutMs);
    ctx.log.write("trace", () => ({ attempt, method, url: ctx.redactedUrl }), "sending");
    let response: Response | undefined;
    try {
      if (fastBody !== false && sendBuffered) {
        const answer = await sendBuffered(url, {
          method,
          headers,
          body: fastBody,
          signal: attemptScope.signal,
        });
        if (answer) {
          ctx.responseBody = answer.body;
          response = new Response(null, {
            status: answer.status,
            statusText: answer.statusText,
            headers: answer.headers,
          });
        }
      }
      if (response === undefined) {
        const init: Record<string, unknown> = {
          method,
          headers,
          signal: attemptScope.signal,
          redirect: request.redirect,
        };
        if (body !== undefined) init.body = body;
        if (dispatcher !== undefined) init.dispatcher = dispatcher;
        response = await fetchImpl(url, init as RequestInit);
        if (ctx.captureBody) {
          ctx.responseBody = response.body === null ? undefined : await response.arrayBuffer();
        }
      }
    } catch (cause) {
      attemptScope.dispose();
      if (ctx.scope.ended) {
        settle(breaker, permit, ctx.scope.ended === "caller" ? "neutral" : "failure", ctx);
        throw ctx.endedError(cause);
      }
      settle(breaker, permit, "failure", ctx);
      const safe = safeCause(cause, deps.secrets);
      const error = attemptScope.timedOut
        ? new WatsTimeoutError(
            `${ctx.operation}: attempt ${attempt} got no answer within ${ctx.attemptTimeoutMs} ms`,
            {
              ...ctx.fields(),
              cause: safe,
            },
          )
        : new WatsConnectionError(
            `${ctx.operation}: could not reach ${new URL(url).origin} (${describeCause(safe)})`,
            {
              ...ctx.fields(),
              cause: safe,
            },
          );
      ctx.lastError = error;
      const what = attemptScope.timedOut ? "attempt timeout" : describeCause(safe);
      const delay = retryDelay(deps, ctx, attempt, idempotent, undefined, what);
      if (delay === undefined) throw error;
      await wait(ctx, delay);
      continue;
    }
    attemptScope.dispose();
    settle(breaker, permit, response.status >= 500 ? "failure" : "success", ctx);
    if (!isRetryableStatus(response.status)) return settled(response, ctx);

    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    const delay = retryDelay(deps, ctx, attempt, idempotent, retryAfterMs, `${response.status}`);
    if (delay === undefined) return settled(response, ctx);
    ctx.lastError = errorFromStatus(
      response.status,
      response.statusText,
      undefined,
      retryAfterMs,
      ctx.fields(),
      deps.secrets,
    );
    await discard(response);
    await wait(ctx, delay);
  }
}

/**
 * The wait before the next attempt, or undefined when the call must not be retried: not
 * idempotent, out of attempts, the wait would outlast the call's deadline, or the retry budget
 * is empty (checked last, so a refused retry never spends a token).
 */
function retryDelay(
  deps: ResilienceDeps,
  ctx: RequestContext,
  attempt: number,
  idempotent: boolean,
  retryAfterMs: number | undefined,
  what: string,
): number | undefined {
  const { retry } = deps;
  if (attempt >= retry.maxAttempts) return undefined;
  if (!idempotent) {
    ctx.log.write("debug", () => ({ attempt, failure: what }), "not retried: the request is not idempotent");
    return undefined;
  }
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

/**
 * The final answer as openapi-fetch gets it. With a captured body, a failure is handed on without
 * one (openapi-fetch reads error bodies itself; ours is in ctx.responseBody already).
 */
function settled(response: Response, ctx: RequestContext): Response {
  if (!ctx.captureBody || response.ok) return response;
  return new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Frees the connection of an answer we will not read: small bodies are drained (keeping the socket). */
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
