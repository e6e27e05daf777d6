/**
 * The fast path of `call()`: one attempt sent with Node's own HTTP client (`node:http`,
 * `node:https`) on the transport's keep-alive agents, the whole answer collected in memory (under
 * the byte limit).
 *
 * Why Node's client and not undici: in a fresh process (a station script: start, some calls,
 * exit) undici's HTTP parser is WebAssembly that is compiled on the first connection, which costs
 * both time and about 40 MiB of peak RSS; Node's parser is native and already in the binary.
 * Measured with 2,000 sequential GETs against the simulator, each client in a fresh process:
 * undici's `request()` 1.0-1.6 s and 102-105 MiB peak RSS, `node:http` 0.7-1.1 s and 53-54 MiB;
 * after 5,000 warm-up calls, 88-90 µs of CPU per call for undici, 73-76 µs for `node:http`
 * (packages/sync/bench/fresh-process.bench.ts has both as floors).
 *
 * WHATWG `fetch` costs far more per request (stream plumbing, Request/Response objects), so
 * `call()`, which reads every answer whole and bounds each attempt with its own timer, uses this;
 * `raw()` keeps real fetch (streamed bodies), and so does every call when fetch was replaced
 * (msw, a polyfill) or a custom fetch was given, so interceptors see every request.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from "node:http";
import { createRequire } from "node:module";
import { Answer, BodyTooLarge, checkDeclaredLength } from "./answer.js";
import { idleClosingAgent } from "./idle-connections.js";
import { loadOnFirstUse } from "./load-on-first-use.js";

export interface BufferedRequest {
  method: string;
  /** Lower-case names. */
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

/** A `BufferedSend` with the keep-alive connections it owns. */
export interface HttpSender {
  send: BufferedSend;
  /** Closes every kept-alive connection; requests in flight are dropped. */
  close(): void;
}

interface HttpModule {
  Agent: typeof HttpAgent;
  request(options: RequestOptions): ClientRequest;
}

const load = createRequire(import.meta.url);
// node:https loads TLS (a few MiB); a plain-HTTP server never needs it.
const httpModule = loadOnFirstUse(() => load("node:http") as HttpModule);
const httpsModule = loadOnFirstUse(() => load("node:https") as HttpModule);

/** How long an unused kept-alive connection stays open (less when the server announces less). */
const IDLE_CONNECTION_MS = 10_000;
const MAX_CONNECTIONS_PER_ORIGIN = 64;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Methods whose request carries a body by meaning: sent with `content-length: 0` when empty. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Per origin: the module, agent and connection fields every request to it shares. */
interface OriginRoute {
  module: HttpModule;
  agent: HttpAgent;
  protocol: string;
  hostname: string;
  port: string;
  /** The Host header: host, and port unless it is the protocol's default. */
  host: string;
}

/**
 * A sender over Node's HTTP client with one keep-alive agent per protocol. `idleMs`: how long an
 * unused kept-alive connection stays open (tests shorten it).
 */
export function httpSender(idleMs = IDLE_CONNECTION_MS): HttpSender {
  const agents = new Map<string, HttpAgent>();
  const routes = new Map<string, OriginRoute>();

  const route = (origin: string): OriginRoute => {
    let found = routes.get(origin);
    if (found === undefined) {
      const url = new URL(origin);
      const module = url.protocol === "https:" ? httpsModule() : httpModule();
      let agent = agents.get(url.protocol);
      if (agent === undefined) {
        agent = idleClosingAgent(module.Agent, idleMs, {
          maxSockets: MAX_CONNECTIONS_PER_ORIGIN,
          scheduling: "lifo",
        });
        agents.set(url.protocol, agent);
      }
      // An IPv6 literal comes bracketed in a URL; the connection wants the bare address.
      const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
      found = { module, agent, protocol: url.protocol, hostname, port: url.port, host: url.host };
      routes.set(origin, found);
    }
    return found;
  };

  const send: BufferedSend = (target, request) =>
    new Promise<Answer | undefined>((resolve, reject) => {
      new Exchange(route(target.origin), target.path, request, resolve, reject);
    });

  return {
    send,
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
      routes.clear();
    },
  };
}

