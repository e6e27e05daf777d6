/**
 * Which call arguments cross to the engine as their JSON text, and that they come out equal.
 */
import { JsonText, type OperationSpec } from "@tswats/core";
import { describe, expect, it, vi } from "vitest";
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
  it("sends plain objects before the options as their text; the engine gets it, standing for equal values", () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({ name: `step ${i} ÆØÅ 😀`, v: i * 1.25 }));
    const report = { id: "r-1", name: "Kabelsett ÆØÅ · 日本語 · 😀 · \u2028", steps };
    const params = { partNumber: "CBL-7", filter: "x".repeat(JSON_BYTES_MIN) };
    const options = { timeoutMs: 10 };
    const encoded = encodeJsonArgs([params, report, options], 2);
    expect(encoded.args).toStrictEqual([null, null, options]);
    expect(encoded.jsonArgs).toStrictEqual([JSON.stringify(params), JSON.stringify(report), null]);
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

  it("counts a parameter's length as JSON writes it: escapes can carry a short string past JSON_BYTES_MIN", () => {
    // 200 control characters: 202 characters as a string, 1,202 as JSON text (each one \u00XX).
    const params = { note: "\u0001".repeat(200) };
    expect(JSON.stringify(params.note).length).toBeGreaterThanOrEqual(JSON_BYTES_MIN);
    const encoded = encodeJsonArgs([params, { timeoutMs: 1 }], 1);
    expect(encoded.args).toStrictEqual([null, { timeoutMs: 1 }]);
    expect(encoded.jsonArgs?.[0]).toBe(JSON.stringify(params));
  });

  it("counts a number at its longest: 40 of them can be 1 KiB of JSON", () => {
    // Numbers between 1e-7 and 1e-6 are written out in full: 25 characters with the sign.
    const value = -0.0000035746051648933137;
    expect(JSON.stringify(value)).toHaveLength(25);
    const params = Array.from({ length: 40 }, () => value);
    expect(JSON.stringify(params).length).toBeGreaterThanOrEqual(JSON_BYTES_MIN);
    const encoded = encodeJsonArgs([params, { timeoutMs: 1 }], 1);
    expect(encoded.jsonArgs?.[0]).toBe(JSON.stringify(params));
  });

  it("does not write out a parameter that is short even at its longest", () => {
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const args = [
        { partNumber: "CBL-7", revision: "A", count: 12, include: [true, null] },
        { timeoutMs: 1 },
      ];
      const encoded = encodeJsonArgs(args, 1);
      expect(encoded.args).toBe(args);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it("leaves the arguments alone when none is plain JSON", () => {
    const args = [{ at: new Date(0) }, "text", { timeoutMs: 1 }];
    const encoded = encodeJsonArgs(args, 2);
    expect(encoded.jsonArgs).toBeUndefined();
    expect(encoded.args).toBe(args);
    expect(decodeJsonArgs(encoded.args, encoded.jsonArgs)).toBe(args);
  });
});

describe("a method's JSON body", () => {
  const options = { timeoutMs: 1 };

  /** A value JSON writes through its own `toJSON`, as a Decimal or a Temporal type does. */
  class Money {
    readonly #cents: number;
    constructor(cents: number) {
      this.#cents = cents;
    }
    toJSON(): string {
      return (this.#cents / 100).toFixed(2);
    }
  }

  it("always crosses as the text JSON.stringify writes, whatever it holds", () => {
    const body = {
      at: new Date(0),
      missing: undefined,
      nan: Number.NaN,
      negativeZero: -0,
      price: new Money(1250),
      callback: () => 1,
      name: "ÆØÅ 😀",
    };
    const params = { partNumber: "CBL-7", at: new Date(0) };
    const encoded = encodeJsonArgs([params, body, options], 2, 1);
    // The parameters are read by the engine: their Date must arrive as a Date (a clone).
    expect(encoded.args).toStrictEqual([params, null, options]);
    expect(encoded.args[0]).toBe(params);
    expect(encoded.jsonArgs?.[1] as string).toBe(JSON.stringify(body));
    expect(JSON.parse(encoded.jsonArgs?.[1] as string)).toMatchObject({ price: "12.50", nan: null });
    const decoded = decodeJsonArgs(encoded.args, encoded.jsonArgs);
    expect((decoded[1] as JsonText).text).toBe(JSON.stringify(body));
  });

  it("crosses as a string at any length (no UTF-8 bytes to encode here and decode in the engine)", () => {
    const body = { at: new Date(0), note: "ÆØÅ 日本語 😀".repeat(JSON_BYTES_MIN) };
    const encoded = encodeJsonArgs([body, options], 1, 0);
    expect(encoded.jsonArgs?.[0]).toBe(JSON.stringify(body));
    expect((decodeJsonArgs(encoded.args, encoded.jsonArgs)[0] as JsonText).text).toBe(JSON.stringify(body));
  });

  it.each([
    ["a bigint (JSON.stringify throws)", { n: 1n }],
    [
      "a cycle (JSON.stringify throws)",
      (() => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        return cyclic;
      })(),
    ],
    ["a Map", new Map([["a", 1]])],
    ["a typed array", new Uint8Array(4)],
  ])(
    "crosses as a clone when it is %s, so the engine's transport reports it as the async call does",
    (_, body) => {
      const args = [body, options];
      const encoded = encodeJsonArgs(args, 1, 0);
      expect(encoded.jsonArgs).toBeUndefined();
      expect(encoded.args).toBe(args);
    },
  );
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

  it("every method with a JSON body takes it as the argument before the options", async () => {
    const { domainServices } = await import("@tswats/sdk");
    let checked = 0;
    for (const [domain, serviceClass] of Object.entries(domainServices)) {
      const operations = (serviceClass as unknown as { operations: Record<string, OperationSpec> })
        .operations;
      let body: unknown;
      const transport = {
        call: (_op: unknown, input: { body?: unknown }) => {
          body = input.body;
          return Promise.resolve(undefined);
        },
      };
      const Service = serviceClass as unknown as new (transport: unknown) => Record<string, unknown>;
      const service = new Service(transport);
      for (const [name, spec] of Object.entries(operations)) {
        if (spec.body?.contentType !== "application/json") continue;
        const method = service[name] as (...args: unknown[]) => Promise<unknown>;
        const marker = new JsonText("{}");
        const args: unknown[] = Array.from({ length: method.length }, () => ({}));
        args[method.length - 2] = marker;
        body = undefined;
        await method.apply(service, args);
        expect(body, `${domain}.${name}`).toBe(marker);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
