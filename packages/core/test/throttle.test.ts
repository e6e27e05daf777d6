import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WatsAbortError, WatsTimeoutError } from "../src/errors.js";
import { Throttle } from "../src/throttle.js";
import { getProduct, testTransport, track, useFakeClock } from "./helpers.js";

const params = { partNumber: "PN-1" };

describe("Throttle (fake clock)", () => {
  beforeEach(useFakeClock);
  afterEach(() => vi.useRealTimers());

  async function grantTimes(throttle: Throttle, count: number, advanceMs: number): Promise<number[]> {
    const start = performance.now();
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const waiting = throttle.acquire();
      if (waiting) void waiting.then(() => times.push(performance.now() - start));
      else times.push(performance.now() - start);
    }
    await vi.advanceTimersByTimeAsync(advanceMs);
    return times;
  }

  it("never lets more than `limit` requests start within any window", async () => {
    const throttle = new Throttle({ limit: 3, windowMs: 1_000 });
    const times = await grantTimes(throttle, 10, 5_000);
    expect(times).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 3_000]);
    for (let i = 0; i + 3 < times.length; i++) {
      expect((times[i + 3] as number) - (times[i] as number)).toBeGreaterThanOrEqual(1_000);
    }
  });

  it("slides: a slot frees exactly one window after the request that used it", async () => {
    const throttle = new Throttle({ limit: 2, windowMs: 1_000 });
    expect(throttle.acquire()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(400);
    expect(throttle.acquire()).toBeUndefined();
    const third = track(throttle.acquire() as Promise<void>);
    const fourth = track(throttle.acquire() as Promise<void>);
    await vi.advanceTimersByTimeAsync(599);
    expect(third.result().done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third.result().done).toBe(true);
    expect(fourth.result().done).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(fourth.result().done).toBe(true);
  });

  it("keeps timers running while requests wait", async () => {
    const throttle = new Throttle({ limit: 1, windowMs: 1_000 });
    throttle.acquire();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 100);
    const waiting = track(throttle.acquire() as Promise<void>);
    await vi.advanceTimersByTimeAsync(999);
    expect(ticks).toBe(9);
    expect(waiting.result().done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.result().done).toBe(true);
    clearInterval(interval);
  });

  it("drops an aborted waiter without using its slot, and keeps FIFO order", async () => {
    const throttle = new Throttle({ limit: 1, windowMs: 1_000 });
    throttle.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const a = throttle.acquire(controller.signal)?.then(() => order.push("a"));
    const b = throttle.acquire()?.then(() => order.push("b"));
    const c = throttle.acquire()?.then(() => order.push("c"));
    controller.abort(new Error("stop"));
    await expect(a).rejects.toThrow("stop");
    expect(throttle.stats().waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(order).toEqual(["b"]);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([b, c]);
    expect(order).toEqual(["b", "c"]);
  });

  it("reports stats", async () => {
    const throttle = new Throttle({ limit: 2, windowMs: 1_000 });
    await grantTimes(throttle, 5, 2_500);
    expect(throttle.stats()).toEqual({
      limit: 2,
      windowMs: 1_000,
      inWindow: 1,
      waiting: 0,
      granted: 5,
      delayed: 3,
      totalWaitMs: 1_000 + 1_000 + 2_000,
      maxWaitMs: 2_000,
    });
  });

  it("throttles the transport's requests", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      throttle: { limit: 2, windowMs: 1_000 },
    });
    const calls = Array.from({ length: 5 }, () => track(transport.call(getProduct, { params })));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.every((c) => c.result().done)).toBe(true);
    expect(sent.map((r) => Math.round(r.at - (sent[0]?.at ?? 0)))).toEqual([0, 0, 1_000, 1_000, 2_000]);
    expect(transport.metrics().throttle).toMatchObject({ waiting: 0, granted: 5, delayed: 3 });
  });

  it("counts every attempt: a retry waits for a slot like any request", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { transport, sent } = testTransport([{ status: 503 }, { status: 200, body: {} }], {
      throttle: { limit: 1, windowMs: 1_000 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(call.result().error).toBeUndefined();
    vi.restoreAllMocks();
  });

  it("honours abort and the call's time limit while a call waits at the throttle", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      throttle: { limit: 1, windowMs: 1_000 },
    });
    await transport.call(getProduct, { params });
    const controller = new AbortController();
    const aborted = track(transport.call(getProduct, { params }, { signal: controller.signal }));
    const timed = track(transport.call(getProduct, { params }, { timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    await vi.advanceTimersByTimeAsync(50);
    expect(aborted.result().error).toBeInstanceOf(WatsAbortError);
    expect(timed.result().error).toBeInstanceOf(WatsTimeoutError);
    expect(timed.result().error).toMatchObject({ attempts: 0 });
    expect(sent).toHaveLength(1);
    expect(transport.metrics().throttle).toMatchObject({ waiting: 0, granted: 1 });
  });

  it("fails waiting calls when the transport closes", async () => {
    const { transport } = testTransport([{ status: 200, body: {} }], {
      throttle: { limit: 1, windowMs: 60_000 },
    });
    await transport.call(getProduct, { params });
    const waiting = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(10);
    await transport.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.result().error).toMatchObject({ message: expect.stringContaining("closed") });
    await expect(transport.call(getProduct, { params })).rejects.toThrow("closed");
  });
});

describe("Throttle (real timers)", () => {
  it("waits on a timer: other callbacks run while a request waits for its slot", async () => {
    const throttle = new Throttle({ limit: 1, windowMs: 150 });
    throttle.acquire();
    let ticks = 0;
    const interval = setInterval(() => ticks++, 5);
    const order: string[] = [];
    setTimeout(() => order.push("timer"), 1);
    await throttle.acquire();
    order.push("granted");
    clearInterval(interval);
    // A blocking wait would have held every timer back until the slot freed.
    expect(order).toEqual(["timer", "granted"]);
    expect(ticks).toBeGreaterThan(0);
  });
});
