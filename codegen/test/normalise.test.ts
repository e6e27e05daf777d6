import { describe, expect, it } from "vitest";
import { NameClashError, OverlayError, SpecError } from "../src/errors.js";
import { parseSpec } from "../src/load.js";
import { normalise } from "../src/normalise/index.js";
import { camelCase, methodNameFor } from "../src/normalise/naming.js";
import { doc, json, loaded, op, overlay } from "./helpers.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("method names", () => {
  it("drop the tag prefix and a leading or trailing Public, in camelCase", () => {
    expect(methodNameFor("Product_PublicGetProduct")).toBe("getProduct");
    expect(methodNameFor("Production_AddChildUnitPublic")).toBe("addChildUnit");
    expect(methodNameFor("Mes_GetCommonUserSettings")).toBe("getCommonUserSettings");
    expect(methodNameFor("App_PostHighVolume")).toBe("postHighVolume");
  });

  it("fold acronyms into words", () => {
    expect(camelCase("GetReportAsWSJF")).toBe("getReportAsWsjf");
    expect(camelCase("BOM")).toBe("bom");
    expect(methodNameFor("Scim_GetJWT")).toBe("getJwt");
  });
});

describe("duplicate operationIds", () => {
  it("same path, different methods: GET keeps the id, others get the method; original kept", () => {
    const api = normalise({
      public: loaded(
        doc({
          "/api/App/HighVolume": { get: op("App_HighVolume", "App"), post: op("App_HighVolume", "App") },
        }),
      ),
      overlay: overlay(),
    });
    const byMethod = Object.fromEntries(api.operations.map((o) => [o.method, o]));
    expect(byMethod.get?.operationId).toBe("App_HighVolume");
    expect(byMethod.get?.name).toBe("highVolume");
    expect(byMethod.get?.originalOperationId).toBeUndefined();
    expect(byMethod.post?.operationId).toBe("App_PostHighVolume");
    expect(byMethod.post?.name).toBe("postHighVolume");
    expect(byMethod.post?.originalOperationId).toBe("App_HighVolume");
  });

  it("same method, different paths: the extra path parameter names the other", () => {
    const api = normalise({
      public: loaded(
        doc({
          "/api/Auth/GetToken": { get: op("Auth_GetToken", "Auth") },
          "/api/Auth/GetToken/{identifier}": {
            get: op("Auth_GetToken", "Auth", {
              parameters: [{ name: "identifier", in: "path", required: true }],
            }),
          },
        }),
      ),
      overlay: overlay(),
    });
    expect(api.operations.map((o) => o.name).sort()).toEqual(["getToken", "getTokenByIdentifier"]);
  });

  it("any other duplicate fails with both routes named", () => {
    const run = () =>
      normalise({
        public: loaded(
          doc({
            "/api/A": { get: op("Product_X", "Product") },
            "/api/B": { post: op("Product_X", "Product") },
          }),
        ),
        overlay: overlay(),
      });
    expect(run).toThrow(NameClashError);
    expect(run).toThrow(/GET \/api\/A.*POST \/api\/B/);
  });
});

describe("routes", () => {
  const assetPaths = {
    "/api/Asset/{assetId}": {
      get: op("Asset_GetAssetByAssetId", "Asset", {
        parameters: [{ name: "assetId", in: "path", required: true }],
      }),
    },
    "/api/Asset/{serialNumber}": {
      get: op("Asset_GetAssetBySerialNumber", "Asset", {
        parameters: [{ name: "serialNumber", in: "path", required: true }],
      }),
    },
  };

  it("paths differing only by parameter name fail unless the overlay acknowledges them", () => {
    expect(() => normalise({ public: loaded(doc(assetPaths)), overlay: overlay() })).toThrow(
      /differ only by a path parameter/,
    );
    const api = normalise({
      public: loaded(doc(assetPaths)),
      overlay: overlay({ sameRoute: [["/api/Asset/{assetId}", "/api/Asset/{serialNumber}"]] }),
    });
    const byName = Object.fromEntries(api.operations.map((o) => [o.name, o]));
    expect(byName.getAssetByAssetId?.sameRouteAs).toBe("/api/Asset/{serialNumber}");
    expect(byName.getAssetBySerialNumber?.sameRouteAs).toBe("/api/Asset/{assetId}");
  });

  it("accepts a parameter embedded in a segment and rejects an undeclared one, naming the pointer", () => {
    const scim = (params: { name: string; in: "path"; required: boolean }[]) =>
      doc({
        "/api/SCIM/v2/Users/userName={userName}": { get: op("Scim_GetUser", "Scim", { parameters: params }) },
      });
    const api = normalise({
      public: loaded(scim([{ name: "userName", in: "path", required: true }])),
      overlay: overlay(),
    });
    expect(api.operations[0]?.params).toMatchObject([{ name: "userName", in: "path", required: true }]);
    const run = () => normalise({ public: loaded(scim([])), overlay: overlay() });
    expect(run).toThrow(SpecError);
    expect(run).toThrow("test.json#/paths/~1api~1SCIM~1v2~1Users~1userName={userName}/get/parameters");
  });
});

