/**
 * The request URL built from each operation's path template split once (url.ts `fillPath`) is
 * the URL openapi-fetch's `createFinalURL` builds, for every generated operation of every domain
 * and for awkward parameter values.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { OperationSpec } from "../src/operation.js";
import { buildUrl, splitParams } from "../src/transport.js";
import { fillPath } from "../src/url.js";

const BASE = "https://wats.example.test/sub";
const querySerializer = createQuerySerializer();
const reference = (template: string, params: ReturnType<typeof splitParams>) =>
  createFinalURL(template, { baseUrl: BASE, params, querySerializer, pathSerializer: defaultPathSerializer });

const VALUES: unknown[] = [
  "CBL-7",
  "A/B ?#%&=+ ÆØÅ 😀 {x} $& ..",
  42,
  -1.5,
  true,
  new Date(Date.UTC(2026, 11, 5, 14, 0, 0)),
];

const domainsDir = fileURLToPath(new URL("../../domains/", import.meta.url));
const operations: OperationSpec[] = [];
for (const domain of readdirSync(domainsDir)) {
  const file = `${domainsDir}${domain}/src/generated/operations.ts`;
  try {
    const { operationTable } = (await import(file)) as { operationTable: Record<string, OperationSpec> };
    operations.push(...Object.values(operationTable));
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
  }
}

describe("URL from a path template split once", () => {
  it("finds the generated operations", () => {
    expect(operations.length).toBeGreaterThan(100);
  });

  it("builds the same URL as openapi-fetch for every operation and value", () => {
    let compared = 0;
    for (const op of operations) {
      for (const value of VALUES) {
        const input: Record<string, unknown> = {};
        for (const name of [...op.pathParams, ...op.queryParams]) input[name] = value;
        const params = splitParams(op, input);
        expect(buildUrl(BASE, op.path, params), `${op.name} with ${String(value)}`).toBe(
          reference(op.path, params),
        );
        compared++;
      }
    }
    expect(compared).toBe(operations.length * VALUES.length);
  });

  it("falls back to openapi-fetch for styled templates and non-primitive values", () => {
    expect(fillPath(BASE, "/api/{id*}", { id: "a" })).toBeUndefined();
    expect(fillPath(BASE, "/api/{.id}", { id: "a" })).toBeUndefined();
    expect(fillPath(BASE, "/api/{id}", { id: ["a", "b"] })).toBeUndefined();
    expect(fillPath(BASE, "/api/{id}", {})).toBeUndefined();
    const params = { path: { id: ["a", "b"] }, query: { "?odd": 1, list: [1, 2] } };
    expect(buildUrl(BASE, "/api/{id}/x", params)).toBe(reference("/api/{id}/x", params));
    const plain = { path: { id: "a b" }, query: { "?odd": 1, list: [1, 2] } };
    expect(buildUrl(BASE, "/api/{id}/x", plain)).toBe(reference("/api/{id}/x", plain));
  });
});
