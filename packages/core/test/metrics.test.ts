import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FetchLike } from "../src/attempts.js";
import { bucketIndex, LATENCY_BUCKETS_MS } from "../src/metrics.js";
import { HttpTransport } from "../src/transport.js";
import { BASE, CANARY, getProduct, track, useFakeClock } from "./helpers.js";

describe("metrics", () => {
  beforeEach(() => {
    useFakeClock();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("counts calls per operation: ok, errors by class, retries, and latency buckets", async () => {
    // answers after a fake delay given by the part number: "200:30" = status 200 after 30 ms
    const fetch: FetchLike = async (url) => {
      const [status, delay] = decodeURIComponent(url.split("/").at(-1) ?? "")
        .split(":")
        .map(Number);
      await new Promise((resolve) => setTimeout(resolve, delay));
      return new Response(status === 200 ? "{}" : "", { status });
    };
    const transport = new HttpTransport({
      baseUrl: BASE,
      token: CANARY,
      fetch,
      logger: false,
      breaker: false,
      throttle: false,
      retry: { maxAttempts: 2, baseDelayMs: 100, budget: false },
    });
    const run = async (partNumber: string) => {
      const call = track(transport.call(getProduct, { params: { partNumber } }));
      await vi.advanceTimersByTimeAsync(10_000);
      return call.result();
    };
    await run("200:30");
    await run("200:30");
    await run("200:700");
    await run("404:0");
    await run("503:10");

    const snapshot = transport.metrics();
    const op = snapshot.operations.getProduct;
    expect(op).toMatchObject({
      calls: 5,
      ok: 3,
      retries: 1,
      errors: { WatsNotFoundError: 1, WatsServerError: 1 },
    });
    const counts = op?.latency.counts ?? [];
    expect(counts[bucketIndex(30)]).toBe(2);
    expect(counts[bucketIndex(700)]).toBe(1);
    expect(counts[0]).toBe(1); // the 404, at once
    expect(counts[bucketIndex(10 + 50 + 10)]).toBe(1); // 503, wait 50, 503
    expect(op?.latency).toMatchObject({ count: 5, maxMs: 700, sumMs: 30 + 30 + 700 + 0 + 70 });
    expect(snapshot.totals).toEqual({ calls: 5, ok: 3, errors: 2, retries: 1 });
    expect(snapshot.breakers).toEqual([]);
    expect(snapshot.throttle).toBeUndefined();
  });

  it("has fixed, increasing bucket bounds with an overflow bucket", () => {
    expect([...LATENCY_BUCKETS_MS]).toEqual([...LATENCY_BUCKETS_MS].sort((a, b) => a - b));
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(5)).toBe(0);
    expect(bucketIndex(5.1)).toBe(1);
    expect(bucketIndex(1e9)).toBe(LATENCY_BUCKETS_MS.length);
  });
});