describe("schemas", () => {
  it("keeps only schemas reachable from operations (OData plumbing is pruned)", () => {
    const api = normalise({
      public: loaded(
        doc(
          {
            "/api/Product/{pn}": {
              get: op(
                "Product_GetProduct",
                "Product",
                { parameters: [{ name: "pn", in: "path", required: true }] },
                ref("Ns.Product"),
              ),
            },
          },
          {
            "Ns.Product": {
              type: "object",
              properties: { tags: { type: "array", items: ref("Ns.Setting") } },
            },
            "Ns.Setting": { type: "object", properties: { key: { type: "string" } } },
            "Microsoft.AspNet.OData.ODataQueryContext": {
              type: "object",
              properties: { x: { type: "string" } },
            },
          },
        ),
      ),
      overlay: overlay(),
    });
    expect(Object.keys(api.schemas).sort()).toEqual(["Product", "Setting"]);
    expect(api.schemaOrigins.Product).toBe("public:Ns.Product");
  });

  it("shortened names that clash fail with both origins, and the overlay resolves them", () => {
    const paths = {
      "/api/Asset": {
        get: op("Asset_GetAssets", "Asset", {}, { type: "array", items: ref("A.Asset") }),
        put: op("Asset_PutAsset", "Asset", { requestBody: json(ref("B.Asset")) }),
      },
    };
    const schemas = {
      "A.Asset": { type: "object", properties: { a: { type: "string" } } },
      "B.Asset": { type: "object", properties: { b: { type: "string" } } },
    };
    const run = () => normalise({ public: loaded(doc(paths, schemas)), overlay: overlay() });
    expect(run).toThrow(NameClashError);
    expect(run).toThrow(/public:A\.Asset and public:B\.Asset/);
    const api = normalise({
      public: loaded(doc(paths, schemas)),
      overlay: overlay({ schemaNames: { "B.Asset": "AssetInput" } }),
    });
    expect(Object.keys(api.schemas).sort()).toEqual(["Asset", "AssetInput"]);
  });

  it("names that differ only in case clash too", () => {
    const schemas = {
      "A.Unit": { type: "object", properties: {} },
      "B.unit": { type: "object", properties: {} },
    };
    const paths = {
      "/api/U": {
        get: op("Product_A", "Product", {}, ref("A.Unit")),
        put: op("Product_B", "Product", {}, ref("B.unit")),
      },
    };
    expect(() => normalise({ public: loaded(doc(paths, schemas)), overlay: overlay() })).toThrow(
      /schema name clash/,
    );
  });

  it("applies the nullability policy: optional properties are nullable, required ones are not", () => {
    const api = normalise({
      public: loaded(
        doc(
          { "/api/P": { get: op("Product_Get", "Product", {}, ref("N.P")) } },
          {
            "N.P": {
              type: "object",
              required: ["id"],
              properties: {
                id: { type: "string" },
                name: { type: "string" },
                child: ref("N.C"),
                bag: { type: "object" },
              },
            },
            "N.C": { type: "object", properties: {} },
          },
        ),
      ),
      overlay: overlay(),
    });
    const p = api.schemas.P?.properties ?? {};
    expect(p.id).toEqual({ type: "string" });
    expect(p.name).toEqual({ type: "string", nullable: true });
    expect(p.child).toEqual({ allOf: [{ $ref: "#/components/schemas/C" }], nullable: true });
    expect(p.bag).toEqual({ type: "object", additionalProperties: {}, nullable: true });
  });
});

