import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diffSurfaces } from "../src/api-diff.js";
import type { OpenApiDocument } from "../src/openapi.js";
import { runCodegen } from "../src/run.js";
import type { ApiSurface, ModuleSurface } from "../src/surface.js";
import { doc, json, op } from "./helpers.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const overlay = {
  packages: {
    Product: { name: "product", service: "ProductService", description: "Products." },
    App: { name: "analytics", service: "AnalyticsService", description: "Analytics." },
  },
};

/** The hand-made base spec every variant starts from: three product operations, two models. */
function baseSpec(): OpenApiDocument {
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
      "/api/Product/Query": {
        get: op(
          "Product_Query",
          "Product",
          { parameters: [{ name: "filter", in: "query", schema: { type: "string" } }] },
          { type: "array", items: { $ref: "#/components/schemas/Ns.Product" } },
        ),
      },
      "/api/Product": {
        put: op("Product_PutProduct", "Product", {
          requestBody: json({ $ref: "#/components/schemas/Ns.Product" }),
        }),
      },
      "/api/App/Version": { get: op("App_Version", "App") },
    },
    {
      "Ns.Product": {
        type: "object",
        required: ["partNumber"],
        properties: {
          partNumber: { type: "string" },
          name: { type: "string" },
          revision: { $ref: "#/components/schemas/Ns.Revision" },
        },
      },
      "Ns.Revision": {
        type: "object",
        properties: { revision: { type: "string" }, state: { type: "integer", format: "int32" } },
      },
    },
  );
}

const internalSpec = (extra: boolean) => {
  const spec = baseSpec();
  spec.paths["/api/internal/Product/GetProducts"] = { get: op("Product_GetProducts", "Product") };
  if (extra) spec.paths["/api/internal/Product/Count"] = { get: op("Product_Count", "Product") };
  return spec;
};

let root: string;
const publicFile = () => join(root, "specs/wats/openapi_public_v3.json");
const changesets = async () =>
  existsSync(join(root, ".changeset")) ? (await readdir(join(root, ".changeset"))).sort() : [];
