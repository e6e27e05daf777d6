import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkCorrelationId, currentCorrelationId, withCorrelationId } from "../src/correlation.js";
import { createLogger, isLevelEnabled, type WatsLogger } from "../src/logger.js";
import { captureLogs, getProduct, postThing, testTransport, track, useFakeClock } from "./helpers.js";

const params = { partNumber: "PN-1" };

describe("correlation ids", () => {
  it("are scoped by withCorrelationId, across awaits", async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await withCorrelationId("outer-1", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inner = withCorrelationId("inner-2", () => currentCorrelationId());
      return [currentCorrelationId(), inner];
    });
    expect(seen).toEqual(["outer-1", "inner-2"]);
    expect(currentCorrelationId()).toBeUndefined();
  });

  it("must fit in a header", () => {
    expect(() => withCorrelationId("two words", () => 1)).toThrow(TypeError);
    expect(() => checkCorrelationId("a\r\nX-Evil: 1")).toThrow(TypeError);
    expect(() => checkCorrelationId("x".repeat(129))).toThrow(TypeError);
    expect(checkCorrelationId("order-7/step-3")).toBe("order-7/step-3");
  });
});

describe("log lines of a call", () => {
  beforeEach(() => {
    useFakeClock();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("all carry the call's correlation id, the same one sent on every attempt", async () => {
    const logs = captureLogs("trace");
    const { transport, sent } = testTransport([{ status: 503 }, { status: 502 }, { status: 200, body: {} }], {
      logger: logs.logger,
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().error).toBeUndefined();
    const id = sent[0]?.headers["x-correlation-id"];
    expect(sent.map((r) => r.headers["x-correlation-id"])).toEqual([id, id, id]);
    expect(logs.lines.length).toBeGreaterThanOrEqual(6);
    for (const line of logs.lines) {
      expect(line).toMatchObject({ correlationId: id, operation: "getProduct", name: "tswats" });
    }
    const retries = logs.lines.filter((l) => l.msg?.toString().startsWith("retrying"));
    expect(retries.map((l) => [l.attempt, l.failure, l.delayMs])).toEqual([
      [1, "503", 50],
      [2, "502", 100],
    ]);
    expect(logs.lines.at(-1)).toMatchObject({ msg: "call succeeded", attempts: 3, level: 20 });
  });

  it("include the breaker's state change, with the id of the call that caused it", async () => {
    const logs = captureLogs("info");
    const { transport, sent } = testTransport([{ status: 500 }], {
      logger: logs.logger,
      retry: false,
      breaker: { failureThreshold: 1, minimumCalls: 1 },
    });
    await transport.call(getProduct, { params }, { correlationId: "trip-1" }).catch(() => {});
    const change = logs.lines.find((l) => String(l.msg).startsWith("circuit breaker"));
    expect(change).toMatchObject({ from: "closed", to: "open", correlationId: "trip-1", level: 40 });
    expect(sent[0]?.headers["x-correlation-id"]).toBe("trip-1");
  });

  it("never hold a body above debug", async () => {
    const secretBody = { Message: "rejected", serial: "SN-PRIVATE-123" };
    for (const level of ["info", "debug"] as const) {
      const logs = captureLogs(level);
      const { transport } = testTransport([{ status: 500, body: secretBody }], {
        logger: logs.logger,
        retry: false,
      });
      await transport.call(postThing, { body: { serial: "SN-PRIVATE-123" } }).catch(() => {});
      const above = logs.lines.filter((l) => (l.level as number) > 20);
      expect(above.length).toBeGreaterThan(0);
      expect(JSON.stringify(above)).not.toContain("SN-PRIVATE-123");
      const bodyLines = logs.lines.filter((l) => l.body !== undefined);
      if (level === "debug")
        expect(bodyLines).toEqual([expect.objectContaining({ level: 20, body: secretBody })]);
      else expect(bodyLines).toEqual([]);
    }
  });

  it("show URLs with secret query values redacted", async () => {
    const logs = captureLogs("trace");
    const { transport } = testTransport([{ status: 500 }], { logger: logs.logger, retry: false });
    // biome-ignore lint/suspicious/noExplicitAny: an untyped paths map for the test
    const client = transport.raw<any>();
    const { response } = await client.GET("/api/Thing", { params: { query: { token: "sekrit-q", id: 5 } } });
    expect(response.status).toBe(500);
    const raw = logs.raw.join("\n");
    expect(raw).not.toContain("sekrit-q");
    expect(raw).toContain("token=REDACTED&id=5");
  });

  it("go to a user-supplied pino-compatible logger", async () => {
    const calls: [string, Record<string, unknown>, string | undefined][] = [];
    const logger: WatsLogger = {
      trace: (o, m) => calls.push(["trace", o as Record<string, unknown>, m]),
      debug: (o, m) => calls.push(["debug", o as Record<string, unknown>, m]),
      info: (o, m) => calls.push(["info", o as Record<string, unknown>, m]),
      warn: (o, m) => calls.push(["warn", o as Record<string, unknown>, m]),
      error: (o, m) => calls.push(["error", o as Record<string, unknown>, m]),
      level: "debug",
    };
    const { transport } = testTransport([{ status: 200, body: {} }], { logger });
    await transport.call(getProduct, { params }, { correlationId: "mine-9" });
    expect(calls).toEqual([
      ["debug", expect.objectContaining({ correlationId: "mine-9", status: 200 }), "call succeeded"],
    ]);
  });
});

describe("createLogger", () => {
  it("redacts authorization, tokens and passwords at any depth up to three levels", () => {
    const logs = captureLogs("info");
    logs.logger.info(
      {
        authorization: "Basic sec-a",
        token: "sec-b",
        config: { token: "sec-c", password: "sec-d", headers: { Authorization: "Basic sec-e" } },
        deep: { a: { b: { apiKey: "sec-f" } } },
        keep: "visible",
      },
      "hello",
    );
    const raw = logs.raw.join("\n");
    expect(raw).not.toContain("sec-");
    expect(logs.lines[0]).toMatchObject({
      authorization: "[REDACTED]",
      token: "[REDACTED]",
      config: { token: "[REDACTED]", password: "[REDACTED]", headers: { Authorization: "[REDACTED]" } },
      keep: "visible",
    });
  });

  it("writes JSON lines when not pretty", () => {
    const out: string[] = [];
    const logger = createLogger({
      level: "warn",
      pretty: false,
      destination: new Writable({
        write(chunk, _e, done) {
          out.push(String(chunk));
          done();
        },
      }) as never,
    });
    logger.info({}, "dropped");
    logger.warn({ n: 1 }, "kept");
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? "")).toMatchObject({ level: 40, n: 1, msg: "kept" });
    expect(isLevelEnabled(logger, "info")).toBe(false);
    expect(isLevelEnabled(logger, "error")).toBe(true);
  });

  it("judges levels of loggers without isLevelEnabled by their level field", () => {
    const base = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    expect(isLevelEnabled({ ...base, level: "warn" }, "info")).toBe(false);
    expect(isLevelEnabled({ ...base, level: "warn" }, "error")).toBe(true);
    expect(isLevelEnabled({ ...base, level: "silent" }, "error")).toBe(false);
    expect(isLevelEnabled(base, "trace")).toBe(true);
  });
});
