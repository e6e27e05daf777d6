import type { GeneratedPackage } from "./generate.js";
import type { NormalisedOperation } from "./model.js";
import { ENUM_EXTENSION, FLAGS_EXTENSION } from "./normalise/enums.js";
import type { SchemaObject } from "./openapi.js";
import type { PackagePlan } from "./split.js";

/**
 * specs/surface.json: the API surface the committed generated code exposes, per package, in a
 * compact form made for diffing. It is what `pnpm codegen` compares a new spec against to write a
 * changeset (the WATS documents themselves are not committed, so the previous state must be).
 *
 * Types are written as short TypeScript-like strings; an optional parameter or field has a `?`
 * after its name (`"name?": "string | null"`).
 */
export interface ApiSurface {
  /** Bumped when the format of this file changes. */
  format: 1;
  packages: Record<string, PackageSurface>;
}

export interface PackageSurface {
  /** The public API (`@tswats/<name>`); absent for a package that exists only for the internal API. */
  public?: ModuleSurface;
  /** The internal module (`@tswats/<name>/internal`, experimental). */
  internal?: ModuleSurface;
}

export interface ModuleSurface {
  /** Service method name -> its shape. */
  operations: Record<string, OperationSurface>;
  /** Model name -> its fields (field name, `?` when optional -> type), or its type when not an object. */
  models: Record<string, Record<string, string> | string>;
  /** Named enum -> its values. */
  enums: Record<string, (string | number)[]>;
}

export interface OperationSurface {
  /** "GET /api/Product/{partNumber}" */
  route: string;
  /** Parameter name (`?` when optional) -> "<in> <type>". */
  params: Record<string, string>;
  /** The body type, with a `?` prefix when optional; absent when the operation takes none. */
  body?: string;
  /** The result: a type, or `text`, `binary`, `void`. */
  response: string;
}

const REF = "#/components/schemas/";

export function buildSurface(generated: GeneratedPackage[]): ApiSurface {
  const packages: Record<string, PackageSurface> = {};
  for (const g of [...generated].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!g.plan && !g.internalPlan) continue;
    packages[g.name] = {
      ...(g.plan ? { public: moduleSurface(g.plan) } : {}),
      ...(g.internalPlan ? { internal: moduleSurface(g.internalPlan) } : {}),
    };
  }
  return { format: 1, packages };
}

/** JSON as Biome formats it: two-space indent, arrays of numbers or strings on one line when they fit. */
export function renderSurface(surface: ApiSurface): string {
  const text = JSON.stringify(surface, null, 2).replace(
    /^( *)("[^"\n]*": )?\[\n((?:\1 {2}(?:-?[\d.]+|"(?:[^"\\\n]|\\.)*"),?\n)+)\1\]/gm,
    (whole, indent: string, key: string | undefined, items: string) => {
      const line = `${indent}${key ?? ""}[${items
        .trim()
        .split(/,?\n\s*/)
        .join(", ")
        .replace(/,$/, "")}]`;
      return line.length <= 110 ? line : whole;
    },
  );
  return `${text}\n`;
}

/** Parses a surface file's text; a malformed file fails naming it. */
export function parseSurface(text: string, file: string): ApiSurface {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new Error(`${file}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const record = value as Partial<ApiSurface> | null;
  if (typeof record !== "object" || record === null || record.format !== 1) {
    throw new Error(`${file}: "format" must be 1 (an API surface written by @tswats/codegen)`);
  }
  if (typeof record.packages !== "object" || record.packages === null) {
    throw new Error(`${file}: "packages" must be an object`);
  }
  return record as ApiSurface;
}

function moduleSurface(plan: PackagePlan): ModuleSurface {
  const operations: Record<string, OperationSurface> = {};
  for (const op of [...plan.operations].sort((a, b) => a.name.localeCompare(b.name))) {
    operations[op.name] = operationSurface(op);
  }
  const models: ModuleSurface["models"] = {};
  for (const [name, schema] of Object.entries(plan.schemas)) models[name] = modelSurface(schema);
  const enums: ModuleSurface["enums"] = {};
  for (const e of [...plan.enums].sort((a, b) => a.name.localeCompare(b.name))) {
    enums[e.name] = Object.values(e.members);
  }
  return { operations, models, enums };
}

function operationSurface(op: NormalisedOperation): OperationSurface {
  const params: Record<string, string> = {};
  for (const p of op.params) params[`${p.name}${p.required ? "" : "?"}`] = `${p.in} ${typeString(p.schema)}`;
  const response =
    op.response.kind === "json"
      ? op.response.schema
        ? typeString(op.response.schema)
        : "unknown"
      : op.response.kind === "none"
        ? "void"
        : op.response.kind;
  return {
    route: `${op.method.toUpperCase()} ${op.path}`,
    params,
    ...(op.body ? { body: `${op.body.required ? "" : "?"}${typeString(op.body.schema)}` } : {}),
    response,
  };
}

function modelSurface(schema: SchemaObject): Record<string, string> | string {
  if (schema.properties === undefined || schema.allOf || schema.oneOf || schema.anyOf) {
    return typeString(schema);
  }
  const required = new Set(schema.required ?? []);
  const fields: Record<string, string> = {};
  for (const [name, prop] of Object.entries(schema.properties).sort(([a], [b]) => a.localeCompare(b))) {
    fields[`${name}${required.has(name) ? "" : "?"}`] = typeString(prop);
  }
  return fields;
}

/** A schema as a short TypeScript-like type; constraints and descriptions are left out. */
export function typeString(schema: SchemaObject): string {
  const base = baseType(schema);
  return schema.nullable && base !== "unknown" ? `${base} | null` : base;
}

function baseType(schema: SchemaObject): string {
  if (typeof schema[FLAGS_EXTENSION] === "number") return `flags ${String(schema[ENUM_EXTENSION])}`;
  if (schema.$ref) return schema.$ref.startsWith(REF) ? schema.$ref.slice(REF.length) : schema.$ref;
  if (schema.allOf) return schema.allOf.map((s) => wrap(typeString(s))).join(" & ");
  const union = schema.oneOf ?? schema.anyOf;
  if (union) return union.map((s) => wrap(typeString(s))).join(" | ");
  if (schema.enum) {
    return schema.enum
      .filter((v) => v !== null)
      .map((v) => JSON.stringify(v))
      .join(" | ");
  }
  switch (schema.type) {
    case "string":
      return schema.format ? `string(${schema.format})` : "string";
    case "integer":
    case "number":
      return schema.format ? `${schema.type}(${schema.format})` : schema.type;
    case "boolean":
      return "boolean";
    case "array":
      return `${wrap(typeString(schema.items ?? {}))}[]`;
    case "object":
    case undefined: {
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const fields = Object.entries(schema.properties)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, prop]) => `${name}${required.has(name) ? "" : "?"}: ${typeString(prop)}`);
        return `{ ${fields.join("; ")} }`;
      }
      const extra = schema.additionalProperties;
      if (extra !== undefined && extra !== false) {
        return `Record<string, ${extra === true ? "unknown" : typeString(extra)}>`;
      }
      return schema.type === "object" ? "Record<string, unknown>" : "unknown";
    }
    default:
      return "unknown";
  }
}

function wrap(type: string): string {
  return / [|&] /.test(type) ? `(${type})` : type;
}
