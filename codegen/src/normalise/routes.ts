import { SpecError } from "../errors.js";
import type { CollectedOperation } from "./collect.js";
import { pathParamNames } from "./operation-ids.js";

/**
 * Checks each path template against its declared path parameters, including parameters embedded
 * in a segment (`/Users/userName={userName}`), and finds routes that differ only by a parameter's
 * name (`/api/Asset/{assetId}` vs `/api/Asset/{serialNumber}`): the server cannot tell them apart,
 * so each such pair must be acknowledged in the overlay's `sameRoute` list (they stay two methods,
 * and the operation table says which template they share a route with).
 * Returns, per operation, the other template of its pair.
 */
export function checkRoutes(
  ops: CollectedOperation[],
  acknowledged: [string, string][],
  source: string,
): Map<CollectedOperation, string> {
  for (const op of ops) {
    const inTemplate = pathParamNames(op.path);
    const declared = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
    for (const name of inTemplate) {
      if (!declared.includes(name)) {
        throw new SpecError(
          `${op.pointer}/parameters`,
          `path parameter "${name}" of ${op.path} is not declared`,
          source,
        );
      }
    }
    for (const name of declared) {
      if (!inTemplate.includes(name)) {
        throw new SpecError(
          `${op.pointer}/parameters`,
          `path parameter "${name}" does not occur in ${op.path}`,
          source,
        );
      }
    }
    if (new Set(inTemplate).size !== inTemplate.length) {
      throw new SpecError(op.pointer, `path ${op.path} repeats a parameter`, source);
    }
  }
  const byShape = new Map<string, CollectedOperation[]>();
  for (const op of ops) {
    const shape = `${op.method} ${op.path.replace(/\{[^{}]+\}/g, "{}").toLowerCase()}`;
    byShape.set(shape, [...(byShape.get(shape) ?? []), op]);
  }
  const pairs = new Map<CollectedOperation, string>();
  const known = new Set(acknowledged.map(([a, b]) => [a, b].sort().join(" | ")));
  for (const group of byShape.values()) {
    const templates = [...new Set(group.map((op) => op.path))];
    if (templates.length < 2) continue;
    if (templates.length > 2 || !known.has([...templates].sort().join(" | "))) {
      const [a, b] = group;
      throw new SpecError(
        (b as CollectedOperation).pointer,
        `${(a as CollectedOperation).route} and ${(b as CollectedOperation).route} differ only by a path parameter's ` +
          'name; list the pair in specs/overlay.json "sameRoute" to keep both as separate methods',
        source,
      );
    }
    for (const op of group) pairs.set(op, templates.find((t) => t !== op.path) as string);
  }
  return pairs;
}
