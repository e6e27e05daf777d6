import { type CallOptions, WatsError } from "@tswats/core";
import type { GetUnitHierarchyResult, ProductionInternalService, Unit } from "./generated/internal/index.js";

/** One unit of a hierarchy and where it sits. */
export interface UnitHierarchyNode {
  /** The unit as the server sent it. */
  readonly unit: Unit;
  /** 0 for the root, 1 for its children, ... */
  readonly depth: number;
  readonly parent: UnitHierarchyNode | undefined;
  readonly children: readonly UnitHierarchyNode[];
}

const OPERATION = "getUnitHierarchy";

/**
 * The unit hierarchy of `GET /api/internal/Production/GetUnitHierarchy` as a tree. The server's
 * answer is either the root unit with its `Children`, or the same units as a flat list linked by
 * `ParentUnitId` (the spec does not say which); both give the same tree. A flat list must have
 * exactly one root (a unit whose parent is not in the list) and reach every unit from it; a list
 * that does not (a parent cycle, several roots) fails with a WatsError carrying the answer.
 */
export function buildUnitHierarchy(answer: GetUnitHierarchyResult): UnitHierarchyNode {
  return Array.isArray(answer) ? fromList(answer) : fromTree(answer, undefined, 0);
}

function fromTree(unit: Unit, parent: UnitHierarchyNode | undefined, depth: number): UnitHierarchyNode {
  const children: UnitHierarchyNode[] = [];
  const node: UnitHierarchyNode = { unit, depth, parent, children };
  for (const child of unit.Children ?? []) children.push(fromTree(child, node, depth + 1));
  return node;
}

function fromList(units: readonly Unit[]): UnitHierarchyNode {
  const ids = new Set<string>();
  for (const unit of units) {
    if (typeof unit.UnitId !== "string") throw malformed("a unit of the list has no UnitId", units);
    if (ids.has(unit.UnitId)) throw malformed(`unit ${unit.UnitId} is listed twice`, units);
    ids.add(unit.UnitId);
  }
  const childrenOf = new Map<string, Unit[]>();
  const roots: Unit[] = [];
  for (const unit of units) {
    const parentId = unit.ParentUnitId;
    if (typeof parentId === "string" && ids.has(parentId)) {
      childrenOf.set(parentId, [...(childrenOf.get(parentId) ?? []), unit]);
    } else {
      roots.push(unit);
    }
  }
  if (roots.length !== 1) {
    throw malformed(`expected one root unit, found ${roots.length}`, units);
  }
  let reached = 0;
  const attach = (unit: Unit, parent: UnitHierarchyNode | undefined, depth: number): UnitHierarchyNode => {
    reached++;
    const children: UnitHierarchyNode[] = [];
    const node: UnitHierarchyNode = { unit, depth, parent, children };
    for (const child of childrenOf.get(unit.UnitId as string) ?? [])
      children.push(attach(child, node, depth + 1));
    return node;
  };
  const root = attach(roots[0] as Unit, undefined, 0);
  // Units in a parent cycle hang below no root: they are never reached.
  if (reached !== units.length) {
    throw malformed(`${units.length - reached} unit(s) are not below the root (a ParentUnitId cycle)`, units);
  }
  return root;
}

function malformed(reason: string, body: unknown): WatsError {
  return new WatsError(`${OPERATION}: the server's unit hierarchy is malformed: ${reason}`, {
    operation: OPERATION,
    body,
  });
}

/** Every node of the hierarchy, depth first, each parent before its children (in server order). */
export function* walkUnitHierarchy(root: UnitHierarchyNode): Generator<UnitHierarchyNode, void, undefined> {
  const stack: UnitHierarchyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as UnitHierarchyNode;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as UnitHierarchyNode);
  }
}

/**
 * Fetches a unit's hierarchy with the internal API and returns it as a tree; walk it with
 * `walkUnitHierarchy`.
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function fetchUnitHierarchy(
  service: Pick<ProductionInternalService, "getUnitHierarchy">,
  unit: { serialNumber: string; partNumber: string },
  options?: CallOptions,
): Promise<UnitHierarchyNode> {
  const answer = await service.getUnitHierarchy(
    { serialNumber: unit.serialNumber, partNumber: unit.partNumber },
    options,
  );
  return buildUnitHierarchy(answer);
}
