import type { LoadedSpec } from "../src/load.js";
import type { OpenApiDocument, OperationObject, SchemaObject } from "../src/openapi.js";
import { type Overlay, parseOverlay } from "../src/overlay.js";

/** A small OpenAPI 3.0 document for normaliser tests. */
export function doc(
  paths: Record<string, Record<string, OperationObject>>,
  schemas: Record<string, SchemaObject> = {},
): OpenApiDocument {
  return { openapi: "3.0.0", info: { title: "Test API", version: "v1" }, paths, components: { schemas } };
}

export function loaded(document: OpenApiDocument, source = "test.json"): LoadedSpec {
  return { source, sha256: "0".repeat(64), sourceVersion: document.openapi, document };
}

/** An operation answering 200 with the given JSON schema (untyped when omitted). */
export function op(
  operationId: string,
  tag: string,
  extra: Partial<OperationObject> = {},
  response?: SchemaObject,
): OperationObject {
  return {
    operationId,
    tags: [tag],
    responses: {
      "200": {
        description: "OK",
        content: { "application/json": { schema: response ?? { type: "object" } } },
      },
    },
    ...extra,
  };
}

export function overlay(extra: Partial<Record<keyof Overlay, unknown>> = {}): Overlay {
  return parseOverlay({
    packages: {
      Product: { name: "product", service: "ProductService", description: "Products." },
      App: { name: "analytics", service: "AnalyticsService", description: "Analytics." },
      Auth: { name: "auth", service: "AuthService", description: "Auth." },
      Asset: { name: "asset", service: "AssetService", description: "Assets." },
      Scim: { name: "scim", service: "ScimService", description: "SCIM." },
      Report: { name: "report", service: "ReportService", description: "Reports." },
    },
    ...extra,
  });
}

export const json = (schema: SchemaObject) => ({
  required: true,
  content: {
    "application/json": { schema },
    "text/json": { schema },
    "application/xml": { schema },
    "application/x-www-form-urlencoded": { schema },
  },
});
