/**
 * Errors across the engine boundary: every WatsError class arrives as the same class with every
 * field the async call's error has; other errors arrive as a clear Error of the same kind.
 */
import {
  Wats,
  WatsAbortError,
  WatsAuthenticationError,
  WatsAuthorizationError,
  WatsCircuitOpenError,
  WatsConfigError,
  WatsConflictError,
  WatsConnectionError,
  WatsDecodeError,
  WatsError,
  type WatsErrorKind,
  WatsNotFoundError,
  type WatsOptions,
  WatsPaginationError,
  WatsRateLimitError,
  WatsResponseTooLargeError,
  WatsResponseValidationError,
  WatsServerError,
  WatsTimeoutError,
  WatsValidationError,
  watsErrorFromJSON,
} from "@tswats/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyncWats, type SyncWats, WatsEngineError } from "../src/index.js";
import { fromWireError, toWireError } from "../src/wire-error.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

const CLASSES: Record<WatsErrorKind, new (message: string) => WatsError> = {
  WatsError,
  WatsValidationError,
  WatsAuthenticationError,
  WatsAuthorizationError,
  WatsNotFoundError,
  WatsConflictError,
  WatsRateLimitError,
  WatsServerError,
  WatsTimeoutError,
  WatsConnectionError,
  WatsCircuitOpenError,
  WatsAbortError,
  WatsConfigError,
  WatsPaginationError,
  WatsResponseTooLargeError,
  WatsDecodeError,
  WatsResponseValidationError,
};

/** An error's fields, its answer's Date header left out (the two calls are a moment apart). */
function withoutDate(error: WatsError): unknown {
  const json = error.toJSON();
  return { ...json, headers: json.headers?.filter(([name]) => name !== "date") };
}

