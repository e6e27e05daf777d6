import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/index.js";
import { ManualClock, until } from "./clock.js";
import { call, callJson } from "./helpers.js";

const VERSION = "/api/App/Version";

describe("fault injection observed by a plain fetch client", () => {
  let sim: Simulator;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    sim = await startSimulator({ data: "empty", clock });
  });
  afterEach(() => sim.close());

  it("status: fails the next N matching requests, with Retry-After and a WATS-like body", async () => {
    sim.faults.add({ kind: "status", status: 503, retryAfter: 7, times: 2, match: { path: VERSION } });
    const first = await call(sim, VERSION);
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("7");
    expect(await first.json()).toEqual({ Message: "Simulated fault: HTTP 503." });
    expect((await call(sim, VERSION)).status).toBe(503);
    expect((await call(sim, VERSION)).status).toBe(200);
    expect(sim.faults.list()).toEqual([]);
    // Faulted requests are recorded under their operation too, so a test can count attempts.
    const recorded = sim.requests.filter((r) => r.path === VERSION);
    expect(recorded.map((r) => [r.operation, r.status])).toEqual([
      [recorded[0]?.operation, 503],
      [recorded[0]?.operation, 503],
      [recorded[0]?.operation, 200],
    ]);
    expect(recorded[0]?.operation).toMatch(/\.\w+/);
  });

  it("status: a custom body and no Retry-After", async () => {
    sim.faults.add({ kind: "status", status: 500, body: { Message: "boom" } });
    const response = await call(sim, VERSION);
    expect(response.status).toBe(500);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toEqual({ Message: "boom" });
  });

  it("matches by method and by route template or regular expression", async () => {
    sim.faults.add({
      kind: "status",
      status: 502,
      times: "always",
      match: { method: "put", path: "/api/Product/{partNumber}" },
    });
    sim.faults.add({ kind: "status", status: 504, times: "always", match: { path: /^\/api\/asset\//i } });
    expect((await call(sim, "/api/Product/X-1")).status).toBe(404); // GET not matched
    expect((await call(sim, "/api/Product", { method: "PUT", body: { partNumber: "P" } })).status).toBe(200);
    expect((await call(sim, "/api/product/X-1", { method: "PUT", body: {} })).status).toBe(502);
    expect((await call(sim, "/api/Asset/Types")).status).toBe(504);
    expect(sim.faults.list().map((f) => f.hits)).toEqual([1, 1]);
  });

  it("latency: holds the answer until the simulator's clock has passed the delay", async () => {
    sim.faults.add({ kind: "latency", ms: 250, match: { path: VERSION } });
    let answered = false;
    const pending = call(sim, VERSION).then((r) => {
      answered = true;
      return r;
    });
    expect(await clock.nextSleep()).toBe(250);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    clock.release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toBe("2025.1.0.0");
  });

  it("hang: never answers; the client can abort, and the next request is served", async () => {
    sim.faults.add({ kind: "hang", match: { path: VERSION } });
    const controller = new AbortController();
    const pending = call(sim, VERSION, { signal: controller.signal });
    await until(() => sim.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(sim.requests[0]?.status).toBeUndefined();
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("hang: close() ends hung requests", async () => {
    sim.faults.add({ kind: "hang" });
    const pending = call(sim, VERSION);
    await until(() => sim.requests.length === 1);
    await sim.close();
    await expect(pending).rejects.toThrow(TypeError);
  });

  it("reset: headers and part of the body arrive, then the connection is destroyed", async () => {
    sim.faults.add({ kind: "reset", match: { path: VERSION } });
    const outcome = await call(sim, VERSION).then(
      async (response) => ({
        status: response.status,
        body: await response.text().then(
          () => "complete",
          (e: Error) => e.name,
        ),
      }),
      (error: Error) => ({ status: 0, body: error.name }),
    );
    expect(outcome.body).not.toBe("complete");
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("rate-limit-burst: lets `allow` through, then 429 with Retry-After `times` times", async () => {
    sim.faults.add({ kind: "rate-limit-burst", allow: 2, times: 3, retryAfter: 2 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const response = await call(sim, VERSION);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
        expect((await response.json()).Message).toMatch(/rate limit/i);
      }
    }
    expect(statuses).toEqual([200, 200, 429, 429, 429, 200]);
    expect(retryAfter).toBe("2");
  });

  it("rate-limit: a window of N requests; 429 until the window ends", async () => {
    sim.faults.add({ kind: "rate-limit", limit: 2, windowMs: 60_000 });
    expect((await call(sim, VERSION)).status).toBe(200);
    clock.advance(10_000);
    expect((await call(sim, VERSION)).status).toBe(200);
    const limited = await call(sim, VERSION);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("50");
    clock.advance(50_000);
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("rate-limit: requests inside the limit still meet later faults", async () => {
    sim.faults.add({ kind: "rate-limit", limit: 5, windowMs: 60_000 });
    sim.faults.add({ kind: "status", status: 500 });
    expect((await call(sim, VERSION)).status).toBe(500);
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("down (reset): connections are dropped, control routes still answer, up() restores", async () => {
    await sim.faults.down();
    await expect(call(sim, VERSION)).rejects.toThrow(TypeError);
    expect((await fetch(`${sim.url}/_sim/health`)).status).toBe(200);
    await sim.faults.up();
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("down (503): every API request gets 503 with Retry-After", async () => {
    await sim.faults.down({ mode: "503", retryAfter: 30 });
    const response = await call(sim, "/api/Product/PWR-1000");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    await sim.faults.up();
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("down (refuse): the port refuses connections until up() listens again on it", async () => {
    const url = sim.url;
    await sim.faults.down({ mode: "refuse" });
    const error = await call(sim, VERSION).then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e,
    );
    expect(error?.cause?.code).toBe("ECONNREFUSED");
    await sim.faults.up();
    expect(sim.url).toBe(url);
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("rejects an invalid fault with a message naming the problem", () => {
    expect(() => sim.faults.add({ kind: "status", status: 42 } as never)).toThrow(/invalid fault: status/);
    expect(() => sim.faults.add({ kind: "explode" } as never)).toThrow(/invalid fault/);
  });
});

describe("fault injection over HTTP (/_sim)", () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ data: "empty" });
  });
  afterEach(() => sim.close());

  const control = (path: string, method = "GET", body?: unknown) =>
    fetch(`${sim.url}/_sim${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("adds, lists, applies and clears faults with the same JSON as sim.faults.add", async () => {
    const added = await control("/faults", "POST", [
      { kind: "status", status: 500, times: 1, match: { path: VERSION } },
      { kind: "status", status: 429, retryAfter: 1, match: { path: { regex: "^/api/Product", flags: "i" } } },
    ]);
    expect(added.status).toBe(201);
    const listed = (await (await control("/faults")).json()) as { kind: string; match: { path: string } }[];
    expect(listed.map((f) => f.match.path)).toEqual([VERSION, "/^\\/api\\/Product/i"]);
    expect((await call(sim, VERSION)).status).toBe(500);
    expect((await call(sim, VERSION)).status).toBe(200);
    expect((await control("/faults", "DELETE")).status).toBe(200);
    expect((await call(sim, "/api/Product/X")).status).toBe(404);
  });

  it("removes one fault by id", async () => {
    const { ids } = (await (await control("/faults", "POST", { kind: "hang" })).json()) as { ids: string[] };
    expect((await control(`/faults/${ids[0]}`, "DELETE")).status).toBe(200);
    expect((await call(sim, VERSION)).status).toBe(200);
    expect((await control("/faults/nope", "DELETE")).status).toBe(404);
  });

  it("answers 400 naming the field of an invalid fault", async () => {
    const response = await control("/faults", "POST", { kind: "latency", ms: "slow" });
    expect(response.status).toBe(400);
    expect((await response.json()).Message).toContain("'ms'");
  });

  it("takes the server down and up", async () => {
    expect((await control("/down", "POST", { mode: "503" })).status).toBe(200);
    expect((await call(sim, VERSION)).status).toBe(503);
    expect((await control("/down", "POST", { mode: "refuse" })).status).toBe(400);
    expect((await control("/up", "POST")).status).toBe(200);
    expect((await call(sim, VERSION)).status).toBe(200);
  });

  it("control routes are neither recorded nor faulted", async () => {
    sim.faults.add({ kind: "status", status: 500, times: "always" });
    expect((await control("/health")).status).toBe(200);
    expect(sim.requests).toHaveLength(0);
    const served = await callJson<unknown[]>(sim, "/api/App/Levels").catch((e: Error) => e.message);
    expect(served).toMatch(/500/);
  });
});
