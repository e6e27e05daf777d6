/**
 * Domains loaded on first use, as the built package does it (dist/, ESM and its CommonJS copy):
 * a script that uses `wats.product` loads @tswats/product's service module and no other domain,
 * the next domain it reads loads then, and errors stay @tswats/core's own classes (one core for
 * the whole graph). Runs the build in child processes; from sources every domain is imported at
 * once (src/from-sources.ts), which `registered` checks.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainServices } from "../src/from-sources.js";
import { loadDomainService, registerDomainModules } from "../src/load-domain.js";
import { type LocalServer, localServer } from "./local-server.js";

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const built = existsSync(new URL("../dist/index.js", import.meta.url));
if (!built && process.env.TSWATS_TEST_BUILT === "1")
  throw new Error("TSWATS_TEST_BUILT=1 but packages/sdk/dist is missing");
if (!built)
  console.log(
    "load-domain.test: packages/sdk is not built (pnpm build); the built-package tests are skipped",
  );

/** A loopback server with one product, A-1 (any other part number: 404). */
function startLocalServer(): Promise<LocalServer> {
  return localServer((req, res) => {
    const found = req.url === "/api/Product/A-1";
    res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    res.end(found ? JSON.stringify({ partNumber: "A-1", name: "Part A" }) : "{}");
  });
}

/** The domain modules in require.cache (required ES modules are listed there too), as "product/dist/service.js". */
const LOADED = `Object.keys(require.cache).filter((k) => k.includes("/domains/")).map((k) => k.replace(/.*\\/domains\\//, "")).sort()`;

/** The script's body: `Wats`, `serialNumbersOf` and `WatsNotFoundError` are loaded by its head. */
const script = (server: LocalServer) => `
  const out = {};
  const wats = new Wats({ baseUrl: ${JSON.stringify(server.url)}, token: "dGVzdA==", logger: false });
  out.beforeUse = ${LOADED};
  out.product = (await wats.product.getProduct({ partNumber: "A-1" })).partNumber;
  out.afterProduct = ${LOADED};
  out.notFoundIsCoreError = await wats.product.getProduct({ partNumber: "missing" }).then(() => false, (e) => e instanceof WatsNotFoundError);
  out.serials = serialNumbersOf("SerialNumber\\nSN-1\\n").map((s) => s.serialNumber);
  out.afterSerials = ${LOADED};
  await wats.close();
  console.log(JSON.stringify(out));
`;

describe.skipIf(!built)("the built package loads a domain when it is first used", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());

  const expected = (dist: string) => ({
    beforeUse: [],
    product: "A-1",
    afterProduct: [`product/${dist}/service.js`],
    notFoundIsCoreError: true,
    serials: ["SN-1"],
    afterSerials: [`product/${dist}/service.js`, `production/${dist}/service.js`],
  });

  it("as an ES module (required, sharing the graph's @tswats/core)", async () => {
    const code = `import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      const { Wats, serialNumbersOf } = await import("@tswats/sdk");
      const { WatsNotFoundError } = await import("@tswats/core");
      ${script(server)}`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd: sdkDir });
    const out = JSON.parse(stdout);
    // Only the service modules are listed: an ES module required by require() is; one it imports is not.
    expect(out).toEqual(expected("dist"));
  });

  it("as CommonJS (the CommonJS copies of the domains)", async () => {
    const code = `const { Wats, serialNumbersOf } = require("@tswats/sdk");
      const { WatsNotFoundError } = require("@tswats/core");
      (async () => { ${script(server)} })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ["-e", code], { cwd: sdkDir });
    const out = JSON.parse(stdout);
    expect(out.beforeUse).toEqual([]);
    expect(out.product).toBe("A-1");
    expect(out.notFoundIsCoreError).toBe(true);
    expect(out.serials).toEqual(["SN-1"]);
    // A CommonJS module's own imports are in require.cache too: only product's files after the call.
    expect(out.afterProduct.every((f: string) => f.startsWith("product/dist/cjs/"))).toBe(true);
    expect(out.afterSerials.some((f: string) => f.startsWith("production/dist/cjs/"))).toBe(true);
    expect(out.afterSerials.every((f: string) => /^(product|production)\/dist\/cjs\//.test(f))).toBe(true);
  });
});

describe.skipIf(!built)("under tsx, which turns required ES modules into CommonJS", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());

  it("the domain still uses the one @tswats/core: its CommonJS entry hands out the ES module", async () => {
    const dir = await mkdtemp(join(sdkDir, "test", ".tsx-run-"));
    try {
      // In the package's folder (so "@tswats/sdk" resolves to this package, built), as a TypeScript file.
      const file = join(dir, "script.mts");
      await writeFile(
        file,
        `import { createRequire } from "node:module";
        import { Wats, WatsNotFoundError } from "@tswats/sdk";
        const require = createRequire(import.meta.url);
        const wats = new Wats({ baseUrl: ${JSON.stringify(server.url)}, token: "dGVzdA==", logger: false });
        const product: { partNumber?: string } = await wats.product.getProduct({ partNumber: "A-1" });
        const notFound = await wats.product.getProduct({ partNumber: "missing" }).then(() => false, (e: unknown) => e instanceof WatsNotFoundError);
        const coreCopies = Object.keys(require.cache).filter((f) => f.includes("/core/dist/cjs/")).map((f) => f.split("/core/")[1]);
        console.log(JSON.stringify({ product: product.partNumber, notFound, coreCopies }));
        await wats.close();`,
      );
      const tsx = fileURLToPath(new URL("../../../node_modules/tsx/dist/cli.mjs", import.meta.url));
      const { stdout } = await run(process.execPath, [tsx, file], { cwd: sdkDir });
      // Only the CommonJS entry, which returned the ES module: none of the copy's 40 other files.
      expect(JSON.parse(stdout)).toEqual({
        product: "A-1",
        notFound: true,
        coreCopies: ["dist/cjs/index.js"],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("from sources", () => {
  it("every domain is registered by the sources entry, and a domain's class is its service", () => {
    for (const name of Object.keys(domainServices) as (keyof typeof domainServices)[]) {
      expect(typeof domainServices[name]).toBe("function");
    }
    expect(domainServices.product.name).toBe("ProductService");
  });

  it("a registered module that lacks the export is an error naming both", () => {
    registerDomainModules({ "@tswats/test-only/service": { Other: class {} } });
    expect(() => loadDomainService("@tswats/test-only/service", "TestOnlyService")).toThrow(
      "@tswats/test-only/service has no export TestOnlyService",
    );
  });
});