function caught(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

async function caughtAsync(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

describe("wire errors (every class, every field)", () => {
  it.each(Object.keys(CLASSES) as WatsErrorKind[])(
    "%s comes back as the same class with its fields",
    (kind) => {
      const cause = new RangeError("the underlying cause");
      const original = watsErrorFromJSON({
        kind,
        message: `${kind} happened`,
        status: 418,
        operation: "getProduct",
        method: "GET",
        url: "http://127.0.0.1:1/api/Product/X",
        correlationId: "corr-1",
        attempts: 3,
        retryAfterMs: 1500,
        body: { Message: "nope", nested: [1, 2] },
        headers: [
          ["retry-after", "2"],
          ["x-request-id", "abc"],
        ],
        outcomeUncertain: true,
        cause,
        ...(kind === "WatsConfigError" ? { issues: ["token: is empty"] } : {}),
        ...(kind === "WatsResponseTooLargeError" ? { limitBytes: 1024 } : {}),
        ...(kind === "WatsResponseValidationError"
          ? { differences: [{ path: "$.state", problem: "type", message: "Invalid input" }] }
          : {}),
      });
      const rebuilt = fromWireError(structuredClone(toWireError(original)), new Error("caller").stack);
      expect(rebuilt).toBeInstanceOf(CLASSES[kind]);
      expect(rebuilt).toBeInstanceOf(WatsError);
      expect(rebuilt.name).toBe(kind);
      expect((rebuilt as WatsError).toJSON()).toEqual(original.toJSON());
      expect((rebuilt as WatsError).headers?.get("x-request-id")).toBe("abc");
      expect((rebuilt as WatsError).outcomeUncertain).toBe(true);
      expect(rebuilt.cause).toBeInstanceOf(RangeError);
      expect((rebuilt.cause as Error).message).toBe("the underlying cause");
      expect(rebuilt.stack).toContain("engine worker, called from");
    },
  );

  it("turns other errors into errors of the same built-in class with name, message, code and stack", () => {
    const typeError = Object.assign(new TypeError("bad argument"), { code: "ERR_BAD" });
    const back = fromWireError(structuredClone(toWireError(typeError)));
    expect(back).toBeInstanceOf(TypeError);
    expect(back.message).toBe("bad argument");
    expect((back as Error & { code?: unknown }).code).toBe("ERR_BAD");
    expect(back.stack).toContain("bad argument");

    class ZodLikeError extends Error {
      override name = "ZodError";
      issues = [{ path: ["partNumber"], message: "Required" }];
    }
    const zod = fromWireError(structuredClone(toWireError(new ZodLikeError("invalid input"))));
    expect(zod).toBeInstanceOf(Error);
    expect(zod.name).toBe("ZodError");
    expect((zod as Error & { issues?: unknown }).issues).toEqual([
      { path: ["partNumber"], message: "Required" },
    ]);

    const thrownString = fromWireError(structuredClone(toWireError("just a string")));
    expect(thrownString.message).toContain("just a string");
  });
});

describe("errors of real calls against the simulator match the async API", () => {
  let sim: SimulatorProcess;
  let sync: SyncWats;
  let wats: Wats;
  const options = (): WatsOptions => ({
    baseUrl: sim.url,
    token: sim.token,
    logger: false,
    throttle: false,
    breaker: false,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 1 },
  });

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    sync = createSyncWats(options());
    wats = new Wats(options());
  }, 60_000);

  afterAll(async () => {
    sync?.close();
    await wats?.close();
    await sim?.close();
  });

  /** Runs the same failing call on both sides, each after arranging the same faults. */
  async function bothSides(
    faults: Record<string, unknown>[],
    call: { partNumber: string; timeoutMs?: number },
  ): Promise<{ viaAsync: Error; viaSync: Error }> {
    const callOptions = (id: string) => ({
      correlationId: id,
      ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    });
    for (const fault of faults) await sim.addFault(fault);
    const viaAsync = await caughtAsync(() =>
      wats.product.getProduct({ partNumber: call.partNumber }, callOptions("corr-same")),
    );
    await sim.clearFaults();
    for (const fault of faults) await sim.addFault(fault);
    const viaSync = caught(() =>
      sync.product.getProduct({ partNumber: call.partNumber }, callOptions("corr-same")),
    );
    await sim.clearFaults();
    return { viaAsync, viaSync };
  }

  const match = { path: "/api/Product/{partNumber}" };
  const cases: [string, Record<string, unknown>[], typeof WatsError, Record<string, unknown>][] = [
    [
      "400",
      [{ kind: "status", status: 400, body: { Message: "bad part" }, match }],
      WatsValidationError,
      { status: 400, body: { Message: "bad part" } },
    ],
    ["401", [{ kind: "status", status: 401, match }], WatsAuthenticationError, { status: 401 }],
    ["403", [{ kind: "status", status: 403, match }], WatsAuthorizationError, { status: 403 }],
    [
      "409",
      [{ kind: "status", status: 409, body: { Message: "taken" }, match }],
      WatsConflictError,
      { status: 409 },
    ],
    [
      "429 with Retry-After",
      [{ kind: "status", status: 429, retryAfter: 7, times: 2, match }],
      WatsRateLimitError,
      { status: 429, retryAfterMs: 7000 },
    ],
    [
      "500 on every attempt",
      [{ kind: "status", status: 500, times: 2, match }],
      WatsServerError,
      { status: 500, attempts: 2, method: "GET", operation: "getProduct" },
    ],
    [
      "connection reset on every attempt",
      [{ kind: "reset", times: 2, match }],
      WatsConnectionError,
      { attempts: 2 },
    ],
  ];

  it.each(cases)("%s", async (_label, faults, Class, fields) => {
    const { viaAsync, viaSync } = await bothSides(faults, { partNumber: "CBL-7" });
    expect(viaAsync).toBeInstanceOf(Class);
    expect(viaSync).toBeInstanceOf(Class);
    expect(viaSync.constructor).toBe(viaAsync.constructor);
    expect(withoutDate(viaSync as WatsError)).toEqual(withoutDate(viaAsync as WatsError));
    expect((viaSync as WatsError).correlationId).toBe("corr-same");
    expect(viaSync).toMatchObject(fields);
    expect((viaSync as WatsError).url).toContain("/api/Product/CBL-7");
  });

  it("404 without any fault", async () => {
    const { viaAsync, viaSync } = await bothSides([], { partNumber: "no-such-part" });
    expect(viaSync).toBeInstanceOf(WatsNotFoundError);
    expect(withoutDate(viaSync as WatsError)).toEqual(withoutDate(viaAsync as WatsError));
    expect((viaSync as WatsError).status).toBe(404);
    expect((viaSync as WatsError).body).toBeDefined();
    // The rebuilt error's stack: the engine's frames, then the sync call's own frames (this file).
    expect(viaSync.stack).toContain("engine worker, called from");
    expect(viaSync.stack?.split("engine worker, called from")[1]).toContain("errors.test.ts");
  });

  it("the caller's frames start at the caller: none of the facade's own (call and withResponse)", () => {
    for (const run of [
      () => sync.product.getProduct({ partNumber: "no-such-part" }),
      () => sync.product.getProduct.withResponse({ partNumber: "no-such-part" }),
    ]) {
      const error = caught(run);
      expect(error).toBeInstanceOf(WatsNotFoundError);
      const callerFrames = error.stack?.split("engine worker, called from ---\n")[1] ?? "";
      expect(callerFrames.split("\n")[0]).toContain("errors.test.ts");
      expect(callerFrames).not.toMatch(/facade\.ts|engine-client\.ts/);
    }
  });

  it("the call's own time limit (hanging server), reported by the engine's transport", async () => {
    const { viaAsync, viaSync } = await bothSides([{ kind: "hang", match, times: 4 }], {
      partNumber: "CBL-7",
      timeoutMs: 300,
    });
    expect(viaSync).toBeInstanceOf(WatsTimeoutError);
    expect((viaSync as WatsError).operation).toBe((viaAsync as WatsError).operation);
    expect((viaSync as WatsError).url).toBe((viaAsync as WatsError).url);
    expect((viaSync as WatsError).correlationId).toBe("corr-same");
    // The engine answered in time, so it was not replaced.
    expect(sync.engine.starts).toBe(1);
  });

  it("a call without options is bounded by the facade's timeoutMs, applied by the engine's transport", async () => {
    const limited = createSyncWats({ ...options(), timeoutMs: 300 });
    try {
      await sim.addFault({ kind: "hang", match, times: 4 });
      const error = caught(() => limited.product.getProduct({ partNumber: "CBL-7" }));
      expect(error).toBeInstanceOf(WatsTimeoutError);
      // The transport's own message: the engine's Wats had the limit, so the engine answered in time.
      expect(error.message).toContain("no answer within 300 ms");
      expect(limited.engine.starts).toBe(1);
    } finally {
      await sim.clearFaults();
      limited.close();
    }
  });

  it("an open circuit", async () => {
    const breakerOptions = {
      ...options(),
      retry: false as const,
      breaker: { failureThreshold: 1, minimumCalls: 1 },
    };
    const syncTripped = createSyncWats(breakerOptions);
    const asyncTripped = new Wats(breakerOptions);
    try {
      await sim.addFault({ kind: "status", status: 503, times: 2, match });
      await caughtAsync(() => asyncTripped.product.getProduct({ partNumber: "CBL-7" }));
      caught(() => syncTripped.product.getProduct({ partNumber: "CBL-7" }));
      const viaAsync = await caughtAsync(() => asyncTripped.product.getProduct({ partNumber: "CBL-7" }));
      const viaSync = caught(() => syncTripped.product.getProduct({ partNumber: "CBL-7" }));
      expect(viaSync).toBeInstanceOf(WatsCircuitOpenError);
      expect(viaAsync).toBeInstanceOf(WatsCircuitOpenError);
      expect((viaSync as WatsError).retryAfterMs).toBeGreaterThan(0);
    } finally {
      await sim.clearFaults();
      syncTripped.close();
      await asyncTripped.close();
    }
  });

  it("a listing that never ends", async () => {
    const viaAsync = await caughtAsync(() =>
      wats.product.paginateGetProducts({}, { pageSize: 1, runawayPages: 1 }).toArray(),
    );
    const viaSync = caught(() =>
      sync.product.paginateGetProducts({}, { pageSize: 1, runawayPages: 1 }).toArray(),
    );
    expect(viaSync).toBeInstanceOf(WatsPaginationError);
    expect(viaSync.message).toBe(viaAsync.message);
  });

  it("invalid configuration, found by the engine's Wats", () => {
    const viaAsync = caught(() => new Wats({ baseUrl: "not a url", token: "" }));
    const viaSync = caught(() => createSyncWats({ baseUrl: "not a url", token: "" }));
    expect(viaSync).toBeInstanceOf(WatsConfigError);
    expect((viaSync as WatsConfigError).issues).toEqual((viaAsync as WatsConfigError).issues);
    expect(viaSync.message).toBe(viaAsync.message);
  });

  it("a plain TypeError from the engine (bad correlation id) stays a TypeError", async () => {
    const viaAsync = await caughtAsync(() =>
      wats.product.getProduct({ partNumber: "CBL-7" }, { correlationId: "has spaces" }),
    );
    const viaSync = caught(() =>
      sync.product.getProduct({ partNumber: "CBL-7" }, { correlationId: "has spaces" }),
    );
    expect(viaSync).toBeInstanceOf(TypeError);
    expect(viaSync.message).toBe(viaAsync.message);
  });

  it("options that cannot cross are refused up front, naming the field", () => {
    const error = caught(() =>
      createSyncWats({ ...options(), throttle: { now: () => 0 } } as unknown as Parameters<
        typeof createSyncWats
      >[0]),
    );
    expect(error).toBeInstanceOf(WatsConfigError);
    expect(error.message).toContain("throttle");
    const signal = caught(() =>
      sync.product.getProduct({ partNumber: "CBL-7" }, { signal: AbortSignal.timeout(10) } as never),
    );
    expect(signal).toBeInstanceOf(TypeError);
    expect(signal.message).toContain("timeoutMs");
    const fn = caught(() => sync.product.getProduct({ partNumber: "CBL-7", extra: () => 1 } as never));
    expect(fn).toBeInstanceOf(WatsEngineError);
    expect((fn as WatsEngineError).reason).toBe("uncloneable");
    expect(fn.message).toContain("product.getProduct");
    // Nothing was sent, and the facade carries on.
    expect(sync.product.getProduct({ partNumber: "CBL-7" })).toMatchObject({ partNumber: "CBL-7" });
  });
});
