import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../src/backoff.js";

describe("backoffDelay (full jitter)", () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("draws below a ceiling that doubles per retry up to the cap", () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, options, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.25)).toBe(100);
  });

  it("stays finite for huge retry numbers", () => {
    expect(backoffDelay(10_000, options, () => 0.5)).toBe(500);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");

  it("reads delta seconds", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("1.5", now)).toBe(1_500);
  });

  it("reads an HTTP date, relative to now, never negative", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:07 GMT", now)).toBe(7_000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:59:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    for (const value of [null, undefined, "", "soon", "-5", "1e3"])
      expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
