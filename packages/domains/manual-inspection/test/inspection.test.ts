import { WatsValidationError } from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  ManualInspectionInternalService,
  recordStepOutcomes,
  runManualInspection,
  type Step,
  submitManualInspection,
} from "../src/index.js";
import { RecordingTransport } from "./recording-transport.js";

const DEF = "6f1c9a52-0000-4000-8000-000000000001";
const steps: Step[] = [
  { definitionId: DEF, id: 1, parentId: 0, name: "Visual check", type: "Sequence" },
  { definitionId: DEF, id: 2, parentId: 1, name: "Solder joints", type: "PassFail", result: null },
  { definitionId: DEF, id: 3, parentId: 1, name: "Label", type: "PassFail", result: null },
];
const unit = { serialNumber: "SN1", partNumber: "PN", revision: "A", batchNumber: "B1" };

describe("manual inspection", () => {
  it("records outcomes on copies, leaving the server's steps and undecided steps as they were", () => {
    const recorded = recordStepOutcomes(steps, (step) =>
      step.id === 2 ? { result: 1, comment: "ok", operator: "kari" } : undefined,
    );
    expect(recorded[1]).toEqual({ ...steps[1], result: 1, comment: "ok", operator: "kari" });
    expect(recorded[2]).toEqual(steps[2]);
    expect(recorded[2]).not.toBe(steps[2]);
    expect(steps[1]?.result).toBeNull();
  });

  it("submits with submit=true, the steps as the body, on the internal PutSequence operation", async () => {
    const transport = new RecordingTransport(() => ({ ok: true }));
    const service = new ManualInspectionInternalService(transport);
    await expect(submitManualInspection(service, steps, { returnRootSequence: true })).resolves.toEqual({
      ok: true,
    });
    await submitManualInspection(service, steps, { timeoutMs: 2_000 });
    const [first, second] = transport.calls;
    expect(first?.op).toMatchObject({
      method: "PUT",
      path: "/api/internal/ManualInspection/PutSequence",
      internal: true,
    });
    expect(first?.input).toEqual({ params: { submit: true, returnRootSequence: true }, body: steps });
    expect(second?.input.params).toEqual({ submit: true });
    expect(second?.options).toEqual({ timeoutMs: 2_000 });
  });

  it("refuses, before any request, an empty list, a step without its ids, or a step listed twice", async () => {
    const transport = new RecordingTransport(() => undefined);
    const service = new ManualInspectionInternalService(transport);
    const attempt = (list: Step[]) => submitManualInspection(service, list);
    await expect(attempt([])).rejects.toThrow(/no steps to submit/);
    await expect(attempt([...steps, { name: "Loose", id: 9 }])).rejects.toThrow(
      /step 3 \("Loose"\) has no definitionId and id/,
    );
    const twice = { ...(steps[2] as Step), definitionId: DEF.toUpperCase() };
    await expect(attempt([...steps, twice])).rejects.toBeInstanceOf(WatsValidationError);
    await expect(attempt([...steps, twice])).rejects.toThrow(/step 3 of definition .* is in the list twice/);
    expect(transport.calls).toHaveLength(0);
  });

  it("runs an inspection: fetches the unit's steps, records the outcomes, submits them", async () => {
    const transport = new RecordingTransport((op) => (op.name === "getSequences" ? steps : "submitted"));
    const service = new ManualInspectionInternalService(transport);
    const { steps: sent, answer } = await runManualInspection(service, unit, (step) =>
      step.type === "PassFail" ? { result: 1 } : undefined,
    );
    expect(answer).toBe("submitted");
    expect(transport.calls.map((c) => c.op.name)).toEqual(["getSequences", "putSequence"]);
    expect(transport.calls[0]?.input.params).toEqual(unit);
    expect(transport.calls[1]?.input.body).toEqual(sent);
    expect(sent.map((s) => s.result)).toEqual([undefined, 1, 1]);
  });
});
