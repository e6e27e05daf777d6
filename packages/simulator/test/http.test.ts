import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/index.js";
import { call, callJson } from "./helpers.js";

const READ_TOKEN = Buffer.from("reader:read-only-token").toString("base64");

describe("auth, errors and the request log", () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ tokens: [{ token: READ_TOKEN, rights: "read", user: "reader" }] });
  });
  afterAll(() => sim.close());

  it("binds 127.0.0.1 and issues a base64 default token", () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(sim.token, "base64").toString("base64")).toBe(sim.token);
  });

  it.each([
    ["no Authorization", null],
    ["an unknown token", "bm90LWEtdG9rZW4="],
  ])("answers 401 with the ASP.NET message for %s", async (_what, token) => {
    const response = await call(sim, "/api/App/Version", { token });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="WATS"');
    expect(await response.json()).toEqual({ Message: "Authorization has been denied for this request." });
  });

  it("answers 401 for a non-Basic scheme", async () => {
    const response = await call(sim, "/api/App/Version", {
      token: null,
      headers: { authorization: `Bearer ${sim.token}` },
    });
    expect(response.status).toBe(401);
  });

  it("lets a read-only token read (including analytics POST queries) but not write", async () => {
    expect((await call(sim, "/api/Product/PWR-1000", { token: READ_TOKEN })).status).toBe(200);
    expect((await call(sim, "/api/App/VolumeYield", { token: READ_TOKEN, body: {} })).status).toBe(200);
    const write = await call(sim, "/api/Product", {
      token: READ_TOKEN,
      method: "PUT",
      body: { partNumber: "RO-1" },
    });
    expect(write.status).toBe(403);
    expect((await write.json()).Message).toMatch(/read-only/);
    expect(sim.state.products.get("RO-1")).toBeUndefined();
  });

  it("answers 404 for unknown routes and unknown entities, 405 for a wrong method", async () => {
    const route = await call(sim, "/api/NoSuchThing");
    expect(route.status).toBe(404);
    expect((await route.json()).Message).toMatch(/^No HTTP resource was found that matches the request URI/);
    const entity = await call(sim, "/api/Product/NOPE-1");
    expect(entity.status).toBe(404);
    expect((await entity.json()).Message).toBe("Product 'NOPE-1' was not found.");
    const method = await call(sim, "/api/App/Version", { method: "DELETE" });
    expect(method.status).toBe(405);
    expect(method.headers.get("allow")).toBe("GET");
  });

  it("answers 400 naming a missing or malformed query parameter", async () => {
    const missing = await call(sim, "/api/Production/Units/Changes");
    expect(missing.status).toBe(400);
    expect((await missing.json()).Message).toContain("'maxCount' is required");
    const malformed = await call(sim, "/api/Production/Units/Changes?maxCount=lots");
    expect((await malformed.json()).Message).toContain(
      "'lots' is not valid for the integer parameter 'maxCount'",
    );
  });

  it("answers 400 for bodies that are not JSON, missing, or break the schema (naming the field)", async () => {
    const notJson = await call(sim, "/api/Product", {
      method: "PUT",
      raw: "{nope",
      contentType: "application/json",
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).Message).toMatch(/not valid JSON/);
    const missing = await call(sim, "/api/Product", { method: "PUT" });
    expect((await missing.json()).Message).toContain("request body is required");
    const wrongType = await call(sim, "/api/Product", { method: "PUT", body: { partNumber: 42 } });
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).Message).toContain("'partNumber'");
    const asset = await call(sim, "/api/Asset", { method: "PUT", body: { serialNumber: "A-9" } });
    expect((await asset.json()).Message).toContain("'typeId'");
  });

  it("internal routes need auth, then a Referer of the server root", async () => {
    expect((await call(sim, "/api/internal/Whatever", { token: null })).status).toBe(401);
    const noReferer = await call(sim, "/api/internal/Whatever");
    expect(noReferer.status).toBe(400);
    expect((await noReferer.json()).Message).toMatch(/Referer/);
    expect(
      (await call(sim, "/api/internal/Whatever", { headers: { referer: "https://elsewhere.example/" } }))
        .status,
    ).toBe(403);
    const ok = await call(sim, "/api/internal/Whatever", { headers: { referer: `${sim.url}/` } });
    expect(ok.status).toBe(404);
    expect((await ok.json()).Message).toMatch(/not simulated/);
  });

  it("decodes path segments, so encoded slashes stay inside one parameter", async () => {
    await callJson(sim, "/api/Product", { method: "PUT", body: { partNumber: "A/B 1", name: "slash" } });
    const product = await callJson<{ name: string }>(sim, `/api/Product/${encodeURIComponent("A/B 1")}`);
    expect(product.name).toBe("slash");
  });

  it("records requests with the token redacted, parsed bodies and the matched operation", async () => {
    sim.requests.clear();
    await call(sim, "/api/Product/PWR-1000?x=1&x=2");
    await call(sim, "/api/Product", { method: "PUT", body: { partNumber: "LOG-1" } });
    const [get, put] = sim.requests;
    expect(get).toMatchObject({
      method: "GET",
      path: "/api/Product/PWR-1000",
      query: { x: ["1", "2"] },
      operation: "product.getProduct",
      status: 200,
    });
    expect(get?.headers.authorization).toBe("Basic [REDACTED]");
    expect(JSON.stringify(sim.requests)).not.toContain(sim.token);
    expect(put).toMatchObject({
      method: "PUT",
      body: { partNumber: "LOG-1" },
      operation: "product.putProduct",
    });
    sim.requests.clear();
    expect(sim.requests).toHaveLength(0);
  });

  it("keeps connections alive between requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(
          `${sim.url}/api/App/Version`,
          { agent, headers: { authorization: `Basic ${sim.token}` } },
          (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const first = await get();
    const second = await get();
    agent.destroy();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.reused).toBe(true);
  });

  it("GetToken issues a working token with the caller's rights; reset revokes the earlier one", async () => {
    const first = await callJson<{ token: string }>(sim, "/api/Auth/GetToken/line-3");
    expect((await call(sim, "/api/App/Version", { token: first.token })).status).toBe(200);
    const second = await callJson<{ token: string }>(sim, "/api/Auth/GetToken/line-3?reset=true");
    expect((await call(sim, "/api/App/Version", { token: second.token })).status).toBe(200);
    expect((await call(sim, "/api/App/Version", { token: first.token })).status).toBe(401);
  });
});
