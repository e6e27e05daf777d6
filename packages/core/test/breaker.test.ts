import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FetchLike } from "../src/attempts.js";
import { type BreakerStateChange, CircuitBreaker } from "../src/breaker.js";
import { WatsCircuitOpenError, WatsNotFoundError, WatsServerError } from "../src/errors.js";
import { HttpTransport } from "../src/transport.js";
import { BASE, CANARY, connectionRefused, getProduct, track, useFakeClock } from "./helpers.js";

const params = { partNumber: "PN-1" };

describe("CircuitBreaker", () => {
  let t = 0;
  const now = () => t;
  let changes: BreakerStateChange[];
  const make = (options = {}) =>
    new CircuitBreaker(
      "https://wats.example.test",
      { failureThreshold: 3, minimumCalls: 3, windowMs: 1_000, openMs: 5_000, ...options },
      (change) => changes.push(change),
      now,
    );
  beforeEach(() => {
    t = 0;
    changes = [];
  });

  const fail = (breaker: CircuitBreaker) => breaker.onFailure(breaker.acquire());
  const succeed = (breaker: CircuitBreaker) => breaker.onSuccess(breaker.acquire());

  it("opens on the threshold-th failure within the window, not before", () => {
    const breaker = make();
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe("closed");
    fail(breaker);
    expect(breaker.state).toBe("open");
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["closed->open"]);
    expect(changes[0]).toMatchObject({
      origin: "https://wats.example.test",
      reason: "3 failures within 1000 ms",
    });
  });

  it("does not open when the failures are spread wider than the window", () => {
    const breaker = make();
    fail(breaker);
    t = 600;
    fail(breaker);
    t = 1_200;
    fail(breaker);
    expect(breaker.state).toBe("closed");
    t = 1_300;
    fail(breaker);
    expect(breaker.state).toBe("open");
  });

  it("needs the minimum number of calls within the window", () => {
    const breaker = make({ failureThreshold: 2, minimumCalls: 5 });
    fail(breaker);
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe("closed");
    succeed(breaker);
    fail(breaker);
    expect(breaker.state).toBe("open");
  });

  it("refuses while open with the time left, then lets one probe through", () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) fail(breaker);
    t = 1_500;
    expect(breaker.acquire()).toEqual({ granted: false, retryAfterMs: 3_500 });
    expect(breaker.peek()).toBe(3_500);
    t = 5_000;
    const probe = breaker.acquire();
    expect(probe).toMatchObject({ granted: true, probe: true });
    expect(breaker.state).toBe("half-open");
    expect(breaker.acquire()).toMatchObject({ granted: false });
    breaker.onSuccess(probe);
    expect(breaker.state).toBe("closed");
    expect(changes.map((c) => c.to)).toEqual(["open", "half-open", "closed"]);
  });

  it("opens again for a full period when a probe fails", () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) fail(breaker);
    t = 5_000;
    breaker.onFailure(breaker.acquire());
    expect(breaker.state).toBe("open");
    t = 9_999;
    expect(breaker.acquire()).toEqual({ granted: false, retryAfterMs: 1 });
    t = 10_000;
    expect(breaker.acquire()).toMatchObject({ granted: true, probe: true });
  });

  it("with several probes, closes only when all of them succeeded", () => {
    const breaker = make({ halfOpenProbes: 2 });
    for (let i = 0; i < 3; i++) fail(breaker);
    t = 5_000;
    const a = breaker.acquire();
    const b = breaker.acquire();
    expect([a.granted, b.granted, breaker.acquire().granted]).toEqual([true, true, false]);
    breaker.onSuccess(a);
    expect(breaker.state).toBe("half-open");
    breaker.onSuccess(b);
    expect(breaker.state).toBe("closed");
  });

  it("frees the probe slot of an aborted call without judging the server", () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) fail(breaker);
    t = 5_000;
    const probe = breaker.acquire();
    breaker.onNeutral(probe);
    expect(breaker.state).toBe("half-open");
    expect(breaker.acquire()).toMatchObject({ granted: true, probe: true });
  });

  it("ignores outcomes of calls let through before a state change", () => {
    const breaker = make();
    const early = breaker.acquire();
    for (let i = 0; i < 3; i++) fail(breaker);
    t = 5_000;
    breaker.acquire(); // the probe, still in flight
    breaker.onSuccess(early);
    expect(breaker.state).toBe("half-open");
  });

  it("reports its state in snapshot()", () => {
    const breaker = make();
    fail(breaker);
    succeed(breaker);
    expect(breaker.snapshot()).toMatchObject({ state: "closed", failuresInWindow: 1, callsInWindow: 2 });
    fail(breaker);
    fail(breaker);
    t = 1_000;
    expect(breaker.snapshot()).toMatchObject({ state: "open", retryAfterMs: 4_000 });
  });
});

/** A fetch whose answer the test changes as it goes, counting requests. */
function switchableFetch() {
  const state = { status: 503 as number | "refuse" | "hang", requests: 0 };
  const fetch: FetchLike = async (_url, init) => {
    state.requests++;
    if (state.status === "refuse") throw connectionRefused();
    if (state.status === "hang") {
      return new Promise<Response>((_, reject) =>
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }),
      );
    }
    return new Response(state.status === 200 ? "{}" : "", { status: state.status });
  };
  return { fetch, state };
}

