/**
 * A domain's code is loaded once, on the engine's thread: the caller's `wats.<domain>` is built
 * from the methods the engine describes (`describe`), so the caller's thread never loads a domain
 * module. Nor does its wait load perf_hooks: it reads core's clock. Checked on the built package
 * in a child process (from sources, the SDK's entry imports every domain at once).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_CLIENT, type EngineClient } from "../src/engine-client.js";
import { createSyncWats } from "../src/index.js";
import type { MethodShape } from "../src/protocol.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const built = existsSync(new URL("../dist/index.js", import.meta.url));
if (!built && process.env.TSWATS_TEST_BUILT === "1")
  throw new Error("TSWATS_TEST_BUILT=1 but packages/sync/dist is missing");
if (!built)
  console.log(
    "domain-loading.test: packages/sync is not built (pnpm build); the built-package test is skipped",
  );

/** Domain modules in this thread's require.cache (required ES modules are listed there too). */
const LOADED = `Object.keys(require.cache).filter((k) => k.includes("/domains/")).map((k) => k.replace(/.*\\/domains\\//, "")).sort()`;

let sim: SimulatorProcess;
beforeAll(async () => {
  sim = await startSimulatorProcess();
}, 60_000);
afterAll(async () => {
  await sim?.close();
});

describe.skipIf(!built)("the built package", () => {
  it("loads no domain module (nor perf_hooks) on the caller's thread, whatever domains the script uses", async () => {
    const code = `import { createRequire } from "node:module";
      import { createSyncWats } from "@tswats/sync";
      const require = createRequire(import.meta.url);
      const wats = createSyncWats({ baseUrl: ${JSON.stringify(sim.url)}, token: ${JSON.stringify(sim.token)}, logger: false });
      const out = { product: wats.product.getProduct({ partNumber: "CBL-7" }).partNumber };
      out.headers = Array.isArray(wats.report.headerQuery({ $top: 1 }));
      out.methods = typeof wats.report.postWsjf === "function" && typeof wats.report.postWsjf.withResponse === "function";
      out.loaded = ${LOADED};
      // The wait reads core's clock: the caller's thread never loads perf_hooks for it (about 0.8 ms).
      out.perfHooks = process.moduleLoadList.includes("NativeModule perf_hooks");
      wats.close();
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd: packageDir });
    expect(JSON.parse(stdout)).toEqual({
      product: "CBL-7",
      headers: true,
      methods: true,
      loaded: [],
      perfHooks: false,
    });
  }, 60_000);
});

describe("the engine's description of a domain", () => {
  it("names each method, where its options and JSON body go, and whether it pages", () => {
    const wats = createSyncWats({ baseUrl: sim.url, token: sim.token, logger: false });
    try {
      const client = (wats as unknown as Record<symbol, EngineClient>)[ENGINE_CLIENT] as EngineClient;
      const shapes = client.request(
        { type: "describe", domain: "report" },
        30_000,
        "report",
      ) as MethodShape[];
      const byName = new Map(shapes.map((shape) => [shape.name, shape]));
      // postWsjf(body, options?): no parameters, so the body comes first.
      expect(byName.get("postWsjf")).toEqual({
        name: "postWsjf",
        label: "report.postWsjf",
        optionsIndex: 1,
        jsonBodyIndex: 0,
        paged: false,
      });
      expect(byName.get("headerQuery")).toMatchObject({
        optionsIndex: 1,
        jsonBodyIndex: undefined,
        paged: false,
      });
      expect([...byName.keys()].filter((name) => byName.get(name)?.paged)).toEqual(
        [...byName.keys()].filter((name) => name.startsWith("paginate")),
      );
      expect(() => client.request({ type: "describe", domain: "nope" }, 30_000, "nope")).toThrow(
        /wats\.nope: no such domain/,
      );
    } finally {
      wats.close();
    }
    // A domain never read before asks the closed engine: the closed error, at once.
    expect(() => wats.asset).toThrow(expect.objectContaining({ name: "WatsEngineError", reason: "closed" }));
  }, 60_000);
});
