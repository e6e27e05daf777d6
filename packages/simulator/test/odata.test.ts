import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/index.js";
import { compileFilter, compileOrderBy, type EntityModel, ODataBindError } from "../src/odata/evaluate.js";
import { ODataSyntaxError, parseFilter, parseOrderBy, tokenize } from "../src/odata/parse.js";
import { ODataQueryError, runODataQuery } from "../src/odata/query.js";
import { call, callJson, uutReport } from "./helpers.js";

const MODEL: EntityModel = {
  name: "Row",
  fields: {
    name: "string",
    n: "int",
    x: "number",
    ok: "boolean",
    at: "datetime",
    id: "guid",
    note: "string",
  },
};

const ROWS = [
  {
    name: "alpha",
    n: 1,
    x: 1.5,
    ok: true,
    at: "2026-01-01T10:00:00+01:00",
    id: "AAAAAAAA-0000-4000-8000-000000000001",
    note: "it's",
  },
  {
    name: "beta",
    n: 2,
    x: 2.5,
    ok: false,
    at: "2026-01-02T00:00:00Z",
    id: "aaaaaaaa-0000-4000-8000-000000000002",
    note: null,
  },
  {
    name: "Gamma",
    n: 3,
    x: -1,
    ok: true,
    at: "2026-01-03T00:00:00.1234567Z",
    id: "aaaaaaaa-0000-4000-8000-000000000003",
    note: "x",
  },
];

const names = (filter: string) => ROWS.filter(compileFilter(parseFilter(filter), MODEL)).map((r) => r.name);

describe("OData $filter parser", () => {
  it("reads string literals with '' escaping", () => {
    const tokens = tokenize("name eq 'it''s'");
    expect(tokens[2]).toMatchObject({ type: "literal", literal: { kind: "string", value: "it's" } });
  });

  it("reads numbers, booleans, null, GUIDs and date-times", () => {
    const kinds = tokenize(
      "1 -2.5 1e3 10L true null 2026-01-01T00:00:00Z 2026-01-01 AAAAAAAA-0000-4000-8000-000000000001",
    )
      .filter((t) => t.type === "literal")
      .map((t) => (t.type === "literal" ? t.literal.kind : ""));
    expect(kinds).toEqual([
      "number",
      "number",
      "number",
      "number",
      "boolean",
      "null",
      "datetime",
      "datetime",
      "guid",
    ]);
  });

  it("accepts the OData v3 typed literals datetime'...' and guid'...'", () => {
    expect(names("at lt datetime'2026-01-02T00:00:00'")).toEqual(["alpha"]);
    expect(names("id eq guid'aaaaaaaa-0000-4000-8000-000000000002'")).toEqual(["beta"]);
  });

  it("rejects a date-time without offset, naming the problem", () => {
    expect(() => parseFilter("at gt 2026-01-01T00:00:00")).toThrow(/no UTC offset/);
  });

  it("reports syntax errors with their position", () => {
    expect(() => parseFilter("name eq")).toThrow(ODataSyntaxError);
    expect(() => parseFilter("(name eq 'a'")).toThrow(/expected '\)'/);
    expect(() => parseFilter("name eq 'abc")).toThrow(/unterminated string/);
    expect(() => parseFilter("name ~ 'a'")).toThrow(/unexpected character '~' at position 5/);
  });

  it("parses $orderby lists with directions", () => {
    expect(parseOrderBy("n desc, name")).toEqual([
      { name: "n", descending: true, position: 0 },
      { name: "name", descending: false, position: 8 },
    ]);
    expect(() => parseOrderBy("n sideways")).toThrow(ODataSyntaxError);
  });
});

