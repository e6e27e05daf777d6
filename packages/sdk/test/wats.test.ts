import { WatsConfigError, WatsNotFoundError } from "@tswats/core";
import { ProductService } from "@tswats/product";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { domainPackages, domainServices, Wats } from "../src/from-sources.js";

const BASE = "https://wats.example.test";
const TOKEN = "c2RrOnRlc3Q=";
let stored: Record<string, unknown> = { partNumber: "PN-1", name: "first" };
let gets = 0;

const server = setupServer(
  http.get(`${BASE}/api/Product/:pn`, ({ params }) => {
    gets++;
    return params.pn === stored.partNumber
      ? HttpResponse.json(stored)
      : HttpResponse.json({ Message: "not found" }, { status: 404 });
  }),
  http.put(`${BASE}/api/Product`, async ({ request }) => {
    stored = (await request.json()) as Record<string, unknown>;
    return HttpResponse.json(stored);
  }),
  http.get(`${BASE}/api/SystemStatus`, () => HttpResponse.json({ status: "ok" })),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  gets = 0;
});
afterAll(() => server.close());

const options = {
  baseUrl: BASE,
  token: TOKEN,
  station: "Line-1 ICT",
  logger: false as const,
  throttle: false as const,
};

describe("Wats", () => {
  it("exposes every generated domain as a lazily created, reused service", () => {
    const wats = new Wats(options);
    for (const name of Object.keys(domainServices) as (keyof typeof domainServices)[]) {
      const service = wats[name];
      expect(service).toBeInstanceOf(domainServices[name]);
      expect(wats[name]).toBe(service);
    }
    expect(wats.product).toBeInstanceOf(ProductService);
    expect(Object.keys(domainPackages)).toHaveLength(14);
  });

  it("calls through the transport and throws typed errors", async () => {
    const wats = new Wats(options);
    await expect(wats.product.getProduct({ partNumber: "PN-1" })).resolves.toMatchObject({ name: "first" });
    await expect(wats.product.getProduct({ partNumber: "NOPE" })).rejects.toBeInstanceOf(WatsNotFoundError);
  });

  it("never serves a read from a cache: a write is visible to the next read", async () => {
    const wats = new Wats(options);
    await wats.product.getProduct({ partNumber: "PN-1" });
    await wats.product.putProduct({ partNumber: "PN-1", name: "second" });
    await expect(wats.product.getProduct({ partNumber: "PN-1" })).resolves.toMatchObject({ name: "second" });
    expect(gets).toBe(2);
  });

  it("offers the openapi-fetch client over the same transport as raw", async () => {
    const wats = new Wats(options);
    const { data, response } = await wats.raw.GET("/api/SystemStatus" as never);
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: "ok" });
  });

  it("uses the station given, else WATS_STATION", () => {
    expect(new Wats(options).station).toBe("Line-1 ICT");
  });

  it("closes, and refuses calls afterwards; await using closes too", async () => {
    const wats = new Wats(options);
    await wats.close();
    await expect(wats.product.getProduct({ partNumber: "PN-1" })).rejects.toThrow(/closed/);
    let escaped: Wats | undefined;
    {
      await using scoped = new Wats(options);
      escaped = scoped;
    }
    expect(escaped?.transport.closed).toBe(true);
  });
});

describe("Wats.fromEnv", () => {
  it("reads WATS_BASE_URL, WATS_AUTH_TOKEN and WATS_STATION", async () => {
    const wats = Wats.fromEnv({
      env: { WATS_BASE_URL: `${BASE}/api/`, WATS_AUTH_TOKEN: TOKEN, WATS_STATION: "Env Station" },
      logger: false,
      throttle: false,
    });
    expect(wats.transport.baseUrl).toBe(BASE);
    expect(wats.station).toBe("Env Station");
    await expect(wats.product.getProduct({ partNumber: "PN-1" })).resolves.toBeDefined();
  });

  it("explicit options win over the environment", () => {
    const wats = Wats.fromEnv({
      env: { WATS_BASE_URL: "https://other.example", WATS_AUTH_TOKEN: TOKEN },
      baseUrl: BASE,
      logger: false,
    });
    expect(wats.transport.baseUrl).toBe(BASE);
  });

  it("lists every bad field in one error, without the token", () => {
    const secret = "c2VjcmV0LWNhbmFyeQ==";
    let error: unknown;
    try {
      Wats.fromEnv({
        env: { WATS_BASE_URL: "ftp://nope", WATS_AUTH_TOKEN: secret, WATS_LOG_LEVEL: "chatty" },
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WatsConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/baseUrl/);
    expect(message).toMatch(/logLevel/);
    expect(message).not.toContain(secret);
  });
});
