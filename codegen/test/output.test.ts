import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCodegen } from "../src/run.js";
import { doc, op } from "./helpers.js";

const overlay = {
  packages: { Product: { name: "product", service: "ProductService", description: "Products." } },
};

function productSpec(extraPath = false) {
  return doc(
    {
      "/api/Product/{partNumber}": {
        get: op(
          "Product_PublicGetProduct",
          "Product",
          { parameters: [{ name: "partNumber", in: "path", required: true, schema: { type: "string" } }] },
          { $ref: "#/components/schemas/Ns.Product" },
        ),
      },
      ...(extraPath ? { "/api/Product/Other": { get: op("Product_Other", "Product") } } : {}),
    },
    {
      "Ns.Product": {
        type: "object",
        required: ["partNumber"],
        properties: { partNumber: { type: "string" } },
      },
    },
  );
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "tswats-codegen-"));
  await mkdir(join(root, "specs/wats"), { recursive: true });
  await writeFile(join(root, "specs/overlay.json"), JSON.stringify(overlay));
  await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(productSpec()));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const generated = (file: string) => join(root, "packages/domains/product/src/generated", file);

describe("runCodegen", () => {
  it("writes the package, its scaffold and the lock, then --check finds it clean", async () => {
    const result = await runCodegen({ root });
    expect(result.status).toBe("written");
    expect(existsSync(generated("service.ts"))).toBe(true);
    expect(existsSync(join(root, "packages/domains/product/package.json"))).toBe(true);
    const lock = JSON.parse(await readFile(join(root, "specs/lock.json"), "utf8"));
    expect(lock.packages.product).toEqual({ tag: "Product", operations: 1, schemas: 1, enums: 0 });
    expect(lock.inputs.public.file).toBe("openapi_public_v3.json");
    expect(lock.inputs.public.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await runCodegen({ root, check: true })).status).toBe("clean");
  });

  it("--check reports an edited, a missing and an extra generated file, and a changed spec", async () => {
    await runCodegen({ root });
    const service = await readFile(generated("service.ts"), "utf8");
    await writeFile(generated("service.ts"), service.replace("getProduct(", "getProductX("));
    await rm(generated("models.ts"));
    await writeFile(generated("stray.ts"), "export {};\n");
    const result = await runCodegen({ root, check: true });
    expect(result.status).toBe("drift");
    if (result.status !== "drift") return;
    const summary = result.drift.map((d) => `${d.change} ${d.path}`);
    expect(summary).toContain("changed packages/domains/product/src/generated/service.ts");
    expect(summary).toContain("added packages/domains/product/src/generated/models.ts");
    expect(summary).toContain("removed packages/domains/product/src/generated/stray.ts");
    expect(result.drift.find((d) => d.path.endsWith("service.ts"))?.detail).toMatch(
      /^line \d+: on disk .*getProductX/,
    );

    await runCodegen({ root });
    await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(productSpec(true)));
    const afterSpecChange = await runCodegen({ root, check: true });
    expect(afterSpecChange.status).toBe("drift");
    if (afterSpecChange.status === "drift") {
      expect(afterSpecChange.drift.map((d) => d.path)).toContain("specs/lock.json");
    }
  });

  it("puts the zod schemas in a ./schemas entry of their own, not in the package's main one", async () => {
    await runCodegen({ root });
    const pkg = join(root, "packages/domains/product");
    const index = await readFile(generated("index.ts"), "utf8");
    expect(index).not.toContain("schemas");
    expect(index).toContain('export * from "./service.js";');
    expect(await readFile(join(pkg, "src/schemas.ts"), "utf8")).toContain(
      'export { operationSchemas } from "./generated/operation-schemas.js";\nexport * from "./generated/schemas.js";\n',
    );
    const manifest = JSON.parse(await readFile(join(pkg, "package.json"), "utf8"));
    expect(manifest.exports["./schemas"].import.default).toBe("./dist/schemas.js");
    expect(manifest.files).toContain("schemas");
    expect(JSON.parse(await readFile(join(pkg, "schemas/package.json"), "utf8"))).toEqual({
      main: "../dist/cjs/schemas.js",
      types: "../dist/cjs/schemas.d.ts",
    });
  });

  it("never overwrites hand-written scaffold files", async () => {
    await runCodegen({ root });
    const entry = join(root, "packages/domains/product/src/index.ts");
    await writeFile(entry, 'export * from "./generated/index.js";\nexport const handWritten = 1;\n');
    await runCodegen({ root });
    expect(await readFile(entry, "utf8")).toContain("handWritten");
  });

  it("keeps package.json's build and export fields in line and leaves the rest alone", async () => {
    await runCodegen({ root });
    const file = join(root, "packages/domains/product/package.json");
    const manifest = JSON.parse(await readFile(file, "utf8"));
    const scaffolded = JSON.stringify(manifest.exports);
    manifest.dependencies["fast-xml-parser"] = "5.12.1";
    manifest.scripts.bench = "tsx bench/x.ts";
    manifest.scripts.build = "tsc -p tsconfig.build.json";
    manifest.exports = { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } };
    delete manifest.main;
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);

    const check = await runCodegen({ root, check: true });
    expect(check.status === "drift" && check.drift.map((d) => `${d.change} ${d.path}`)).toEqual([
      "changed packages/domains/product/package.json",
    ]);
    const result = await runCodegen({ root });
    expect(result).toMatchObject({ updated: ["packages/domains/product/package.json"] });
    const merged = JSON.parse(await readFile(file, "utf8"));
    expect(JSON.stringify(merged.exports)).toBe(scaffolded);
    expect(merged.scripts).toEqual({
      build: "node ../../../scripts/build-package.mjs",
      typecheck: "tsc -p tsconfig.json --noEmit",
      bench: "tsx bench/x.ts",
    });
    expect(merged.dependencies["fast-xml-parser"]).toBe("5.12.1");
    expect(Object.keys(merged).slice(0, 8)).toEqual([
      "name",
      "version",
      "description",
      "license",
      "type",
      "main",
      "types",
      "exports",
    ]);
    expect((await runCodegen({ root, check: true })).status).toBe("clean");
  });

  it("leaves the existing output untouched when the spec is malformed", async () => {
    await runCodegen({ root });
    const before = await readFile(generated("service.ts"), "utf8");
    const lockBefore = await readFile(join(root, "specs/lock.json"), "utf8");
    const broken = productSpec();
    (broken.paths["/api/Product/{partNumber}"] as Record<string, unknown>).get = {
      operationId: "Product_X",
      tags: ["Product"],
    };
    await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(broken));
    await expect(runCodegen({ root })).rejects.toThrow("#/paths/~1api~1Product~1{partNumber}/get/responses");
    expect(await readFile(generated("service.ts"), "utf8")).toBe(before);
    expect(await readFile(join(root, "specs/lock.json"), "utf8")).toBe(lockBefore);
  });

  it("rolls back every package when swapping one in fails", async () => {
    const twoTags = {
      packages: {
        ...overlay.packages,
        App: { name: "analytics", service: "AnalyticsService", description: "A." },
      },
    };
    await writeFile(join(root, "specs/overlay.json"), JSON.stringify(twoTags));
    const spec = productSpec();
    spec.paths["/api/App/Version"] = { get: op("App_Version", "App") };
    await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(spec));
    await runCodegen({ root });
    const before = await readFile(generated("service.ts"), "utf8");
    // Make the lock's target a directory, so the last rename of the swap fails.
    await rm(join(root, "specs/lock.json"));
    await mkdir(join(root, "specs/lock.json/blocker"), { recursive: true });
    spec.paths["/api/Product/Other"] = { get: op("Product_Other", "Product") };
    await writeFile(join(root, "specs/wats/openapi_public_v3.json"), JSON.stringify(spec));
    await expect(runCodegen({ root })).rejects.toThrow();
    expect(await readFile(generated("service.ts"), "utf8")).toBe(before);
    expect(existsSync(join(root, "packages/domains/analytics/src/generated/service.ts"))).toBe(true);
  });

  it("--from downloads the spec with the token, saves it and generates from it", async () => {
    await rm(join(root, "specs/wats"), { recursive: true });
    let authorization: string | undefined;
    const server = createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(productSpec()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runCodegen({
        root,
        from: `http://127.0.0.1:${port}/swagger/docs/v1`,
        token: "c2VjcmV0",
      });
      expect(result.status).toBe("written");
      expect(authorization).toBe("Basic c2VjcmV0");
      expect(existsSync(join(root, "specs/wats/openapi_public_v3.json"))).toBe(true);
      expect((await runCodegen({ root, check: true })).status).toBe("clean");
    } finally {
      server.close();
    }
  });

  it("with the internal spec: writes each internal module beside the public one, and --check covers it", async () => {
    const internalOnlyTag = {
      ...overlay,
      internal: {
        tags: { Dashboard: { package: "dashboard", note: "New package." } },
        packages: { dashboard: { description: "Dashboards." } },
      },
    };
    await writeFile(join(root, "specs/overlay.json"), JSON.stringify(internalOnlyTag));
    const internal = (extra = false) => {
      const spec = productSpec();
      spec.paths["/api/internal/Product/GetProducts"] = { get: op("Product_GetProducts", "Product") };
      spec.paths["/api/internal/Dashboard/GetDashboards"] = {
        get: op("Dashboard_GetDashboards", "Dashboard"),
      };
      if (extra) spec.paths["/api/internal/Product/Count"] = { get: op("Product_Count", "Product") };
      return spec;
    };
    await writeFile(join(root, "specs/wats/openapi_internal_v3.json"), JSON.stringify(internal()));
    const result = await runCodegen({ root });
    expect(result.status).toBe("written");

    const internalService = await readFile(generated("internal/service.ts"), "utf8");
    expect(internalService).toContain("export class ProductInternalService");
    expect(internalService).toContain("@experimental Internal WATS API: unsupported by Virinco");
    expect(internalService).not.toContain("getProduct(");
    expect(await readFile(generated("internal/operations.ts"), "utf8")).toContain("internal: true");
    expect(await readFile(generated("operations.ts"), "utf8")).not.toContain("internal: true");
    expect(await readFile(join(root, "packages/domains/product/src/internal.ts"), "utf8")).toBe(
      'export * from "./generated/internal/index.js";\n',
    );
    const dashboard = join(root, "packages/domains/dashboard");
    const packageJson = JSON.parse(await readFile(join(dashboard, "package.json"), "utf8"));
    expect(packageJson.exports["./internal"]).toEqual({
      "@tswats/source": "./src/internal.ts",
      import: { types: "./dist/internal.d.ts", default: "./dist/internal.js" },
      require: { types: "./dist/cjs/internal.d.ts", default: "./dist/cjs/internal.js" },
    });
    expect(JSON.parse(await readFile(join(dashboard, "internal/package.json"), "utf8"))).toEqual({
      main: "../dist/cjs/internal.js",
      types: "../dist/cjs/internal.d.ts",
    });
    // An internal module's zod schemas: `./internal/schemas`, its stub two folders down.
    expect(packageJson.exports["./internal/schemas"].import.default).toBe("./dist/internal-schemas.js");
    expect(packageJson.exports["./schemas"]).toBeUndefined();
    expect(JSON.parse(await readFile(join(dashboard, "internal/schemas/package.json"), "utf8"))).toEqual({
      main: "../../dist/cjs/internal-schemas.js",
      types: "../../dist/cjs/internal-schemas.d.ts",
    });
    expect(await readFile(join(dashboard, "src/internal-schemas.ts"), "utf8")).toContain(
      'export * from "./generated/internal/schemas.js";',
    );
    expect(await readFile(join(dashboard, "src/index.ts"), "utf8")).toContain(
      'export * from "./generated/internal/index.js";',
    );
    expect(existsSync(join(dashboard, "src/generated/index.ts"))).toBe(false);
    expect(existsSync(join(dashboard, "src/generated/internal/service.ts"))).toBe(true);

    const lock = JSON.parse(await readFile(join(root, "specs/lock.json"), "utf8"));
    expect(lock.packages).toEqual({ product: { tag: "Product", operations: 1, schemas: 1, enums: 0 } });
    expect(lock.internalPackages).toEqual({
      dashboard: { tags: ["Dashboard"], operations: 1, schemas: 0, enums: 0 },
      product: { tags: ["Product"], operations: 1, schemas: 0, enums: 0 },
    });
    expect(lock.totals).toEqual({ operations: 1, schemas: 1, internalOperations: 2, internalSchemas: 0 });
    expect(lock.inputs.internal.file).toBe("openapi_internal_v3.json");
    expect((await runCodegen({ root, check: true })).status).toBe("clean");

    await writeFile(
      generated("internal/service.ts"),
      internalService.replace("getProducts(", "getProductsX("),
    );
    await writeFile(join(root, "specs/wats/openapi_internal_v3.json"), JSON.stringify(internal(true)));
    const drift = await runCodegen({ root, check: true });
    expect(drift.status).toBe("drift");
    if (drift.status !== "drift") return;
    expect(drift.drift.map((d) => `${d.change} ${d.path}`)).toEqual(
      expect.arrayContaining([
        "changed packages/domains/product/src/generated/internal/service.ts",
        "changed packages/domains/product/src/generated/internal/operations.ts",
        "changed specs/lock.json",
      ]),
    );
  });

  it("says there is no spec instead of failing obscurely", async () => {
    await rm(join(root, "specs/wats"), { recursive: true });
    const result = await runCodegen({ root, check: true });
    expect(result).toMatchObject({ status: "no-spec" });
  });
});
