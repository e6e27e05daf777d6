import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  isWatsError,
  WatsConfigError,
  WatsResponseValidationError,
  watsErrorFromJSON,
} from "../src/errors.js";
import type { OperationSchemas, OperationSpec } from "../src/operation.js";
import { responseDifferences } from "../src/response-validation.js";
import { captureLogs, getProduct, testTransport } from "./helpers.js";

const Unit = z.object({
  serialNumber: z.string(),
  unitPhaseId: z.union([z.literal(1), z.literal(2), z.literal(16)]).nullish(),
  tags: z.array(z.object({ key: z.string().nullish(), value: z.string().nullish() })).nullish(),
});

/** An operation whose module's schemas are loaded through the table entry, counting the loads. */
function withSchemas(response: z.ZodType): { op: OperationSpec; loads: () => number } {
  let loads = 0;
  const schemas = async (): Promise<OperationSchemas> => {
    loads++;
    return { getUnit: { response } };
  };
  return { op: { ...getProduct, name: "getUnit", schemas }, loads: () => loads };
}

const good = { serialNumber: "SN-1", unitPhaseId: 16, tags: [{ key: "a", value: "b" }] };
const wrongType = { serialNumber: 42, unitPhaseId: 16 };
const outsideEnum = { serialNumber: "SN-1", unitPhaseId: 3 };
const extraField = {
  serialNumber: "SN-1",
  tags: [{ key: "a", value: "b", colour: "crimson-77" }],
  site: "Oslo",
};
const missingRequired = { unitPhaseId: 2 };

describe("validateResponses", () => {
  it("is off by default: any answer is returned as sent and the schemas are never loaded", async () => {
    const { op, loads } = withSchemas(Unit);
    const { transport } = testTransport([{ status: 200, body: wrongType }]);
    await expect(transport.call(op, { params: { partNumber: "P" } })).resolves.toEqual(wrongType);
    expect(loads()).toBe(0);
  });

  it("throw: an answer that matches the types passes unchanged", async () => {
    const { op, loads } = withSchemas(Unit);
    const { transport } = testTransport([{ status: 200, body: good }], { validateResponses: "throw" });
    await expect(transport.call(op, { params: { partNumber: "P" } })).resolves.toEqual(good);
    expect(loads()).toBe(1);
  });

  it.each([
    ["a wrong type", wrongType, { path: "$.serialNumber", problem: "type" }],
    ["a value outside its enum", outsideEnum, { path: "$.unitPhaseId", problem: "type" }],
    ["an extra field", extraField, { path: "$.tags[0].colour", problem: "extra" }],
    ["a missing required field", missingRequired, { path: "$.serialNumber", problem: "missing" }],
  ])("throw: %s raises WatsResponseValidationError naming the field", async (_what, body, expected) => {
    const { op } = withSchemas(Unit);
    const { transport } = testTransport([{ status: 200, body }], { validateResponses: "throw" });
    const error = await transport
      .call(op, { params: { partNumber: "P" } }, { correlationId: "corr-1" })
      .catch((e: unknown) => e);
    expect(WatsResponseValidationError.is(error)).toBe(true);
    const failure = error as WatsResponseValidationError;
    expect(failure.differences).toContainEqual(expect.objectContaining(expected));
    expect(failure.message).toContain(expected.path);
    expect(failure).toMatchObject({ operation: "getUnit", status: 200, correlationId: "corr-1" });
    // It crosses a worker boundary as plain data and comes back the same.
    const rebuilt = watsErrorFromJSON(JSON.parse(JSON.stringify(failure.toJSON())));
    expect(WatsResponseValidationError.is(rebuilt)).toBe(true);
    expect((rebuilt as WatsResponseValidationError).differences).toEqual(failure.differences);
  });

  it("throw: every undeclared field is named, the message the first ones", async () => {
    const { op } = withSchemas(Unit);
    const { transport } = testTransport([{ status: 200, body: extraField }], { validateResponses: "throw" });
    const error = (await transport
      .call(op, { params: { partNumber: "P" } })
      .catch((e) => e)) as WatsResponseValidationError;
    expect(error.differences.map((d) => d.path)).toEqual(["$.tags[0].colour", "$.site"]);
  });

  it("warn: logs each difference once per operation and field, with the correlation id, and returns the answer", async () => {
    const logs = captureLogs("warn");
    const { op } = withSchemas(z.array(Unit));
    const answer = [extraField, { ...extraField, serialNumber: 7 }, extraField];
    const { transport } = testTransport([{ status: 200, body: answer }], {
      validateResponses: "warn",
      logger: logs.logger,
    });
    await expect(
      transport.call(op, { params: { partNumber: "P" } }, { correlationId: "corr-warn" }),
    ).resolves.toEqual(answer);
    const warned = () =>
      logs.lines.filter((l) => l.msg === "the server's answer differs from the generated types");
    expect(warned()).toEqual([
      expect.objectContaining({
        correlationId: "corr-warn",
        operation: "getUnit",
        field: "$[1].serialNumber",
        problem: "type",
      }),
    ]);
    // The wrong type made the parse fail, so undeclared fields are looked for once the types match.
    const fixed = answer.map((unit) => ({ ...unit, serialNumber: "SN" }));
    const second = testTransport([{ status: 200, body: fixed }], {
      validateResponses: "warn",
      logger: logs.logger,
    });
    await second.transport.call(op, { params: { partNumber: "P" } }, { correlationId: "corr-2" });
    await second.transport.call(op, { params: { partNumber: "P" } }, { correlationId: "corr-3" });
    expect(warned().slice(1)).toEqual([
      expect.objectContaining({ correlationId: "corr-2", field: "$[0].tags[0].colour", problem: "extra" }),
      expect.objectContaining({ correlationId: "corr-2", field: "$[0].site", problem: "extra" }),
    ]);
    for (const line of warned()) expect(JSON.stringify(line)).not.toContain("crimson-77");
  });

  it("checks JSON answers only", async () => {
    const { op, loads } = withSchemas(Unit);
    const { transport } = testTransport([{ status: 200, body: "plain text" }], {
      validateResponses: "throw",
    });
    await expect(transport.call({ ...op, response: "text" }, { params: { partNumber: "P" } })).resolves.toBe(
      "plain text",
    );
    expect(loads()).toBe(0);
  });

  it("refuses an unknown mode, naming the option", () => {
    expect(() => testTransport([], { validateResponses: "loud" as never })).toThrow(WatsConfigError);
    expect(() => testTransport([], { validateResponses: "loud" as never })).toThrow(/validateResponses/);
  });
});

describe("responseDifferences", () => {
  it("finds nothing in a matching answer, including records and unions that keep every key", () => {
    const schema = z.object({
      map: z.record(z.string(), z.number()),
      either: z.union([z.string(), z.number()]),
    });
    expect(responseDifferences(schema, { map: { a: 1, b: 2 }, either: 3 })).toEqual([]);
  });

  it("names fields with awkward keys unambiguously", () => {
    const schema = z.object({});
    expect(responseDifferences(schema, { "odd key": 1 })).toEqual([
      { path: '$["odd key"]', problem: "extra", message: "field not declared by the types" },
    ]);
    expect(isWatsError(new WatsResponseValidationError("x"))).toBe(true);
  });
});
