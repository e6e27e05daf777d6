import type { NormalisedOperation } from "../model.js";
import type { PackagePlan } from "../split.js";
import { key, literal } from "./render.js";
import { schemaConst, zodExpression } from "./zod.js";

/** `operations.ts`: the table the transport builds requests from. */
export function emitOperationTable(plan: PackagePlan, header: string): string {
  const entries = plan.operations.map((op) => `  ${key(op.name)}: ${operationEntry(op)},`);
  const validates = plan.operations.some((op) => op.response.kind === "json");
  return [
    header,
    validates
      ? 'import type { OperationSchemas, OperationSpec } from "@tswats/core";'
      : 'import type { OperationSpec } from "@tswats/core";',
    "",
    ...(validates
      ? [
          "let schemas: Promise<OperationSchemas> | undefined;",
          "",
          "/**",
          " * The zod schemas of this module's operations, imported on first use: only response validation",
          " * (`validateResponses`) needs them, so a client that does not validate never builds them.",
          " */",
          "function loadSchemas(): Promise<OperationSchemas> {",
          '  schemas ??= import("./operation-schemas.js").then((module) => module.operationSchemas);',
          "  return schemas;",
          "}",
          "",
        ]
      : []),
    "/** Every operation of this package: method, path template, parameters, body and response. */",
    `export const operationTable = {\n${entries.join("\n")}\n} as const satisfies Record<string, OperationSpec>;`,
    "",
    "export type OperationName = keyof typeof operationTable;",
    "",
  ].join("\n");
}

function operationEntry(op: NormalisedOperation): string {
  const fields: string[] = [
    `name: ${literal(op.name)}`,
    `operationId: ${literal(op.operationId)}`,
    ...(op.originalOperationId ? [`originalOperationId: ${literal(op.originalOperationId)}`] : []),
    `method: ${literal(op.method.toUpperCase())}`,
    `path: ${literal(op.path)}`,
    `pathParams: ${literal(op.params.filter((p) => p.in === "path").map((p) => p.name))}`,
    `queryParams: ${literal(op.params.filter((p) => p.in === "query").map((p) => p.name))}`,
    ...(op.body
      ? [`body: { contentType: ${literal(op.body.contentType)}, required: ${op.body.required} }`]
      : []),
    `response: ${literal(op.response.kind)}`,
    ...(op.response.kind === "json" ? ["schemas: loadSchemas"] : []),
    ...(op.odata.length > 0 ? ["odata: true"] : []),
    ...(op.stateChanging ? ["stateChanging: true", `idempotent: ${op.idempotent}`] : []),
    ...(op.internal ? ["internal: true"] : []),
  ];
  return `{\n    ${fields.join(",\n    ")},\n  }`;
}

/** `operation-schemas.ts`: the zod schemas of each operation's JSON body and response. */
export function emitOperationSchemas(plan: PackagePlan, header: string): string {
  const names = Object.keys(plan.schemas);
  const entries = plan.operations.map((op) => {
    const parts: string[] = [];
    if (op.body?.contentType === "application/json")
      parts.push(`body: ${zodExpression(op.body.schema, "    ")}`);
    if (op.response.kind === "json")
      parts.push(`response: ${zodExpression(op.response.schema ?? {}, "    ")}`);
    return `  ${key(op.name)}: {${parts.length > 0 ? `\n    ${parts.join(",\n    ")},\n  ` : ""}},`;
  });
  const used = names.filter((n) => entries.some((e) => e.includes(`${schemaConst(n)})`)));
  return [
    header,
    'import { z } from "zod";',
    ...(used.length > 0 ? [`import { ${used.map(schemaConst).join(", ")} } from "./schemas.js";`] : []),
    "",
    "/** The zod schema of each operation's JSON request body and JSON response, where it has one. */",
    `export const operationSchemas: Record<string, { body?: z.ZodType; response?: z.ZodType }> = {\n${entries.join("\n")}\n};`,
    "",
  ].join("\n");
}
