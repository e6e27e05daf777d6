import { OverlayError } from "../errors.js";
import type { EnumModel, NormalisedOperation } from "../model.js";
import type { SchemaObject } from "../openapi.js";
import type { Overlay } from "../overlay.js";

/** Overlay enums must match the spec's values exactly where they are used; drift fails loudly. */
export function checkEnums(
  overlay: Overlay,
  schemas: Record<string, SchemaObject>,
  operations: NormalisedOperation[],
): EnumModel[] {
  const result: EnumModel[] = [];
  for (const e of overlay.enums) {
    const expected = JSON.stringify(Object.values(e.members).sort());
    const used: string[] = [];
    for (const use of e.usedBy) {
      let values: unknown[] | undefined;
      const param = /^([A-Z]+ \S+) (\S+)$/.exec(use);
      if (param) {
        const op = operations.find((o) => o.route === param[1]);
        values = op?.params.find((p) => p.name === param[2])?.schema.enum;
      } else {
        const [schemaName, property] = use.split(".");
        const prop = schemas[schemaName as string]?.properties?.[property as string];
        values = prop?.enum ?? prop?.items?.enum;
      }
      if (values === undefined) {
        // The schema or route is not part of this generation (e.g. pruned); skip that use.
        if (
          param
            ? !operations.some((o) => o.route === param[1])
            : schemas[use.split(".")[0] as string] === undefined
        ) {
          continue;
        }
        throw new OverlayError(`enum ${e.name}: ${use} has no enum in the spec`);
      }
      if (JSON.stringify([...values].sort()) !== expected) {
        throw new OverlayError(
          `enum ${e.name}: ${use} has values ${JSON.stringify(values)} in the spec, not ${expected}`,
        );
      }
      used.push(use);
    }
    if (used.length > 0) result.push({ ...e, usedBy: used });
  }
  return result;
}
