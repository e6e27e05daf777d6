import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSpecFile } from "../src/load.js";
import { normalise, normaliseInternal } from "../src/normalise/index.js";
import { loadOverlay } from "../src/overlay.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Virinco's documents, committed under specs/wats (see NOTICE.md). */
const specs = join(repoRoot, "specs/wats");

describe("the real WATS documents (specs/wats)", () => {
  const load = async (publicFile: string) =>
    normalise({
      public: await loadSpecFile(join(specs, publicFile)),
      internal: await loadSpecFile(join(specs, "openapi_internal_v3.json")),
      overlay: await loadOverlay(join(repoRoot, "specs/overlay.json")),
    });

  it("normalise into 126 operations in 14 packages, every schema reachable and named", async () => {
    const api = await load("openapi_public_v3.json");
    expect(api.operations).toHaveLength(126);
    expect(api.packages.map((p) => p.name).sort()).toEqual([
      "analytics",
      "asset",
      "auth",
      "barcode-identifiers",
      "export",
      "mes",
      "product",
      "production",
      "report",
      "root-cause",
      "scim",
      "software",
      "system-manager",
      "workflow",
    ]);
    expect(Object.keys(api.schemas).some((n) => /OData(Query|Path)|Edm|IServiceProvider/.test(n))).toBe(
      false,
    );
    const postWsjf = api.operations.find((o) => o.route === "POST /api/Report/WSJF");
    expect(postWsjf?.body?.schema).toEqual({ $ref: "#/components/schemas/WsjfReport" });
    expect(postWsjf?.idempotent).toBe(true);
    expect(api.operations.find((o) => o.route === "GET /api/Report/Query/Header")?.odata).toContain(
      "$filter",
    );
  });

  it("normalise the internal document into its 640 own operations, every one internal, none a public route", async () => {
    const input = {
      public: await loadSpecFile(join(specs, "openapi_public_v3.json")),
      internal: await loadSpecFile(join(specs, "openapi_internal_v3.json")),
      overlay: await loadOverlay(join(repoRoot, "specs/overlay.json")),
    };
    const publicApi = normalise(input);
    const api = normaliseInternal(input);
    expect(api.operations).toHaveLength(640);
    expect(api.operations.every((o) => o.internal)).toBe(true);
    const publicRoutes = new Set(publicApi.operations.map((o) => o.route.toLowerCase()));
    expect(api.operations.filter((o) => publicRoutes.has(o.route.toLowerCase()))).toEqual([]);
    // The routes under /api/Internal (capital I) are internal operations like the rest.
    expect(
      api.operations.filter((o) => o.path.startsWith("/api/Internal/")).map((o) => o.route),
    ).toHaveLength(6);
    expect(api.packages.map((p) => p.name)).toEqual([
      "administration",
      "analytics",
      "asset",
      "auth",
      "barcode-identifiers",
      "dashboard",
      "distribution",
      "export",
      "manual-inspection",
      "mes",
      "notification",
      "product",
      "production",
      "report",
      "root-cause",
      "scim",
      "software",
      "system-manager",
      "users",
      "workflow",
    ]);
    expect(api.packages.find((p) => p.name === "production")).toMatchObject({
      service: "ProductionInternalService",
      tags: ["Process", "Production", "UnitVerification"],
    });
  });

  it("the Swagger 2.0 document, converted, gives the same operations as the OpenAPI 3.0 one", async () => {
    const fromV3 = await load("openapi_public_v3.json");
    const fromV2 = await load("openapi_public.json");
    const shape = (api: typeof fromV3) =>
      api.operations
        .map((o) => `${o.route} ${o.name} ${o.params.map((p) => `${p.in}:${p.name}`).join(",")}`)
        .sort();
    expect(shape(fromV2)).toEqual(shape(fromV3));
  });
});
