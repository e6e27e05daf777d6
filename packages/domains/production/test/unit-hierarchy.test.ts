import { isWatsError } from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  buildUnitHierarchy,
  fetchUnitHierarchy,
  ProductionInternalService,
  type Unit,
  type UnitHierarchyNode,
  walkUnitHierarchy,
} from "../src/internal.js";
import { RecordingTransport } from "./recording-transport.js";

const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;
const unit = (n: number, parent?: number, children?: Unit[]): Unit => ({
  UnitId: id(n),
  ParentUnitId: parent === undefined ? null : id(parent),
  SerialNumber: `SN${n}`,
  ...(children ? { Children: children } : {}),
});

// 1 -> (2 -> (4), 3)
const tree: Unit = unit(1, undefined, [unit(2, 1, [unit(4, 2)]), unit(3, 1)]);
const list: Unit[] = [unit(4, 2), unit(3, 1), unit(1), unit(2, 1)];

const outline = (root: UnitHierarchyNode) =>
  [...walkUnitHierarchy(root)].map(
    (node) =>
      `${"  ".repeat(node.depth)}${node.unit.SerialNumber} < ${node.parent?.unit.SerialNumber ?? "-"}`,
  );

describe("unit hierarchy", () => {
  it("walks a tree answer depth first, each parent before its children", () => {
    expect(outline(buildUnitHierarchy(tree))).toEqual([
      "SN1 < -",
      "  SN2 < SN1",
      "    SN4 < SN2",
      "  SN3 < SN1",
    ]);
  });

  it("gives the same tree for the flat-list answer, children in list order", () => {
    const fromList = outline(buildUnitHierarchy(list));
    expect(fromList).toEqual(["SN1 < -", "  SN3 < SN1", "  SN2 < SN1", "    SN4 < SN2"]);
    expect([...fromList].sort()).toEqual(outline(buildUnitHierarchy(tree)).sort());
    const byId = new Map([...walkUnitHierarchy(buildUnitHierarchy(list))].map((n) => [n.unit.UnitId, n]));
    expect(byId.get(id(2))?.children.map((c) => c.unit.SerialNumber)).toEqual(["SN4"]);
  });

  it("rejects a list with several roots, a parent cycle, a repeated or missing UnitId", () => {
    const failure = (units: Unit[]) => {
      try {
        buildUnitHierarchy(units);
      } catch (error) {
        expect(isWatsError(error)).toBe(true);
        expect((error as { body: unknown }).body).toBe(units);
        return (error as Error).message;
      }
      return "no error";
    };
    expect(failure([unit(1), unit(2)])).toMatch(/expected one root unit, found 2/);
    expect(failure([unit(1), unit(2, 3), unit(3, 2)])).toMatch(/2 unit\(s\) are not below the root/);
    expect(failure([unit(1), unit(1)])).toMatch(/listed twice/);
    expect(failure([unit(1), { SerialNumber: "x" }])).toMatch(/has no UnitId/);
  });

  it("fetches with the internal GetUnitHierarchy operation", async () => {
    const transport = new RecordingTransport(() => list);
    const root = await fetchUnitHierarchy(
      new ProductionInternalService(transport),
      { serialNumber: "SN1", partNumber: "PN" },
      { timeoutMs: 5_000 },
    );
    expect(root.unit.SerialNumber).toBe("SN1");
    expect([...walkUnitHierarchy(root)]).toHaveLength(4);
    const [call] = transport.calls;
    expect(call?.op).toMatchObject({
      method: "GET",
      path: "/api/internal/Production/GetUnitHierarchy",
      internal: true,
    });
    expect(call?.input.params).toEqual({ serialNumber: "SN1", partNumber: "PN" });
    expect(call?.options).toEqual({ timeoutMs: 5_000 });
  });
});