async function writeSpec(spec: OpenApiDocument) {
  await writeFile(publicFile(), JSON.stringify(spec));
}
/** Runs codegen with `spec` and returns the one changeset it wrote (failing when it wrote none). */
async function changesetFor(spec: OpenApiDocument): Promise<string> {
  const before = await changesets();
  await writeSpec(spec);
  const result = await runCodegen({ root });
  expect(result).toMatchObject({ status: "written", surface: { kind: "changed", alreadyWritten: false } });
  const added = (await changesets()).filter((f) => !before.includes(f));
  expect(added).toHaveLength(1);
  return readFile(join(root, ".changeset", added[0] as string), "utf8");
}
const frontMatter = (text: string) => (/^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "").split("\n");

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "tswats-spec-change-"));
  await mkdir(join(root, "specs/wats"), { recursive: true });
  await writeFile(join(root, "specs/overlay.json"), JSON.stringify(overlay));
  await writeSpec(baseSpec());
  const first = await runCodegen({ root });
  expect(first).toMatchObject({ status: "written", surface: { kind: "baseline" } });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("spec change -> changeset", () => {
  it("records specs/surface.json beside the lock, covered by --check", async () => {
    const surface = JSON.parse(await readFile(join(root, "specs/surface.json"), "utf8")) as ApiSurface;
    expect(surface.packages.product?.public?.operations.getProduct).toEqual({
      route: "GET /api/Product/{partNumber}",
      params: { partNumber: "path string" },
      response: "Product",
    });
    expect(surface.packages.product?.public?.models.Product).toEqual({
      "name?": "string | null",
      partNumber: "string",
      "revision?": "Revision | null",
    });
    expect(await changesets()).toEqual([]);
    expect((await runCodegen({ root, check: true })).status).toBe("clean");
    await writeFile(join(root, "specs/surface.json"), "{}\n");
    const drift = await runCodegen({ root, check: true });
    expect(drift.status === "drift" && drift.drift.map((d) => d.path)).toEqual(["specs/surface.json"]);
  });

  it("the same spec again writes nothing", async () => {
    const again = await runCodegen({ root });
    expect(again).toMatchObject({ status: "written", surface: { kind: "unchanged" } });
    expect(await changesets()).toEqual([]);
  });

  it("additions are minor, for the package and the sdk, and a second run adds nothing", async () => {
    const spec = baseSpec();
    spec.paths["/api/Product/Count"] = { get: op("Product_Count", "Product", {}, { type: "integer" }) };
    const product = spec.components?.schemas?.["Ns.Product"];
    product!.properties!.description = { type: "string" };
    const text = await changesetFor(spec);
    expect(frontMatter(text)).toEqual(['"@tswats/product": minor', '"@tswats/sdk": minor']);
    expect(text).toContain("- added operation `count` (`GET /api/Product/Count`): minor");
    expect(text).toContain(
      "- changed model `Product`: field `description` added (optional, string | null) [minor]",
    );
    expect(text).not.toContain("analytics");

    const files = await changesets();
    expect(await runCodegen({ root })).toMatchObject({ surface: { kind: "unchanged" } });
    expect(await changesets()).toEqual(files);
  });

  it("a removed operation, a field's new type and a new required parameter are major", async () => {
    const spec = baseSpec();
    delete spec.paths["/api/Product"];
    spec.components!.schemas!["Ns.Revision"]!.properties!.state = { type: "string" };
    spec.paths["/api/Product/Query"]!.get!.parameters!.push({
      name: "site",
      in: "query",
      required: true,
      schema: { type: "string" },
    });
    const text = await changesetFor(spec);
    expect(frontMatter(text)).toEqual(['"@tswats/product": major', '"@tswats/sdk": major']);
    expect(text).toContain("- removed operation `putProduct` (`PUT /api/Product`): major");
    expect(text).toContain("field `state` type integer(int32) | null -> string | null [major]");
    expect(text).toContain("parameter `site` added (required) [major]");
    // Removed first, then changed, then added.
    expect(text.indexOf("removed operation")).toBeLessThan(text.indexOf("changed model"));
  });

  it("lists each affected package with its own bump", async () => {
    const spec = baseSpec();
    delete spec.paths["/api/App/Version"];
    spec.paths["/api/App/Yield"] = { get: op("App_Yield", "App") };
    spec.paths["/api/Product/Count"] = { get: op("Product_Count", "Product") };
    const text = await changesetFor(spec);
    expect(frontMatter(text)).toEqual([
      '"@tswats/analytics": major',
      '"@tswats/product": minor',
      '"@tswats/sdk": major',
    ]);
    expect(text).toMatch(
      /\*\*`@tswats\/analytics` \(major\)\*\*\n\n- removed operation `version`.*\n- added operation `yield`/,
    );
  });

  it("--from accepts a local file: saves it in specs/wats/ and writes the changeset", async () => {
    const spec = baseSpec();
    spec.paths["/api/Product/Count"] = { get: op("Product_Count", "Product") };
    const elsewhere = join(root, "new-server-spec.json");
    await writeFile(elsewhere, JSON.stringify(spec));
    const result = await runCodegen({ root, from: elsewhere });
    expect(result).toMatchObject({ status: "written", surface: { kind: "changed" } });
    expect(await readFile(publicFile(), "utf8")).toBe(JSON.stringify(spec));
    expect(await changesets()).toHaveLength(1);
    // Later runs use the saved spec: nothing changes, nothing is written.
    expect(await runCodegen({ root })).toMatchObject({ surface: { kind: "unchanged" } });
    expect((await runCodegen({ root, check: true })).status).toBe("clean");
    await expect(runCodegen({ root, from: join(root, "missing.json") })).rejects.toThrow(
      /Cannot read spec .*missing\.json/,
    );
  });

  it("--from accepts a server URL: downloads with the token, saves the spec and writes the changeset", async () => {
    const spec = baseSpec();
    spec.paths["/api/Product/Count"] = { get: op("Product_Count", "Product") };
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.url !== "/swagger/docs/v1") {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(spec));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const result = await runCodegen({ root, from: `${base}/swagger/docs/v1`, token: "c3BlYzpjaGFuZ2U=" });
      expect(result).toMatchObject({ status: "written", surface: { kind: "changed" } });
      expect(seen).toEqual(["Basic c3BlYzpjaGFuZ2U="]);
      expect(await readFile(publicFile(), "utf8")).toBe(JSON.stringify(spec));
      const files = await changesets();
      expect(files).toHaveLength(1);
      const written = await readFile(join(root, ".changeset", files[0] as string), "utf8");
      expect(frontMatter(written)).toEqual(['"@tswats/product": minor', '"@tswats/sdk": minor']);
      expect(written).toMatch(/added operation `count`/);
      await expect(runCodegen({ root, from: `${base}/nowhere` })).rejects.toThrow(/\/nowhere failed: 404/);
    } finally {
      server.close();
    }
  });

  it("changes of the internal module bump by minor at most and leave the sdk alone", async () => {
    await writeFile(join(root, "specs/wats/openapi_internal_v3.json"), JSON.stringify(internalSpec(true)));
    expect(await runCodegen({ root })).toMatchObject({ surface: { kind: "changed" } }); // internal module added
    const before = await changesets();
    await writeFile(join(root, "specs/wats/openapi_internal_v3.json"), JSON.stringify(internalSpec(false)));
    await runCodegen({ root });
    const added = (await changesets()).filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const text = await readFile(join(root, ".changeset", added[0] as string), "utf8");
    expect(frontMatter(text)).toEqual(['"@tswats/product": minor']);
    expect(text).toContain("`@tswats/product/internal` (minor; experimental, so minor at most)");
    expect(text).toContain("- removed operation `count` (`GET /api/internal/Product/Count`): minor");
  });

  it("the CLI says when no changeset is written", async () => {
    const tsx = join(repoRoot, "node_modules/.bin/tsx");
    const cli = join(repoRoot, "codegen/src/cli.ts");
    const { stdout } = await promisify(execFile)(tsx, [cli, "--root", root], { cwd: repoRoot });
    expect(stdout).toContain("API surface unchanged since specs/surface.json: no changeset written");
  }, 120_000); // a whole codegen run in its own process
});

