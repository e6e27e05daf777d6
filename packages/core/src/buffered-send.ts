/**
 * The fast path of `call()`: one attempt sent with undici's `Dispatcher.request()` on the
 * transport's keep-alive Agent, the whole answer read into memory.
 *
 * WHATWG `fetch` costs far more per request than the request API of the same undici pool (stream
 * plumbing, a FinalizationRegistry entry per signal, Request/Response objects); `call()` reads
 * every answer whole anyway, so it needs none of that. `raw()` keeps real fetch (streamed bodies),
 * and so does every call when fetch was replaced (msw, a polyfill) or a custom fetch was given,
 * so interceptors see every request.
 */

/** What one attempt answered, body included. */
export interface BufferedAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  /** undefined when the answer had no body bytes. */
  body: ArrayBuffer | undefined;
}

export interface BufferedRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal;
}

/** Sends one attempt; undefined means "not handled here, use fetch" (e.g. a redirect). */
export type BufferedSend = (url: string, request: BufferedRequest) => Promise<BufferedAnswer | undefined>;

/** The subset of undici's Dispatcher this needs. */
interface RequestDispatcher {
  request(options: {
    origin: string;
    path: string;
    method: string;
    headers: Record<string, string>;
    body?: string | Uint8Array;
    signal: AbortSignal;
  }): Promise<{
    statusCode: number;
    statusText?: string;
    headers: Record<string, string | string[] | undefined>;
    body: { arrayBuffer(): Promise<ArrayBuffer>; dump(): Promise<void> };
  }>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A `BufferedSend` over `dispatcher` (an undici Agent). */
export function bufferedSender(dispatcher: unknown): BufferedSend {
  const agent = dispatcher as RequestDispatcher;
  return async (url, request) => {
    const parsed = new URL(url);
    const answer = await agent.request({
      origin: parsed.origin,
      path: parsed.pathname + parsed.search,
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: request.signal,
    });
    if (REDIRECTS.has(answer.statusCode)) {
      // fetch follows redirects (and knows when to drop the body and the method); let it.
      await answer.body.dump();
      return undefined;
    }
    const bytes = await answer.body.arrayBuffer();
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.append(name, value);
    }
    return {
      status: answer.statusCode,
      statusText: answer.statusText ?? "",
      headers,
      body: bytes.byteLength === 0 ? undefined : bytes,
    };
  };
}

/** Bodies the fast path can send as they are; anything else (Blob, FormData, streams) goes by fetch. */
export function bufferedBody(body: unknown): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}
