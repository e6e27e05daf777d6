import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  errorClassForStatus,
  isWatsError,
  WatsAuthenticationError,
  WatsAuthorizationError,
  WatsConflictError,
  WatsConnectionError,
  WatsError,
  WatsNotFoundError,
  WatsRateLimitError,
  WatsServerError,
  WatsTimeoutError,
  WatsValidationError,
  watsErrorFromJSON,
  watsErrorKind,
} from "../src/errors.js";
import { HttpTransport } from "../src/transport.js";
import { BASE, CANARY, captureLogs, getProduct, postThing } from "./helpers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The default transport: global fetch (which msw intercepts) with our keep-alive agent. */
function transport(options: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) {
  return new HttpTransport({
    baseUrl: BASE,
    token: CANARY,
    logger: false,
    retry: false,
    breaker: false,
    ...options,
  });
}

const EXPECTED: [number, string][] = [
  [400, "WatsValidationError"],
  [401, "WatsAuthenticationError"],
  [403, "WatsAuthorizationError"],
  [404, "WatsNotFoundError"],
  [405, "WatsError"],
  [408, "WatsTimeoutError"],
  [409, "WatsConflictError"],
  [410, "WatsError"],
  [413, "WatsError"],
  [415, "WatsError"],
  [422, "WatsValidationError"],
  [429, "WatsRateLimitError"],
  [500, "WatsServerError"],
  [501, "WatsServerError"],
  [502, "WatsServerError"],
  [503, "WatsServerError"],
  [504, "WatsServerError"],
];

