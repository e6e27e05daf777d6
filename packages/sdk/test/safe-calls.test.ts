/**
 * Issue 18 against the simulator (a real loopback WATS): state-changing calls are not resent
 * once they may have reached the server, XML answers are read, OData values are quoted safely,
 * hooks see every attempt, a token function rotates without a new client, listings stop at
 * `maxItems`, and a huge answer fails at the byte limit with bounded memory.
 */
import {
  type AfterResponseInfo,
  type BeforeRequestInfo,
  type ErrorInfo,
  odata,
  type RetryInfo,
  WatsAuthorizationError,
  WatsDecodeError,
  WatsResponseTooLargeError,
  WatsTimeoutError,
  type XmlElement,
} from "@tswats/core";
import { serialNumbersOf } from "@tswats/production";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Wats, type WatsOptions } from "../src/from-sources.js";
import { localServer } from "./local-server.js";

let sim: Simulator;
const clients: Wats[] = [];
const READ_ONLY = Buffer.from("reader:token-b").toString("base64");

beforeAll(async () => {
  sim = await startSimulator({ seed: 18, tokens: [{ token: READ_ONLY, rights: "read" }] });
});
afterEach(async () => {
  await sim.faults.up();
  sim.faults.clear();
  while (clients.length > 0) await clients.pop()?.close();
});
afterAll(async () => {
  await sim.close();
});

function client(options: Partial<WatsOptions> = {}): Wats {
  const wats = new Wats({
    baseUrl: sim.url,
    token: sim.token,
    logger: false,
    throttle: false,
    station: "safe-calls",
    retry: { baseDelayMs: 5, maxDelayMs: 20, budget: false },
    ...options,
  });
  clients.push(wats);
  return wats;
}

const unit = { serialNumber: "PWR1000-0003", partNumber: "PWR-1000" };
const requestsOf = (operation: string) => sim.requests.filter((r) => r.operation === operation);

describe("state-changing operations", () => {
  it("sends a slow endTest once and fails it as uncertain; the abandoned attempt still ran", async () => {
    const wats = client({ retry: { maxAttempts: 5, baseDelayMs: 5, budget: false } });
    expect(await wats.workflow.startTest(unit)).toBe(true);
    sim.faults.add({ kind: "latency", ms: 400, match: { path: "/api/Workflow/EndTest" } });
    sim.requests.clear();
    const error = await wats.workflow.endTest(unit, { attemptTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsTimeoutError);
    expect(error).toMatchObject({ outcomeUncertain: true, attempts: 1, operation: "endTest" });
    expect((error as Error).message).toContain("the outcome is uncertain");
    expect(requestsOf("workflow.endTest")).toHaveLength(1);
    // The server finishes the abandoned attempt: the activity is ended, so a repeat says false.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await wats.workflow.endTest(unit)).toBe(false);
  });

  it("still retries a read that timed out", async () => {
    const wats = client({ retry: { maxAttempts: 3, baseDelayMs: 5, budget: false } });
    sim.faults.add({ kind: "latency", ms: 400, match: { path: "/api/Product/{partNumber}" } });
    sim.requests.clear();
    await wats.product.getProduct({ partNumber: "PWR-1000" }, { attemptTimeoutMs: 150 });
    expect(requestsOf("product.getProduct")).toHaveLength(2);
  });

  it("retries a state-changing call whose connection was refused, and it is carried out once", async () => {
    const wats = client({
      retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 40, budget: false },
      breaker: false,
      hooks: {
        // The server comes back while the client waits to try again.
        onRetry: async ({ reason }) => {
          if (reason === "ECONNREFUSED") await sim.faults.up();
        },
      },
    });
    await sim.faults.down({ mode: "refuse" });
    sim.requests.clear();
    const answer = await wats.production
      .takeSerialNumbers({ serialNumberType: "PCBA", quantity: 1 })
      .withResponse();
    expect(answer.response.attempts).toBe(2);
    expect(requestsOf("production.takeSerialNumbers")).toHaveLength(1);
    expect(serialNumbersOf(answer.data)).toHaveLength(1);
  });

  it("takeSerialNumbers: the XML answer as an element tree, CSV as text, both read by serialNumbersOf", async () => {
    const wats = client();
    const xml = await wats.production.takeSerialNumbers({
      serialNumberType: "PCBA",
      quantity: 2,
      refSN: "BOARD-7",
    });
    expect(typeof xml).toBe("object");
    const root = xml as XmlElement;
    expect(root.name).toBe("SerialNumbers");
    expect(root.children.map((c) => c.name)).toEqual(["SN", "SN"]);
    const taken = serialNumbersOf(xml);
    expect(taken).toHaveLength(2);
    expect(taken[0]).toMatchObject({ refSN: "BOARD-7" });
    const byReference = await wats.production.getSerialNumbersByReference({
      serialNumberType: "PCBA",
      refSN: "BOARD-7",
    });
    expect((byReference as { serialNumber: string }[]).map((r) => r.serialNumber).sort()).toEqual(
      taken.map((t) => t.serialNumber).sort(),
    );

    const csv = await wats.production.takeSerialNumbers({
      serialNumberType: "PCBA",
      quantity: 1,
      format: "CSV",
    });
    expect(typeof csv).toBe("string");
    expect(serialNumbersOf(csv)).toHaveLength(1);
  });

  it("keeps the whole answer on the error when a state-changing call's answer cannot be read", async () => {
    // A server that allocates numbers and answers with a content type the SDK cannot parse as XML.
    const broken = await localServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(`<SerialNumbers><SN id="SN-1"/><SN id="SN-2"/>${"x".repeat(70_000)}`);
    });
    const wats = new Wats({ baseUrl: broken.url, token: sim.token, logger: false, throttle: false });
    clients.push(wats);
    const error = await wats.production
      .takeSerialNumbers({ serialNumberType: "PCBA", quantity: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsDecodeError);
    expect((error as Error).message).toContain("kept whole in error.body");
    expect(((error as WatsDecodeError).body as string).length).toBeGreaterThan(70_000);
    expect(serialNumbersOf((error as WatsDecodeError).body as string).map((t) => t.serialNumber)).toEqual([
      "SN-1",
      "SN-2",
    ]);
    await broken.close();
  });
});

