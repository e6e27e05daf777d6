import { ENUM_EXTENSION, FLAGS_EXTENSION } from "../normalise/enums.js";
import type { SchemaObject } from "../openapi.js";
import type { PackagePlan } from "../split.js";
import { key, literal } from "./render.js";

const REF = "#/components/schemas/";

/** The zod expression for a schema; $refs become lazy references to `<Name>Schema`. */
export function zodExpression(schema: SchemaObject, indent = ""): string {
  let expr = baseExpression(schema, indent);
  if (schema.nullable) expr += ".nullable()";
  return expr;
}

function baseExpression(schema: SchemaObject, indent: string): string {
  if (schema.$ref) return `z.lazy(() => ${schemaConst(schema.$ref.slice(REF.length))})`;
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => zodExpression(s, indent));
    return parts.reduce((acc, part) => `z.intersection(${acc}, ${part})`);
  }
  const union = schema.oneOf ?? schema.anyOf;
  if (union) return `z.union([${union.map((s) => zodExpression(s, indent)).join(", ")}])`;
  const mask = schema[FLAGS_EXTENSION];
  if (typeof mask === "number") {
    const flags = String(schema[ENUM_EXTENSION]);
    return `z.number().int().refine((v) => v >= 0 && (v & ~${mask}) === 0, "must be a combination of the ${flags} flags")`;
  }
  if (schema.enum) {
    const values = schema.enum.filter((v) => v !== null);
    if (values.every((v) => typeof v === "string")) return `z.enum(${literal(values)})`;
    if (values.length === 1) return `z.literal(${literal(values[0])})`;
    return `z.union([${values.map((v) => `z.literal(${literal(v)})`).join(", ")}])`;
  }
  switch (schema.type) {
    case "string": {
      let expr = "z.string()";
      if (schema.maxLength !== undefined) expr += `.max(${schema.maxLength})`;
      return expr;
    }
    case "integer":
      return "z.number().int()";
    case "number":
      return "z.number()";
    case "boolean":
      return "z.boolean()";
    case "array":
      return `z.array(${zodExpression(schema.items ?? {}, indent)})`;
    case "object":
    case undefined:
      return objectExpression(schema, indent);
    default:
      return "z.unknown()";
  }
}

function objectExpression(schema: SchemaObject, indent: string): string {
  const extra = schema.additionalProperties;
  const extraExpr =
    extra === undefined || extra === false
      ? undefined
      : extra === true
        ? "z.unknown()"
        : zodExpression(extra, indent);
  if (schema.properties === undefined) {
    if (extraExpr !== undefined) return `z.record(z.string(), ${extraExpr})`;
    return schema.type === "object" ? "z.record(z.string(), z.unknown())" : "z.unknown()";
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const fields = Object.entries(schema.properties).map(([name, property]) => {
    const expr = zodExpression(property, inner);
    const field = required.has(name)
      ? expr
      : expr.endsWith(".nullable()")
        ? `${expr.slice(0, -11)}.nullish()`
        : `${expr}.optional()`;
    return `${inner}${key(name)}: ${field},`;
  });
  const object = `z.object({\n${fields.join("\n")}\n${indent}})`;
  return extraExpr === undefined ? object : `${object}.catchall(${extraExpr})`;
}

export function schemaConst(name: string): string {
  return `${name}Schema`;
}

/** `schemas.ts`: one zod schema per model, typed as the openapi-typescript model it checks. */
export function emitZod(plan: PackagePlan, header: string): string {
  const names = Object.keys(plan.schemas);
  const lines = [header, 'import { z } from "zod";'];
  if (names.length > 0) lines.push(`import type * as M from "./models.js";`);
  lines.push("");
  for (const name of names) {
    const schema = plan.schemas[name] as SchemaObject;
    const doc = schema.description ? `/** Schema of {@link M.${name}}. */\n` : "";
    lines.push(
      `${doc}export const ${schemaConst(name)}: z.ZodType<M.${name}> = ${zodExpression(schema)};`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
