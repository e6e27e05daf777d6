/**
 * Which call arguments cross to the engine as JSON bytes, and that they come out equal.
 */
import { JsonText } from "@tswats/core";
import { describe, expect, it } from "vitest";
import { decodeJsonArgs, encodeJsonArgs, isPlainJson } from "../src/json-args.js";
import { JSON_BYTES_MIN } from "../src/protocol.js";

describe("isPlainJson", () => {
  it("accepts what JSON carries unchanged", () => {
    expect(isPlainJson({ a: [1, "ÆØÅ 😀", true, null, { b: -1.5e300 }], c: {} })).toBe(true);
    expect(isPlainJson(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
  });

  it.each([
    ["a Date", { at: new Date(0) }],
    ["undefined", { a: undefined }],
    ["NaN", [Number.NaN]],
    ["Infinity", { n: Number.POSITIVE_INFINITY }],
    ["-0", { n: -0 }],
    ["a typed array", { bytes: new Uint8Array(2) }],
    ["a Map", { m: new Map() }],
    ["a bigint", { n: 1n }],
    ["a hole in an array", { list: new Array(3) }],
    ["an array with an extra property", { list: Object.assign([1], { extra: 2 }) }],
    ["a symbol key", { [Symbol("s")]: 1 }],
    ["a class instance", { u: new URL("http://127.0.0.1/") }],
  ])("refuses %s", (_, value) => {
    expect(isPlainJson(value)).toBe(false);
  });

  it("refuses nesting deeper than it walks", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(isPlainJson(deep)).toBe(false);
  });
});

describe("encodeJsonArgs / decodeJsonArgs", () => {
  it("sends plain objects before the options as bytes; the engine gets their text, standing for equal values", () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({ name: `step ${i} ÆØÅ 😀`, v: i * 1.25 }));
    const report = { id: "r-1", name: "Kabelsett ÆØÅ · 日本語 · 😀 · \u2028", steps };
    const params = { partNumber: "CBL-7", filter: "x".repeat(JSON_BYTES_MIN) };
    const options = { timeoutMs: 10 };
    const encoded = encodeJsonArgs([params, report, options], 2);
    expect(encoded.args).toStrictEqual([null, null, options]);
    expect(encoded.transfer).toHaveLength(2);
    const [decodedParams, decodedReport, decodedOptions] = decodeJsonArgs(encoded.args, encoded.jsonArgs);
    expect(decodedOptions).toBe(options);
    expect(decodedParams).toBeInstanceOf(JsonText);
    expect(decodedReport).toBeInstanceOf(JsonText);
    expect((decodedParams as JsonText).text).toBe(JSON.stringify(params));
    expect((decodedReport as JsonText).text).toBe(JSON.stringify(report));
    expect((decodedParams as JsonText).value()).toStrictEqual(params);
    expect((decodedReport as JsonText).value()).toStrictEqual(report);
  });

  it("sends arguments under JSON_BYTES_MIN as they are (clones are cheaper there)", () => {
    const args = [{ partNumber: "CBL-7" }, { name: "x".repeat(JSON_BYTES_MIN - 20) }, { timeoutMs: 1 }];
    const encoded = encodeJsonArgs(args, 2);
    expect(encoded.jsonArgs).toBeUndefined();
    expect(encoded.args).toBe(args);
  });

  it("leaves the arguments alone when none is plain JSON", () => {
    const args = [{ at: new Date(0) }, "text", { timeoutMs: 1 }];
    const encoded = encodeJsonArgs(args, 2);
    expect(encoded.jsonArgs).toBeUndefined();
    expect(encoded.args).toBe(args);
    expect(decodeJsonArgs(encoded.args, encoded.jsonArgs)).toBe(args);
  });
});

describe("what the engine relies on to pass JSON arguments unparsed", () => {
  it("every method a sync call reaches hands its arguments to the transport unchanged", async () => {
    const { domainServices } = await import("@tswats/sdk");
    let checked = 0;
    for (const [domain, serviceClass] of Object.entries(domainServices)) {
      const inputs: { params?: unknown; body?: unknown }[] = [];
      const transport = {
        call: (_op: unknown, input: { params?: unknown; body?: unknown }) => {
          inputs.push(input);
          return Promise.resolve(undefined);
        },
      };
      const Service = serviceClass as unknown as new (transport: unknown) => Record<string, unknown>;
      const service = new Service(transport);
      for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(service))) {
        const method = service[name];
        // Paged listings read their parameters: the facade never sends theirs as JSON bytes.
        if (name === "constructor" || /^paginate[A-Z]/.test(name) || typeof method !== "function") continue;
        const args = Array.from({ length: Math.max(method.length - 1, 0) }, () => new JsonText("{}"));
        const before = inputs.length;
        await method.apply(service, [...args, {}]);
        expect(inputs.length, `${domain}.${name}`).toBe(before + 1);
        const input = inputs[before];
        const passed = [input?.params, input?.body].filter((value) => value !== undefined);
        expect(passed, `${domain}.${name}`).toHaveLength(args.length);
        for (const arg of args) expect(passed, `${domain}.${name}`).toContain(arg);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
