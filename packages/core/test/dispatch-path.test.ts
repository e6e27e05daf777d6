/**
 * The fast path (buffered-send.ts): a call on the default fetch goes out through Node's HTTP
 * client, collects the answer whole and is aborted by destroying its request, not through an
 * AbortSignal. Real loopback server; no timing assertions (limits are short and only bound waits).
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WatsAbortError, WatsConnectionError, type WatsError, WatsTimeoutError } from "../src/errors.js";
import { HttpTransport } from "../src/transport.js";
import { CANARY, getProduct, type LoopbackServer, postReport, startServer } from "./helpers.js";

let server: LoopbackServer | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

function connect(url: string, options: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) {
  transport = new HttpTransport({ baseUrl: url, token: CANARY, logger: false, retry: false, ...options });
  return transport;
}

/** A socket's close as the server sees it. */
function closed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.socket?.once("close", () => resolve()));
}

/** A transport whose server answers `{"ok":true}`, after one call (which makes the keep-alive agent). */
async function answeredOnce(): Promise<HttpTransport> {
  server = await startServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
  const t = connect(server.url);
  await t.call(getProduct, { params: { partNumber: "A" } });
  return t;
}

describe("the fast path", () => {
  it("an answered call makes no AbortController, with the throttle and breaker on", async () => {
    const t = await answeredOnce();
    const made = vi.spyOn(globalThis, "AbortController");
    for (let i = 0; i < 5; i++)
      expect(await t.call(getProduct, { params: { partNumber: "A" } })).toEqual({ ok: true });
    expect(made).not.toHaveBeenCalled();
  });

  it("an answered call reads the clock at most six times, never through performance.now()", async () => {
    const t = await answeredOnce();
    const reads = vi.spyOn(process.hrtime, "bigint");
    const slowReads = vi.spyOn(performance, "now");
    expect(await t.call(getProduct, { params: { partNumber: "A" } })).toEqual({ ok: true });
    // The call's start (its deadline too), the throttle, the attempt, the connection back to the
    // pool, the breaker's window, the metrics' duration: each read counts in a fresh process
    // (clock.ts). It was ten.
    expect(reads.mock.calls.length).toBeGreaterThan(0);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(6);
    expect(slowReads).not.toHaveBeenCalled();
  });

  it("gives the body byte for byte and every header, repeated ones joined as fetch does", async () => {
    const body = Buffer.concat([Buffer.from('{"text":"'), Buffer.from("é€😀", "utf8"), Buffer.from('"}')]);
    server = await startServer((_req, res) => {
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.setHeader("x-one", "1");
      res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
      // In two writes, so the answer arrives as more than one chunk.
      res.write(body.subarray(0, 5));
      setImmediate(() => res.end(body.subarray(5)));
    });
    const t = connect(server.url);
    const { data, response } = await t.call(getProduct, { params: { partNumber: "A" } }).withResponse();
    expect(data).toEqual({ text: "é€😀" });
    expect(response.headers.get("x-one")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.status).toBe(200);
  });

  it("sends a string body with its headers", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("[]");
    });
    const t = connect(server.url);
    await t.call(postReport, { body: { id: "x", name: "ü" } }, { idempotencyKey: "k-1" });
    expect(server.requests[0]).toMatchObject({ method: "POST", body: '{"id":"x","name":"ü"}' });
    expect(server.requests[0]?.headers).toMatchObject({
      "content-type": "application/json",
      "idempotency-key": "k-1",
    });
  });

  it("an attempt time limit drops a connection whose answer hangs halfway", async () => {
    let socketClosed: Promise<void> | undefined;
    server = await startServer((_req, res) => {
      socketClosed = closed(res);
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"partial":');
    });
    const t = connect(server.url);
    const error = (await t
      .call(getProduct, { params: { partNumber: "A" } }, { attemptTimeoutMs: 200, timeoutMs: 10_000 })
      .catch((e: unknown) => e)) as WatsError;
    expect(error).toBeInstanceOf(WatsTimeoutError);
    await socketClosed; // the server sees the connection go
  });

  it("the caller's abort ends the call at once and drops the connection", async () => {
    let socketClosed: Promise<void> | undefined;
    let answering: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      answering = resolve;
    });
    server = await startServer((_req, res) => {
      socketClosed = closed(res);
      res.writeHead(200, { "content-type": "application/json" });
      answering();
    });
    const t = connect(server.url);
    const controller = new AbortController();
    const call = t.call(getProduct, { params: { partNumber: "A" } }, { signal: controller.signal });
    await reached;
    controller.abort(new Error("operator pressed stop"));
    const error = (await call.catch((e: unknown) => e)) as WatsError;
    expect(error).toBeInstanceOf(WatsAbortError);
    await socketClosed;
  });

  it("a redirect is left to fetch, which follows it", async () => {
    server = await startServer((req, res) => {
      if (req.url?.startsWith("/api/Product/OLD")) {
        res.writeHead(307, { location: "/api/Product/NEW", "content-length": "5" });
        res.end("moved");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ url: req.url }));
    });
    const t = connect(server.url);
    expect(await t.call(getProduct, { params: { partNumber: "OLD" } })).toEqual({ url: "/api/Product/NEW" });
  });
});

