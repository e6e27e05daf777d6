import { describe, expect, it } from "vitest";
import { evaluateNumeric, evaluateString, numericCompOp } from "../src/index.js";
import { allSteps, fixtureJson, type Json, UUT_FIXTURES } from "./support.js";

describe("compOp evaluation against the UUT fixtures", () => {
  it("reproduces the recorded status of all 311 numeric and string measurements", () => {
    let count = 0;
    const mismatches: string[] = [];
    for (const name of UUT_FIXTURES) {
      for (const step of allSteps(fixtureJson(name).root)) {
        for (const m of step.numericMeas ?? []) {
          count++;
          const got = evaluateNumeric(m.compOp, m.value, m.lowLimit, m.highLimit);
          if (got !== m.status)
            mismatches.push(
              `${name} step ${step.id}: ${m.compOp} ${m.value} -> ${got}, recorded ${m.status}`,
            );
        }
        for (const m of step.stringMeas ?? []) {
          count++;
          const got = evaluateString(m.compOp, m.value, m.limit);
          if (got !== m.status)
            mismatches.push(`${name} step ${step.id}: ${m.compOp} -> ${got}, recorded ${m.status}`);
        }
      }
    }
    expect(count).toBe(311);
    expect(mismatches).toEqual([]);
  });

  it("the FAT export exercises every limit operator with a passing and a failing case", () => {
    const seen = new Map<string, Set<string>>();
    for (const step of allSteps(fixtureJson("uut-server-export.json").root)) {
      for (const m of (step.numericMeas ?? []) as Json[]) {
        const op = numericCompOp(m.compOp) as string;
        if (!seen.has(op)) seen.set(op, new Set());
        seen.get(op)?.add(m.status);
      }
    }
    for (const op of [
      "EQ",
      "NE",
      "GT",
      "GE",
      "LT",
      "LE",
      "GTLT",
      "GTLE",
      "GELT",
      "GELE",
      "LTGT",
      "LTGE",
      "LEGT",
      "LEGE",
    ]) {
      expect([...(seen.get(op) ?? [])].sort(), op).toEqual(["F", "P"]);
    }
  });
});