describe("content, responses and OData", () => {
  it("keeps only the JSON content type of a body offered in many", () => {
    const api = normalise({
      public: loaded(
        doc({ "/api/P": { put: op("Product_Put", "Product", { requestBody: json({ type: "string" }) }) } }),
      ),
      overlay: overlay(),
    });
    expect(api.operations[0]?.body).toEqual({
      contentType: "application/json",
      required: true,
      schema: { type: "string" },
    });
  });

  it("a body with no JSON content type fails with its pointer unless the overlay describes it", () => {
    const paths = {
      "/api/P": {
        put: op("Product_Put", "Product", {
          requestBody: { content: { "application/xml": { schema: { type: "string" } } } },
        }),
      },
    };
    expect(() => normalise({ public: loaded(doc(paths)), overlay: overlay() })).toThrow(
      "test.json#/paths/~1api~1P/put/requestBody/content",
    );
    const api = normalise({
      public: loaded(doc(paths)),
      overlay: overlay({
        operations: {
          "PUT /api/P": { body: { contentType: "application/xml", schema: { inline: { type: "string" } } } },
        },
      }),
    });
    expect(api.operations[0]?.body?.contentType).toBe("application/xml");
  });

  it("types an untyped {type: object} response as unknown, unless the overlay gives a schema", () => {
    const paths = { "/api/P": { get: op("Product_Get", "Product") } };
    expect(normalise({ public: loaded(doc(paths)), overlay: overlay() }).operations[0]?.response).toEqual({
      kind: "json",
      status: "200",
      contentType: "application/json",
      schema: {},
    });
    const withSchema = normalise({
      public: loaded(doc(paths, { "N.P": { type: "object", properties: { a: { type: "string" } } } })),
      overlay: overlay({
        operations: { "GET /api/P": { responseSchema: { document: "public", schema: "N.P" } } },
      }),
    });
    expect(withSchema.operations[0]?.response.schema).toEqual({ $ref: "#/components/schemas/P" });
    expect(Object.keys(withSchema.schemas)).toEqual(["P"]);
  });

  it("declares the OData query options on operations documented to accept them", () => {
    const api = normalise({
      public: loaded(
        doc({
          "/api/Product/Query": {
            get: op("Product_GetProducts", "Product", {
              description: "Supports OData query options such as $filter.",
            }),
          },
          "/api/Product/Other": { get: op("Product_Other", "Product", { description: "Plain." }) },
        }),
      ),
      overlay: overlay(),
    });
    const [query, other] = api.operations;
    expect(query?.params.map((p) => p.name)).toEqual([
      "$filter",
      "$top",
      "$skip",
      "$orderby",
      "$expand",
      "$select",
      "$count",
    ]);
    expect(query?.params.find((p) => p.name === "$top")?.schema).toMatchObject({ type: "integer" });
    expect(other?.params).toEqual([]);
    const restricted = normalise({
      public: loaded(
        doc({
          "/api/Product/Query": { get: op("Product_GetProducts", "Product", { description: "OData" }) },
        }),
      ),
      overlay: overlay({ operations: { "GET /api/Product/Query": { odata: ["$filter", "$top"] } } }),
    });
    expect(restricted.operations[0]?.odata).toEqual(["$filter", "$top"]);
  });

  it("takes a body the public spec omits from the internal spec, with the schemas it reaches", () => {
    const internal = doc(
      {},
      {
        "W.Report": { type: "object", properties: { id: { type: "string" }, root: ref("W.Step") } },
        "W.Step": { type: "object", properties: { steps: { type: "array", items: ref("W.Step") } } },
        "W.Unused": { type: "object", properties: {} },
      },
    );
    const api = normalise({
      public: loaded(doc({ "/api/Report/WSJF": { post: op("Report_PostWSJF", "Report") } })),
      internal: loaded(internal, "internal.json"),
      overlay: overlay({
        schemaPrefixes: { "W.": "Wsjf" },
        operations: {
          "POST /api/Report/WSJF": {
            body: { contentType: "application/json", schema: { document: "internal", schema: "W.Report" } },
            idempotent: true,
          },
        },
      }),
    });
    expect(Object.keys(api.schemas).sort()).toEqual(["WsjfReport", "WsjfStep"]);
    expect(api.schemaOrigins.WsjfReport).toBe("internal:W.Report");
    expect(api.operations[0]?.body?.schema).toEqual({ $ref: "#/components/schemas/WsjfReport" });
    expect(api.operations[0]?.idempotent).toBe(true);
  });
});

