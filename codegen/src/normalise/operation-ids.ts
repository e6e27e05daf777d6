import { NameClashError } from "../errors.js";
import type { CollectedOperation } from "./collect.js";

/**
 * WATS documents reuse an operationId for several routes. The rule, applied per group that
 * shares an id (the original id is always kept alongside):
 * 1. Same path, different methods: the GET keeps the id; every other method gets the method
 *    name after the tag prefix (`App_HighVolume` on POST becomes `App_PostHighVolume`).
 * 2. Same method, different paths: the path with the fewest path parameters keeps the id; the
 *    others get `By<Param>` for each extra path parameter (`Auth_GetTokenByIdentifier`).
 * An id the overlay gives (`operations[route].operationId`) is taken as it is and leaves its group
 * first. Any other shape of duplicate, or a renamed id that collides again, fails with both routes
 * named.
 */
export function dedupeOperationIds(
  ops: CollectedOperation[],
  overlayId: (op: CollectedOperation) => string | undefined = () => undefined,
): Map<CollectedOperation, string> {
  const ids = new Map<CollectedOperation, string>();
  const groups = new Map<string, CollectedOperation[]>();
  for (const op of ops) {
    const given = overlayId(op);
    if (given !== undefined) {
      ids.set(op, given);
      continue;
    }
    const group = groups.get(op.operationId) ?? [];
    group.push(op);
    groups.set(op.operationId, group);
  }
  for (const [id, group] of groups) {
    if (group.length === 1) {
      ids.set(group[0] as CollectedOperation, id);
      continue;
    }
    const samePath = group.every((op) => op.path === group[0]?.path);
    const sameMethod = group.every((op) => op.method === group[0]?.method);
    if (samePath && new Set(group.map((op) => op.method)).size === group.length) {
      for (const op of group)
        ids.set(op, op.method === "get" ? id : insertAfterPrefix(id, capitalise(op.method)));
    } else if (sameMethod && !samePath) {
      const paramCount = (op: CollectedOperation) => pathParamNames(op.path).length;
      const base = [...group].sort((a, b) => paramCount(a) - paramCount(b))[0] as CollectedOperation;
      if (group.filter((op) => paramCount(op) === paramCount(base)).length > 1) {
        const [a, b] = group.filter((op) => paramCount(op) === paramCount(base));
        throw new NameClashError(
          "operationId",
          id,
          (a as CollectedOperation).route,
          (b as CollectedOperation).route,
        );
      }
      const baseParams = new Set(pathParamNames(base.path));
      for (const op of group) {
        const extra = pathParamNames(op.path).filter((p) => !baseParams.has(p));
        ids.set(op, op === base ? id : `${id}${extra.map((p) => `By${capitalise(p)}`).join("And")}`);
      }
    } else {
      throw new NameClashError(
        "operationId",
        id,
        (group[0] as CollectedOperation).route,
        (group[1] as CollectedOperation).route,
      );
    }
  }
  const seen = new Map<string, CollectedOperation>();
  for (const [op, id] of ids) {
    const other = seen.get(id.toLowerCase());
    if (other) throw new NameClashError("operationId", id, other.route, op.route);
    seen.set(id.toLowerCase(), op);
  }
  return ids;
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function insertAfterPrefix(id: string, word: string): string {
  const at = id.indexOf("_");
  return at < 0 ? `${word}${id}` : `${id.slice(0, at + 1)}${word}${id.slice(at + 1)}`;
}