describe("diffSurfaces bump rules", () => {
  const surface = (module: Partial<ModuleSurface>): ApiSurface => ({
    format: 1,
    packages: { p: { public: { operations: {}, models: {}, enums: {}, ...module } } },
  });
  const bumps = (before: Partial<ModuleSurface>, after: Partial<ModuleSurface>) =>
    diffSurfaces(surface(before), surface(after)).flatMap((c) => c.details.map((d) => `${d.bump} ${d.text}`));
  const operation = (extra: object = {}) => ({ route: "GET /x", params: {}, response: "unknown", ...extra });

  it("judges parameters, bodies, responses and routes", () => {
    expect(
      bumps(
        {
          operations: { a: operation({ params: { "q?": "query string", id: "path string" }, body: "?Foo" }) },
        },
        {
          operations: {
            a: operation({
              route: "GET /y",
              params: { q: "query string", "id?": "query string" },
              body: "Foo",
            }),
          },
        },
      ),
    ).toEqual([
      "patch route GET /x -> GET /y",
      "patch parameter `id` moved path -> query",
      "minor parameter `id` now optional",
      "major parameter `q` now required",
      "major body now required",
    ]);
    expect(
      bumps({ operations: { a: operation() } }, { operations: { a: operation({ response: "Foo" }) } }),
    ).toEqual(["minor response unknown -> Foo"]);
    expect(
      bumps({ operations: { a: operation({ response: "Foo" }) } }, { operations: { a: operation() } }),
    ).toEqual(["major response Foo -> unknown"]);
    expect(
      bumps({ operations: { a: operation({ body: "Foo" }) } }, { operations: { a: operation() } }),
    ).toEqual(["major body removed"]);
  });

  it("judges model fields and enums", () => {
    expect(
      bumps(
        { models: { M: { a: "string", "b?": "string | null" } }, enums: { E: [0, 1, 2] } },
        { models: { M: { "a?": "string | null", b: "string" } }, enums: { E: [0, 1, 3] } },
      ),
    ).toEqual([
      "major field `a` type string -> string | null",
      "major field `a` now optional",
      "major field `b` type string | null -> string",
      "major field `b` now required",
      "major values 2 removed",
      "minor values 3 added",
    ]);
    const [change] = diffSurfaces(
      surface({ models: { M: "string" } }),
      surface({ models: { M: { a: "string" } } }),
    );
    expect(change).toMatchObject({ kind: "model", change: "changed", bump: "major" });
    expect(diffSurfaces(surface({ enums: { E: [1] } }), surface({}))).toMatchObject([
      { kind: "enum", name: "E", change: "removed", bump: "major" },
    ]);
  });
});

