import type { Answer } from "./answer.js";
import type { RequestContext } from "./attempts.js";
import type { CallResponse } from "./call-promise.js";

/**
 * The `response` a call's `withResponse()` gives: status, correlation id and attempts as fields;
 * `headers` and `url` made when first read (a `Headers` object and a redacted URL cost more than
 * the rest of a call's bookkeeping, and most callers read neither).
 *
 * A class with getters on its prototype, not an object literal with getters: a literal's getters
 * are new functions on every call, and V8 keeps such an object in dictionary mode. With the
 * literal, about 3 KB of every call's garbage outlived the next young-generation collections and
 * was promoted (V8's sampling heap profiler over 8,000 getProduct calls); with this class and
 * the header object built without a spread (transport.ts `#prepare`), 0.25 KB. Promoted garbage
 * makes V8 grow the young generation and collect the old one sooner
 * (test/hidden-classes.test.ts holds both objects to one shape).
 *
 * Spread and structuredClone copy own fields only: whoever copies a response reads `headers` and
 * `url` explicitly (`toJSON()` does).
 */
export class AnswerResponse implements CallResponse {
  readonly status: number;
  readonly statusText: string;
  readonly correlationId: string;
  readonly attempts: number;
  readonly #answer: Answer;
  readonly #ctx: RequestContext;

  constructor(answer: Answer, ctx: RequestContext) {
    this.status = answer.status;
    this.statusText = answer.statusText;
    this.correlationId = ctx.correlationId;
    this.attempts = ctx.attempts;
    this.#answer = answer;
    this.#ctx = ctx;
  }

  get headers(): Headers {
    return this.#answer.headers;
  }

  /** The request URL without credentials or secret query values (redacted when first read). */
  get url(): string {
    return this.#ctx.redactedUrl;
  }

  /** Every field, headers as a plain record, for JSON.stringify. */
  toJSON(): Omit<CallResponse, "headers"> & { headers: Record<string, string> } {
    const { status, statusText, url, correlationId, attempts } = this;
    return { status, statusText, headers: Object.fromEntries(this.headers), url, correlationId, attempts };
  }
}