describe("overlay checks", () => {
  it("an overlay route the spec does not have fails", () => {
    expect(() =>
      normalise({
        public: loaded(doc({ "/api/P": { get: op("Product_Get", "Product") } })),
        overlay: overlay({ operations: { "GET /api/Gone": { name: "gone" } } }),
      }),
    ).toThrow(OverlayError);
  });

  it("an enum whose values drifted from the spec fails", () => {
    const paths = {
      "/api/Asset/State": {
        put: op("Asset_PutAssetState", "Asset", {
          parameters: [
            { name: "state", in: "query", required: true, schema: { type: "integer", enum: [0, 1, 2] } },
          ],
        }),
      },
    };
    const enums = (members: Record<string, number>) => [
      { name: "AssetState", members, usedBy: ["PUT /api/Asset/State state"] },
    ];
    expect(
      normalise({ public: loaded(doc(paths)), overlay: overlay({ enums: enums({ A: 0, B: 1, C: 2 }) }) })
        .enums,
    ).toHaveLength(1);
    expect(() =>
      normalise({ public: loaded(doc(paths)), overlay: overlay({ enums: enums({ A: 0, B: 1 }) }) }),
    ).toThrow(/enum AssetState: PUT \/api\/Asset\/State state has values \[0,1,2\]/);
  });

  it("two methods renamed to the same name fail with both routes", () => {
    const run = () =>
      normalise({
        public: loaded(
          doc({
            "/api/A": { get: op("Product_A", "Product") },
            "/api/B": { get: op("Product_B", "Product") },
          }),
        ),
        overlay: overlay({
          operations: { "GET /api/A": { name: "same" }, "GET /api/B": { name: "Same".toLowerCase() } },
        }),
      });
    expect(run).toThrow(NameClashError);
    expect(run).toThrow(/GET \/api\/A .*GET \/api\/B/);
  });

  it("a tag without a package fails naming the tag's pointer", () => {
    expect(() =>
      normalise({ public: loaded(doc({ "/api/X": { get: op("Nope_X", "Nope") } })), overlay: overlay() }),
    ).toThrow('test.json#/paths/~1api~1X/get/tags/0: tag "Nope" has no package');
  });
});

describe("malformed input", () => {
  it("names the JSON pointer of the problem", async () => {
    await expect(parseSpec("{not json", "bad.json")).rejects.toThrow(/^bad\.json#: not valid JSON/);
    await expect(
      parseSpec(JSON.stringify({ openapi: "3.1.0", info: { title: "t" }, paths: {} }), "v.json"),
    ).rejects.toThrow('v.json#/openapi: unsupported OpenAPI version "3.1.0"');
    const noResponses = {
      openapi: "3.0.0",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { operationId: "X_A" } } },
    };
    await expect(parseSpec(JSON.stringify(noResponses), "r.json")).rejects.toThrow(
      "r.json#/paths/~1a/get/responses",
    );
    const badRef = {
      openapi: "3.0.0",
      info: { title: "t", version: "1" },
      paths: {
        "/a": {
          get: {
            operationId: "X_A",
            responses: {
              "200": {
                description: "",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } },
              },
            },
          },
        },
      },
    };
    await expect(parseSpec(JSON.stringify(badRef), "f.json")).rejects.toThrow(
      "f.json#/paths/~1a/get/responses/200/content/application~1json/schema: $ref #/components/schemas/Missing does not resolve",
    );
  });

  it("converts Swagger 2.0 before normalising", async () => {
    const swagger = {
      swagger: "2.0",
      info: { title: "S", version: "1" },
      paths: {
        "/api/Product/{pn}": {
          get: {
            operationId: "Product_GetProduct",
            tags: ["Product"],
            produces: ["application/json", "text/xml"],
            parameters: [{ name: "pn", in: "path", required: true, type: "string" }],
            responses: { "200": { description: "OK", schema: { $ref: "#/definitions/P" } } },
          },
        },
      },
      definitions: { P: { type: "object", properties: { a: { type: "string" } } } },
    };
    const spec = await parseSpec(JSON.stringify(swagger), "s.json");
    expect(spec.sourceVersion).toBe("2.0");
    expect(spec.document.openapi).toMatch(/^3\.0\./);
    const api = normalise({ public: spec, overlay: overlay() });
    expect(api.operations[0]).toMatchObject({ name: "getProduct", path: "/api/Product/{pn}" });
    expect(api.operations[0]?.response.schema).toEqual({ $ref: "#/components/schemas/P" });
  });
});