// The WATS documents committed in specs/wats (see NOTICE.md).
const wats = join(repoRoot, "specs/wats");

describe("spec change on the real WATS document", () => {
  it("a variant without one Product operation and with a retyped field gives a major changeset", async () => {
    await writeFile(join(root, "specs/overlay.json"), await readFile(join(repoRoot, "specs/overlay.json")));
    await copyFile(join(wats, "openapi_public_v3.json"), publicFile());
    await copyFile(join(wats, "openapi_internal_v3.json"), join(root, "specs/wats/openapi_internal_v3.json"));
    expect(await runCodegen({ root })).toMatchObject({ status: "written" });

    // Remove DELETE /api/Product/Vendors from both documents (the internal one repeats it).
    const real = JSON.parse(await readFile(publicFile(), "utf8")) as OpenApiDocument;
    const internalFile = join(root, "specs/wats/openapi_internal_v3.json");
    const internal = JSON.parse(await readFile(internalFile, "utf8")) as OpenApiDocument;
    for (const document of [real, internal]) {
      const route = Object.keys(document.paths).find((p) => p.toLowerCase() === "/api/product/vendors");
      expect(document.paths[route as string]?.delete).toBeDefined();
      delete document.paths[route as string]?.delete;
    }
    await writeFile(internalFile, JSON.stringify(internal));
    // The overlay annotates the removed route; a maintainer drops that entry with the operation
    // (codegen refuses an overlay naming a route the spec lacks).
    const overlayFile = join(root, "specs/overlay.json");
    const repoOverlay = JSON.parse(await readFile(overlayFile, "utf8")) as {
      operations: Record<string, unknown>;
    };
    delete repoOverlay.operations["DELETE /api/Product/Vendors"];
    await writeFile(overlayFile, JSON.stringify(repoOverlay));
    const schemas = real.components?.schemas ?? {};
    const productName = Object.keys(schemas).find((n) => /\.Public\.Product$/.test(n)) as string;
    const field = Object.keys(schemas[productName]?.properties ?? {}).find(
      (f) => f === "partNumber",
    ) as string;
    schemas[productName]!.properties![field] = { type: "integer", format: "int32" };

    const text = await changesetFor(real);
    // @tswats/production uses the Product model too.
    expect(frontMatter(text)).toEqual([
      '"@tswats/product": major',
      '"@tswats/production": major',
      '"@tswats/sdk": major',
    ]);
    expect(text).toContain("- removed operation `deleteVendors` (`DELETE /api/Product/Vendors`): major");
    expect(text).toMatch(
      /changed model `Product`: field `partNumber` type string.* -> integer\(int32\).*\[major\]/,
    );
    expect(await runCodegen({ root })).toMatchObject({ surface: { kind: "unchanged" } });
  });
});
