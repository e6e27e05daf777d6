import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  WatsAbortError,
  WatsConnectionError,
  type WatsError,
  WatsServerError,
  WatsTimeoutError,
} from "../src/errors.js";
import type { OperationSpec } from "../src/operation.js";
import { HttpTransport, type TransportOptions } from "../src/transport.js";
import { CORE_VERSION } from "../src/version.js";
import {
  CANARY,
  getProduct,
  internalOp,
  type LoopbackServer,
  listProducts,
  postReport,
  startServer,
} from "./helpers.js";

let server: LoopbackServer | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

function connect(url: string, options: Partial<TransportOptions> = {}): HttpTransport {
  transport = new HttpTransport({
    baseUrl: url,
    token: CANARY,
    logger: false,
    throttle: false,
    ...options,
    retry:
      options.retry === false ? false : { baseDelayMs: 5, maxDelayMs: 20, budget: false, ...options.retry },
  });
  return transport;
}

const json = (status: number, body: unknown) => (_req: unknown, res: import("node:http").ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

describe("over a real loopback connection", () => {
  it("sends auth, User-Agent, correlation and attempt headers; Referer only for internal routes", async () => {
    server = await startServer(json(200, { ok: true }));
    const t = connect(`${server.url}/`);
    // A call cannot replace the transport's own headers: refused before anything is sent.
    await expect(
      t.call(getProduct, { params: { partNumber: "A 1" } }, { headers: { authorization: "Basic hijack" } }),
    ).rejects.toThrow("authorization: is set by the transport and cannot be replaced");
    expect(server.requests).toHaveLength(0);
    await t.call(getProduct, { params: { partNumber: "A 1" } }, { headers: { "X-Custom": "yes" } });
    await t.call(internalOp, { params: { id: 7 } });
    const [plain, internal] = server.requests;
    expect(plain).toMatchObject({ method: "GET", url: "/api/Product/A%201" });
    expect(plain?.headers).toMatchObject({
      authorization: `Basic ${CANARY}`,
      "user-agent": `tswats/${CORE_VERSION} node/${process.versions.node}`,
      accept: "application/json",
      "x-attempt": "1",
      "x-custom": "yes",
    });
    expect(plain?.headers["x-correlation-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain?.headers.referer).toBeUndefined();
    expect(internal?.url).toBe("/api/internal/Thing/7");
    expect(internal?.headers.referer).toBe(`${server.url}/`);
    expect(plain?.headers["x-correlation-id"]).not.toBe(internal?.headers["x-correlation-id"]);
  });

  it("normalises the base URL (path prefix kept, trailing /api dropped)", async () => {
    server = await startServer(json(200, []));
    const t = connect(`${server.url}/wats/api/`);
    await t.call(internalOp, { params: { id: 1 } });
    expect(server.requests[0]?.url).toBe("/wats/api/internal/Thing/1");
    expect(server.requests[0]?.headers.referer).toBe(`${server.url}/wats/`);
  });

  it("serialises OData query parameters and dates", async () => {
    server = await startServer(json(200, []));
    const t = connect(server.url);
    await t.call(listProducts, { params: { $top: 10, $skip: 20, $filter: "partNumber eq 'A&B'" } });
    const op: OperationSpec = { ...listProducts, queryParams: ["since"] };
    await t.call(op, { params: { since: new Date("2026-01-02T03:04:05.000Z") } });
    expect(server.requests[0]?.url).toBe(
      "/api/Product/Query?$top=10&$skip=20&$filter=partNumber%20eq%20%27A%26B%27",
    );
    expect(server.requests[1]?.url).toBe("/api/Product/Query?since=2026-01-02T03%3A04%3A05.000Z");
  });

  it("reuses kept-alive connections", async () => {
    server = await startServer(json(200, { ok: true }));
    const t = connect(server.url);
    for (let i = 0; i < 20; i++) await t.call(getProduct, { params: { partNumber: `P${i}` } });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.call(getProduct, { params: { partNumber: `C${i}` } })),
    );
    expect(server.requests).toHaveLength(30);
    // one connection per request would be 30
    expect(server.connections()).toBeLessThanOrEqual(12);
  });

  it("retries a 503 and re-sends an idempotent POST body byte for byte, one correlation id", async () => {
    let n = 0;
    server = await startServer((_req, res) => {
      n++;
      if (n < 3) {
        res.writeHead(503, { "retry-after": "0" });
        res.end();
      } else json(200, { id: "r1" })(_req, res);
    });
    const t = connect(server.url);
    const report = { id: "r1", pn: "PN", sn: "SN", text: "æøå ✓" };
    await expect(t.call(postReport, { body: report })).resolves.toEqual({ id: "r1" });
    expect(server.requests.map((r) => r.body)).toEqual(Array(3).fill(JSON.stringify(report)));
    expect(server.requests.map((r) => r.headers["x-attempt"])).toEqual(["1", "2", "3"]);
    expect(new Set(server.requests.map((r) => r.headers["x-correlation-id"])).size).toBe(1);
    expect(server.requests.map((r) => r.headers["content-type"])).toEqual(Array(3).fill("application/json"));
  });

  it("retries a GET whose answer was cut off mid-body", async () => {
    let n = 0;
    server = await startServer((req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"partial":');
        setTimeout(() => req.socket.destroy(), 5);
      } else json(200, { whole: true })(req, res);
    });
    const t = connect(server.url);
    await expect(t.call(getProduct, { params: { partNumber: "A" } })).resolves.toEqual({ whole: true });
    expect(server.requests).toHaveLength(2);
  });

  it("bounds the whole call by timeoutMs across attempts against a server that never answers", async () => {
    server = await startServer(() => {});
    const t = connect(server.url, {
      timeoutMs: 1_500,
      breaker: false,
      retry: { attemptTimeoutMs: 100, maxAttempts: 10 },
    });
    const error = await t.call(getProduct, { params: { partNumber: "A" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsTimeoutError);
    const attempts = (error as WatsError).attempts ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(2);
    // Every request the server saw was a counted attempt; the last attempt may have been cut off by
    // the deadline before its request reached the server (how close depends on the machine).
    expect(server.requests.length).toBeLessThanOrEqual(attempts);
    expect(server.requests.length).toBeGreaterThanOrEqual(attempts - 1);
  });

  it("reports refused connections as WatsConnectionError after the allowed attempts", async () => {
    const gone = await startServer(() => {});
    const url = gone.url;
    await gone.close();
    const t = connect(url, { retry: { maxAttempts: 2 } });
    const error = await t.call(getProduct, { params: { partNumber: "A" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsConnectionError);
    expect(error).toMatchObject({ attempts: 2 });
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("aborts an in-flight request and leaves no listener on the caller's signal", async () => {
    server = await startServer((req, res) => {
      if (req.url?.endsWith("/slow")) return;
      json(200, {})(req, res);
    });
    const t = connect(server.url);
    const shared = new AbortController();
    for (let i = 0; i < 5; i++)
      await t.call(getProduct, { params: { partNumber: "x" } }, { signal: shared.signal });
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);

    const controller = new AbortController();
    const pending = t.call(getProduct, { params: { partNumber: "slow" } }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(WatsAbortError);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("reads text, binary and empty answers per the operation's response kind, and sends non-JSON bodies as is", async () => {
    server = await startServer((req, res) => {
      if (req.url === "/api/text") res.end("plain words");
      else if (req.url === "/api/bin") res.end(Buffer.from([1, 2, 3]));
      else {
        res.writeHead(204);
        res.end();
      }
    });
    const t = connect(server.url);
    const base = { operationId: "x", pathParams: [], queryParams: [] } as const;
    const text = await t.call<string>(
      { ...base, name: "t", method: "GET", path: "/api/text", response: "text" },
      {},
    );
    const bin = await t.call<ArrayBuffer>(
      { ...base, name: "b", method: "GET", path: "/api/bin", response: "binary" },
      {},
    );
    const none = await t.call(
      {
        ...base,
        name: "x",
        method: "POST",
        path: "/api/xml",
        response: "none",
        body: { contentType: "application/xml", required: true },
      },
      { body: "<Report id='1'/>" },
    );
    expect(text).toBe("plain words");
    expect([...new Uint8Array(bin)]).toEqual([1, 2, 3]);
    expect(none).toBeUndefined();
    expect(server.requests[2]).toMatchObject({
      body: "<Report id='1'/>",
      headers: { "content-type": "application/xml" },
    });
  });

  it("uploads FormData as multipart with its boundary, again on a retry", async () => {
    let n = 0;
    server = await startServer((req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(503);
        res.end();
      } else json(200, { stored: true })(req, res);
    });
    const t = connect(server.url);
    const upload: OperationSpec = {
      name: "uploadZip",
      operationId: "Software_UploadZip",
      method: "PUT",
      path: "/api/Software/Package/UploadZip/{id}",
      pathParams: ["id"],
      queryParams: [],
      body: { contentType: "multipart/form-data", required: true },
      response: "json",
    };
    const form = new FormData();
    form.append("file", new Blob(["zip bytes here"]), "package.zip");
    await expect(t.call(upload, { params: { id: "p1" }, body: form })).resolves.toEqual({ stored: true });
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
      expect(request.body).toContain("zip bytes here");
      expect(request.body).toContain('filename="package.zip"');
    }
  });

  it("offers the openapi-fetch client over the same wrapper", async () => {
    let n = 0;
    server = await startServer((req, res) => {
      n++;
      if (n === 1) {
        res.writeHead(502);
        res.end();
      } else json(200, { raw: true })(req, res);
    });
    const t = connect(server.url);
    // biome-ignore lint/suspicious/noExplicitAny: an untyped paths map for the test
    const client = t.raw<any>();
    const { data, response } = await client.GET("/api/internal/Anything/{id}", {
      params: { path: { id: "q" } },
    });
    expect(response.status).toBe(200);
    expect(data).toEqual({ raw: true });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers).toMatchObject({
      authorization: `Basic ${CANARY}`,
      "x-attempt": "2",
      referer: `${server.url}/`,
    });
    expect(server.requests[0]?.headers["x-correlation-id"]).toBe(
      server.requests[1]?.headers["x-correlation-id"],
    );
    expect(t.metrics().operations["raw GET"]).toMatchObject({ calls: 1, ok: 1, retries: 1 });
  });

  it("refuses calls after close()", async () => {
    server = await startServer(json(200, {}));
    const t = connect(server.url);
    await t.call(getProduct, { params: { partNumber: "A" } });
    await t.close();
    await expect(t.call(getProduct, { params: { partNumber: "A" } })).rejects.toThrow("closed");
    expect(t.closed).toBe(true);
  });

  it("gives up on 5xx answers with the server's body", async () => {
    server = await startServer(json(500, { Message: "db down" }));
    const t = connect(server.url, { retry: { maxAttempts: 2 } });
    const error = await t.call(getProduct, { params: { partNumber: "A" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsServerError);
    expect(error).toMatchObject({
      attempts: 2,
      body: { Message: "db down" },
      url: `${server.url}/api/Product/A`,
    });
  });

  it("hands a redirect over to fetch, which follows it", async () => {
    server = await startServer((req, res) => {
      if (req.url === "/api/Product/OLD") {
        res.writeHead(307, { location: "/api/Product/NEW" });
        res.end();
        return;
      }
      json(200, { partNumber: req.url?.split("/").pop() })(req, res);
    });
    const t = connect(server.url);
    const product = await t.call(getProduct, { params: { partNumber: "OLD" } });
    expect(product).toEqual({ partNumber: "NEW" });
    expect(server.requests.map((r) => r.url)).toEqual([
      "/api/Product/OLD",
      "/api/Product/OLD",
      "/api/Product/NEW",
    ]);
  });

  it("sends through a global fetch installed after loading (an interceptor such as msw sees every call)", async () => {
    server = await startServer(json(200, { ok: true }));
    const seen: string[] = [];
    const native = globalThis.fetch;
    globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input));
      return native(input, init);
    };
    try {
      const t = connect(server.url);
      await t.call(getProduct, { params: { partNumber: "A" } });
      await t.call(postReport, { body: { id: "x" } });
      expect(seen).toEqual([`${server.url}/api/Product/A`, `${server.url}/api/Report/WSJF`]);
    } finally {
      globalThis.fetch = native;
    }
  });
});