describe("the transport's breaker", () => {
  beforeEach(useFakeClock);
  afterEach(() => vi.useRealTimers());

  const create = (fetch: FetchLike, retry: false | object = false) =>
    new HttpTransport({
      baseUrl: BASE,
      token: CANARY,
      fetch,
      logger: false,
      throttle: false,
      retry: retry === false ? false : { budget: false, ...retry },
      breaker: { failureThreshold: 3, minimumCalls: 3, windowMs: 10_000, openMs: 5_000 },
    });

  it("opens after 3 failing requests, fails fast, probes once, closes, with exact request counts", async () => {
    const { fetch, state } = switchableFetch();
    const transport = create(fetch);
    const changes: string[] = [];
    transport.breakers?.on("stateChange", (c) => changes.push(`${c.from}->${c.to}`));

    for (let i = 0; i < 3; i++) {
      await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsServerError);
    }
    expect(state.requests).toBe(3);

    const refused = transport.call(getProduct, { params });
    await expect(refused).rejects.toBeInstanceOf(WatsCircuitOpenError);
    await expect(refused).rejects.toMatchObject({ retryAfterMs: 5_000, attempts: 0 });
    expect(state.requests).toBe(3);

    vi.advanceTimersByTime(5_000);
    // half-open: the probe goes out and fails -> open again
    await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsServerError);
    expect(state.requests).toBe(4);
    await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsCircuitOpenError);
    expect(state.requests).toBe(4);

    vi.advanceTimersByTime(5_000);
    state.status = 200;
    await expect(transport.call(getProduct, { params })).resolves.toEqual({});
    expect(state.requests).toBe(5);
    await transport.call(getProduct, { params });
    expect(state.requests).toBe(6);

    expect(changes).toEqual([
      "closed->open",
      "open->half-open",
      "half-open->open",
      "open->half-open",
      "half-open->closed",
    ]);
    expect(transport.metrics().breakerTransitions).toEqual({
      "closed->open": 1,
      "open->half-open": 2,
      "half-open->open": 1,
      "half-open->closed": 1,
    });
    expect(transport.breakers?.snapshot()).toEqual([
      expect.objectContaining({ origin: BASE, state: "closed" }),
    ]);
  });

  it("lets only one probe through while half-open; the others fail at once", async () => {
    const { fetch, state } = switchableFetch();
    const transport = create(fetch);
    for (let i = 0; i < 3; i++) await transport.call(getProduct, { params }).catch(() => {});
    vi.advanceTimersByTime(5_000);
    state.status = "hang";
    const probe = track(transport.call(getProduct, { params }, { timeoutMs: 1_000 }));
    await vi.advanceTimersByTimeAsync(0);
    const others = await Promise.allSettled([
      transport.call(getProduct, { params }),
      transport.call(getProduct, { params }),
    ]);
    expect(others.map((o) => o.status === "rejected" && WatsCircuitOpenError.is(o.reason))).toEqual([
      true,
      true,
    ]);
    expect(state.requests).toBe(4);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe.result().done).toBe(true);
    // the probe timed out: a failure, so the breaker is open again
    expect(transport.breakers?.snapshot()[0]?.state).toBe("open");
  });

  it("does not count 4xx answers (429 included) as failures", async () => {
    const { fetch, state } = switchableFetch();
    const transport = create(fetch);
    for (const status of [404, 400, 429, 409, 404, 401, 403, 422]) {
      state.status = status;
      await transport.call(getProduct, { params }).catch(() => {});
    }
    expect(state.requests).toBe(8);
    expect(transport.breakers?.snapshot()[0]?.state).toBe("closed");
    state.status = 404;
    await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsNotFoundError);
  });

  it("counts connection errors and timeouts as failures", async () => {
    const { fetch, state } = switchableFetch();
    const transport = create(fetch);
    state.status = "refuse";
    await transport.call(getProduct, { params }).catch(() => {});
    await transport.call(getProduct, { params }).catch(() => {});
    state.status = "hang";
    const timedOut = track(transport.call(getProduct, { params }, { timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(timedOut.result().done).toBe(true);
    expect(transport.breakers?.snapshot()[0]?.state).toBe("open");
  });

  it("stops a retrying call when the breaker opens under it, with the last error as cause", async () => {
    const { fetch, state } = switchableFetch();
    const transport = create(fetch, { maxAttempts: 5, baseDelayMs: 10 });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(1_000);
    const { error } = call.result();
    expect(error).toBeInstanceOf(WatsCircuitOpenError);
    expect(error).toMatchObject({ attempts: 3 });
    expect((error as Error).cause).toBeInstanceOf(WatsServerError);
    expect(state.requests).toBe(3);
  });

  it("can be turned off", async () => {
    const { fetch, state } = switchableFetch();
    const transport = new HttpTransport({
      baseUrl: BASE,
      token: CANARY,
      fetch,
      logger: false,
      retry: false,
      breaker: false,
    });
    for (let i = 0; i < 20; i++) await transport.call(getProduct, { params }).catch(() => {});
    expect(state.requests).toBe(20);
    expect(transport.breakers).toBeUndefined();
  });
});