/** One request and its answer collected whole; settles the attempt's promise exactly once. */
class Exchange {
  #settled = false;
  #request: ClientRequest | undefined;
  #status = 0;
  #statusText = "";
  #headers: IncomingMessage["headers"] = {};
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(
    route: OriginRoute,
    path: string,
    private readonly spec: BufferedRequest,
    private readonly resolve: (answer: Answer | undefined) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    spec.onAbort((reason) => this.#abort(reason));
    if (this.#settled) return; // aborted before it started: nothing is sent
    const { body, method } = spec;
    let request: ClientRequest;
    try {
      request = route.module.request({
        agent: route.agent,
        protocol: route.protocol,
        hostname: route.hostname,
        port: route.port,
        method,
        path,
        headers: headerLines(spec.headers, route.host, contentLength(method, body)),
      });
    } catch (error) {
      // A header value or path Node refuses: nothing was sent.
      this.#fail(error);
      return;
    }
    this.#request = request;
    request.on("response", (response: IncomingMessage) => this.#onResponse(response));
    request.on("error", (error: Error) => this.#fail(error));
    request.end(body);
  }

  #onResponse(response: IncomingMessage): void {
    if (this.#settled) {
      response.resume();
      return;
    }
    const status = response.statusCode ?? 0;
    this.#status = status;
    this.#statusText = response.statusMessage ?? "";
    this.#headers = response.headers;
    response.on("error", (error: Error) => this.#fail(error));
    if (REDIRECTS.has(status)) {
      // fetch follows redirects (and knows when to drop the body and the method); let it.
      response.on("end", () => this.#settle(undefined));
      response.resume();
      return;
    }
    const length = response.headers["content-length"];
    try {
      checkDeclaredLength(length, this.spec.maxResponseBytes);
    } catch (error) {
      this.#abort(error);
      return;
    }
    response.on("data", (chunk: Buffer) => this.#onData(chunk));
    response.on("end", () =>
      this.#settle(new Answer(this.#status, this.#statusText, this.#headers, this.#body())),
    );
    response.on("close", () => {
      // Closed without an end: the connection dropped part-way through the answer.
      if (!response.complete) this.#fail(new Error("the connection closed before the whole answer arrived"));
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#settled) return;
    this.#bytes += chunk.byteLength;
    // Past the limit the connection is dropped: nothing more of the answer is read.
    if (this.#bytes > this.spec.maxResponseBytes) {
      this.#abort(new BodyTooLarge(this.spec.maxResponseBytes, undefined));
      return;
    }
    this.#chunks.push(chunk);
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

  #settle(answer: Answer | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.resolve(answer);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.reject(error);
  }

  /** Settles with `reason` at once and drops the connection (the request may be in flight). */
  #abort(reason: unknown): void {
    this.#fail(reason);
    this.#request?.destroy(reason instanceof Error ? reason : new Error(String(reason)));
  }
}

/** The Content-Length of a request, or undefined when it has none. */
function contentLength(method: string, body: string | Uint8Array | undefined): number | undefined {
  if (body !== undefined) return typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  return BODY_METHODS.has(method) ? 0 : undefined;
}

/**
 * The request's headers as Node's flat list (name, value, name, value, ...). Given an object,
 * Node's ClientRequest stores each header through `setHeader` and looks up several by name before
 * writing them all again; given the list, it checks and writes each once. It then adds no Host of
 * its own, so the list carries one (unless the headers have theirs), and the Content-Length, which
 * is the body's own (so set here, not in the call's headers, which every attempt sends again).
 */
function headerLines(headers: Record<string, string>, host: string, length: number | undefined): string[] {
  const lines: string[] = [];
  let hasHost = false;
  // Names are lower-case (the transport's and a hook's alike).
  for (const name in headers) {
    if (name === "content-length") continue;
    if (name === "host") hasHost = true;
    lines.push(name, headers[name] as string);
  }
  if (!hasHost) lines.push("host", host);
  if (length !== undefined) lines.push("content-length", String(length));
  return lines;
}

/** Bodies the fast path can send as they are; anything else (Blob, FormData, streams) goes by fetch. */
export function bufferedBody(body: unknown): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return false;
}