describe("over TLS", () => {
  it("an https server is reached through node:https, and a second call reuses the connection", async () => {
    const dir = fileURLToPath(new URL("./fixtures/tls/", import.meta.url));
    const seen: { url: string | undefined; socket: object }[] = [];
    const tls = createHttpsServer(
      { key: readFileSync(`${dir}localhost-key.pem`), cert: readFileSync(`${dir}localhost-cert.pem`) },
      (req, res) => {
        seen.push({ url: req.url, socket: req.socket });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ secure: true }));
      },
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    // The certificate is the test's own (fixtures/tls): trusted here only, for this test.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      const t = connect(`https://localhost:${(tls.address() as AddressInfo).port}`);
      expect(await t.call(getProduct, { params: { partNumber: "A" } })).toEqual({ secure: true });
      expect(await t.call(getProduct, { params: { partNumber: "B" } })).toEqual({ secure: true });
      expect(seen.map((s) => s.url)).toEqual(["/api/Product/A", "/api/Product/B"]);
      expect(seen[1]?.socket).toBe(seen[0]?.socket);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it("refuses a server whose certificate nothing trusts, naming the failure", async () => {
    const dir = fileURLToPath(new URL("./fixtures/tls/", import.meta.url));
    const tls = createHttpsServer(
      { key: readFileSync(`${dir}localhost-key.pem`), cert: readFileSync(`${dir}localhost-cert.pem`) },
      (_req, res) => res.end("{}"),
    );
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    try {
      const t = connect(`https://localhost:${(tls.address() as AddressInfo).port}`);
      const error = (await t
        .call(getProduct, { params: { partNumber: "A" } })
        .catch((e: unknown) => e)) as WatsError;
      expect(error).toBeInstanceOf(WatsConnectionError);
      expect(error.message).toMatch(/SELF_SIGNED_CERT/);
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });
});

describe("per-operation header templates", () => {
  it("a call's own headers never leak into the next call of the same operation", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    const t = connect(server.url, { defaultHeaders: { "X-Site": "plant-1" } });
    await t.call(
      getProduct,
      { params: { partNumber: "A" } },
      { headers: { Accept: "text/plain", "X-Once": "1" } },
    );
    await t.call(getProduct, { params: { partNumber: "A" } });
    const [first, second] = server.requests;
    expect(first?.headers).toMatchObject({ accept: "text/plain", "x-once": "1", "x-site": "plant-1" });
    expect(second?.headers).toMatchObject({ accept: "application/json", "x-site": "plant-1" });
    expect(second?.headers["x-once"]).toBeUndefined();
  });
});
