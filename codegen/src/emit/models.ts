import type { SchemaObject } from "../openapi.js";
import type { PackagePlan } from "../split.js";
import { jsdoc, literal } from "./render.js";

/** `models.ts`: a friendly alias per model type, with the server's name it came from. */
export function emitModels(plan: PackagePlan, header: string): string {
  const lines = [header, 'import type { components } from "./types.js";', ""];
  for (const [name, schema] of Object.entries(plan.schemas)) {
    const origin = plan.schemaOrigins[name] ?? "";
    lines.push(
      `${jsdoc([(schema as SchemaObject).description, `Server model: \`${origin.slice(origin.indexOf(":") + 1)}\`.`])}` +
        `export type ${name} = components["schemas"][${literal(name)}];`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** `enums.ts`: named constants for the integer enums the overlay names. */
export function emitEnums(plan: PackagePlan, header: string): string {
  const lines = [header];
  for (const e of plan.enums) {
    const members = Object.entries(e.members).map(([k, v]) => `  ${k}: ${literal(v)},`);
    lines.push(
      `${jsdoc([e.description, `Used by: ${e.usedBy.join(", ")}.`])}export const ${e.name} = {\n${members.join("\n")}\n} as const;`,
      `export type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
