import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withCorrelationId } from "../src/correlation.js";
import {
  WatsAbortError,
  WatsConnectionError,
  WatsRateLimitError,
  WatsServerError,
  WatsTimeoutError,
} from "../src/errors.js";
import { resolveRetryOptions } from "../src/retry.js";
import { RetryBudget, sharedRetryBudget } from "../src/retry-budget.js";
import { HttpTransport } from "../src/transport.js";
import {
  BASE,
  CANARY,
  connectionRefused,
  connectionReset,
  deleteProduct,
  gaps,
  getProduct,
  headProduct,
  postReport,
  postThing,
  putProduct,
  scriptedFetch,
  testTransport,
  track,
  useFakeClock,
} from "./helpers.js";

const params = { partNumber: "PN-1" };

beforeEach(() => {
  useFakeClock();
  // Full jitter draws uniformly below the ceiling; pin the draw to half the ceiling.
  vi.spyOn(Math, "random").mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("which failures are retried", () => {
  it.each([408, 429, 500, 502, 503, 504])(
    "retries %i with exponential backoff and full jitter",
    async (status) => {
      const { transport, sent } = testTransport([{ status }], {
        retry: { maxAttempts: 4, baseDelayMs: 100 },
      });
      const call = track(transport.call(getProduct, { params }));
      await vi.advanceTimersByTimeAsync(2_000);
      expect(call.result().done).toBe(true);
      expect(sent).toHaveLength(4);
      // ceilings 100, 200, 400; the draw is 0.5 of each
      expect(gaps(sent)).toEqual([50, 100, 200]);
      expect(call.result().error).toMatchObject({ status, attempts: 4 });
    },
  );

  it.each([400, 401, 403, 404, 409, 422, 501, 505])("does not retry %i", async (status) => {
    const { transport, sent } = testTransport([{ status }]);
    await expect(transport.call(getProduct, { params })).rejects.toMatchObject({ status, attempts: 1 });
    expect(sent).toHaveLength(1);
  });

  it("retries connection errors and returns the answer that finally comes", async () => {
    const { transport, sent } = testTransport([
      { error: connectionRefused() },
      { error: connectionRefused() },
      { status: 200, body: { partNumber: "PN-1" } },
    ]);
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result()).toMatchObject({ done: true, value: { partNumber: "PN-1" } });
    expect(sent).toHaveLength(3);
    expect(gaps(sent)).toEqual([50, 100]);
  });

  it("gives up after maxAttempts with the last error, attempts counted", async () => {
    const { transport, sent } = testTransport([{ error: connectionRefused() }], {
      retry: { maxAttempts: 3 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(1_000);
    const { error } = call.result();
    expect(error).toBeInstanceOf(WatsConnectionError);
    expect(error).toMatchObject({ attempts: 3, operation: "getProduct", method: "GET" });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(sent).toHaveLength(3);
  });

  it("retries an attempt that ran out of its own time limit", async () => {
    const { transport, sent } = testTransport(["hang", { status: 200, body: { ok: true } }], {
      retry: { attemptTimeoutMs: 1_000 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1 + 50);
    expect(sent[0]?.signal?.aborted).toBe(true);
    expect(sent).toHaveLength(2);
    expect(gaps(sent)).toEqual([1_050]);
    await vi.advanceTimersByTimeAsync(0);
    expect(call.result()).toMatchObject({ done: true, value: { ok: true } });
  });

  it("caps the backoff ceiling at maxDelayMs", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const { transport, sent } = testTransport([{ status: 503 }], {
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(call.result().done).toBe(true);
    expect(gaps(sent)).toEqual([99, 199, 299, 299, 299]);
  });

  it("makes a single attempt with retry: false", async () => {
    const { transport, sent } = testTransport([{ status: 503 }], { retry: false });
    await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsServerError);
    expect(sent).toHaveLength(1);
  });
});

describe("Retry-After", () => {
  it("waits the seconds the server asks for, without jitter", async () => {
    const { transport, sent } = testTransport([
      { status: 503, headers: { "retry-after": "3" } },
      { status: 200, body: { ok: true } },
    ]);
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(gaps(sent)).toEqual([3_000]);
    await vi.advanceTimersByTimeAsync(0);
    expect(call.result().value).toEqual({ ok: true });
  });

  it("waits until an HTTP date", async () => {
    const at = new Date(Date.now() + 7_000).toUTCString();
    const { transport, sent } = testTransport([
      { status: 429, headers: { "retry-after": at } },
      { status: 200, body: { ok: true } },
    ]);
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(call.result().value).toEqual({ ok: true });
    expect(gaps(sent)).toEqual([7_000]);
  });

  it("clamps a long Retry-After to maxRetryAfterMs", async () => {
    const { transport, sent } = testTransport(
      [
        { status: 503, headers: { "retry-after": "3600" } },
        { status: 200, body: {} },
      ],
      { retry: { maxRetryAfterMs: 2_000 } },
    );
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(call.result().done).toBe(true);
    expect(gaps(sent)).toEqual([2_000]);
  });

  it("does not wait past the call's deadline: the 429 is returned at once with retryAfterMs", async () => {
    const { transport, sent } = testTransport([{ status: 429, headers: { "retry-after": "120" } }], {
      timeoutMs: 10_000,
      retry: { maxRetryAfterMs: 300_000 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(0);
    const { done, error } = call.result();
    expect(done).toBe(true);
    expect(error).toBeInstanceOf(WatsRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 120_000, attempts: 1 });
    expect(sent).toHaveLength(1);
  });
});

describe("POST is retried only when idempotent", () => {
  it("sends a plain POST once when the attempt may have reached the server, and says the outcome is uncertain", async () => {
    for (const step of [{ status: 500 }, { status: 502 }, { status: 504 }, { error: connectionReset() }]) {
      const { transport, sent } = testTransport([step, { status: 200, body: {} }]);
      const call = track(transport.call(postThing, { body: { name: "x" } }));
      await vi.advanceTimersByTimeAsync(5_000);
      expect(call.result().done).toBe(true);
      expect(sent).toHaveLength(1);
      expect(call.result().error).toMatchObject({ outcomeUncertain: true, attempts: 1 });
      expect((call.result().error as Error).message).toContain("the outcome is uncertain");
    }
  });

  it("retries a plain POST after failures that prove it was not carried out: refused connection, 429, 503", async () => {
    for (const step of [{ status: 503 }, { status: 429 }, { error: connectionRefused() }]) {
      const { transport, sent } = testTransport([step, { status: 200, body: { ok: 1 } }]);
      const call = track(transport.call(postThing, { body: { name: "x" } }));
      await vi.advanceTimersByTimeAsync(5_000);
      expect(call.result()).toMatchObject({ done: true, value: { ok: 1 } });
      expect(sent).toHaveLength(2);
    }
  });

  it("treats a GET the operation marks as state-changing like a POST", async () => {
    const endTest = { ...getProduct, name: "endTest", stateChanging: true };
    const { transport, sent } = testTransport([{ status: 502 }, { status: 200, body: true }]);
    const call = track(transport.call(endTest, { params }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(call.result().error).toMatchObject({ status: 502, outcomeUncertain: true });
    expect(sent).toHaveLength(1);
  });

  it("does not call a refused read uncertain", async () => {
    const { transport } = testTransport([{ status: 500 }], { retry: false });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(0);
    expect(call.result().error).toMatchObject({ status: 500, outcomeUncertain: false });
  });

  it("retries an operation marked idempotent (report submission), re-sending the same body", async () => {
    const { transport, sent } = testTransport([
      { status: 503 },
      { error: connectionRefused() },
      { status: 200, body: {} },
    ]);
    const report = { id: "3f2a8c1e-0000-4000-8000-000000000001", pn: "PN-1", sn: "SN-1" };
    const call = track(transport.call(postReport, { body: report }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().done).toBe(true);
    expect(call.result().error).toBeUndefined();
    expect(sent).toHaveLength(3);
    for (const request of sent) {
      expect(request.method).toBe("POST");
      expect(JSON.parse(request.body ?? "")).toEqual(report);
    }
  });

  it("retries a POST given an idempotency key, sending the same key each time", async () => {
    const { transport, sent } = testTransport([{ status: 502 }, { status: 200, body: {} }]);
    const call = track(transport.call(postThing, { body: { name: "x" } }, { idempotencyKey: "create-x-1" }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().done).toBe(true);
    expect(sent.map((r) => r.headers["idempotency-key"])).toEqual(["create-x-1", "create-x-1"]);
    expect(sent.map((r) => r.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
  });

  it.each([
    ["PUT", putProduct, { body: { partNumber: "A" } }],
    ["DELETE", deleteProduct, { params }],
    ["HEAD", headProduct, { params }],
  ] as const)("retries %s", async (_method, op, input) => {
    const { transport, sent } = testTransport([{ status: 503 }, { status: 200, body: {} }]);
    const call = track(transport.call(op, input));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().error).toBeUndefined();
    expect(sent).toHaveLength(2);
  });
});

describe("retry budget", () => {
  it("stops retrying across transports once the shared bucket is empty", async () => {
    const budget = new RetryBudget({ capacity: 2, refillPerSecond: 0 });
    const a = scriptedFetch([{ status: 503 }]);
    const b = scriptedFetch([{ status: 503 }]);
    const options = {
      baseUrl: BASE,
      token: CANARY,
      logger: false as const,
      throttle: false as const,
      breaker: false as const,
    };
    const first = new HttpTransport({ ...options, fetch: a.fetch, retry: { maxAttempts: 5, budget } });
    const second = new HttpTransport({ ...options, fetch: b.fetch, retry: { maxAttempts: 5, budget } });

    const call1 = track(first.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(call1.result().error).toMatchObject({ attempts: 3 });
    expect(a.sent).toHaveLength(3);

    const call2 = track(second.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(call2.result().error).toMatchObject({ attempts: 1 });
    expect(b.sent).toHaveLength(1);
    expect(budget.stats()).toMatchObject({ granted: 2, refused: 2 });
    expect(second.metrics().operations.getProduct?.retryBudgetExhausted).toBe(1);
  });

  it("is one bucket per process by default", () => {
    expect(sharedRetryBudget()).toBe(sharedRetryBudget());
    expect(resolveRetryOptions(undefined).budget).toBe(sharedRetryBudget());
    expect(resolveRetryOptions({ budget: false }).budget).toBeUndefined();
    expect(resolveRetryOptions(false)).toMatchObject({ maxAttempts: 1, budget: undefined });
  });

  it("refills over time", () => {
    const budget = new RetryBudget({ capacity: 2, refillPerSecond: 1 });
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([true, true, false]);
    vi.advanceTimersByTime(999);
    expect(budget.tryAcquire()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.tryAcquire()).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(budget.available).toBe(2);
  });
});

describe("abort and the call's time limit", () => {
  it("stops during the backoff wait when the caller aborts, and sends nothing more", async () => {
    const { transport, sent } = testTransport([
      { status: 503, headers: { "retry-after": "10" } },
      { status: 200 },
    ]);
    const controller = new AbortController();
    const call = track(transport.call(getProduct, { params }, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().done).toBe(false);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(call.result().error).toBeInstanceOf(WatsAbortError);
    expect(call.result().error).toMatchObject({ attempts: 1 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("never retries after the caller aborted an attempt", async () => {
    const { transport, sent } = testTransport(["hang", { status: 200 }]);
    const controller = new AbortController();
    const call = track(transport.call(getProduct, { params }, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error("user pressed stop"));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(call.result().error).toBeInstanceOf(WatsAbortError);
    expect(sent).toHaveLength(1);
  });

  it("fails at once with a signal that is already aborted, sending nothing", async () => {
    const { transport, sent } = testTransport([{ status: 200 }]);
    await expect(
      transport.call(getProduct, { params }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(WatsAbortError);
    expect(sent).toHaveLength(0);
  });

  it("bounds the whole call, attempts and waits together, by timeoutMs", async () => {
    const { transport, sent } = testTransport(["hang"], {
      timeoutMs: 1_000,
      retry: { attemptTimeoutMs: 400, maxAttempts: 10 },
    });
    const call = track(transport.call(getProduct, { params }));
    // attempt 1: 0-400, wait 50, attempt 2: 450-850, wait 100, attempt 3: 950 until the deadline
    await vi.advanceTimersByTimeAsync(999);
    expect(call.result().done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { error } = call.result();
    expect(error).toBeInstanceOf(WatsTimeoutError);
    expect(error).toMatchObject({ attempts: 3 });
    expect((error as Error).message).toContain("1000 ms");
    expect(sent.map((r) => Math.round(r.at - (sent[0]?.at ?? 0)))).toEqual([0, 450, 950]);
  });

  it("does not start a wait that would outlast the deadline: returns the server's error instead", async () => {
    const { transport, sent } = testTransport([{ status: 503 }], {
      timeoutMs: 500,
      retry: { maxAttempts: 10 },
    });
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(500);
    // waits 50, 100, 200 fit; the next (400) would end after the 500 ms limit
    expect(gaps(sent)).toEqual([50, 100, 200]);
    expect(call.result().error).toBeInstanceOf(WatsServerError);
    expect(call.result().error).toMatchObject({ attempts: 4 });
  });

  it("removes its listener from a long-lived caller signal after every call", async () => {
    const { transport } = testTransport([{ status: 503 }, { status: 200, body: {} }]);
    const shared = new AbortController();
    for (let i = 0; i < 5; i++) {
      const call = track(transport.call(getProduct, { params }, { signal: shared.signal }));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(call.result().done).toBe(true);
    }
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
    // The transport's one deadline timer, not one per call; closing the transport clears it.
    expect(vi.getTimerCount()).toBe(1);
    await transport.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("attempt headers", () => {
  it("numbers attempts and keeps one correlation id across them", async () => {
    const { transport, sent } = testTransport([{ status: 503 }]);
    const call = track(transport.call(getProduct, { params }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.map((r) => r.headers["x-attempt"])).toEqual(["1", "2", "3"]);
    const ids = new Set(sent.map((r) => r.headers["x-correlation-id"]));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.result().error).toMatchObject({ correlationId: id });
  });

  it("uses the id set with withCorrelationId", async () => {
    const { transport, sent } = testTransport([{ status: 500 }, { status: 200, body: {} }]);
    const call = track(withCorrelationId("batch-42", () => transport.call(getProduct, { params })));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.result().done).toBe(true);
    expect(sent.map((r) => r.headers["x-correlation-id"])).toEqual(["batch-42", "batch-42"]);
  });
});
