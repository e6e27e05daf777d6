import { describe, expect, it } from "vitest";
import { mapConcurrent } from "../src/batch.js";
import { WatsAbortError, WatsNotFoundError } from "../src/errors.js";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("mapConcurrent", () => {
  it("returns results in input order, whatever order they finish in", async () => {
    const delays = [30, 5, 20, 1, 10, 0, 25];
    const results = await mapConcurrent(
      delays,
      async (ms, i) => {
        await tick(ms);
        return `${i}:${ms}`;
      },
      { concurrency: 3 },
    );
    expect(results).toEqual(delays.map((ms, i) => ({ ok: true, value: `${i}:${ms}` })));
  });

  it("never runs more than `concurrency` at once, and uses all of it", async () => {
    let running = 0;
    let peak = 0;
    await mapConcurrent(
      Array.from({ length: 40 }, (_, i) => i),
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        await tick(i % 3);
        running--;
      },
      { concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(running).toBe(0);
  });

  it("keeps going past failures, each a typed error in its slot", async () => {
    const results = await mapConcurrent(
      ["a", "missing", "c", "boom", "e"],
      async (name) => {
        if (name === "missing") throw new WatsNotFoundError("no such product", { status: 404 });
        if (name === "boom") throw "a string";
        return name.toUpperCase();
      },
      { concurrency: 2 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true]);
    const [, missing, , boom] = results;
    expect(missing?.ok === false && missing.error).toBeInstanceOf(WatsNotFoundError);
    expect(boom?.ok === false && boom.error.message).toContain("a string");
    expect(results[4]).toEqual({ ok: true, value: "E" });
  });

  it("stops starting items once aborted; those end as WatsAbortError", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const results = await mapConcurrent(
      [0, 1, 2, 3, 4, 5],
      async (i, _index, signal) => {
        started.push(i);
        expect(signal).toBe(controller.signal);
        if (i === 1) controller.abort();
        await tick(1);
        return i;
      },
      { concurrency: 2, signal: controller.signal },
    );
    expect(started).toEqual([0, 1]);
    expect(results.slice(0, 2)).toEqual([
      { ok: true, value: 0 },
      { ok: true, value: 1 },
    ]);
    for (const r of results.slice(2)) expect(r.ok === false && r.error).toBeInstanceOf(WatsAbortError);
  });

  it("handles empty input, iterables and bad concurrency", async () => {
    expect(await mapConcurrent([], async () => 1)).toEqual([]);
    const set = new Set([1, 2, 3]);
    expect(await mapConcurrent(set, (n) => n * 2)).toEqual([2, 4, 6].map((value) => ({ ok: true, value })));
    await expect(mapConcurrent([1], async () => 1, { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
