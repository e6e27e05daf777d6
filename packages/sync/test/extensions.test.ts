/**
 * The sync facade's share of issue 18: `.withResponse()` crosses the worker boundary as plain
 * data, and functions (hooks, a token function) come from an engine module and run in the engine.
 */
import { WatsConfigError } from "@tswats/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyncWats } from "../src/index.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

let sim: SimulatorProcess;
beforeAll(async () => {
  sim = await startSimulatorProcess();
});
afterAll(async () => {
  await sim?.close();
});

describe("sync extensions", () => {
  it("answers withResponse() with the data and the response, headers rebuilt", () => {
    using wats = createSyncWats({ baseUrl: sim.url, token: sim.token, logger: false, throttle: false });
    const { data, response } = wats.product.getProduct.withResponse(
      { partNumber: "PWR-1000" },
      { correlationId: "sync-wr" },
    );
    expect(data.partNumber).toBe("PWR-1000");
    expect(response).toMatchObject({ status: 200, attempts: 1, correlationId: "sync-wr" });
    expect(response.headers).toBeInstanceOf(Headers);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    // url and headers are made on read in the engine (not own fields): they still cross.
    expect(response.url).toBe(`${sim.url}/api/Product/PWR-1000`);
    expect(wats.product.getProduct({ partNumber: "PWR-1000" }).partNumber).toBe("PWR-1000");
  });

  it("runs the hooks and token function of engineModule in the engine, for every call", async () => {
    process.env.TSWATS_SYNC_TEST_TOKEN = sim.token;
    {
      using wats = createSyncWats({
        baseUrl: sim.url,
        engineModule: new URL("./fixtures/engine-hooks.mjs", import.meta.url),
        logger: false,
        throttle: false,
      });
      expect(
        wats.product.getProduct({ partNumber: "PWR-1000" }, { correlationId: "sync-hook" }).partNumber,
      ).toBe("PWR-1000");
    }
    const requests = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as {
      headers: Record<string, string>;
    }[];
    expect(requests.map((r) => r.headers["x-hooked"])).toContain("getProduct/sync-hook/1");
  });

  it("refuses hooks and token functions given directly, pointing to engineModule", () => {
    for (const options of [{ hooks: { beforeRequest: () => {} } }, { token: () => "dG9rZW4=" }]) {
      let error: unknown;
      try {
        createSyncWats({ baseUrl: sim.url, token: sim.token, ...options } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WatsConfigError);
      expect((error as Error).message).toContain("engineModule");
    }
  });
});
