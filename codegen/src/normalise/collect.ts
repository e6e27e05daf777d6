import { pointer, SpecError } from "../errors.js";
import { resolvePointer } from "../load.js";
import {
  HTTP_METHODS,
  type HttpMethod,
  type OpenApiDocument,
  type OperationObject,
  type ParameterObject,
  type RequestBodyObject,
} from "../openapi.js";

/** One operation as the document declares it, with path-level parameters merged in. */
export interface CollectedOperation {
  route: string;
  pointer: string;
  method: HttpMethod;
  path: string;
  tag: string;
  operationId: string;
  operation: OperationObject;
  parameters: ParameterObject[];
  requestBody: RequestBodyObject | undefined;
}

export function collectOperations(doc: OpenApiDocument, source: string): CollectedOperation[] {
  const collected: CollectedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const at = pointer("paths", path, method);
      const tags = operation.tags ?? [];
      if (tags.length !== 1 || typeof tags[0] !== "string") {
        throw new SpecError(`${at}/tags`, `expected exactly one tag, found ${JSON.stringify(tags)}`, source);
      }
      const parameters = mergeParameters(doc, item.parameters ?? [], operation.parameters ?? [], at, source);
      collected.push({
        route: `${method.toUpperCase()} ${path}`,
        pointer: at,
        method,
        path,
        tag: tags[0],
        operationId: operation.operationId as string,
        operation,
        parameters,
        requestBody: resolveRequestBody(doc, operation.requestBody, `${at}/requestBody`, source),
      });
    }
  }
  return collected;
}

function deref<T>(doc: OpenApiDocument, value: T & { $ref?: string }, at: string, source: string): T {
  if (typeof value.$ref !== "string") return value;
  const target = resolvePointer(doc, value.$ref.slice(1));
  if (target === undefined) throw new SpecError(at, `$ref ${value.$ref} does not resolve`, source);
  return target as T;
}

function mergeParameters(
  doc: OpenApiDocument,
  pathLevel: ParameterObject[],
  opLevel: ParameterObject[],
  at: string,
  source: string,
): ParameterObject[] {
  const merged = new Map<string, ParameterObject>();
  for (const [i, p] of pathLevel.entries()) {
    const param = deref(doc, p as ParameterObject & { $ref?: string }, `${at}/../parameters/${i}`, source);
    merged.set(`${param.in}:${param.name}`, param);
  }
  for (const [i, p] of opLevel.entries()) {
    const param = deref(doc, p as ParameterObject & { $ref?: string }, `${at}/parameters/${i}`, source);
    merged.set(`${param.in}:${param.name}`, param);
  }
  return [...merged.values()];
}

function resolveRequestBody(
  doc: OpenApiDocument,
  body: RequestBodyObject | undefined,
  at: string,
  source: string,
): RequestBodyObject | undefined {
  if (body === undefined) return undefined;
  return deref(doc, body, at, source);
}
