import { describe, expect, it } from "vitest";
import { NameClashError, OverlayError, SpecError } from "../src/errors.js";
import { parseSpec } from "../src/load.js";
import { normalise, normaliseInternal } from "../src/normalise/index.js";
import { camelCase, methodNameFor } from "../src/normalise/naming.js";
import type { OperationObject, SchemaObject } from "../src/openapi.js";
import type { Overlay } from "../src/overlay.js";
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
        operations: {
          "GET /api/P": {
            responseSchema: {
              document: "public",
              schema: "N.P",
              evidence: [{ source: "pywats", ref: "product.P" }],
            },
          },
        },
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

describe("typed answers", () => {
  const paths = {
    "/api/P": { get: op("Product_Get", "Product") },
    "/api/Q": { get: op("Product_Query", "Product") },
  };
  const evidence = [{ source: "pywats", ref: "product.P" }];

  it("with requireTypedAnswers, every untyped public answer fails, all listed at once", () => {
    const run = () =>
      normalise({ public: loaded(doc(paths)), overlay: overlay({ requireTypedAnswers: true }) });
    expect(run).toThrow(OverlayError);
    expect(run).toThrow(/GET \/api\/P: answers unknown\n {2}GET \/api\/Q: answers unknown/);
  });

  it("a free-form answer stays unknown with its reason; a stale reason on a typed answer fails", () => {
    const api = normalise({
      public: loaded(doc(paths)),
      overlay: overlay({
        requireTypedAnswers: true,
        operations: {
          "GET /api/P": { responseFreeForm: "keys are user-defined setting names" },
          "GET /api/Q": { responseSchema: { inline: { type: "string" }, evidence } },
        },
      }),
    });
    expect(api.operations[0]?.response).toMatchObject({
      schema: {},
      freeForm: "keys are user-defined setting names",
    });
    expect(api.operations[1]?.response).toMatchObject({ schema: { type: "string" }, evidence });
    expect(() =>
      normalise({
        public: loaded(doc({ "/api/P": { get: op("Product_Get", "Product", {}, { type: "string" }) } })),
        overlay: overlay({ operations: { "GET /api/P": { responseFreeForm: "stale" } } }),
      }),
    ).toThrow(/GET \/api\/P: responseFreeForm is given but the answer is typed/);
  });

  it("a public response schema must say where its shape comes from", () => {
    expect(() =>
      normalise({
        public: loaded(doc(paths)),
        overlay: overlay({
          requireTypedAnswers: true,
          operations: {
            "GET /api/P": { responseSchema: { inline: { type: "string" } } },
            "GET /api/Q": { responseFreeForm: "x" },
          },
        }),
      }),
    ).toThrow(
      /GET \/api\/P"\]\.responseSchema: a public operation's schema must say where its shape comes from/,
    );
  });

  it("overlay models are named as declared, reach the spec's models, and keep their evidence", () => {
    const api = normalise({
      public: loaded(doc(paths, { "N.Tag": { type: "object", properties: { key: { type: "string" } } } })),
      overlay: overlay({
        models: {
          Row: {
            description: "A row.",
            evidence,
            schema: { type: "object", properties: { n: { type: "integer" }, tag: ref("N.Tag") } },
          },
        },
        operations: {
          "GET /api/P": {
            responseSchema: { inline: { type: "array", items: { $ref: "#/overlay/models/Row" } }, evidence },
          },
        },
      }),
    });
    expect(api.operations[0]?.response.schema).toEqual({ type: "array", items: ref("Row") });
    expect(Object.keys(api.schemas).sort()).toEqual(["Row", "Tag"]);
    expect(api.schemas.Row).toMatchObject({
      description: "A row.",
      properties: { n: { type: "integer", nullable: true } },
    });
    expect(api.schemaOrigins.Row).toBe("overlay:Row");
    expect(api.schemaEvidence).toEqual({ Row: evidence });
    expect(() =>
      normalise({
        public: loaded(doc(paths)),
        overlay: overlay({
          operations: {
            "GET /api/P": { responseSchema: { inline: { $ref: "#/overlay/models/Nope" }, evidence } },
          },
        }),
      }),
    ).toThrow(/"models" has no Nope/);
  });
});

