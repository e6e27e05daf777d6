/**
 * The engine worker's life: bounded waits on a hung engine or server, crash and restart, late
 * answers, the deadlock guard, close(), correlation ids and logging across the boundary.
 */
import { Wats, type WatsLogger, WatsNotFoundError, WatsTimeoutError, withCorrelationId } from "@tswats/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_CLIENT, type EngineClient } from "../src/engine-client.js";
import { createSyncWats, type SyncWats, syncWatsFromEnv, WatsEngineError } from "../src/index.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

function clientOf(sync: SyncWats): EngineClient {
  return (sync as unknown as Record<symbol, EngineClient>)[ENGINE_CLIENT]!;
}

function caught(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function captureLogger(lines: Line[]): WatsLogger {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return {
    level: "debug",
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

describe("the engine worker", () => {
  let sim: SimulatorProcess;
  let sync: SyncWats;
  const base = () => ({
    baseUrl: sim.url,
    token: sim.token,
    logger: false as const,
    throttle: false as const,
  });

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    sync = createSyncWats({ ...base(), retry: false });
  }, 60_000);

  afterAll(async () => {
    sync?.close();
    await sim?.close();
  });

  it("a call to a hanging server waits at most its timeout, then the next call works", async () => {
    // A first call loads the engine's HTTP stack, so the timed call below does reach the server.
    expect(sync.product.getProducts({ $top: 1 })).toHaveLength(1);
    await sim.addFault({ kind: "hang", match: { path: "/api/Product/{partNumber}" } });
    const started = sync.engine.starts;
    const error = caught(() => sync.product.getProduct({ partNumber: "CBL-7" }, { timeoutMs: 250 }));
    expect(error).toBeInstanceOf(WatsTimeoutError);
    expect((error as WatsTimeoutError).operation).toBe("getProduct");
    expect(sync.product.getProduct({ partNumber: "CBL-7" }, { timeoutMs: 10_000 })).toMatchObject({
      partNumber: "CBL-7",
    });
    expect(sync.engine.starts).toBe(started);
  });

  it("a hung engine is detected by the bounded wait, reported as a timeout and replaced", () => {
    const client = clientOf(sync);
    const before = sync.engine;
    const error = caught(() => client.request({ type: "diagnose", action: "block" }, 300, "diagnose"));
    expect(error).toBeInstanceOf(WatsTimeoutError);
    expect(error.message).toContain("engine worker was stopped");
    expect((error as WatsTimeoutError).operation).toBe("diagnose");
    expect(sync.engine.threadId).toBeUndefined();
    expect(sync.product.getProduct({ partNumber: "CBL-7" })).toMatchObject({ partNumber: "CBL-7" });
    expect(sync.engine.starts).toBe(before.starts + 1);
    expect(sync.engine.threadId).not.toBe(before.threadId);
  });

  it("a crashed engine is reported at once as a WatsEngineError and restarted for the next call", () => {
    const client = clientOf(sync);
    const before = sync.engine;
    // A long wait: the crash must be noticed from the engine's exit, not from this bound.
    const error = caught(() => client.request({ type: "diagnose", action: "crash" }, 60_000, "diagnose"));
    expect(error).toBeInstanceOf(WatsEngineError);
    expect((error as WatsEngineError).reason).toBe("crashed");
    // The engine's own error is the cause, not only a line on stderr.
    expect((error.cause as Error).message).toBe("engine crash requested by a self-test");
    expect(error.message).toContain("engine crash requested by a self-test");
    expect(sync.product.getProducts({ $top: 1 })).toHaveLength(1);
    expect(sync.engine.starts).toBe(before.starts + 1);
  });

  it("a late answer is never delivered to a later call", () => {
    const client = clientOf(sync);
    const error = caught(() =>
      client.request({ type: "diagnose", action: "stall", ms: 800 }, 200, "diagnose"),
    );
    expect(error).toBeInstanceOf(WatsTimeoutError);
    // The stalled engine would answer "late" shortly; the next calls get their own answers.
    expect(client.request({ type: "metrics" }, 10_000, "metrics")).toHaveProperty("operations");
    expect(() => sync.product.getProduct({ partNumber: "no-such-part" })).toThrow(WatsNotFoundError);
  });

  it("createSyncWats on the engine thread fails at once with a clear error", () => {
    const client = clientOf(sync);
    const outcome = client.request({ type: "diagnose", action: "nested-facade" }, 30_000, "diagnose") as {
      threw: boolean;
      name?: string;
      message?: string;
    };
    expect(outcome.threw).toBe(true);
    expect(outcome.name).toBe("WatsEngineError");
    expect(outcome.message).toContain("engine thread");
  });

  it("close() ends the engine; later calls fail with a clear error (built from the environment)", () => {
    const own = syncWatsFromEnv({
      env: { WATS_BASE_URL: sim.url, WATS_AUTH_TOKEN: sim.token, WATS_STATION: "line-7" },
      logger: false,
    });
    expect(own.station).toBe("line-7");
    expect(own.product.getProduct({ partNumber: "CBL-7" })).toMatchObject({ partNumber: "CBL-7" });
    expect(own.engine.threadId).toBeTypeOf("number");
    own.close();
    expect(own.engine.threadId).toBeUndefined();
    const error = caught(() => own.product.getProducts());
    expect(error).toBeInstanceOf(WatsEngineError);
    expect((error as WatsEngineError).reason).toBe("closed");
    expect(() => own.close()).not.toThrow();
  });

  it("the caller's correlation id reaches the engine; each line is logged once, on the caller's logger", async () => {
    const syncLines: Line[] = [];
    const asyncLines: Line[] = [];
    const options = { baseUrl: sim.url, token: sim.token, throttle: false as const, retry: false as const };
    const sync = createSyncWats({ ...options, logger: captureLogger(syncLines) });
    const wats = new Wats({ ...options, logger: captureLogger(asyncLines) });
    try {
      const error = withCorrelationId("corr-from-caller", () =>
        caught(() => sync.product.getProduct({ partNumber: "no-such-part" })),
      );
      expect(error).toBeInstanceOf(WatsNotFoundError);
      expect((error as WatsNotFoundError).correlationId).toBe("corr-from-caller");
      await withCorrelationId("corr-from-caller", () =>
        wats.product.getProduct({ partNumber: "no-such-part" }).catch(() => undefined),
      );

      expect(syncLines.length).toBeGreaterThan(0);
      for (const line of syncLines) expect(line.obj["correlationId"]).toBe("corr-from-caller");
      // The same lines the async client writes for the same call: not doubled, not lost.
      const summary = (lines: Line[]) => lines.map((l) => `${l.level} ${l.msg}`);
      expect(summary(syncLines)).toEqual(summary(asyncLines));

      // A per-call correlationId wins over the caller's context.
      const perCall = withCorrelationId("outer", () =>
        caught(() => sync.product.getProduct({ partNumber: "no-such-part" }, { correlationId: "per-call" })),
      );
      expect((perCall as WatsNotFoundError).correlationId).toBe("per-call");
    } finally {
      sync.close();
      await wats.close();
    }
  });
});
