import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, vi } from "vitest";
import type { FetchLike } from "../src/attempts.js";
import { createLogger, type LogLevel, type WatsLogger } from "../src/logger.js";
import { HttpTransport, type TransportOptions } from "../src/transport.js";
import { BASE, CANARY } from "./operations.js";

export * from "./operations.js";

/** What a scripted fetch answers: a status (+ headers/body), a thrown error, or a hang until aborted. */
export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { error: Error }
  | "hang";

export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** performance.now() when sent (fake under fake timers). */
  at: number;
  signal: AbortSignal | undefined;
}

/**
 * A fetch double that answers from a script (the last step repeats) and records every request.
 * No I/O, so it runs entirely under fake timers.
 */
export function scriptedFetch(steps: Step[]): { fetch: FetchLike; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : Buffer.from(init.body as ArrayBuffer).toString("utf8");
    const signal = init.signal ?? undefined;
    sent.push({ url, method: init.method ?? "GET", headers, body, at: performance.now(), signal });
    const step = steps[Math.min(sent.length - 1, steps.length - 1)] as Step;
    if (signal?.aborted) throw signal.reason;
    if (step === "hang") {
      return new Promise<Response>((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    if ("error" in step) throw step.error;
    const text =
      step.body === undefined ? "" : typeof step.body === "string" ? step.body : JSON.stringify(step.body);
    const noBody = step.status === 204 || step.status === 304;
    return new Response(noBody ? null : text, {
      status: step.status,
      headers: {
        ...(typeof step.body === "object" ? { "content-type": "application/json" } : {}),
        ...step.headers,
      },
    });
  };
  return { fetch, sent };
}

/** A connection failure the way Node's fetch reports it. */
export function connectionRefused(): Error {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
  });
}

/** A connection dropped after the request went out, the way Node's fetch reports it. */
export function connectionReset(): Error {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
  });
}

/** Log lines captured as parsed JSON, from a real pino logger with our redaction. */
export function captureLogs(level: LogLevel = "trace"): {
  logger: WatsLogger;
  lines: Record<string, unknown>[];
  raw: string[];
} {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) {
        if (line.trim() === "") continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  // pino writes synchronously to a plain Writable, so lines are there as soon as the call returns.
  return { logger: createLogger({ level, destination: destination as never }), lines, raw };
}

/** A transport wired for fake-timer tests: scripted fetch, own retry budget, silent unless given a logger. */
/**
 * Transports share one throttle per server and token, as real clients do: those made by
 * testTransport are closed after each test, so the next test starts with a fresh rate limit.
 */
const openTransports: HttpTransport[] = [];
afterEach(async () => {
  await Promise.all(openTransports.splice(0).map((transport) => transport.close()));
});

export function testTransport(steps: Step[], options: Partial<TransportOptions> = {}) {
  const scripted = scriptedFetch(steps);
  const transport = new HttpTransport({
    baseUrl: BASE,
    token: CANARY,
    fetch: scripted.fetch,
    logger: false,
    throttle: false,
    breaker: false,
    ...options,
    retry:
      options.retry === false
        ? false
        : {
            budget: { capacity: 1000, refillPerSecond: 0 },
            baseDelayMs: 100,
            maxDelayMs: 10_000,
            ...options.retry,
          },
  });
  openTransports.push(transport);
  return { transport, sent: scripted.sent };
}

/** Gaps between consecutive requests. */
export function gaps(sent: readonly SentRequest[]): number[] {
  return sent.slice(1).map((request, i) => Math.round(request.at - (sent[i] as SentRequest).at));
}

/** Starts a promise and captures how it settles, so fake timers can be advanced meanwhile. */
export function track<T>(promise: Promise<T>): {
  result: () => { value?: T; error?: unknown; done: boolean };
} {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => {
      state.value = value;
      state.done = true;
    },
    (error: unknown) => {
      state.error = error;
      state.done = true;
    },
  );
  return { result: () => state };
}

export function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance", "hrtime"],
    now: new Date("2026-03-01T12:00:00.000Z"),
  });
}

export interface LoopbackServer {
  url: string;
  requests: {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: string;
    socket: number;
  }[];
  /** Distinct TCP connections the server accepted. */
  connections: () => number;
  close: () => Promise<void>;
}

/** A real HTTP server on 127.0.0.1, random port, for tests where sockets matter. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<LoopbackServer> {
  const requests: LoopbackServer["requests"] = [];
  const sockets = new Map<object, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
        socket: sockets.get(req.socket) ?? -1,
      });
      handler(req, res, body);
    });
  });
  server.on("connection", (socket) => sockets.set(socket, sockets.size + 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