describe("odata filters round-trip through the simulator's OData parser", () => {
  const names = ["it's", "Ærø “quoted” 製品 😀", "x' or partNumber ne 'y", "back\\slash"];

  it("quotes strings with quotes and unicode, so a crafted value matches nothing", async () => {
    const wats = client();
    for (const [i, name] of names.entries()) {
      await wats.product.putProduct({ partNumber: `ODATA-${i}`, name });
    }
    for (const [i, name] of names.entries()) {
      const rows = await wats.product.getProducts({ $filter: odata`name eq ${name}` });
      expect(rows.map((r) => r.partNumber)).toEqual([`ODATA-${i}`]);
    }
    const injected = await wats.product.getProducts({
      $filter: odata`partNumber eq ${"nothing' or partNumber ne 'x"}`,
    });
    expect(injected).toEqual([]);
    const listed = await wats.product.getProducts({
      $filter: odata`partNumber in ${["ODATA-0", "ODATA-2", "NONE"]}`,
      $orderby: "partNumber",
    });
    expect(listed.map((r) => r.partNumber)).toEqual(["ODATA-0", "ODATA-2"]);
  });

  it("writes dates as UTC instants and GUIDs unquoted", async () => {
    const wats = client();
    const [first] = await wats.report.headerQuery({ $top: 1, $orderby: "start desc" });
    expect(first).toBeDefined();
    const uuid = String(first?.uuid);
    const byId = await wats.report.headerQuery({ $filter: odata`uuid eq ${odata.guid(uuid.toUpperCase())}` });
    expect(byId.map((h) => h.uuid)).toEqual([uuid]);
    const start = new Date(String(first?.start));
    const since = await wats.report.headerQuery({
      $filter: odata`start ge ${start} and serialNumber eq ${first?.serialNumber ?? ""}`,
      $top: 100,
    });
    expect(since.map((h) => h.uuid)).toContain(uuid);
    const after = await wats.report.headerQuery({
      $filter: odata`start gt ${new Date(start.getTime() + 1)} and uuid eq ${odata.guid(uuid)}`,
    });
    expect(after).toEqual([]);
  });
});