describe("OData $filter evaluation", () => {
  it("compares with eq ne gt ge lt le", () => {
    expect(names("n eq 2")).toEqual(["beta"]);
    expect(names("n ne 2")).toEqual(["alpha", "Gamma"]);
    expect(names("n gt 1")).toEqual(["beta", "Gamma"]);
    expect(names("n ge 2")).toEqual(["beta", "Gamma"]);
    expect(names("x lt 1.5")).toEqual(["Gamma"]);
    expect(names("x le 1.5")).toEqual(["alpha", "Gamma"]);
  });

  it("combines with and, or, not and parentheses (and binds tighter than or)", () => {
    expect(names("n eq 1 or n eq 2 and ok eq true")).toEqual(["alpha"]);
    expect(names("(n eq 1 or n eq 2) and ok eq false")).toEqual(["beta"]);
    expect(names("not (n eq 1)")).toEqual(["beta", "Gamma"]);
    expect(names("not startswith(name,'a')")).toEqual(["beta", "Gamma"]);
  });

  it("supports contains, startswith, endswith, tolower and in", () => {
    expect(names("contains(name,'et')")).toEqual(["beta"]);
    expect(names("startswith(name,'G')")).toEqual(["Gamma"]);
    expect(names("endswith(name,'a')")).toEqual(["alpha", "beta", "Gamma"]);
    expect(names("tolower(name) eq 'gamma'")).toEqual(["Gamma"]);
    expect(names("n in (1, 3)")).toEqual(["alpha", "Gamma"]);
    expect(names("note eq 'it''s'")).toEqual(["alpha"]);
  });

  it("compares date-times as instants, across offsets and 7-digit fractions", () => {
    expect(names("at lt 2026-01-01T09:30:00Z")).toEqual(["alpha"]);
    expect(names("at gt 2026-01-03T00:00:00.123Z")).toEqual(["Gamma"]);
    expect(names("at ge 2026-01-02")).toEqual(["beta", "Gamma"]);
  });

  it("compares GUIDs case-insensitively and handles null", () => {
    expect(names("id eq AAAAAAAA-0000-4000-8000-000000000002")).toEqual(["beta"]);
    expect(names("note eq null")).toEqual(["beta"]);
    expect(names("note ne null")).toEqual(["alpha", "Gamma"]);
    expect(names("note gt 'a'")).toEqual(["alpha", "Gamma"]);
  });

  it("resolves property names case-insensitively", () => {
    expect(names("NAME eq 'beta'")).toEqual(["beta"]);
  });

  it("refuses unknown properties, unknown functions and mismatched types, naming them", () => {
    expect(() => names("color eq 'red'")).toThrow("Could not find a property named 'color' on type 'Row'.");
    expect(() => names("year(at) eq 2026")).toThrow(/unknown function with name 'year'/);
    expect(() => names("n eq 'one'")).toThrow(/incompatible types.*'Edm.Int32' and 'Edm.String'/);
    expect(() => names("id eq 'aaaaaaaa-0000-4000-8000-000000000002'")).toThrow(ODataBindError);
    expect(() => names("contains(n,'1')")).toThrow(/No function signature/);
    expect(() => names("n")).toThrow(/must be a boolean/);
  });
});

describe("OData query options", () => {
  const spec = { model: MODEL, defaultTop: 2, maxTop: 100 };

  it("orders by several keys, asc and desc", () => {
    const rows = [...ROWS].sort(compileOrderBy(parseOrderBy("ok desc, n desc"), MODEL));
    expect(rows.map((r) => r.name)).toEqual(["Gamma", "alpha", "beta"]);
  });

  it("applies $top, $skip and the default top", () => {
    expect(runODataQuery(ROWS, {}, spec).rows).toHaveLength(2);
    expect(runODataQuery(ROWS, { $orderby: "n", $skip: "1", $top: "5" }, spec).rows.map((r) => r.n)).toEqual([
      2, 3,
    ]);
  });

  it("refuses a $top beyond the limit and non-numeric paging", () => {
    expect(() => runODataQuery(ROWS, { $top: "101" }, spec)).toThrow(
      "The limit of '100' for Top query has been exceeded",
    );
    expect(() => runODataQuery(ROWS, { $skip: "-1" }, spec)).toThrow(ODataQueryError);
  });

  it("restricts $orderby to the allowed properties", () => {
    expect(() => runODataQuery(ROWS, { $orderby: "x" }, { ...spec, orderable: ["n"] })).toThrow(
      /cannot be used in the \$orderby/,
    );
  });
});

