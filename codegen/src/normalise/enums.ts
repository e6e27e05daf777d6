import { OverlayError } from "../errors.js";
import type { ApiScope, EnumModel, NormalisedOperation } from "../model.js";
import type { SchemaObject } from "../openapi.js";
import type { Overlay } from "../overlay.js";

/** The extension that marks a schema typed as a named enum (the emitters write the enum's name). */
export const ENUM_EXTENSION = "x-tswats-enum";
/**
 * Set beside ENUM_EXTENSION on a bit-flag enum: the mask of all its members (any combination of
 * them is valid). A non-flag enum's place carries the members' values as its `enum`.
 */
export const FLAGS_EXTENSION = "x-tswats-flags";

const ROUTE_USE = /^([A-Z]+ \/\S*)$/;
const PARAM_USE = /^([A-Z]+ \/\S*) (\S+)$/;

/**
 * Checks each overlay enum against the spec where it is used and types those places with it.
 *
 * - Where the spec lists the values (`enum`), they must equal the members' values: drift fails.
 * - Where the spec has only a type (the values are documented in prose, or by pyWATS), the
 *   members' values must be of that type; the place is then typed with the enum.
 * - A flag enum's place accepts any combination of its members, so the spec's value list (if any)
 *   is dropped in favour of the enum.
 * - "METHOD /path" names an operation that documents the codes without a property of their own:
 *   nothing is typed, the enum is exported by that operation's package.
 *
 * Places the generation does not include (a pruned schema, an operation of the other API) are
 * skipped, and so, in the internal API, is a property its same-named model lacks; an enum used
 * nowhere in this generation is left out of it.
 */
export function applyEnums(
  overlay: Overlay,
  schemas: Record<string, SchemaObject>,
  operations: NormalisedOperation[],
  scope: ApiScope,
): EnumModel[] {
  const result: EnumModel[] = [];
  for (const e of overlay.enums) {
    const values = Object.values(e.members);
    const used: string[] = [];
    for (const use of e.usedBy) {
      const route = ROUTE_USE.exec(use);
      if (route) {
        if (operations.some((o) => o.route === route[1])) used.push(use);
        continue;
      }
      const target = findUse(use, schemas, operations);
      if (target === "absent") continue;
      if (target === undefined) {
        // The internal namespace may give the same model name to another schema (the internal
        // `Unit` is PascalCase): a place only the public model has is not an error there.
        if (scope === "internal") continue;
        throw new OverlayError(`enum ${e.name}: ${use} does not exist in the spec`);
      }
      checkValues(e.name, use, target, values, e.flags === true);
      mark(target, e.name, values, e.flags === true);
      used.push(use);
    }
    if (used.length > 0) {
      result.push({
        name: e.name,
        members: e.members,
        ...(e.description ? { description: e.description } : {}),
        ...(e.flags ? { flags: true } : {}),
        ...(e.evidence ? { evidence: e.evidence } : {}),
        usedBy: used,
      });
    }
  }
  return result;
}

/**
 * The schema a use names (for an array property, its items), `"absent"` when its schema or route is
 * not part of this generation, undefined when the schema or route exists but the property or
 * parameter does not.
 */
function findUse(
  use: string,
  schemas: Record<string, SchemaObject>,
  operations: NormalisedOperation[],
): SchemaObject | "absent" | undefined {
  const param = PARAM_USE.exec(use);
  if (param) {
    const op = operations.find((o) => o.route === param[1]);
    if (op === undefined) return "absent";
    return op.params.find((p) => p.name === param[2])?.schema;
  }
  const [schemaName, property] = use.split(".");
  const schema = schemas[schemaName as string];
  if (schema === undefined) return "absent";
  const prop = schema.properties?.[property as string];
  if (prop === undefined) return undefined;
  return prop.type === "array" && prop.items ? prop.items : prop;
}

function checkValues(
  name: string,
  use: string,
  schema: SchemaObject,
  values: unknown[],
  flags: boolean,
): void {
  if (schema.$ref !== undefined || schema.allOf !== undefined)
    throw new OverlayError(`enum ${name}: ${use} is a model, not a value`);
  if (schema.enum !== undefined) {
    const spec = JSON.stringify([...schema.enum].filter((v) => v !== null).sort());
    if (spec !== JSON.stringify([...values].sort())) {
      throw new OverlayError(
        `enum ${name}: ${use} has values ${JSON.stringify(schema.enum)} in the spec, not ${JSON.stringify(values)}`,
      );
    }
    return;
  }
  const numeric = schema.type === "integer" || schema.type === "number";
  const fits = values.every((v) =>
    numeric
      ? typeof v === "number" && (schema.type === "number" || Number.isInteger(v))
      : schema.type === "string" && typeof v === "string",
  );
  if (!fits) {
    throw new OverlayError(
      `enum ${name}: ${use} is of type ${schema.type ?? "unknown"} in the spec; the members are not`,
    );
  }
  if (flags && schema.type !== "integer")
    throw new OverlayError(`enum ${name}: flags need an integer place, ${use} is not`);
}

function mark(schema: SchemaObject, name: string, values: (string | number)[], flags: boolean): void {
  schema[ENUM_EXTENSION] = name;
  if (flags) {
    schema[FLAGS_EXTENSION] = (values as number[]).reduce((mask, v) => mask | v, 0);
    delete schema.enum;
  } else if (schema.enum === undefined) {
    schema.enum = [...values];
  }
}
