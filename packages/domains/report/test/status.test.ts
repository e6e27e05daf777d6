import { describe, expect, it } from "vitest";
import {
  measurementStepStatus,
  propagateStatus,
  type Report,
  resultFromStatus,
  type Step,
} from "../src/index.js";

const seq = (name: string, steps: Step[], status?: Step["status"]): Step => ({
  name,
  group: "M",
  stepType: "SequenceCall",
  status: status ?? null,
  seqCall: { path: null, name, version: null },
  steps,
});
const test = (name: string, value: number, low: number, high: number, status?: Step["status"]): Step => ({
  name,
  group: "M",
  stepType: "ET_NLT",
  status: status ?? null,
  numericMeas: [
    { compOp: "GELE", name: null, status: null, unit: null, value, lowLimit: low, highLimit: high },
  ],
});
const leaf = (name: string, status: Step["status"]): Step => ({
  name,
  group: "M",
  stepType: "Action",
  status,
});
const report = (root: Step): Report => ({ type: "T", root });

describe("propagateStatus (public: the rules the builders use)", () => {
  it("fills unset statuses bottom-up and sets the result", () => {
    const r = propagateStatus(
      report(seq("root", [seq("a", [test("in", 5, 0, 10), test("out", 11, 0, 10)]), test("b", 1, 0, 2)])),
    );
    const [a, b] = r.root?.steps ?? [];
    expect(a?.steps?.map((s) => [s.status, s.numericMeas?.[0]?.status])).toEqual([
      ["P", "P"],
      ["F", "F"],
    ]);
    expect(a?.status).toBe("F");
    expect(b?.status).toBe("P");
    expect(r.root?.status).toBe("F");
    expect(r.result).toBe("F");
    expect(a?.steps?.[1]?.causedUUTFailure).toBe(true);
  });

  it("never recomputes a status that is set (import mode), even when the limits disagree", () => {
    const step = test("recorded", 100, 0, 1, "P");
    (step.numericMeas as NonNullable<Step["numericMeas"]>)[0] = { ...step.numericMeas?.[0], status: "P" };
    const r = propagateStatus(report(seq("root", [step], "P")));
    expect(r.root?.steps?.[0]?.status).toBe("P");
    expect(r.root?.status).toBe("P");
    expect(r.result).toBe("P");
  });

  it("a passing or done sequence with a failing child fails; explicit F/E/T/S sequences stay", () => {
    expect(propagateStatus(report(seq("r", [leaf("x", "F")], "P"))).root?.status).toBe("F");
    expect(propagateStatus(report(seq("r", [leaf("x", "F")], "D"))).root?.status).toBe("F");
    expect(propagateStatus(report(seq("r", [leaf("x", "T")], "E"))).root?.status).toBe("E");
    expect(propagateStatus(report(seq("r", [leaf("x", "F")], "S"))).root?.status).toBe("S");
  });

  it("D and S children never fail a parent; the most severe of F < E < T wins", () => {
    expect(propagateStatus(report(seq("r", [leaf("d", "D"), leaf("s", "S")]))).root?.status).toBe("P");
    expect(
      propagateStatus(report(seq("r", [leaf("f", "F"), leaf("t", "T"), leaf("e", "E")]))).root?.status,
    ).toBe("T");
    expect(propagateStatus(report(seq("r", [leaf("f", "F"), leaf("e", "E")]))).result).toBe("E");
  });

  it("failsParent lets chosen steps fail without failing their parent", () => {
    const quiet = leaf("quiet", "F");
    const r = propagateStatus(report(seq("r", [quiet, leaf("ok", "P")])), {
      failsParent: (s) => s !== quiet,
    });
    expect(r.root?.status).toBe("P");
    expect(r.result).toBe("P");
  });

  it("does not mark causedUUTFailure when a step is already marked, or when asked not to", () => {
    const marked = { ...leaf("second", "F"), causedUUTFailure: true };
    const first = leaf("first", "F");
    propagateStatus(report(seq("r", [first, marked])));
    expect(first.causedUUTFailure).toBeUndefined();
    const other = leaf("x", "F");
    propagateStatus(report(seq("r", [other])), { markCausedUutFailure: false });
    expect(other.causedUUTFailure).toBeUndefined();
  });

  it("leaves repair reports alone", () => {
    const uur: Report = { type: "R", result: "P" };
    expect(propagateStatus(uur)).toEqual({ type: "R", result: "P" });
  });

  it("maps statuses to results and measurement lists to step statuses", () => {
    expect(
      ["P", "F", "E", "T", "D", "S", "U", null].map((s) => resultFromStatus(s as Step["status"])),
    ).toEqual(["P", "F", "E", "T", "P", "P", "P", "P"]);
    const m = (status: "P" | "F" | "S") => ({ status });
    expect(measurementStepStatus({ booleanMeas: [m("P"), m("F")] })).toBe("F");
    expect(measurementStepStatus({ booleanMeas: [m("S"), m("S")] })).toBe("S");
    expect(measurementStepStatus({ booleanMeas: [m("S"), m("P")] })).toBe("P");
    expect(measurementStepStatus({})).toBeUndefined();
  });
});
