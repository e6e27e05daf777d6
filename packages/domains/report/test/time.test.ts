import { describe, expect, it } from "vitest";
import {
  assertTimeZone,
  formatDateTime,
  parseDateTime,
  sameInstant,
  toUtcText,
  toWatsDateTime,
} from "../src/index.js";
import { dateTimeProblem } from "../src/time.js";

describe("WSJF timestamps", () => {
  it("parses 0-7 fractional digits and offsets", () => {
    expect(parseDateTime("2026-01-30T22:01:41.4707353+01:00")).toEqual({
      epochMs: Date.UTC(2026, 0, 30, 21, 1, 41, 470),
      fraction: "4707353",
      offsetMinutes: 60,
    });
    expect(parseDateTime("2026-01-30T22:01:41Z")?.offsetMinutes).toBe(0);
    expect(parseDateTime("2026-01-30T22:01:41-03:30")?.offsetMinutes).toBe(-210);
    expect(parseDateTime("2026-01-30T22:01:41")?.offsetMinutes).toBeUndefined();
    expect(parseDateTime("2026-02-30T00:00:00Z")).toBeUndefined();
    expect(parseDateTime("2024-02-29T00:00:00Z")).toBeDefined();
    expect(parseDateTime("yesterday")).toBeUndefined();
  });

  it("derives the UTC text keeping every digit, and compares instants to 100 ns", () => {
    expect(toUtcText("2026-01-30T22:01:41.4707353+01:00")).toBe("2026-01-30T21:01:41.4707353Z");
    expect(toUtcText("2026-01-01T00:30:00+05:45")).toBe("2025-12-31T18:45:00Z");
    expect(toUtcText("2026-01-01T00:30:00")).toBeUndefined();
    expect(sameInstant("2026-01-30T22:01:41.4707353+01:00", "2026-01-30T21:01:41.4707353Z")).toBe(true);
    expect(sameInstant("2026-01-30T22:01:41.4707353+01:00", "2026-01-30T21:01:41.4707354Z")).toBe(false);
    expect(sameInstant("2026-01-30T22:01:41", "2026-01-30T22:01:41")).toBe(false);
  });

  it("formats local time with the zone's offset, across DST", () => {
    expect(formatDateTime(new Date("2026-03-29T00:59:59.999Z"), "Europe/Oslo")).toBe(
      "2026-03-29T01:59:59.999+01:00",
    );
    expect(formatDateTime(new Date("2026-03-29T01:00:00.000Z"), "Europe/Oslo")).toBe(
      "2026-03-29T03:00:00.000+02:00",
    );
    expect(formatDateTime(new Date("2026-06-01T00:00:00Z"), "UTC")).toBe("2026-06-01T00:00:00.000+00:00");
    expect(toWatsDateTime("2026-10-25T12:00:00", "Europe/Oslo")).toBe("2026-10-25T12:00:00+01:00");
    expect(toWatsDateTime("2026-01-30T22:01:41.4707353+01:00")).toBe("2026-01-30T22:01:41.4707353+01:00");
    expect(() => toWatsDateTime("soon")).toThrow(RangeError);
  });

  it("reuses one formatter per zone and still refuses an unknown zone every time", () => {
    // Summer and winter through the same cached zone: the cache keys on the zone, not the offset.
    expect(toWatsDateTime("2026-07-01T12:00:00", "Europe/Oslo")).toBe("2026-07-01T12:00:00+02:00");
    expect(toWatsDateTime("2026-01-01T12:00:00", "Europe/Oslo")).toBe("2026-01-01T12:00:00+01:00");
    expect(toWatsDateTime("2026-01-01T12:00:00", "America/New_York")).toBe("2026-01-01T12:00:00-05:00");
    expect(() => assertTimeZone("Mars/Olympus")).toThrow(RangeError);
    expect(() => toWatsDateTime("2026-01-01T12:00:00", "Mars/Olympus")).toThrow(RangeError);
    expect(() => assertTimeZone("Europe/Oslo")).not.toThrow();
  });

  it("names what is wrong with a date-time (fast path and slow path agree)", () => {
    expect(dateTimeProblem("2026-01-30T22:01:41.4707353+01:00")).toBeUndefined();
    expect(dateTimeProblem("2026-01-30T22:01:41Z")).toBeUndefined();
    expect(dateTimeProblem("2026-01-30T22:01:41")).toBe("offset");
    expect(dateTimeProblem("2026-01-30T22:01:41.12345678Z")).toBe("format");
    expect(dateTimeProblem("2026-13-30T22:01:41Z")).toBe("format");
    expect(dateTimeProblem("2026-01-30T22:01Z")).toBeUndefined();
    expect(dateTimeProblem("1970-01-01T00:30:00+01:00")).toBe("range");
    expect(dateTimeProblem("1970-01-01T00:30:00Z")).toBeUndefined();
    expect(dateTimeProblem(" 2026-01-30T22:01:41Z ")).toBeUndefined();
  });
});
