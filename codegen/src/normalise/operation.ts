import { OverlayError, SpecError } from "../errors.js";
import type { ApiScope, NormalisedOperation, NormalisedParam, ResponseKind } from "../model.js";
import type { SchemaObject } from "../openapi.js";
import type { Evidence, Overlay, SchemaRef } from "../overlay.js";
import type { CollectedOperation } from "./collect.js";
import { selectJsonContent } from "./content.js";
import { methodNameFor } from "./naming.js";
import { isUntyped, type SchemaDocument, type SchemaSource } from "./schemas.js";

export const ODATA_OPTIONS = [
  "$filter",
  "$top",
  "$skip",
  "$orderby",
  "$expand",
  "$select",
  "$count",
] as const;

const ODATA_PARAM_SCHEMAS: Record<string, SchemaObject> = {
  $filter: { type: "string", description: "OData filter expression, e.g. `partNumber eq 'ABC'`." },
  $top: { type: "integer", format: "int32", description: "OData: at most this many items." },
  $skip: { type: "integer", format: "int32", description: "OData: skip this many items." },
  $orderby: { type: "string", description: "OData: sort order, e.g. `start desc`." },
  $expand: { type: "string", description: "OData: related entities to include." },
  $select: { type: "string", description: "OData: properties to return." },
  $count: { type: "boolean", description: "OData: include the total count." },
};

/** A schema used by an operation, before it is given its friendly name. */
export interface PendingSchema {
  schema: SchemaObject;
  document: SchemaDocument;
  at: string;
}

export interface PendingOperation extends Omit<NormalisedOperation, "params" | "body" | "response"> {
  params: (Omit<NormalisedParam, "schema"> & { schema: PendingSchema })[];
  body?: { contentType: string; required: boolean; schema: PendingSchema; description?: string };
  response: {
    kind: ResponseKind;
    status: string;
    contentType?: string;
    schema?: PendingSchema;
    evidence?: Evidence[];
    freeForm?: string;
  };
}

/** What `pendingOperation` needs besides the operation itself. */
export interface OperationContext {
  /** The document the operation comes from (its schemas' $refs point into it). */
  scope: ApiScope;
  /** The operationId after de-duplication. */
  operationId: string;
  sameRouteAs: string | undefined;
  packageName: string;
  overlay: Overlay;
  source: SchemaSource;
  sourceName: string;
}

export function schemasOf(op: PendingOperation): PendingSchema[] {
  return [
    ...op.params.map((p) => p.schema),
    ...(op.body ? [op.body.schema] : []),
    ...(op.response.schema ? [op.response.schema] : []),
  ];
}

