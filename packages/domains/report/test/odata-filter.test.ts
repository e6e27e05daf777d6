import { describe, expect, it } from "vitest";
import { reportFilter as f, type ODataFilter, orderByText } from "../src/index.js";

describe("reportFilter: a safe $filter builder", () => {
  it("writes typed literals", () => {
    expect(f.eq("partNumber", "PCBA-1").toString()).toBe("partNumber eq 'PCBA-1'");
    expect(f.ge("processCode", 10).toString()).toBe("processCode ge 10");
    expect(f.eq("measuresDeleted", false).toString()).toBe("measuresDeleted eq false");
    expect(f.eq("uuid", "{0F8FAD5B-D9CB-469F-A165-70867728950E}").toString()).toBe(
      "uuid eq 0f8fad5b-d9cb-469f-a165-70867728950e",
    );
    expect(f.ne("batchNumber", null).toString()).toBe("batchNumber ne null");
  });

  it("doubles quotes, so a value cannot end its literal and add clauses", () => {
    const attack = "x' or partNumber ne 'y";
    expect(f.eq("serialNumber", attack).toString()).toBe("serialNumber eq 'x'' or partNumber ne ''y'");
    expect(f.eq("serialNumber", "O'Brien").toString()).toBe("serialNumber eq 'O''Brien'");
  });

  it("writes dates as UTC ISO-8601 and refuses local times without an offset", () => {
    expect(f.ge("start", new Date(Date.UTC(2026, 0, 1))).toString()).toBe(
      "start ge 2026-01-01T00:00:00.000Z",
    );
    expect(f.lt("start", "2026-01-01T01:00:00+01:00").toString()).toBe("start lt 2026-01-01T00:00:00.000Z");
    expect(() => f.lt("start", "2026-01-01T01:00:00")).toThrow(/ambiguous/);
    expect(() => f.lt("start", new Date("nope"))).toThrow(TypeError);
  });

  it("checks field names and value types at run time too", () => {
    expect(() => f.eq("partNo" as "partNumber", "x")).toThrow(/unknown field "partNo"/);
    expect(() => f.eq("constructor" as "partNumber", "x")).toThrow(/unknown field/);
    expect(() => f.eq("processCode", "10" as unknown as number)).toThrow(/finite number/);
    expect(() => f.eq("processCode", Number.NaN)).toThrow(/finite number/);
    expect(() => f.eq("partNumber", 5 as unknown as string)).toThrow(/string/);
    expect(() => f.eq("uuid", "not-a-guid")).toThrow(/GUID/);
    expect(() => f.gt("partNumber", null as unknown as string)).toThrow(/null/);
    expect(() => f.contains("processCode" as "partNumber", "1")).toThrow(/text fields/);
  });

  it("combines with parentheses, so precedence cannot surprise", () => {
    const filter = f.and(
      f.eq("partNumber", "A"),
      f.or(f.eq("result", "P"), f.eq("result", "F")),
      f.not(f.eq("serialNumber", "x")),
    );
    expect(filter.toString()).toBe(
      "(partNumber eq 'A') and ((result eq 'P') or (result eq 'F')) and (not (serialNumber eq 'x'))",
    );
    expect(() => f.and()).toThrow(TypeError);
    expect(() => f.and("partNumber eq 'x'" as unknown as ODataFilter)).toThrow(/ODataFilter/);
  });

  it("string functions, in(), and lambdas over collections", () => {
    expect(f.contains("serialNumber", "AB'C").toString()).toBe("contains(serialNumber,'AB''C')");
    expect(f.startsWith("partNumber", "PCBA", { ignoreCase: true }).toString()).toBe(
      "startswith(tolower(partNumber),'pcba')",
    );
    expect(f.in("processCode", [10, 50]).toString()).toBe("processCode in (10,50)");
    expect(f.any("subUnits", (u) => u.eq("serialNumber", "MOD-7")).toString()).toBe(
      "subUnits/any(x: x/serialNumber eq 'MOD-7')",
    );
    expect(f.all("miscInfo", (m) => m.ne("value", "bad")).toString()).toBe(
      "miscInfo/all(x: x/value ne 'bad')",
    );
    expect(f.any("attachments").toString()).toBe("attachments/any()");
    expect(() => f.any("subUnits", (u) => u.eq("stepId" as "serialNumber", "1"))).toThrow(/unknown field/);
    expect(() => f.any("steps" as "subUnits")).toThrow(/unknown collection/);
  });

  it("orders only by the fields WATS supports", () => {
    expect(orderByText([{ field: "start", descending: true }, { field: "uuid" }])).toBe("start desc,uuid");
    expect(() => orderByText({ field: "partNumber" as "start" })).toThrow(
      /start, uuid, serialNumber, timeStamp/,
    );
  });
});
