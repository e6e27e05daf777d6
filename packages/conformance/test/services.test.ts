import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpTransport, type OperationSpec } from "@tswats/core";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DomainModule, domains, internalDomains } from "./domains.js";
import { repoRoot, specsDir } from "./shared.js";

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
      case "xml":
        return HttpResponse.xml(`<Echo route="${echo}"/>`);
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
    } else if (op.body.contentType === "application/octet-stream") {
      args.push(new TextEncoder().encode(`bytes for ${op.name}`));
    } else args.push(`<body for="${op.name}"/>`);
  }
  return args;
}

function expectedPath(template: string): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => encodeURIComponent(pathValue(name)));
}

/** A route as the server tells routes apart: method, path without case, parameters by position. */
const serverRoute = (method: string, path: string) =>
  `${method.toUpperCase()} ${path.replace(/\{[^{}]+\}/g, "{}").toLowerCase()}`;

const transport = new HttpTransport({
  baseUrl: `${BASE}/`,
  token: TOKEN,
  retry: false,
  breaker: false,
  throttle: false,
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
});

/** Every request each generated method sent, by "package.method" (public) or "package/internal.method". */
const sentBy = new Map<string, Captured>();

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(() => server.close());

/** Calls one generated method and checks the request it sent against its operation table entry. */
async function callsAsTheTableSays(
  key: string,
  service: Record<string, (...args: unknown[]) => Promise<unknown>>,
  op: OperationSpec,
): Promise<Captured> {
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
  sentBy.set(key, request);

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
  } else if (op.body?.contentType === "application/octet-stream") {
    expect(request.bodyText).toBe(`bytes for ${op.name}`);
    expect(request.headers.get("content-type")).toBe("application/octet-stream");
  } else if (op.body) {
    expect(request.bodyText).toBe(`<body for="${op.name}"/>`);
    expect(request.headers.get("content-type")).toBe(op.body.contentType);
  } else {
    expect(request.bodyText).toBe("");
  }

  const echo = `${op.method} ${expectedPath(op.path)}`;
  if (op.response === "json") expect(result).toEqual({ echo });
  else if (op.response === "text") expect(result).toBe(`text for ${echo}`);
  else if (op.response === "xml")
    expect(result).toEqual({ name: "Echo", attributes: { route: echo }, children: [], text: "" });
  else if (op.response === "binary")
    expect(new Uint8Array(result as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
  else expect(result).toBeUndefined();
  return request;
}

describe.each(domains)("@tswats/$name: every generated method", ({ name, Service, operationTable }) => {
  const service = new Service(transport) as Record<string, (...args: unknown[]) => Promise<unknown>>;

  it.each(Object.values(operationTable))("$name sends $method $path as the table says", async (op) => {
    expect(op.internal).toBeUndefined();
    const request = await callsAsTheTableSays(`${name}.${op.name}`, service, op);
    expect(request.headers.get("referer")).toBeNull();
  });
});

describe.each(internalDomains)(
  "@tswats/$name/internal: every generated internal method",
  ({ name, Service, operationTable }) => {
    const service = new Service(transport) as Record<string, (...args: unknown[]) => Promise<unknown>>;

    it.each(Object.values(operationTable))("$name sends $method $path with the Referer", async (op) => {
      expect(op.internal).toBe(true);
      const request = await callsAsTheTableSays(`${name}/internal.${op.name}`, service, op);
      // WATS refuses internal routes without the server root as Referer.
      expect(request.headers.get("referer")).toBe(`${BASE}/`);
    });
  },
);

const routesOf = (modules: DomainModule[]) =>
  modules.flatMap((d) =>
    Object.values(d.operationTable).map((op) => ({ module: d.name, route: serverRoute(op.method, op.path) })),
  );

describe("public and internal stay apart", () => {
  it("no route of a public operation table appears in any internal operation table", () => {
    const publicRoutes = new Set(routesOf(domains).map((r) => r.route));
    const internalRoutes = routesOf(internalDomains);
    expect(internalRoutes.length).toBeGreaterThan(0);
    expect(internalRoutes.filter((r) => publicRoutes.has(r.route))).toEqual([]);
    // Nor twice within the internal tables.
    expect(new Set(internalRoutes.map((r) => r.route)).size).toBe(internalRoutes.length);
  });

  it("the internal modules tested are exactly those specs/lock.json records, with its counts", () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, "specs/lock.json"), "utf8")) as {
      internalPackages: Record<string, { operations: number }>;
    };
    expect(
      Object.fromEntries(internalDomains.map((d) => [d.name, Object.keys(d.operationTable).length])),
    ).toEqual(Object.fromEntries(Object.entries(lock.internalPackages).map(([k, v]) => [k, v.operations])));
  });
});

type SpecPaths = Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;

function readSpec(file: string): SpecPaths {
  return (JSON.parse(readFileSync(join(specsDir, file), "utf8")) as { paths: SpecPaths }).paths;
}

/** Each included route of a spec is called by exactly one of the methods whose key matches `keyFilter`. */
function expectEachCalledOnce(
  paths: SpecPaths,
  include: (route: string) => boolean,
  keyFilter: RegExp,
): number {
  let count = 0;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const route = `${method.toUpperCase()} ${path}`;
      if (!include(serverRoute(method, path))) continue;
      count++;
      const matches = [...sentBy.entries()].filter(
        ([key, r]) =>
          keyFilter.test(key) && r.method === method.toUpperCase() && r.pathname === expectedPath(path),
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
  return count;
}

describe("the WATS specs are covered exactly", () => {
  it("each path template of the public spec is called by exactly one generated method, with its method", () => {
    const count = expectEachCalledOnce(readSpec("openapi_public_v3.json"), () => true, /^[^/]+\./);
    expect(count).toBe(126);
    expect(routesOf(domains)).toHaveLength(count);
  });

  it("each internal-only path template is called by exactly one internal method; none of the public ones is", () => {
    const publicPaths = readSpec("openapi_public_v3.json");
    const publicRoutes = new Set(
      Object.entries(publicPaths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => serverRoute(m, path)),
      ),
    );
    const internalPaths = readSpec("openapi_internal_v3.json");
    const count = expectEachCalledOnce(internalPaths, (route) => !publicRoutes.has(route), /\/internal\./);
    expect(count).toBe(640);
    expect(routesOf(internalDomains)).toHaveLength(count);
    // The internal spec repeats every public operation: 766 in all, none of the repeats generated as internal.
    const repeats = Object.entries(internalPaths).flatMap(([path, item]) =>
      Object.keys(item).filter((m) => publicRoutes.has(serverRoute(m, path))),
    );
    expect(repeats).toHaveLength(126);
    const internalTableRoutes = new Set(routesOf(internalDomains).map((r) => r.route));
    expect([...publicRoutes].filter((r) => internalTableRoutes.has(r))).toEqual([]);
  });
});