/** One operation with the overlay applied, its schemas still as the document has them. */
export function pendingOperation(op: CollectedOperation, ctx: OperationContext): PendingOperation {
  const { overlay, source, sourceName, scope, operationId } = ctx;
  const ov = overlay.operations[op.route] ?? {};
  const own = (schema: SchemaObject | undefined, at: string): PendingSchema => ({
    schema: schema ?? {},
    document: scope,
    at,
  });

  const params: PendingOperation["params"] = [];
  for (const [i, p] of op.parameters.entries()) {
    if (p.in !== "path" && p.in !== "query") {
      throw new SpecError(
        `${op.pointer}/parameters/${i}`,
        `${p.in} parameters are not supported`,
        sourceName,
      );
    }
    params.push({
      name: p.name,
      in: p.in,
      required: p.in === "path" ? true : p.required === true,
      schema: own(p.schema, `${op.pointer}/parameters/${i}/schema`),
      ...(p.description ? { description: p.description } : {}),
    });
  }
  const text = `${op.operation.summary ?? ""} ${op.operation.description ?? ""}`;
  const odata = ov.odata ?? (/odata|\$filter|\$top/i.test(text) ? [...ODATA_OPTIONS] : []);
  for (const option of odata) {
    if (params.some((p) => p.name === option)) continue;
    params.push({
      name: option,
      in: "query",
      required: false,
      schema: own(ODATA_PARAM_SCHEMAS[option], `${op.pointer}/parameters`),
      description: ODATA_PARAM_SCHEMAS[option]?.description as string,
    });
  }
  const seenNames = new Set<string>();
  for (const p of params) {
    if (seenNames.has(p.name)) {
      throw new SpecError(`${op.pointer}/parameters`, `parameter name "${p.name}" is used twice`, sourceName);
    }
    seenNames.add(p.name);
  }

  let body: PendingOperation["body"];
  if (ov.body) {
    body = {
      contentType: ov.body.contentType,
      required: ov.body.required,
      schema: overlaySchema(ov.body.schema, source, scope, `overlay operations["${op.route}"].body`),
      ...(ov.body.description ? { description: ov.body.description } : {}),
    };
  } else if (op.requestBody) {
    const json = selectJsonContent(op.requestBody.content);
    if (json === undefined) {
      throw new SpecError(
        `${op.pointer}/requestBody/content`,
        "the request body has no JSON content type; describe it in specs/overlay.json",
        sourceName,
      );
    }
    body = {
      contentType: json.contentType,
      required: op.requestBody.required === true,
      schema: own(json.media.schema, `${op.pointer}/requestBody`),
      ...(op.requestBody.description ? { description: op.requestBody.description } : {}),
    };
  }

  const responses = op.operation.responses ?? {};
  const status = Object.keys(responses)
    .filter((code) => /^2\d\d$/.test(code))
    .sort()[0];
  if (status === undefined)
    throw new SpecError(`${op.pointer}/responses`, "no 2xx response is declared", sourceName);
  const declared = selectJsonContent(responses[status]?.content);
  let response: PendingOperation["response"];
  const at = `overlay operations["${op.route}"]`;
  if (ov.responseSchema && ov.responseFreeForm) {
    throw new OverlayError(`${at}: responseSchema and responseFreeForm exclude each other`);
  }
  if (ov.response !== undefined && ov.response !== "json") {
    if (ov.responseSchema || ov.responseFreeForm)
      throw new OverlayError(`${at}: a ${ov.response} response has no JSON schema`);
    response = { kind: ov.response, status };
  } else if (ov.responseSchema) {
    if (scope === "public" && overlay.requireTypedAnswers && ov.responseSchema.evidence === undefined) {
      throw new OverlayError(
        `${at}.responseSchema: a public operation's schema must say where its shape comes from ("evidence")`,
      );
    }
    response = {
      kind: "json",
      status,
      contentType: "application/json",
      schema: overlaySchema(ov.responseSchema, source, scope, `${at}.responseSchema`),
      ...(ov.responseSchema.evidence ? { evidence: ov.responseSchema.evidence } : {}),
    };
  } else if (declared) {
    const schema = declared.media.schema;
    response = {
      kind: "json",
      status,
      contentType: "application/json",
      schema: own(isUntyped(schema) ? {} : schema, `${op.pointer}/responses/${status}`),
      ...(ov.responseFreeForm ? { freeForm: ov.responseFreeForm } : {}),
    };
  } else {
    response = { kind: ov.response ?? "none", status };
  }

  const original = op.operationId !== operationId ? { originalOperationId: op.operationId } : {};
  const effect = stateEffect(op, ov.idempotent, overlay);
  return {
    route: op.route,
    pointer: op.pointer,
    tag: op.tag,
    packageName: ctx.packageName,
    operationId,
    ...original,
    name: ov.name ?? methodNameFor(operationId, scope),
    method: op.method,
    path: op.path,
    ...(op.operation.summary ? { summary: op.operation.summary } : {}),
    ...(op.operation.description ? { description: op.operation.description } : {}),
    ...(op.operation.deprecated ? { deprecated: true } : {}),
    params,
    ...(body ? { body } : {}),
    response,
    odata,
    ...effect,
    ...(ctx.sameRouteAs ? { sameRouteAs: ctx.sameRouteAs } : {}),
    internal: scope === "internal",
  };
}

const READ_METHODS = new Set(["get", "head", "options"]);
const IDEMPOTENT_WRITES = new Set(["put", "delete"]);

/**
 * What an operation does to the server's state: from the overlay's `stateChanging` section when
 * it lists the route (a GET that changes state, a PUT that increments), else from the method.
 */
function stateEffect(
  op: CollectedOperation,
  idempotent: boolean | undefined,
  overlay: Overlay,
): Pick<NormalisedOperation, "stateChanging" | "idempotent" | "stateChangingReason"> {
  const reason = overlay.stateChanging.operations[op.route];
  if (reason !== undefined) {
    if (idempotent === true) {
      throw new OverlayError(
        `operations["${op.route}"].idempotent: the route is listed in stateChanging (a repeat is not the same as one)`,
      );
    }
    return { stateChanging: true, idempotent: false, stateChangingReason: reason };
  }
  const method = op.method.toLowerCase();
  if (READ_METHODS.has(method)) return { stateChanging: false, idempotent: true };
  return { stateChanging: true, idempotent: idempotent ?? IDEMPOTENT_WRITES.has(method) };
}

/** A schema the overlay gives: a named schema of either document, or an inline one. */
function overlaySchema(
  ref: SchemaRef | { inline: Record<string, unknown> },
  source: SchemaSource,
  scope: ApiScope,
  at: string,
): PendingSchema {
  if ("inline" in ref) return { schema: ref.inline as SchemaObject, document: scope, at };
  if (source.documents[ref.document] === undefined) {
    throw new OverlayError(`${at} needs the ${ref.document} spec, which was not given (see specs/README.md)`);
  }
  if (source.get(`${ref.document}:${ref.schema}`) === undefined) {
    throw new OverlayError(`${at}: the ${ref.document} spec has no schema "${ref.schema}"`);
  }
  return { schema: { $ref: `#/components/schemas/${ref.schema}` }, document: ref.document, at };
}
