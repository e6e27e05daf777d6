import type { SchemaObject } from "../openapi.js";
import type { Evidence } from "../overlay.js";
import type { PackagePlan } from "../split.js";
import { jsdoc, literal } from "./render.js";
import { enumName, objectMembers, referencedNames, tsType } from "./typescript.js";

/**
 * `models.ts`: every model of the module declared once, by name: an interface for an object model
 * (a hover shows `Product`, not its fields), a type alias otherwise. Each field carries its
 * description; each model says which server model it is, or, for a model the documents lack,
 * where its shape comes from.
 *
 * `shared` (for a package's internal module): the public module's models. A model the public module
 * declares with the same schema is re-exported from it (`../models.js`), not declared a second
 * time, so both modules name one type.
 */
export function emitModels(plan: PackagePlan, header: string, shared?: PackagePlan): string {
  const reused = Object.keys(plan.schemas).filter(
    (name) =>
      shared?.schemas[name] !== undefined &&
      JSON.stringify(shared.schemas[name]) === JSON.stringify(plan.schemas[name]),
  );
  const declared = Object.entries(plan.schemas).filter(([name]) => !reused.includes(name));
  const enums = new Set<string>();
  for (const [, schema] of declared) for (const e of referencedNames(schema).enums) enums.add(e);
  const lines = [header];
  if (enums.size > 0) lines.push(`import type { ${[...enums].sort().join(", ")} } from "./enums.js";`);
  if (reused.length > 0) {
    const names = reused.sort().join(", ");
    lines.push(`import type { ${names} } from "../models.js";`, "");
    lines.push("/** The same models as the public module's (one declaration each). */");
    lines.push(`export type { ${names} };`);
  }
  lines.push("");
  for (const [name, schema] of declared) {
    const doc = jsdoc([
      schema.description,
      ...originNotes(plan.schemaOrigins[name] ?? "", plan.schemaEvidence[name]),
    ]);
    lines.push(`${doc}${declaration(name, schema)}`, "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function declaration(name: string, schema: SchemaObject): string {
  const isObject =
    schema.properties !== undefined &&
    enumName(schema) === undefined &&
    !schema.allOf &&
    !schema.oneOf &&
    !schema.anyOf &&
    !schema.nullable &&
    (schema.additionalProperties === undefined || schema.additionalProperties === false);
  if (!isObject) return `export type ${name} = ${tsType(schema)};`;
  const members = objectMembers(schema, "  ");
  return members.length === 0
    ? `export interface ${name} {}`
    : `export interface ${name} {\n${members.join("\n")}\n}`;
}

function originNotes(origin: string, evidence: Evidence[] | undefined): string[] {
  if (evidence !== undefined) {
    return [
      "Not declared by the WATS documents: tsWATS's model (specs/overlay.json), its shape from " +
        `${evidence.map(describeEvidence).join("; ")}.`,
    ];
  }
  return [`Server model: \`${origin.slice(origin.indexOf(":") + 1)}\`.`];
}

const SOURCES: Record<Evidence["source"], string> = {
  "wats-docs": "the WATS documentation",
  "public-spec": "the public WATS document",
  "internal-spec": "the internal WATS document",
  pywats: "pyWATS",
  "server-export": "a WATS server export",
};

export function describeEvidence(e: Evidence): string {
  return `${SOURCES[e.source]} (${e.ref})`;
}

/**
 * `enums.ts`: the named enums as constants and types of the same name (`AssetState.InOperation`,
 * `state: AssetState`). A flag enum's type accepts any combination of its members (test and
 * combine them with `hasFlag`/`combineFlags` from @tswats/core).
 */
export function emitEnums(plan: PackagePlan, header: string): string {
  const lines = [header];
  for (const e of plan.enums) {
    const members = Object.entries(e.members).map(([k, v]) => `  ${k}: ${literal(v)},`);
    const notes = [
      e.description,
      e.flags
        ? "Bit flags: a value is any combination of the members (`combineFlags`, `hasFlag` from @tswats/core)."
        : undefined,
      e.evidence ? `Names from ${e.evidence.map(describeEvidence).join("; ")}.` : undefined,
      `Used by: ${e.usedBy.join(", ")}.`,
    ];
    lines.push(`${jsdoc(notes)}export const ${e.name} = {\n${members.join("\n")}\n} as const;`);
    lines.push(
      e.flags
        ? `${jsdoc([`A combination of {@link ${e.name}} flags (any bitwise OR of the members).`])}export type ${e.name} = number & { readonly __flags?: ${literal(e.name)} };`
        : `export type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
