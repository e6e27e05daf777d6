import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpTransport, type OperationSpec } from "@tswats/core";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domains } from "./domains.js";
import { SKIP_REASON, sharedDir } from "./shared.js";

const BASE = "https://wats.example.test";
const TOKEN = "Y29uZm9ybWFuY2U6dG9rZW4=";

interface Captured {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: Headers;
  bodyText: string;
}

const captured: Captured[] = [];
let respondWith: OperationSpec["response"] = "json";

const server = setupServer(
  http.all(`${BASE}/*`, async ({ request }) => {
    const url = new URL(request.url);
    captured.push({
      method: request.method,
      pathname: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      bodyText: await request.text(),
    });
    const echo = `${request.method} ${url.pathname}`;
    switch (respondWith) {
      case "json":
        return HttpResponse.json({ echo });
      case "text":
        return HttpResponse.text(`text for ${echo}`);
      case "binary":
        return HttpResponse.arrayBuffer(new Uint8Array([1, 2, 3]).buffer);
      case "none":
        return new HttpResponse(null, { status: 200 });
    }
  }),
);

/** Values with characters that must be encoded, so a missing encodeURIComponent shows. */
const pathValue = (name: string) => `v/${name} ä#?`;
const queryValue = (name: string) => `q ${name}&=`;

function argumentsFor(op: OperationSpec): unknown[] {
  const args: unknown[] = [];
  if (op.pathParams.length + op.queryParams.length > 0) {
    const params: Record<string, string> = {};
    for (const name of op.pathParams) params[name] = pathValue(name);
    for (const name of op.queryParams) params[name] = queryValue(name);
    args.push(params);
  }
  if (op.body) {
    if (op.body.contentType === "application/json") args.push({ marker: op.name, nested: { n: 1 } });
    else if (op.body.contentType === "multipart/form-data") {
      const form = new FormData();
      form.append("file", new Blob([`file for ${op.name}`], { type: "application/zip" }), "upload.zip");
      args.push(form);
    } else args.push(`<body for="${op.name}"/>`);
  }
  return args;
}

function expectedPath(template: string): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => encodeURIComponent(pathValue(name)));
}

const transport = new HttpTransport({
  baseUrl: `${BASE}/`,
  token: TOKEN,
  retry: false,
  breaker: false,
  throttle: false,
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
});

/** Every request each generated method sent, by "package.method". */
const sentBy = new Map<string, Captured>();

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(() => server.close());

describe.each(domains)("@tswats/$name: every generated method", ({ name, Service, operationTable }) => {
  const service = new Service(transport) as Record<string, (...args: unknown[]) => Promise<unknown>>;

  it.each(Object.values(operationTable))("$name sends $method $path as the table says", async (op) => {
    const method = service[op.name];
    expect(typeof method).toBe("function");
    const args = argumentsFor(op);
    // Signature: params (when any), body (when any), then the options bag.
    expect(method?.length).toBe(args.length + 1);
    respondWith = op.response;
    const before = captured.length;
    const result = await method?.apply(service, args);
    expect(captured.length).toBe(before + 1);
    const request = captured[captured.length - 1] as Captured;
    sentBy.set(`${name}.${op.name}`, request);

    expect(request.method).toBe(op.method);
    expect(request.pathname).toBe(expectedPath(op.path));
    expect(request.query).toEqual(Object.fromEntries(op.queryParams.map((q) => [q, queryValue(q)])));
    expect(request.headers.get("authorization")).toBe(`Basic ${TOKEN}`);
    if (op.body?.contentType === "application/json") {
      expect(JSON.parse(request.bodyText)).toEqual({ marker: op.name, nested: { n: 1 } });
      expect(request.headers.get("content-type")).toMatch(/^application\/json/);
    } else if (op.body?.contentType === "multipart/form-data") {
      expect(request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
      expect(request.bodyText).toContain(`file for ${op.name}`);
    } else if (op.body) {
      expect(request.bodyText).toBe(`<body for="${op.name}"/>`);
      expect(request.headers.get("content-type")).toBe(op.body.contentType);
    } else {
      expect(request.bodyText).toBe("");
    }

    const echo = `${op.method} ${expectedPath(op.path)}`;
    if (op.response === "json") expect(result).toEqual({ echo });
    else if (op.response === "text") expect(result).toBe(`text for ${echo}`);
    else if (op.response === "binary")
      expect(new Uint8Array(result as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    else expect(result).toBeUndefined();
  });
});

describe.skipIf(sharedDir === undefined)("the public WATS spec is covered exactly", () => {
  it.skipIf(sharedDir === undefined)(SKIP_REASON, () => {});

  it("each path template of the public spec is called by exactly one generated method, with its method", () => {
    const spec = JSON.parse(
      readFileSync(join(sharedDir as string, "specs/wats/openapi_public_v3.json"), "utf8"),
    ) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const generated = domains.flatMap((d) =>
      Object.values(d.operationTable).map((op) => ({ pkg: d.name, op })),
    );
    let specOperations = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        specOperations++;
        const route = `${method.toUpperCase()} ${path}`;
        const matches = [...sentBy.entries()].filter(
          ([, r]) => r.method === method.toUpperCase() && r.pathname === expectedPath(path),
        );
        expect(
          matches.map(([key]) => key),
          route,
        ).toHaveLength(1);
        const request = (matches[0] as [string, Captured])[1];
        for (const p of operation.parameters ?? []) {
          if (p.in === "query")
            expect(request.query, `${route} ?${p.name}`).toHaveProperty(p.name, queryValue(p.name));
        }
      }
    }
    expect(specOperations).toBe(126);
    expect(generated).toHaveLength(specOperations);
  });
});