describe("hooks, response data and token rotation", () => {
  it("calls each hook once per attempt with the operation and the correlation id", async () => {
    const seen: { hook: string; operation: string; correlationId: string; attempt: number }[] = [];
    const note =
      (hook: string) =>
      (info: BeforeRequestInfo | AfterResponseInfo | ErrorInfo | RetryInfo): void => {
        seen.push({
          hook,
          operation: info.operation,
          correlationId: info.correlationId,
          attempt: info.attempt,
        });
      };
    const wats = client({
      hooks: {
        beforeRequest: note("beforeRequest"),
        afterResponse: note("afterResponse"),
        onError: note("onError"),
        onRetry: note("onRetry"),
      },
    });
    sim.faults.add({ kind: "status", status: 503, match: { path: "/api/Product/{partNumber}" } });
    sim.requests.clear();
    const { response } = await wats.product
      .getProduct({ partNumber: "PWR-1000" }, { correlationId: "station-7/run-42" })
      .withResponse();
    expect(seen.map((s) => `${s.hook}#${s.attempt}`)).toEqual([
      "beforeRequest#1",
      "afterResponse#1",
      "onError#1",
      "onRetry#1",
      "beforeRequest#2",
      "afterResponse#2",
    ]);
    expect(new Set(seen.map((s) => s.operation))).toEqual(new Set(["getProduct"]));
    expect(new Set(seen.map((s) => s.correlationId))).toEqual(new Set(["station-7/run-42"]));
    expect(requestsOf("product.getProduct").map((r) => r.headers["x-correlation-id"])).toEqual([
      "station-7/run-42",
      "station-7/run-42",
    ]);
    expect(response).toMatchObject({ status: 200, attempts: 2, correlationId: "station-7/run-42" });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("lets beforeRequest add headers and sends defaultHeaders with every request", async () => {
    const wats = client({
      defaultHeaders: { "X-Line": "Line-1" },
      hooks: {
        beforeRequest: ({ headers }) => {
          headers["x-signature"] = "signed";
          headers.authorization = "Basic stolen"; // ignored: the transport owns auth
        },
      },
    });
    sim.requests.clear();
    await wats.product.getProduct({ partNumber: "PWR-1000" });
    const [request] = requestsOf("product.getProduct");
    expect(request?.headers).toMatchObject({ "x-line": "Line-1", "x-signature": "signed" });
    expect(request?.status).toBe(200);
  });

  it("calls a token function per request: a rotated token takes effect at once, breaker and throttle kept", async () => {
    let current = sim.token;
    let asked = 0;
    const wats = client({
      throttle: { limit: 1000, windowMs: 60_000 },
      token: async () => {
        asked++;
        return current;
      },
    });
    const throttle = wats.transport.throttle;
    const breakers = wats.transport.breakers;
    await wats.product.putProduct({ partNumber: "ROTATE-1", name: "before" });
    current = READ_ONLY;
    const refused = await wats.product
      .putProduct({ partNumber: "ROTATE-1", name: "after" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WatsAuthorizationError);
    expect((await wats.product.getProduct({ partNumber: "ROTATE-1" })).name).toBe("before");
    current = sim.token;
    await wats.product.putProduct({ partNumber: "ROTATE-1", name: "after" });
    expect((await wats.product.getProduct({ partNumber: "ROTATE-1" })).name).toBe("after");
    expect(asked).toBe(5);
    expect(wats.transport.throttle).toBe(throttle);
    expect(wats.transport.breakers).toBe(breakers);
    expect(throttle?.stats().inWindow).toBe(5);
  });
});

describe("listings", () => {
  it("stop at maxItems, asking the last page only for what is still wanted", async () => {
    const wats = client();
    sim.requests.clear();
    const products = await wats.product.paginateGetProducts({}, { pageSize: 2, maxItems: 5 }).toArray();
    expect(products).toHaveLength(5);
    expect(requestsOf("product.getProducts").map((r) => r.query.$top)).toEqual(["2", "2", "1"]);
  });

  it("stop after maxPages pages without an error", async () => {
    const wats = client();
    const products = await wats.product.paginateGetProducts({}, { pageSize: 2, maxPages: 2 }).toArray();
    expect(products).toHaveLength(4);
  });
});

describe("a huge answer", () => {
  it("fails at the byte limit with bounded memory and the connection dropped", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const oneGiB = 1024;
    let sent = 0;
    let closed = false;
    const huge = await localServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // no Content-Length: streamed
      res.on("close", () => {
        closed = true;
      });
      const pump = () => {
        while (sent < oneGiB && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    const wats = new Wats({
      baseUrl: huge.url,
      token: sim.token,
      logger: false,
      throttle: false,
      retry: false,
    });
    clients.push(wats);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const error = await wats.product.getProduct({ partNumber: "HUGE" }).catch((e: unknown) => e);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(error).toBeInstanceOf(WatsResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: 64 * 1024 * 1024, outcomeUncertain: false });
    // The default limit is 64 MiB: memory grows by about that, not by the 1 GiB on offer.
    expect(peak - before).toBeLessThan(400 * 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(oneGiB / 2);
    await huge.close();
  });

  it("fails before reading a body whose Content-Length is over a call's own limit", async () => {
    const big = await localServer((_req, res) => {
      const body = JSON.stringify({ data: "y".repeat(10_000) });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      });
      res.end(body);
    });
    const wats = new Wats({ baseUrl: big.url, token: sim.token, logger: false, throttle: false });
    clients.push(wats);
    await expect(
      wats.product.getProduct({ partNumber: "BIG" }, { maxResponseBytes: 1_000 }),
    ).rejects.toBeInstanceOf(WatsResponseTooLargeError);
    expect(await wats.product.getProduct({ partNumber: "BIG" })).toMatchObject({ data: expect.any(String) });
    await big.close();
  });
});
