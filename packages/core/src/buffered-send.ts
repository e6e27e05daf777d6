/**
 * The fast path of `call()`: one attempt sent with undici's `Dispatcher.request()` on the
 * transport's keep-alive Agent, the whole answer read into memory (under the byte limit).
 *
 * WHATWG `fetch` costs far more per request than the request API of the same undici pool (stream
 * plumbing, a FinalizationRegistry entry per signal, Request/Response objects); `call()` reads
 * every answer whole anyway, so it needs none of that. `raw()` keeps real fetch (streamed bodies),
 * and so does every call when fetch was replaced (msw, a polyfill) or a custom fetch was given,
 * so interceptors see every request.
 */
import { Answer, BodyTooLarge, checkDeclaredLength, readLimited } from "./answer.js";

export interface BufferedRequest {
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal;
  /** Largest body read; a larger one throws BodyTooLarge after the connection is dropped. */
  maxResponseBytes: number;
}

/** Sends one attempt; undefined means "not handled here, use fetch" (e.g. a redirect). */
export type BufferedSend = (url: URL, request: BufferedRequest) => Promise<Answer | undefined>;

interface UndiciBody extends AsyncIterable<Uint8Array> {
  arrayBuffer(): Promise<ArrayBuffer>;
  dump(): Promise<void>;
  destroy(error?: Error): void;
  on(event: "error", listener: (error: Error) => void): unknown;
}

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
    body: UndiciBody;
  }>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A `BufferedSend` over `dispatcher` (an undici Agent). */
export function bufferedSender(dispatcher: unknown): BufferedSend {
  const agent = dispatcher as RequestDispatcher;
  return async (url, request) => {
    const answer = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
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
    const length = answer.headers["content-length"];
    let bytes: ArrayBuffer | undefined;
    try {
      checkDeclaredLength(typeof length === "string" ? length : undefined, request.maxResponseBytes);
      // A declared length within the limit is enforced by undici itself; only an undeclared
      // (chunked) body is counted as it arrives.
      bytes =
        typeof length === "string"
          ? await answer.body.arrayBuffer()
          : await readLimited(answer.body, request.maxResponseBytes);
    } catch (error) {
      // Destroying the body drops the connection: nothing more of the answer is read.
      if (error instanceof BodyTooLarge) {
        // The stream reports the destruction as an error of its own; it is expected here.
        answer.body.on("error", () => {});
        answer.body.destroy();
      }
      throw error;
    }
    return new Answer(
      answer.statusCode,
      answer.statusText ?? "",
      answer.headers,
      bytes === undefined || bytes.byteLength === 0 ? undefined : bytes,
    );
  };
}

/** Bodies the fast path can send as they are; anything else (Blob, FormData, streams) goes by fetch. */
export function bufferedBody(body: unknown): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}
