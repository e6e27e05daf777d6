import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { pointer, SpecError } from "./errors.js";
import { HTTP_METHODS, type OpenApiDocument } from "./openapi.js";

/** An input document as read, before normalising. */
export interface LoadedSpec {
  /** Where it came from (file path or URL, credentials removed). */
  source: string;
  /** sha256 of the bytes as read. */
  sha256: string;
  /** The Swagger/OpenAPI version the source declared. */
  sourceVersion: string;
  document: OpenApiDocument;
}

export async function loadSpecFile(path: string): Promise<LoadedSpec> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new Error(`Cannot read spec ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseSpec(text, path);
}

/** Downloads a server's Swagger/OpenAPI document (e.g. https://server/swagger/docs/v1). */
export async function loadSpecUrl(
  url: string,
  token: string | undefined,
): Promise<{ spec: LoadedSpec; text: string }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Basic ${token}`;
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
  const source = new URL(url).origin + new URL(url).pathname;
  if (!response.ok) throw new Error(`Fetching ${source} failed: ${response.status} ${response.statusText}`);
  const text = await response.text();
  return { spec: await parseSpec(text, source), text };
}

export async function parseSpec(text: string, source: string): Promise<LoadedSpec> {
  const sha256 = createHash("sha256").update(text).digest("hex");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new SpecError("", `not valid JSON (${(cause as Error).message})`, source);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SpecError("", "the document must be a JSON object", source);
  }
  const record = raw as Record<string, unknown>;
  let document: OpenApiDocument;
  let sourceVersion: string;
  if (typeof record.swagger === "string") {
    if (!record.swagger.startsWith("2.")) {
      throw new SpecError(
        "/swagger",
        `unsupported Swagger version "${record.swagger}" (2.0 expected)`,
        source,
      );
    }
    sourceVersion = record.swagger;
    document = await convertSwagger2(record, source);
  } else if (typeof record.openapi === "string") {
    if (!record.openapi.startsWith("3.0.")) {
      throw new SpecError(
        "/openapi",
        `unsupported OpenAPI version "${record.openapi}" (3.0.x expected)`,
        source,
      );
    }
    sourceVersion = record.openapi;
    document = record as unknown as OpenApiDocument;
  } else {
    throw new SpecError(
      "",
      'neither "openapi" nor "swagger" is set: this is not an OpenAPI document',
      source,
    );
  }
  checkShape(document, source);
  return { source, sha256, sourceVersion, document };
}

/** Converts Swagger 2.0 to OpenAPI 3.0 with swagger2openapi (pinned in package.json). */
async function convertSwagger2(swagger: Record<string, unknown>, source: string): Promise<OpenApiDocument> {
  const { convertObj } = await import("swagger2openapi");
  try {
    const result = await convertObj(swagger as never, {
      patch: true,
      warnOnly: true,
      resolveInternal: false,
    });
    return result.openapi as unknown as OpenApiDocument;
  } catch (cause) {
    throw new SpecError("", `Swagger 2.0 conversion failed: ${(cause as Error).message}`, source);
  }
}

/** The structural checks the normaliser relies on; each failure names the JSON pointer. */
function checkShape(doc: OpenApiDocument, source: string): void {
  const info = doc.info as unknown;
  if (typeof info !== "object" || info === null) throw new SpecError("/info", "missing info object", source);
  if (typeof doc.info.title !== "string") throw new SpecError("/info/title", "must be a string", source);
  if (typeof doc.paths !== "object" || doc.paths === null || Array.isArray(doc.paths)) {
    throw new SpecError("/paths", "must be an object of path items", source);
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith("/")) throw new SpecError(pointer("paths", path), "path must start with /", source);
    if (typeof item !== "object" || item === null) {
      throw new SpecError(pointer("paths", path), "path item must be an object", source);
    }
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const at = pointer("paths", path, method);
      if (typeof op !== "object" || op === null)
        throw new SpecError(at, "operation must be an object", source);
      if (typeof op.operationId !== "string" || op.operationId === "") {
        throw new SpecError(`${at}/operationId`, "every operation needs an operationId", source);
      }
      if (op.parameters !== undefined && !Array.isArray(op.parameters)) {
        throw new SpecError(`${at}/parameters`, "must be an array", source);
      }
      for (const [i, p] of (op.parameters ?? []).entries()) {
        if (typeof p?.name !== "string" || !["path", "query", "header", "cookie"].includes(p.in)) {
          throw new SpecError(
            `${at}/parameters/${i}`,
            "parameter needs a name and in: path|query|header|cookie",
            source,
          );
        }
      }
      if (typeof op.responses !== "object" || op.responses === null) {
        throw new SpecError(`${at}/responses`, "every operation needs responses", source);
      }
    }
  }
  const schemas = doc.components?.schemas;
  if (schemas !== undefined && (typeof schemas !== "object" || schemas === null)) {
    throw new SpecError("/components/schemas", "must be an object", source);
  }
  // Every local $ref must resolve.
  walk(doc, "", (value, at) => {
    if (typeof value.$ref === "string") {
      if (!value.$ref.startsWith("#/"))
        throw new SpecError(at, `only local $refs are supported: ${value.$ref}`, source);
      if (resolvePointer(doc, value.$ref.slice(1)) === undefined) {
        throw new SpecError(at, `$ref ${value.$ref} does not resolve`, source);
      }
    }
  });
}

/** Visits every object in a JSON value with its pointer. */
export function walk(
  value: unknown,
  at: string,
  visit: (value: Record<string, unknown>, at: string) => void,
): void {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${at}/${i}`, visit);
  } else if (typeof value === "object" && value !== null) {
    visit(value as Record<string, unknown>, at);
    for (const [key, child] of Object.entries(value)) walk(child, `${at}${pointer(key)}`, visit);
  }
}

export function resolvePointer(doc: unknown, ptr: string): unknown {
  let current: unknown = doc;
  for (const raw of ptr.split("/").slice(1)) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}
