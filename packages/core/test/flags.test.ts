import { describe, expect, it } from "vitest";
import { combineFlags, flagNames, hasAnyFlag, hasFlag } from "../src/flags.js";

const Status = { Open: 1, InProgress: 2, OnHold: 4, Solved: 8 } as const;

describe("flag helpers", () => {
  it("combine members into one value and test it", () => {
    const value = combineFlags(Status.Open, Status.Solved);
    expect(value).toBe(9);
    expect(hasFlag(value, Status.Solved)).toBe(true);
    expect(hasFlag(value, Status.InProgress)).toBe(false);
    expect(hasFlag(value, combineFlags(Status.Open, Status.Solved))).toBe(true);
    expect(hasFlag(value, combineFlags(Status.Open, Status.OnHold))).toBe(false);
    expect(hasAnyFlag(value, combineFlags(Status.Open, Status.OnHold))).toBe(true);
    expect(hasAnyFlag(value, Status.OnHold)).toBe(false);
    expect(hasFlag(null, Status.Open)).toBe(false);
    expect(combineFlags()).toBe(0);
  });

  it("name the members a value has, in the enum's order, ignoring unknown bits", () => {
    expect(flagNames(Status, 9)).toEqual(["Open", "Solved"]);
    expect(flagNames(Status, 64 | 2)).toEqual(["InProgress"]);
    expect(flagNames(Status, 0)).toEqual([]);
  });

  it("refuse values that are not flags, naming which", () => {
    expect(() => combineFlags(1, 2.5)).toThrow("flag 2 must be a non-negative integer, not 2.5");
    expect(() => hasFlag(-1, Status.Open)).toThrow(/value must be a non-negative integer/);
    expect(() => flagNames(Status, Number.NaN)).toThrow(/not NaN/);
  });
});
