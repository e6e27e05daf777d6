import type { NormalisedOperation } from "../model.js";
import type { OpenApiDocument, OperationObject, SchemaObject } from "../openapi.js";
import type { PackagePlan } from "../split.js";

/** The clean per-package OpenAPI document that openapi-typescript turns into types. */
export function packageDocument(plan: PackagePlan): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const op of plan.operations) {
    const item = paths[op.path] ?? {};
    item[op.method] = operationObject(op);
    paths[op.path] = item;
  }
  return {
    openapi: "3.0.3",
    info: { title: `${plan.title}: ${plan.pkg.tags.join(", ")}`, version: plan.version },
    paths,
    components: { schemas: plan.schemas },
  };
}

function operationObject(op: NormalisedOperation): OperationObject {
  const result: OperationObject = {
    operationId: op.operationId,
    parameters: op.params.map((p) => ({ name: p.name, in: p.in, required: p.required, schema: p.schema })),
    responses: { [op.response.status]: { description: "Success", ...responseContent(op) } },
  };
  if (op.body) {
    result.requestBody = {
      required: op.body.required,
      content: { [op.body.contentType]: { schema: bodySchema(op) } },
    };
  }
  return result;
}

function bodySchema(op: NormalisedOperation): SchemaObject {
  return op.body?.schema ?? {};
}

function responseContent(op: NormalisedOperation): { content?: Record<string, { schema: SchemaObject }> } {
  switch (op.response.kind) {
    case "json":
      return { content: { "application/json": { schema: op.response.schema ?? {} } } };
    case "text":
      return { content: { "text/plain": { schema: { type: "string" } } } };
    case "xml":
      return { content: { "application/xml": { schema: { type: "string" } } } };
    case "binary":
      return { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } };
    case "none":
      return {};
  }
}
