/**
 * One attempt's HTTP answer as the call path sees it (status, headers, the body read whole within
 * the attempt), reading a body under a byte limit, and turning a successful body into the value
 * the operation promises.
 */
import type { ResponseKind } from "./operation.js";
import { parseXmlDocument, XmlDecodeError } from "./xml.js";

/** Default `maxResponseBytes`: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

type RawHeaders = Record<string, string | string[] | undefined>;

/** One attempt's answer. Headers are turned into a `Headers` object only when someone asks. */
export class Answer {
  #headers: Headers | undefined;
  readonly #raw: RawHeaders | undefined;

  constructor(
    readonly status: number,
    readonly statusText: string,
    headers: Headers | RawHeaders,
    /** The body, read whole (undefined when empty, or when `stream` holds it). */
    readonly body: ArrayBuffer | undefined,
    /** `raw()` only: the fetch Response whose body the caller reads. */
    readonly stream?: Response,
  ) {
    // Told apart without touching the global `Headers`: in Node 20 its first use loads the
    // runtime's own undici (fetch, about 10 MiB of RSS), which the fast path never needs. A raw
    // header record's values are strings, never a `get` method.
    if (typeof (headers as Headers).get === "function") this.#headers = headers as Headers;
    else this.#raw = headers as RawHeaders;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#raw ?? {})) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else headers.append(name, value);
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  /** One header's value (lower-case name), without building a `Headers` object. */
  header(name: string): string | undefined {
    if (this.#headers !== undefined) return this.#headers.get(name) ?? undefined;
    const value = this.#raw?.[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }
}

/** An answer body went over the byte limit (the caller turns this into WatsResponseTooLargeError). */
export class BodyTooLarge extends Error {
  constructor(
    readonly limitBytes: number,
    /** The declared Content-Length, when that is how we knew. */
    readonly declaredBytes: number | undefined,
  ) {
    super(
      declaredBytes === undefined
        ? `the answer is larger than ${limitBytes} bytes`
        : `the answer is ${declaredBytes} bytes, more than ${limitBytes}`,
    );
    this.name = "BodyTooLarge";
  }
}

/** Throws BodyTooLarge when the declared Content-Length is over the limit. */
export function checkDeclaredLength(contentLength: string | undefined, limitBytes: number): void {
  if (contentLength === undefined) return;
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLarge(limitBytes, declared);
}

/**
 * Reads a stream of chunks whole, failing with BodyTooLarge as soon as it passes `limitBytes`
 * (the caller then drops the connection). Memory stays bounded by the limit.
 */
export async function readLimited(
  chunks: AsyncIterable<Uint8Array>,
  limitBytes: number,
): Promise<ArrayBuffer | undefined> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > limitBytes) throw new BodyTooLarge(limitBytes, undefined);
    parts.push(chunk);
  }
  if (total === 0) return undefined;
  // Always a copy: a chunk may be a view into a larger pooled buffer (a Node Buffer).
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}

/** The chunks of a WHATWG stream, cancelling it when the reader stops early. */
export async function* webStreamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const step = await reader.read();
      if (step.done) {
        done = true;
        return;
      }
      yield step.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

const utf8 = new TextDecoder();

/** Why a successful body could not be read as the operation says. */
export class AnswerFormatError extends Error {
  constructor(
    message: string,
    /** The body as text (what the error keeps for the caller). */
    readonly text: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AnswerFormatError";
  }
}

/**
 * The success body as the operation says to read it. JSON is parsed; XML becomes an
 * `XmlElement` tree (an answer the server labels as other text, such as CSV, stays a string);
 * text is decoded as UTF-8; bytes stay bytes. Throws AnswerFormatError when the body is not what
 * the operation promises.
 */
export function decodeAnswer(kind: ResponseKind, answer: Answer): unknown {
  const bytes = answer.body;
  if (kind === "none") return undefined;
  if (kind === "binary") return bytes ?? new ArrayBuffer(0);
  const text = bytes === undefined ? "" : utf8.decode(bytes);
  if (kind === "text") return text;
  if (kind === "xml") return decodeXml(text, answer.header("content-type"));
  try {
    return JSON.parse(text);
  } catch (cause) {
    // An empty (or blank) body is no data, not an error; checked only here, off the usual path.
    if (text.trim() === "") return undefined;
    const type = answer.header("content-type");
    throw new AnswerFormatError(
      `the server's answer is not valid JSON${type ? ` (Content-Type: ${type})` : ""}`,
      text,
      { cause },
    );
  }
}

function decodeXml(text: string, contentType: string | undefined): unknown {
  if (text.trim() === "") return undefined;
  const type = contentType?.toLowerCase() ?? "";
  // The caller chose another format (format=CSV) or the server answered plain text.
  if (type.startsWith("text/") && !type.startsWith("text/xml")) return text;
  try {
    return parseXmlDocument(text);
  } catch (cause) {
    const where = cause instanceof XmlDecodeError ? `: ${cause.message}` : "";
    throw new AnswerFormatError(`the server's answer is not well-formed XML${where}`, text, { cause });
  }
}

/** An error body: parsed JSON when it is JSON, else the text; undefined when empty. */
export function errorBody(bytes: ArrayBuffer | undefined): unknown {
  if (bytes === undefined || bytes.byteLength === 0) return undefined;
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
