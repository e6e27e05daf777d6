import { describe, expect, it } from "vitest";
import { ODataFilter, odata, odataLiteral } from "../src/odata.js";
import { splitParams } from "../src/transport.js";
import { listProducts } from "./helpers.js";

describe("odata tagged template", () => {
  it("writes each value as a literal of its type", () => {
    const guid = "8F1C2D3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F";
    const f = odata`partNumber eq ${"PCB'1"} and qty ge ${3} and big eq ${12n} and ok eq ${true} and gone eq ${null} and start ge ${new Date(Date.UTC(2026, 0, 2, 3, 4, 5))} and uuid eq ${odata.guid(guid)} and sn in ${["A", "B'C"]}`;
    expect(f).toBeInstanceOf(ODataFilter);
    expect(f.toString()).toBe(
      "partNumber eq 'PCB''1' and qty ge 3 and big eq 12 and ok eq true and gone eq null and start ge 2026-01-02T03:04:05.000Z and uuid eq 8f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f and sn in ('A','B''C')",
    );
  });

  it("keeps a crafted value inside its quotes", () => {
    expect(odata`name eq ${"x' or 1 eq 1 or name eq 'y"}`.expression).toBe(
      "name eq 'x'' or 1 eq 1 or name eq ''y'",
    );
    expect(odata`name eq ${"Ærø 製品 😀"}`.expression).toBe("name eq 'Ærø 製品 😀'");
  });

  it("nests filters in parentheses and joins them with and/or", () => {
    const a = odata`a eq ${1}`;
    const b = odata`b eq ${"x"}`;
    expect(odata`${a} or not ${b}`.expression).toBe("(a eq 1) or not (b eq 'x')");
    expect(odata.and(a, odata.or(a, b)).expression).toBe("(a eq 1) and ((a eq 1) or (b eq 'x'))");
  });

  it("takes a field name chosen at run time only when it is a plain name or path", () => {
    expect(odata`${odata.field("subUnits/serialNumber")} eq ${"S"}`.expression).toBe(
      "subUnits/serialNumber eq 'S'",
    );
    expect(() => odata.field("name eq 'x' or a")).toThrow(/not a field name/);
  });

  it("refuses values it cannot write safely, naming the position", () => {
    expect(() => odata`a eq ${Number.NaN}`).toThrow(/value 1 is NaN/);
    expect(() => odata`a eq ${1} and b eq ${undefined as never}`).toThrow(/value 2 is undefined/);
    expect(() => odata`a eq ${{} as never}`).toThrow(/value 1 is an object/);
    expect(() => odata`a in ${[]}`).toThrow(/empty list/);
    expect(() => odata`a eq ${new Date("nope")}`).toThrow(/invalid Date/);
    expect(() => odata.guid("not-a-guid")).toThrow(/not a GUID/);
    expect(() => odataLiteral([["nested"]] as never, "value 1")).toThrow(
      /value 1\[0\] must be a single value/,
    );
  });

  it("is sent as its text wherever a $filter goes", () => {
    const { query } = splitParams(listProducts, { $filter: odata`partNumber eq ${"A&B"}`, $top: 5 });
    expect(query).toEqual({ $filter: "partNumber eq 'A&B'", $top: 5 });
  });
});