describe("enums from documentation", () => {
  const paths = {
    "/api/Unit": {
      put: op(
        "Product_SetPhase",
        "Product",
        { parameters: [{ name: "phase", in: "query", required: true, schema: { type: "integer" } }] },
        ref("N.Unit"),
      ),
    },
    "/api/Tickets": {
      get: op(
        "Product_Tickets",
        "Product",
        { parameters: [{ name: "status", in: "query", schema: { type: "integer", enum: [1, 2, 4] } }] },
        { type: "array", items: ref("N.Unit") },
      ),
    },
  };
  const schemas = {
    "N.Unit": {
      type: "object",
      properties: {
        phase: { type: "integer" },
        label: { type: "string" },
        flags: { type: "integer", enum: [1, 2, 4] },
      },
    },
  };
  const phase = {
    name: "Phase",
    members: { Made: 1, Shipped: 16 },
    usedBy: ["PUT /api/Unit phase", "Unit.phase"],
  };

  it("type a place the spec documents only in prose with the enum's values", () => {
    const api = normalise({ public: loaded(doc(paths, schemas)), overlay: overlay({ enums: [phase] }) });
    expect(api.enums.map((e) => e.name)).toEqual(["Phase"]);
    expect(api.operations[0]?.params[0]?.schema).toMatchObject({ enum: [1, 16], "x-tswats-enum": "Phase" });
    expect(api.schemas.Unit?.properties?.phase).toMatchObject({
      enum: [1, 16],
      "x-tswats-enum": "Phase",
      nullable: true,
    });
  });

  it("flag enums drop the spec's single values for the mask of all members", () => {
    const status = {
      name: "Status",
      flags: true,
      members: { Open: 1, Busy: 2, Done: 4 },
      usedBy: ["GET /api/Tickets status", "Unit.flags"],
    };
    const api = normalise({ public: loaded(doc(paths, schemas)), overlay: overlay({ enums: [status] }) });
    const param = api.operations[1]?.params[0]?.schema;
    expect(param).toMatchObject({ "x-tswats-enum": "Status", "x-tswats-flags": 7 });
    expect(param?.enum).toBeUndefined();
    expect(() => overlay({ enums: [{ ...status, members: { Open: 1, Text: "x" } }] })).toThrow(
      /flag members must be positive integers/,
    );
  });

  it("refuse members that do not fit the place, a missing place, and export route-documented codes", () => {
    const words = { name: "Words", members: { A: "a" }, usedBy: ["Unit.phase"] };
    expect(() =>
      normalise({ public: loaded(doc(paths, schemas)), overlay: overlay({ enums: [words] }) }),
    ).toThrow(/enum Words: Unit.phase is of type integer in the spec; the members are not/);
    const missing = { ...phase, usedBy: ["Unit.nope"] };
    expect(() =>
      normalise({ public: loaded(doc(paths, schemas)), overlay: overlay({ enums: [missing] }) }),
    ).toThrow(/enum Phase: Unit.nope does not exist/);
    const documented = {
      name: "Dimension",
      members: { PartNumber: "partNumber" },
      usedBy: ["PUT /api/Unit"],
    };
    const api = normalise({ public: loaded(doc(paths, schemas)), overlay: overlay({ enums: [documented] }) });
    expect(api.enums).toMatchObject([{ name: "Dimension", usedBy: ["PUT /api/Unit"] }]);
    expect(JSON.stringify(api.schemas)).not.toContain("Dimension");
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

describe("the internal API", () => {
  const product = (extra: Partial<OperationObject> = {}) =>
    op("Product_PublicGetProduct", "Product", {
      parameters: [{ name: "partNumber", in: "path", required: true }],
      ...extra,
    });
  const publicSpec = loaded(doc({ "/api/Product/{partNumber}": { get: product() } }), "public.json");
  const internalSpec = (
    paths: Record<string, Record<string, OperationObject>>,
    schemas: Record<string, SchemaObject> = {},
  ) =>
    loaded(
      // The internal spec repeats the public operation, here with another case and parameter name.
      doc(
        {
          "/api/product/{pn}": {
            get: op("Product_PublicGetProduct", "Product", {
              parameters: [{ name: "pn", in: "path", required: true }],
            }),
          },
          ...paths,
        },
        schemas,
      ),
      "internal.json",
    );
  const internalOverlay = (extra: Partial<Record<keyof Overlay, unknown>> = {}) =>
    overlay({
      internal: {
        tags: { Repair: { package: "report", note: "Repair reports." } },
        packages: { dashboard: { description: "Dashboards." } },
      },
      ...extra,
    });
  const paths = {
    "/api/internal/Product/GetProducts": { get: op("Product_GetProducts", "Product") },
    "/api/Internal/Repair": { post: op("Repair_PostReport", "Repair") },
    "/api/internal/Dashboard/GetDashboards": { get: op("Dashboard_GetDashboards", "Dashboard") },
  };

  it("takes only the operations the public spec lacks, as the server tells routes apart, all marked internal", () => {
    const api = normaliseInternal({
      public: publicSpec,
      internal: internalSpec(paths),
      overlay: internalOverlay({
        internal: {
          tags: {
            Repair: { package: "report", note: "Repair reports." },
            Dashboard: { package: "dashboard", note: "New." },
          },
          packages: { dashboard: { description: "Dashboards." } },
        },
      }),
    });
    expect(api.scope).toBe("internal");
    expect(api.operations.map((o) => `${o.route} -> ${o.packageName}`).sort()).toEqual([
      "GET /api/internal/Dashboard/GetDashboards -> dashboard",
      "GET /api/internal/Product/GetProducts -> product",
      "POST /api/Internal/Repair -> report",
    ]);
    expect(api.operations.every((o) => o.internal)).toBe(true);
    expect(api.packages).toEqual([
      {
        name: "dashboard",
        tags: ["Dashboard"],
        service: "DashboardInternalService",
        description: "Dashboards.",
      },
      { name: "product", tags: ["Product"], service: "ProductInternalService", description: "Products." },
      { name: "report", tags: ["Repair"], service: "ReportInternalService", description: "Reports." },
    ]);
    // The public API is unchanged by the internal spec, and not internal.
    const pub = normalise({ public: publicSpec, internal: internalSpec(paths), overlay: internalOverlay() });
    expect(pub.operations.map((o) => [o.route, o.internal])).toEqual([
      ["GET /api/Product/{partNumber}", false],
    ]);
  });

  it("names methods without a leading or trailing Internal", () => {
    expect(methodNameFor("Asset_GetAssetInternal", "internal")).toBe("getAsset");
    expect(methodNameFor("Report_InternalPost", "internal")).toBe("post");
    expect(methodNameFor("Asset_GetAssetInternal")).toBe("getAssetInternal");
  });

  it("an internal-only tag without a package fails naming its pointer", () => {
    const run = () =>
      normaliseInternal({
        public: publicSpec,
        internal: internalSpec({ "/api/internal/Survey/X": { get: op("Survey_X", "Survey") } }),
        overlay: internalOverlay({ internal: {} }),
      });
    expect(run).toThrow(SpecError);
    expect(run).toThrow('internal.json#/paths/~1api~1internal~1Survey~1X/get/tags/0: internal tag "Survey"');
  });

  it("checks the overlay's internal section", () => {
    const run =
      (internal: unknown, operations: unknown = {}) =>
      () =>
        normaliseInternal({
          public: publicSpec,
          internal: internalSpec(paths),
          overlay: overlay({ internal, operations }),
        });
    const dashboard = { Dashboard: { package: "dashboard", note: "New." } };
    const packages = { dashboard: { description: "Dashboards." } };
    const repair = { Repair: { package: "report", note: "Repairs." } };
    expect(
      run({ tags: { ...dashboard, ...repair, Product: { package: "report", note: "x" } }, packages }),
    ).toThrow(
      /internal.tags\["Product"\]: "Product" is a public tag; its internal operations go to @tswats\/product/,
    );
    expect(run({ tags: { ...dashboard, Repair: { package: "repairs", note: "x" } }, packages })).toThrow(
      /"repairs" is neither a public package nor one of internal.packages/,
    );
    expect(
      run({ tags: { ...dashboard, ...repair, Gone: { package: "report", note: "x" } }, packages }),
    ).toThrow(/internal.tags\["Gone"\] names a tag the internal spec does not have/);
    expect(
      run({ tags: { ...dashboard, ...repair }, packages: { ...packages, spare: { description: "x" } } }),
    ).toThrow(/internal.packages\["spare"\] is declared but no internal operation goes to it/);
    expect(
      run({ tags: { ...dashboard, ...repair }, packages: { ...packages, product: { description: "x" } } }),
    ).toThrow(/internal.packages\["product"\] is already the package of a public tag/);
    expect(
      run(
        { tags: { ...dashboard, ...repair }, packages },
        { "GET /api/Product/{partNumber}": { package: "report" } },
      ),
    ).toThrow(/only internal-only routes can be moved/);
    expect(() =>
      normalise({
        public: publicSpec,
        overlay: overlay({ operations: { "GET /api/Product/{partNumber}": { package: "report" } } }),
      }),
    ).toThrow(/a public operation stays in its tag's package/);
  });

  it("moves a single route to another package when the overlay says so", () => {
    const api = normaliseInternal({
      public: publicSpec,
      internal: internalSpec({
        "/api/internal/Blob/Asset": { get: op("Blob_AssetGetFile", "Blob") },
        "/api/internal/Blob/mi": { get: op("Blob_MiGetFile", "Blob") },
      }),
      overlay: overlay({
        internal: { tags: { Blob: { package: "asset", note: "Asset files." } } },
        operations: {
          "GET /api/internal/Blob/mi": { package: "report", name: "getMediaFile", response: "binary" },
        },
      }),
    });
    expect(api.operations.map((o) => `${o.name} -> ${o.packageName} (${o.response.kind})`)).toEqual([
      "assetGetFile -> asset (json)",
      "getMediaFile -> report (binary)",
    ]);
    expect(api.packages.map((p) => `${p.name}: ${p.tags}`)).toEqual(["asset: Blob", "report: Blob"]);
  });

  it("has its own schema namespace: a clash inside it fails naming both, the overlay resolves it", () => {
    const schemas = {
      "Mes.Product": { type: "object", properties: { ProductId: { type: "string" } } },
      "Mes.Public.Product": { type: "object", properties: { productId: { type: "string" } } },
    };
    const clashing = {
      "/api/internal/Product/A": { get: op("Product_A", "Product", {}, ref("Mes.Product")) },
      "/api/internal/Product/B": { get: op("Product_B", "Product", {}, ref("Mes.Public.Product")) },
    };
    const run = (extra: Partial<Record<keyof Overlay, unknown>> = {}) =>
      normaliseInternal({
        public: publicSpec,
        internal: internalSpec(clashing, schemas),
        overlay: overlay(extra),
      });
    expect(() => run()).toThrow(NameClashError);
    expect(() => run()).toThrow(/internal:Mes\.Product and internal:Mes\.Public\.Product/);
    const api = run({ schemaNames: { "Mes.Product": "MesProduct" } });
    expect(api.schemaOrigins).toEqual({
      MesProduct: "internal:Mes.Product",
      Product: "internal:Mes.Public.Product",
    });
    // The public API may use the same friendly name for its own schema: separate namespaces.
    const publicWithProduct = loaded(
      doc(
        {
          "/api/Product/{partNumber}": {
            get: { ...product(), responses: op("x", "x", {}, ref("Pub.Product")).responses },
          },
        },
        { "Pub.Product": { type: "object", properties: { partNumber: { type: "string" } } } },
      ),
      "public.json",
    );
    const both = {
      public: publicWithProduct,
      internal: internalSpec(clashing, schemas),
      overlay: overlay({ schemaNames: { "Mes.Product": "MesProduct" } }),
    };
    expect(normalise(both).schemaOrigins).toEqual({ Product: "public:Pub.Product" });
    expect(normaliseInternal(both).schemaOrigins.Product).toBe("internal:Mes.Public.Product");
  });

  it("resolves with the overlay's operationId a duplicate no rule can, keeping the server's id", () => {
    const dup = {
      "/api/internal/Product/GetProducts": { get: op("Product_GetProducts", "Product") },
      "/api/internal/Product/Query": { get: op("Product_GetProducts", "Product") },
    };
    const run = (operations: unknown = {}) =>
      normaliseInternal({
        public: publicSpec,
        internal: internalSpec(dup),
        overlay: overlay({ operations }),
      });
    expect(() => run()).toThrow(NameClashError);
    expect(() => run()).toThrow(/operations\["METHOD \/path"\]\.operationId/);
    const api = run({ "GET /api/internal/Product/Query": { operationId: "Product_QueryProducts" } });
    const query = api.operations.find((o) => o.path === "/api/internal/Product/Query");
    expect(query).toMatchObject({
      operationId: "Product_QueryProducts",
      originalOperationId: "Product_GetProducts",
      name: "queryProducts",
    });
    expect(api.operations.find((o) => o.path === "/api/internal/Product/GetProducts")?.operationId).toBe(
      "Product_GetProducts",
    );
  });

  it("accepts overlay entries for internal routes, and their inline schemas' $refs point into the internal spec", () => {
    const internal = internalSpec(
      { "/api/internal/Production/GetUnit": { get: op("Production_GetUnit", "Product") } },
      { "Mes.Unit": { type: "object", properties: { Children: { type: "array", items: ref("Mes.Unit") } } } },
    );
    const operations = {
      "GET /api/internal/Production/GetUnit": {
        responseSchema: { inline: { oneOf: [ref("Mes.Unit"), { type: "array", items: ref("Mes.Unit") }] } },
      },
    };
    // The public run knows the route through the internal spec, and does not fail on it.
    expect(() => normalise({ public: publicSpec, internal, overlay: overlay({ operations }) })).not.toThrow();
    const api = normaliseInternal({ public: publicSpec, internal, overlay: overlay({ operations }) });
    expect(api.operations[0]?.response.schema).toEqual({
      oneOf: [
        { $ref: "#/components/schemas/Unit" },
        { type: "array", items: { $ref: "#/components/schemas/Unit" } },
      ],
    });
    expect(api.schemaOrigins).toEqual({ Unit: "internal:Mes.Unit" });
  });
});

describe("what an operation does to the server's state", () => {
  const paths = {
    "/api/Product/{partNumber}": {
      get: op("Product_Get", "Product", { parameters: [{ name: "partNumber", in: "path", required: true }] }),
    },
    "/api/Product/Take": { get: op("Product_Take", "Product") },
    "/api/Product": { put: op("Product_Put", "Product"), delete: op("Product_Delete", "Product") },
    "/api/Product/Count": { put: op("Product_Count", "Product") },
    "/api/Product/Create": { post: op("Product_Create", "Product") },
  };
  const stateChanging = {
    operations: {
      "GET /api/Product/Take": "takes something; a repeat takes more",
      "PUT /api/Product/Count": "increments a count; a repeat counts twice",
    },
  };

  it("comes from the overlay's stateChanging section, else from the method", () => {
    const api = normalise({ public: loaded(doc(paths)), overlay: overlay({ stateChanging }) });
    const effect = Object.fromEntries(
      api.operations.map((o) => [o.route, { stateChanging: o.stateChanging, idempotent: o.idempotent }]),
    );
    expect(effect).toEqual({
      "GET /api/Product/{partNumber}": { stateChanging: false, idempotent: true },
      "GET /api/Product/Take": { stateChanging: true, idempotent: false },
      "PUT /api/Product": { stateChanging: true, idempotent: true },
      "DELETE /api/Product": { stateChanging: true, idempotent: true },
      "PUT /api/Product/Count": { stateChanging: true, idempotent: false },
      "POST /api/Product/Create": { stateChanging: true, idempotent: false },
    });
    expect(api.operations.find((o) => o.name === "take")?.stateChangingReason).toBe(
      "takes something; a repeat takes more",
    );
  });

  it("refuses a route the spec does not have, a missing reason, and a listed route marked idempotent", () => {
    const run = (extra: Record<string, unknown>) => () =>
      normalise({ public: loaded(doc(paths)), overlay: overlay(extra) });
    expect(run({ stateChanging: { operations: { "GET /api/Nope": "a reason long enough" } } })).toThrow(
      /stateChanging.operations\["GET \/api\/Nope"\] names a route the spec does not have/,
    );
    expect(() => overlay({ stateChanging: { operations: { "GET /api/Product/Take": "" } } })).toThrow(
      /say why/,
    );
    expect(run({ stateChanging, operations: { "GET /api/Product/Take": { idempotent: true } } })).toThrow(
      /listed in stateChanging/,
    );
  });
});
