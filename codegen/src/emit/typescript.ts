import { ENUM_EXTENSION } from "../normalise/enums.js";
import type { SchemaObject } from "../openapi.js";
import { jsdoc, key, literal } from "./render.js";

const REF = "#/components/schemas/";

/** The named enum a schema is typed with, if any. */
export function enumName(schema: SchemaObject): string | undefined {
  const name = schema[ENUM_EXTENSION];
  return typeof name === "string" ? name : undefined;
}

/**
 * The TypeScript type of a normalised schema: models by name, named enums by name, objects inline
 * with a JSDoc comment on every field that has a description. Matches the zod schema codegen
 * writes for the same schema (emit/zod.ts), which is typed as it.
 */
export function tsType(schema: SchemaObject, indent = ""): string {
  const base = baseType(schema, indent);
  return schema.nullable && base !== "unknown" ? `${base} | null` : base;
}

function baseType(schema: SchemaObject, indent: string): string {
  const named = enumName(schema);
  if (named !== undefined) return named;
  if (schema.$ref) return schema.$ref.slice(REF.length);
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => tsType(s, indent));
    return parts.length === 1 ? (parts[0] as string) : parts.map(wrapUnion).join(" & ");
  }
  const union = schema.oneOf ?? schema.anyOf;
  if (union) return union.map((s) => tsType(s, indent)).join(" | ");
  if (schema.enum) {
    const values = schema.enum.filter((v) => v !== null);
    return values.length === 0 ? "never" : values.map((v) => literal(v)).join(" | ");
  }
  switch (schema.type) {
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return `${wrapUnion(tsType(schema.items ?? {}, indent))}[]`;
    case "object":
    case undefined:
      return objectType(schema, indent);
    default:
      return "unknown";
  }
}

function objectType(schema: SchemaObject, indent: string): string {
  const extra = schema.additionalProperties;
  const extraType =
    extra === undefined || extra === false ? undefined : extra === true ? "unknown" : tsType(extra, indent);
  if (schema.properties === undefined) {
    if (extraType !== undefined) return `Record<string, ${extraType}>`;
    return schema.type === "object" ? "Record<string, unknown>" : "unknown";
  }
  const members = objectMembers(schema, `${indent}  `);
  // Declared fields need not fit the extra values' type, so the index signature is kept open.
  if (extraType !== undefined) members.push(`${indent}  [key: string]: unknown;`);
  return members.length === 0 ? "Record<string, never>" : `{\n${members.join("\n")}\n${indent}}`;
}

/** The members of an object schema, one per property, each with its JSDoc. */
export function objectMembers(schema: SchemaObject, indent: string): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const doc = jsdoc(fieldNotes(property), indent);
    const readonly = property.readOnly ? "readonly " : "";
    const optional = required.has(name) ? "" : "?";
    return `${doc}${indent}${readonly}${key(name)}${optional}: ${tsType(property, indent)};`;
  });
}

/** Formats the TypeScript type already says enough about. */
const UNSHOWN_FORMATS = new Set(["int32", "int64", "double", "float", "binary"]);

/** What a field's JSDoc says: its description, then its format where the type does not say it (`uuid`, `date-time`). */
export function fieldNotes(schema: SchemaObject): (string | undefined)[] {
  const inner = schema.allOf?.length === 1 ? (schema.allOf[0] as SchemaObject) : schema;
  const format = schema.format ?? inner.format;
  return [
    schema.description ?? inner.description,
    format && !UNSHOWN_FORMATS.has(format) ? `Format: ${format}.` : undefined,
  ];
}

/** Parenthesised when the type is a union or intersection at its top level (`(A | B)[]`). */
function wrapUnion(type: string): string {
  let depth = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i] as string;
    if ("{(<[".includes(c)) depth++;
    else if ("})>]".includes(c)) depth--;
    else if (depth === 0 && (c === "|" || c === "&") && type[i - 1] === " ") return `(${type})`;
  }
  return type;
}

/** The enum and model names a type written by `tsType` refers to. */
export function referencedNames(schema: unknown): { models: Set<string>; enums: Set<string> } {
  const models = new Set<string>();
  const enums = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      const named = record[ENUM_EXTENSION];
      if (typeof named === "string") {
        enums.add(named);
        return;
      }
      if (typeof record.$ref === "string" && record.$ref.startsWith(REF))
        models.add(record.$ref.slice(REF.length));
      for (const child of Object.values(record)) visit(child);
    }
  };
  visit(schema);
  return { models, enums };
}
