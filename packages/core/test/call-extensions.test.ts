/**
 * The extension points of a call: `.withResponse()`, headers on errors, per-call retry,
 * `defaultHeaders`, token functions, hooks, `maxResponseBytes` and XML answers. Scripted fetch
 * (no I/O); the simulator-backed versions are in packages/sdk/test/safe-calls.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  WatsAuthenticationError,
  WatsConfigError,
  WatsDecodeError,
  WatsError,
  WatsResponseTooLargeError,
  WatsServerError,
  WatsValidationError,
} from "../src/errors.js";
import type { OperationSpec } from "../src/operation.js";
import { changesState, isIdempotentRequest } from "../src/retry.js";
import { HttpTransport } from "../src/transport.js";
import { BASE, CANARY, getProduct, postThing, scriptedFetch, testTransport } from "./helpers.js";

const params = { partNumber: "PN-1" };

describe("withResponse()", () => {
  it("gives the data with status, headers, attempts and correlation id; awaiting gives the data alone", async () => {
    const { transport } = testTransport(
      [{ status: 503 }, { status: 200, body: { partNumber: "PN-1" }, headers: { "x-request-id": "r-9" } }],
      { retry: { baseDelayMs: 1, maxDelayMs: 1 } },
    );
    const { data, response } = await transport
      .call(getProduct, { params }, { correlationId: "corr-1" })
      .withResponse();
    expect(data).toEqual({ partNumber: "PN-1" });
    expect(response).toMatchObject({ status: 200, attempts: 2, correlationId: "corr-1" });
    expect(response.url).toBe(`${BASE}/api/Product/PN-1`);
    expect(response.headers.get("x-request-id")).toBe("r-9");
    // headers and url are made when read; JSON keeps them (headers as a record).
    expect(JSON.parse(JSON.stringify(response))).toEqual({
      status: 200,
      statusText: "",
      headers: { "x-request-id": "r-9", "content-type": "application/json" },
      url: `${BASE}/api/Product/PN-1`,
      correlationId: "corr-1",
      attempts: 2,
    });
    const plain = testTransport([{ status: 200, body: [1] }]).transport;
    await expect(plain.call(getProduct, { params })).resolves.toEqual([1]);
  });

  it("rejects withResponse() like the call, without an unhandled rejection when only the data is awaited", async () => {
    const { transport } = testTransport([{ status: 404, body: { Message: "no" } }]);
    const call = transport.call(getProduct, { params });
    await expect(call).rejects.toMatchObject({ status: 404 });
    await expect(call.withResponse()).rejects.toMatchObject({ status: 404 });
  });

  it("a failing call awaited only through withResponse() leaves no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { transport } = testTransport([{ status: 404, body: { Message: "no" } }]);
      await expect(transport.call(getProduct, { params }).withResponse()).rejects.toMatchObject({
        status: 404,
      });
      // Unhandled rejections are reported after the microtask queue drains.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it("puts the answer's headers on the error", async () => {
    const { transport } = testTransport([{ status: 500, headers: { "x-request-id": "r-1" } }], {
      retry: false,
    });
    const error = (await transport.call(getProduct, { params }).catch((e: unknown) => e)) as WatsError;
    expect(error).toBeInstanceOf(WatsServerError);
    expect(error.headers?.get("x-request-id")).toBe("r-1");
    expect(error.toJSON().headers).toContainEqual(["x-request-id", "r-1"]);
  });
});

describe("per-call retry", () => {
  it("retry: false makes a single attempt; limits replace the client's for that call only", async () => {
    const single = testTransport([{ status: 503 }, { status: 200, body: {} }], { retry: { baseDelayMs: 1 } });
    await expect(single.transport.call(getProduct, { params }, { retry: false })).rejects.toBeInstanceOf(
      WatsServerError,
    );
    expect(single.sent).toHaveLength(1);
    const more = testTransport(
      [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: {} }],
      {
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      },
    );
    await expect(more.transport.call(getProduct, { params }, { retry: { maxAttempts: 4 } })).resolves.toEqual(
      {},
    );
    expect(more.sent).toHaveLength(4);
    const clientLimit = testTransport([{ status: 503 }, { status: 503 }, { status: 200, body: {} }], {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(clientLimit.transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsServerError);
    expect(clientLimit.sent).toHaveLength(2);
  });

  it("refuses bad per-call retry limits, naming the field", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }]);
    await expect(transport.call(getProduct, { params }, { retry: { maxAttempts: 0 } })).rejects.toThrow(
      /retry\.maxAttempts/,
    );
    expect(sent).toHaveLength(0);
  });
});

describe("headers", () => {
  it("sends defaultHeaders with every call; a call's headers add to and override them", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      defaultHeaders: { "X-Line": "Line-1", "X-Shift": "day" },
    });
    await transport.call(getProduct, { params });
    await transport.call(getProduct, { params }, { headers: { "x-shift": "night" } });
    expect(sent[0]?.headers).toMatchObject({ "x-line": "Line-1", "x-shift": "day" });
    expect(sent[1]?.headers).toMatchObject({ "x-line": "Line-1", "x-shift": "night" });
  });

  it("refuses headers the transport sets itself, and invalid names or values, instead of dropping them", () => {
    for (const defaultHeaders of [
      { Authorization: "Basic x" },
      { "bad name": "x" },
      { "X-Ok": "line\nbreak" },
    ] as Record<string, string>[]) {
      expect(() => new HttpTransport({ baseUrl: BASE, token: CANARY, defaultHeaders })).toThrow(
        WatsConfigError,
      );
    }
  });
});

describe("token", () => {
  it("calls a token function (sync or async) before every attempt", async () => {
    for (const make of [(t: string) => () => t, (t: string) => async () => t]) {
      let token = "dG9rZW4tb25l";
      const scripted = scriptedFetch([{ status: 200, body: {} }]);
      const transport = new HttpTransport({
        baseUrl: BASE,
        token: () => make(token)(),
        fetch: scripted.fetch,
        logger: false,
        throttle: false,
      });
      await transport.call(getProduct, { params });
      token = "dG9rZW4tdHdv";
      await transport.call(getProduct, { params });
      expect(scripted.sent.map((r) => r.headers.authorization)).toEqual([
        "Basic dG9rZW4tb25l",
        "Basic dG9rZW4tdHdv",
      ]);
    }
  });

  it("fails the call, sending nothing, when the token function throws or returns no token", async () => {
    for (const token of [
      () => {
        throw new Error("vault down");
      },
      async () => "",
      () => 42 as unknown as string,
    ]) {
      const scripted = scriptedFetch([{ status: 200, body: {} }]);
      const transport = new HttpTransport({
        baseUrl: BASE,
        token,
        fetch: scripted.fetch,
        logger: false,
        throttle: false,
      });
      await expect(transport.call(getProduct, { params })).rejects.toBeInstanceOf(WatsAuthenticationError);
      expect(scripted.sent).toHaveLength(0);
    }
  });

  it("scrubs every token the function returned from error bodies", async () => {
    const rotated = "Um90YXRlZC10b2tlbi0wMDAx";
    const { transport } = testTransport([{ status: 400, body: { Message: `bad token ${rotated}` } }], {
      token: () => rotated,
    });
    const error = (await transport.call(getProduct, { params }).catch((e: unknown) => e)) as WatsError;
    expect(JSON.stringify(error.body)).not.toContain(rotated);
    expect(error.message).not.toContain(rotated);
  });
});

describe("hooks", () => {
  it("stops the call when beforeRequest throws, sending nothing", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      hooks: {
        beforeRequest: () => {
          throw new Error("not on Sundays");
        },
      },
    });
    const error = await transport.call(getProduct, { params }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsError);
    expect((error as Error).message).toContain("beforeRequest hook threw");
    expect(sent).toHaveLength(0);
  });

  it("takes beforeRequest's header changes (any case, removals), but never on the transport's own headers", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      defaultHeaders: { "X-Remove-Me": "1" },
      hooks: {
        beforeRequest: ({ headers }) => {
          headers["X-Signature"] = "sig";
          delete headers["x-remove-me"];
          headers.authorization = "Basic stolen";
          delete headers["x-correlation-id"];
        },
      },
    });
    await transport.call(getProduct, { params }, { correlationId: "c-1" });
    expect(sent[0]?.headers["x-signature"]).toBe("sig");
    expect(sent[0]?.headers["x-remove-me"]).toBeUndefined();
    expect(sent[0]?.headers.authorization).toBe(`Basic ${CANARY}`);
    expect(sent[0]?.headers["x-correlation-id"]).toBe("c-1");
  });

  it("refuses an invalid header from beforeRequest, sending nothing", async () => {
    const { transport, sent } = testTransport([{ status: 200, body: {} }], {
      hooks: {
        beforeRequest: ({ headers }) => {
          headers["x-bad"] = "line\nbreak";
        },
      },
    });
    await expect(transport.call(getProduct, { params })).rejects.toThrow(/invalid header "x-bad"/);
    expect(sent).toHaveLength(0);
  });

  it("ignores observers that throw: the call's outcome does not change", async () => {
    const boom = () => {
      throw new Error("observer bug");
    };
    const { transport } = testTransport([{ status: 503 }, { status: 200, body: { ok: true } }], {
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      hooks: { afterResponse: boom, onError: boom, onRetry: boom },
    });
    await expect(transport.call(getProduct, { params })).resolves.toEqual({ ok: true });
  });

  it("reports a call that fails before any attempt to onError once, with attempt 0", async () => {
    const errors: { attempt: number; kind: string }[] = [];
    const { transport } = testTransport([{ status: 200, body: {} }], {
      hooks: { onError: ({ attempt, error }) => void errors.push({ attempt, kind: error.kind }) },
    });
    await transport.call(getProduct, { params: {} }).catch(() => {});
    expect(errors).toEqual([{ attempt: 0, kind: "WatsValidationError" }]);
  });

  it("refuses unknown hooks and hooks that are not functions", () => {
    for (const hooks of [{ beforeSend: () => {} }, { onError: "log" }]) {
      expect(() => new HttpTransport({ baseUrl: BASE, token: CANARY, hooks: hooks as never })).toThrow(
        WatsConfigError,
      );
    }
  });
});

describe("answers", () => {
  const takeOp: OperationSpec = {
    ...postThing,
    name: "takeSerialNumbers",
    response: "xml",
    stateChanging: true,
    idempotent: false,
  };

  it("reads an XML answer into an element tree; text labelled otherwise (CSV) stays a string", async () => {
    const xml =
      '<?xml version="1.0"?><SerialNumbers type="MAC"><SN id="A&amp;1" refSN="R"/><SN id="A2"/></SerialNumbers>';
    const { transport } = testTransport([
      { status: 200, body: xml, headers: { "content-type": "application/xml" } },
    ]);
    expect(await transport.call(takeOp, {})).toEqual({
      name: "SerialNumbers",
      attributes: { type: "MAC" },
      text: "",
      children: [
        { name: "SN", attributes: { id: "A&1", refSN: "R" }, children: [], text: "" },
        { name: "SN", attributes: { id: "A2" }, children: [], text: "" },
      ],
    });
    const csv = testTransport([
      { status: 200, body: "SerialNumber\r\nA3", headers: { "content-type": "text/csv" } },
    ]);
    expect(await csv.transport.call(takeOp, {})).toBe("SerialNumber\r\nA3");
  });

  it("keeps the whole answer of a state-changing call that cannot be read, and names the XML problem's line", async () => {
    const broken = `<SerialNumbers>\n<SN id="A1"/>\n<SN id="A2">${"z".repeat(80_000)}</SerialNumbers>`;
    const { transport } = testTransport([
      { status: 200, body: broken, headers: { "content-type": "application/xml" } },
    ]);
    const error = (await transport.call(takeOp, {}).catch((e: unknown) => e)) as WatsDecodeError;
    expect(error).toBeInstanceOf(WatsDecodeError);
    expect(error.message).toMatch(/not well-formed XML: .*line 3/);
    expect(error.body).toBe(broken);
    expect(error.outcomeUncertain).toBe(false);
  });

  it("cuts the text kept for a read whose answer cannot be read", async () => {
    const { transport } = testTransport([
      { status: 200, body: `{${"x".repeat(80_000)}`, headers: { "content-type": "application/json" } },
    ]);
    const error = (await transport.call(getProduct, { params }).catch((e: unknown) => e)) as WatsDecodeError;
    expect(error).toBeInstanceOf(WatsDecodeError);
    expect((error.body as string).length).toBeLessThan(70_000);
  });

  it("fails an answer over maxResponseBytes (declared or streamed) with WatsResponseTooLargeError", async () => {
    const body = { data: "x".repeat(5_000) };
    const { transport } = testTransport([{ status: 200, body }], { maxResponseBytes: 1_000 });
    const error = await transport.call(getProduct, { params }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: 1_000 });
    await expect(transport.call(getProduct, { params }, { maxResponseBytes: 10_000 })).resolves.toEqual(body);
    await expect(transport.call(getProduct, { params }, { maxResponseBytes: 0 })).rejects.toBeInstanceOf(
      WatsValidationError,
    );
  });
});

describe("what may be resent", () => {
  it("judges by the operation, then by the method", () => {
    expect(changesState("GET", { stateChanging: true })).toBe(true);
    expect(changesState("GET", undefined)).toBe(false);
    expect(changesState("POST", undefined)).toBe(true);
    expect(changesState("POST", { stateChanging: false })).toBe(false);
    expect(isIdempotentRequest("GET", { stateChanging: true, idempotent: false }, false)).toBe(false);
    expect(isIdempotentRequest("GET", { stateChanging: true, idempotent: false }, true)).toBe(true);
    expect(isIdempotentRequest("PUT", undefined, false)).toBe(true);
    expect(isIdempotentRequest("PUT", { stateChanging: true, idempotent: false }, false)).toBe(false);
    expect(isIdempotentRequest("POST", { idempotent: true }, false)).toBe(true);
    expect(isIdempotentRequest("POST", undefined, false)).toBe(false);
  });
});