describe("OData over HTTP: GET /api/Report/Query/Header", () => {
  let sim: Simulator;
  const q = (query: string) => callJson<Record<string, unknown>[]>(sim, `/api/Report/Query/Header?${query}`);

  beforeAll(async () => {
    sim = await startSimulator({ data: "empty" });
    const reports = [
      uutReport({ pn: "ODATA-1", sn: "A-1", result: "P", start: "2026-02-01T08:00:00+01:00" }),
      uutReport({ pn: "ODATA-1", sn: "A-2", result: "F", start: "2026-02-02T08:00:00+01:00" }),
      uutReport({ pn: "ODATA-2", sn: "O'Brien-3", result: "P", start: "2026-02-03T08:00:00-05:00" }),
    ];
    for (const body of reports) await callJson(sim, "/api/Report/WSJF", { body });
  });
  afterAll(() => sim.close());

  it("filters with eq/and and quotes escaped as ''", async () => {
    expect(
      (await q("$filter=partNumber eq 'ODATA-1' and result eq 'Failed'")).map((h) => h.serialNumber),
    ).toEqual(["A-2"]);
    expect(
      (await q(`$filter=${encodeURIComponent("serialNumber eq 'O''Brien-3'")}`)).map((h) => h.partNumber),
    ).toEqual(["ODATA-2"]);
  });

  it("filters on start with a DateTimeOffset literal (encoded +)", async () => {
    const rows = await q(
      `$filter=${encodeURIComponent("start ge 2026-02-02T07:00:00+00:00")}&$orderby=start`,
    );
    expect(rows.map((h) => h.serialNumber)).toEqual(["A-2", "O'Brien-3"]);
  });

  it("answers newest first by default and honours $orderby/$top/$skip", async () => {
    expect((await q("")).map((h) => h.serialNumber)).toEqual(["O'Brien-3", "A-2", "A-1"]);
    expect((await q("$orderby=serialNumber desc&$top=1&$skip=1")).map((h) => h.serialNumber)).toEqual([
      "A-2",
    ]);
  });

  it("supports contains/startswith/not over HTTP", async () => {
    expect((await q("$filter=not startswith(partNumber,'ODATA-1')")).map((h) => h.serialNumber)).toEqual([
      "O'Brien-3",
    ]);
    expect(await q("$filter=contains(serialNumber,'-2')")).toHaveLength(1);
  });

  it("leaves navigation properties out unless expanded, and projects $select", async () => {
    const [plain] = await q("$top=1");
    expect(plain).not.toHaveProperty("subUnits");
    const [expanded] = await q("$top=1&$expand=miscInfo,subUnits");
    expect(expanded).toHaveProperty("subUnits");
    const [selected] = await q("$top=1&$select=uuid,result");
    expect(Object.keys(selected ?? {}).sort()).toEqual(["result", "uuid"]);
  });

  it("answers 400 naming an unknown field or a bad orderby", async () => {
    const unknown = await call(
      sim,
      `/api/Report/Query/Header?$filter=${encodeURIComponent("colour eq 'red'")}`,
    );
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).Message).toContain("Could not find a property named 'colour'");
    const orderBy = await call(sim, "/api/Report/Query/Header?$orderby=location");
    expect(orderBy.status).toBe(400);
    expect((await orderBy.json()).Message).toMatch(/location/);
    const syntax = await call(sim, `/api/Report/Query/Header?$filter=${encodeURIComponent("partNumber eq")}`);
    expect(syntax.status).toBe(400);
    expect((await call(sim, "/api/Report/Query/Header?$top=10001")).status).toBe(400);
  });

  it("filters products (ProductView) and assets with their own models", async () => {
    const seeded = await startSimulator();
    try {
      const products = await callJson<{ partNumber: string }[]>(
        seeded,
        `/api/Product/Query?$filter=${encodeURIComponent("Category eq 'Power'")}`,
      );
      expect(products.map((p) => p.partNumber)).toEqual(["PWR-1000", "PWR-2000"]);
      const type = seeded.state.assets.types().find((t) => t.typeName === "Fixture");
      const assets = await callJson<{ serialNumber: string }[]>(
        seeded,
        `/api/Asset?$filter=typeId eq ${type?.typeId}`,
      );
      expect(assets.map((a) => a.serialNumber)).toEqual(["FIX-001"]);
    } finally {
      await seeded.close();
    }
  });
});
