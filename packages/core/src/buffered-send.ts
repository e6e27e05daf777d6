/**
 * The fast path of `call()`: one attempt sent with undici's `Dispatcher.dispatch()` on the
 * transport's keep-alive Agent, the whole answer collected in memory (under the byte limit).
 *
 * WHATWG `fetch` costs far more per request than the dispatcher of the same undici pool (stream
 * plumbing, a FinalizationRegistry entry per signal, Request/Response objects), and so does
 * undici's own `request()` (an AbortSignal and its listeners, a Readable body): `call()` reads
 * every answer whole and bounds each attempt with its own timer, so it needs none of that. The
 * handler below collects the chunks and is aborted through the abort function undici hands it.
 * `raw()` keeps real fetch (streamed bodies), and so does every call when fetch was replaced
 * (msw, a polyfill) or a custom fetch was given, so interceptors see every request.
 */
import { Answer, BodyTooLarge, checkDeclaredLength } from "./answer.js";

export interface BufferedRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  /** Registers the function that aborts this attempt (called at once if it is already over). */
  onAbort(abort: (reason: unknown) => void): void;
  /** Largest body read; a larger one throws BodyTooLarge after the connection is dropped. */
  maxResponseBytes: number;
}

/** Sends one attempt; undefined means "not handled here, use fetch" (e.g. a redirect). */
export type BufferedSend = (
  target: { origin: string; path: string },
  request: BufferedRequest,
) => Promise<Answer | undefined>;

type RawHeaderList = (Buffer | string)[];
type ParsedHeaders = Record<string, string | string[] | undefined>;

/** The undici handler methods the dispatcher calls (its core interface). */
interface DispatchHandler {
  onConnect(abort: (reason?: Error) => void): void;
  onHeaders(statusCode: number, rawHeaders: RawHeaderList, resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: unknown): void;
  onError(error: Error): void;
}

/** The subset of undici's Dispatcher this needs. */
interface Dispatcher {
  dispatch(
    options: {
      origin: string;
      path: string;
      method: string;
      headers: Record<string, string>;
      body?: string | Uint8Array;
    },
    handler: DispatchHandler,
  ): boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A `BufferedSend` over `dispatcher` (an undici Agent); `parseHeaders` is undici's
 * `util.parseHeaders` (raw header list -> lower-case names, repeated ones as arrays).
 */
export function bufferedSender(
  dispatcher: unknown,
  parseHeaders: (raw: RawHeaderList) => ParsedHeaders,
): BufferedSend {
  const agent = dispatcher as Dispatcher;
  return (target, request) =>
    new Promise<Answer | undefined>((resolve, reject) => {
      agent.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        },
        new CollectingHandler(request, parseHeaders, resolve, reject),
      );
    });
}

/** Collects one answer whole; settles the attempt's promise exactly once. */
class CollectingHandler implements DispatchHandler {
  #abortRequest: ((reason?: Error) => void) | undefined;
  /** Why the attempt was aborted before undici could be told (it is told on connect). */
  #pendingAbort: Error | undefined;
  #settled = false;
  #status = 0;
  #statusText = "";
  #headers: ParsedHeaders = {};
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** A redirect: the body is drained and fetch gets the request. */
  #redirect = false;

  constructor(
    private readonly request: BufferedRequest,
    private readonly parseHeaders: (raw: RawHeaderList) => ParsedHeaders,
    private readonly resolve: (answer: Answer | undefined) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    request.onAbort((reason) => this.#abort(reason));
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#pendingAbort !== undefined) {
      abort(this.#pendingAbort);
      return;
    }
    this.#abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: RawHeaderList, _resume: () => void, statusText: string): boolean {
    // 1xx informational answers come before the real one; undici reports them too.
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#statusText = statusText ?? "";
    this.#headers = this.parseHeaders(rawHeaders);
    if (REDIRECTS.has(statusCode)) {
      // fetch follows redirects (and knows when to drop the body and the method); let it.
      this.#redirect = true;
      return true;
    }
    const length = this.#headers["content-length"];
    try {
      checkDeclaredLength(typeof length === "string" ? length : undefined, this.request.maxResponseBytes);
    } catch (error) {
      this.#abort(error);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled || this.#redirect) return true;
    this.#bytes += chunk.byteLength;
    // Past the limit the connection is dropped: nothing more of the answer is read.
    if (this.#bytes > this.request.maxResponseBytes) {
      this.#abort(new BodyTooLarge(this.request.maxResponseBytes, undefined));
      return true;
    }
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#redirect) {
      this.resolve(undefined);
      return;
    }
    this.resolve(new Answer(this.#status, this.#statusText, this.#headers, this.#body()));
  }

  onError(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.reject(error);
  }

  /** The body as one exactly sized ArrayBuffer (a chunk may be a view into a pooled buffer). */
  #body(): ArrayBuffer | undefined {
    if (this.#bytes === 0) return undefined;
    const out = new Uint8Array(this.#bytes);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    this.#chunks = [];
    return out.buffer;
  }

  /** Settles with `reason` at once and drops the request (now, or when undici connects it). */
  #abort(reason: unknown): void {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (!this.#settled) {
      this.#settled = true;
      this.reject(reason);
    }
    if (this.#abortRequest !== undefined) this.#abortRequest(error);
    else this.#pendingAbort ??= error;
  }
}

/** Bodies the fast path can send as they are; anything else (Blob, FormData, streams) goes by fetch. */
export function bufferedBody(body: unknown): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}