describe("status -> error class", () => {
  it("maps every status from 300 to 599", () => {
    const classes = {
      WatsValidationError,
      WatsAuthenticationError,
      WatsAuthorizationError,
      WatsNotFoundError,
      WatsConflictError,
      WatsRateLimitError,
      WatsServerError,
      WatsTimeoutError,
    };
    for (let status = 300; status < 600; status++) {
      const Class = errorClassForStatus(status);
      const named = EXPECTED.find(([s]) => s === status)?.[1];
      if (named) expect(Class.name === "" ? "" : new Class("x").kind).toBe(named);
      else if (status >= 500) expect(Class).toBe(classes.WatsServerError);
      else expect(Class).toBe(WatsError);
    }
  });

  it.each(EXPECTED)("an answer %i throws %s with every field set", async (status, kind) => {
    server.use(
      http.get(`${BASE}/api/Product/:pn`, () =>
        HttpResponse.json({ Message: `refused with ${status}` }, { status, headers: { "retry-after": "7" } }),
      ),
    );
    const error = await transport()
      .call(getProduct, { params: { partNumber: "A/B 1" } })
      .catch((e: unknown) => e);
    expect(isWatsError(error)).toBe(true);
    expect(watsErrorKind(error)).toBe(kind);
    expect(error).toBeInstanceOf(WatsError);
    expect(error).toMatchObject({
      status,
      operation: "getProduct",
      method: "GET",
      url: `${BASE}/api/Product/A%2FB%201`,
      attempts: 1,
      body: { Message: `refused with ${status}` },
      retryAfterMs: 7_000,
    });
    expect((error as WatsError).correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((error as Error).message).toMatch(
      new RegExp(`^getProduct: ${status}( [A-Za-z -]+)?: refused with ${status}$`),
    );
  });

  it("keeps a text body as text", async () => {
    server.use(http.get(`${BASE}/api/Product/:pn`, () => new HttpResponse("Server is sad", { status: 500 })));
    const error = await transport()
      .call(getProduct, { params: { partNumber: "A" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsServerError);
    expect(error).toMatchObject({
      body: "Server is sad",
      message: "getProduct: 500 Internal Server Error: Server is sad",
    });
  });

  it("turns a network failure into WatsConnectionError", async () => {
    server.use(http.get(`${BASE}/api/Product/:pn`, () => HttpResponse.error()));
    const error = await transport()
      .call(getProduct, { params: { partNumber: "A" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatsConnectionError);
    expect(error).toMatchObject({ attempts: 1, status: undefined });
  });

  it("reports a success body that is not JSON as a WatsDecodeError", async () => {
    server.use(http.get(`${BASE}/api/Product/:pn`, () => new HttpResponse("<html>", { status: 200 })));
    const error = await transport()
      .call(getProduct, { params: { partNumber: "A" } })
      .catch((e: unknown) => e);
    expect(watsErrorKind(error)).toBe("WatsDecodeError");
    expect((error as Error).message).toContain("not valid JSON");
    expect(error).toMatchObject({ status: 200, body: "<html>", outcomeUncertain: false });
  });

  it("refuses a call missing a path parameter before sending", async () => {
    await expect(transport().call(getProduct, { params: {} })).rejects.toBeInstanceOf(WatsValidationError);
  });

  it("survives toJSON / watsErrorFromJSON with class and fields", async () => {
    server.use(
      http.get(`${BASE}/api/Product/:pn`, () => HttpResponse.json({ Message: "nope" }, { status: 409 })),
    );
    const error = (await transport()
      .call(getProduct, { params: { partNumber: "A" } })
      .catch((e: unknown) => e)) as WatsError;
    const copy = watsErrorFromJSON(JSON.parse(JSON.stringify(error)));
    expect(copy).toBeInstanceOf(WatsConflictError);
    expect(copy.toJSON()).toEqual(error.toJSON());
  });
});

describe("the token never leaks", () => {
  const decoded = Buffer.from(CANARY, "base64").toString("utf8");

  function expectNoCanary(text: string) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(decoded);
  }

  function everything(error: unknown): string {
    const e = error as Error & { toJSON(): unknown };
    const causes: string[] = [];
    for (let c: unknown = e.cause; c !== undefined && c !== null; c = (c as Error).cause) {
      causes.push(String(c), (c as Error).stack ?? "", JSON.stringify(c));
    }
    return [e.message, e.stack, JSON.stringify(e.toJSON()), JSON.stringify(e), ...causes].join("\n");
  }

  it("is sent, but scrubbed from errors and logs even when the server echoes it", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/api/Product/:pn`, ({ request }) => {
        const auth = request.headers.get("authorization") ?? "";
        seen.push(auth);
        return HttpResponse.json(
          { Message: `bad credentials: ${auth}`, detail: { echo: auth, plain: decoded } },
          { status: 401 },
        );
      }),
      http.post(
        `${BASE}/api/Thing`,
        ({ request }) => new HttpResponse(`oops ${request.headers.get("authorization")}`, { status: 500 }),
      ),
    );
    const logs = captureLogs("trace");
    const t = transport({ logger: logs.logger });
    const errors = [
      await t.call(getProduct, { params: { partNumber: "A" } }).catch((e: unknown) => e),
      await t.call(postThing, { body: { token: CANARY } }).catch((e: unknown) => e),
    ];
    expect(seen).toEqual([`Basic ${CANARY}`]);
    expect(errors[0]).toBeInstanceOf(WatsAuthenticationError);
    expect((errors[0] as Error).message).toContain("bad credentials: Basic [REDACTED]");
    for (const error of errors) expectNoCanary(everything(error));
    expect(logs.raw.length).toBeGreaterThan(0);
    expectNoCanary(logs.raw.join("\n"));
  });

  it("is not in the error for an invalid token or options", () => {
    const bad = `${CANARY} second-line\n`;
    let error: unknown;
    try {
      new HttpTransport({ baseUrl: "ftp://host", token: `x${bad}` });
    } catch (e) {
      error = e;
    }
    expect(watsErrorKind(error)).toBe("WatsConfigError");
    expect((error as Error).message).toContain("baseUrl");
    expect((error as Error).message).toContain("token");
    expectNoCanary(everything(error));
  });

  it("is not in a connection error", async () => {
    server.use(http.get(`${BASE}/api/Product/:pn`, () => HttpResponse.error()));
    const error = await transport()
      .call(getProduct, { params: { partNumber: "A" } })
      .catch((e: unknown) => e);
    expectNoCanary(everything(error));
  });
});
