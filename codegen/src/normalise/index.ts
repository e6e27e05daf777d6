import { isPageable, paginateName } from "../emit/service.js";
import { OverlayError, SpecError } from "../errors.js";
import type { LoadedSpec } from "../load.js";
import type {
  EnumModel,
  NormalisedApi,
  NormalisedOperation,
  NormalisedParam,
  ResponseKind,
} from "../model.js";
import type { OpenApiDocument, SchemaObject } from "../openapi.js";
import type { Overlay, SchemaRef } from "../overlay.js";
import { type CollectedOperation, collectOperations } from "./collect.js";
import { selectJsonContent } from "./content.js";
import { methodNameFor, NameRegistry } from "./naming.js";
import { dedupeOperationIds } from "./operation-ids.js";
import { checkRoutes } from "./routes.js";
import {
  friendlySchemaNames,
  isUntyped,
  type QualifiedName,
  reachableSchemas,
  refsIn,
  rewriteSchema,
  SchemaSource,
} from "./schemas.js";

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

export interface NormaliseInput {
  public: LoadedSpec;
  internal?: LoadedSpec | undefined;
  overlay: Overlay;
}

/** A schema used by an operation, before it is given its friendly name. */
interface PendingSchema {
  schema: SchemaObject;
  document: "public" | "internal";
  at: string;
}

interface PendingOperation extends Omit<NormalisedOperation, "params" | "body" | "response"> {
  params: (Omit<NormalisedParam, "schema"> & { schema: PendingSchema })[];
  body?: { contentType: string; required: boolean; schema: PendingSchema; description?: string };
  response: { kind: ResponseKind; status: string; contentType?: string; schema?: PendingSchema };
}

/** Turns the server's documents plus the overlay into the model the emitters take. */
export function normalise(input: NormaliseInput): NormalisedApi {
  const { overlay } = input;
  const publicDoc = input.public.document;
  const sourceName = input.public.source;
  const documents: Partial<Record<"public" | "internal", OpenApiDocument>> = { public: publicDoc };
  if (input.internal) documents.internal = input.internal.document;
  const source = new SchemaSource(documents);

  const collected = collectOperations(publicDoc, sourceName);
  const ids = dedupeOperationIds(collected);
  const sameRoute = checkRoutes(collected, overlay.sameRoute, sourceName);
  const routes = new Set(collected.map((op) => op.route));
  for (const route of Object.keys(overlay.operations)) {
    if (!routes.has(route))
      throw new OverlayError(`operations["${route}"] names a route the spec does not have`);
  }

  const pending = collected.map((op) =>
    pendingOperation(op, ids.get(op) as string, sameRoute.get(op), overlay, source, sourceName),
  );

  // Schemas: everything the operations reach, named, then rewritten.
  const roots: QualifiedName[] = [];
  for (const op of pending) {
    for (const s of schemasOf(op))
      for (const ref of refsIn(s.schema)) roots.push(source.qualify(ref, s.document, s.at));
  }
  const reachable = reachableSchemas(source, roots);
  const names = friendlySchemaNames(reachable, overlay);
  const schemas: Record<string, SchemaObject> = {};
  const schemaOrigins: Record<string, string> = {};
  for (const qualified of [...reachable].sort()) {
    const friendly = names.get(qualified) as string;
    const document = qualified.split(":")[0] as "public" | "internal";
    schemas[friendly] = rewriteSchema(source.get(qualified) as SchemaObject, {
      document,
      source,
      names,
      at: `/components/schemas/${qualified}`,
    });
    schemaOrigins[friendly] = qualified;
  }
  const finish = (s: PendingSchema): SchemaObject =>
    rewriteSchema(s.schema, { document: s.document, source, names, at: s.at });

  const operations: NormalisedOperation[] = pending.map((op) => ({
    ...op,
    params: op.params.map((p) => ({ ...p, schema: finish(p.schema) })),
    ...(op.body ? { body: { ...op.body, schema: finish(op.body.schema) } } : {}),
    response: { ...op.response, ...(op.response.schema ? { schema: finish(op.response.schema) } : {}) },
  })) as NormalisedOperation[];

  // Method names, unique per package.
  const registries = new Map<string, NameRegistry>();
  for (const op of operations) {
    const registry = registries.get(op.packageName) ?? new NameRegistry(`method (@tswats/${op.packageName})`);
    registries.set(op.packageName, registry);
    registry.claim(op.name, `${op.route} (${op.originalOperationId ?? op.operationId})`);
    if (isPageable(op)) registry.claim(paginateName(op), `the page walker of ${op.route}`);
  }

  const enums = checkEnums(overlay, schemas, operations);
  const packages = Object.entries(overlay.packages)
    .filter(([tag]) => operations.some((op) => op.tag === tag))
    .map(([tag, p]) => ({ tag, ...p }));
  return {
    title: publicDoc.info.title,
    version: publicDoc.info.version,
    operations,
    schemas,
    schemaOrigins,
    enums,
    packages,
  };
}

function schemasOf(op: PendingOperation): PendingSchema[] {
  return [
    ...op.params.map((p) => p.schema),
    ...(op.body ? [op.body.schema] : []),
    ...(op.response.schema ? [op.response.schema] : []),
  ];
}

function pendingOperation(
  op: CollectedOperation,
  operationId: string,
  sameRouteAs: string | undefined,
  overlay: Overlay,
  source: SchemaSource,
  sourceName: string,
): PendingOperation {
  const ov = overlay.operations[op.route] ?? {};
  const pkg = overlay.packages[op.tag];
  if (pkg === undefined) {
    throw new SpecError(
      `${op.pointer}/tags/0`,
      `tag "${op.tag}" has no package in specs/overlay.json "packages"`,
      sourceName,
    );
  }
  const pub = (schema: SchemaObject | undefined, at: string): PendingSchema => ({
    schema: schema ?? {},
    document: "public",
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
      schema: pub(p.schema, `${op.pointer}/parameters/${i}/schema`),
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
      schema: pub(ODATA_PARAM_SCHEMAS[option], `${op.pointer}/parameters`),
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
      schema: overlaySchema(ov.body.schema, source, `overlay operations["${op.route}"].body`),
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
      schema: pub(json.media.schema, `${op.pointer}/requestBody`),
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
  if (ov.response !== undefined && ov.response !== "json") {
    response = { kind: ov.response, status };
  } else if (ov.responseSchema) {
    response = {
      kind: "json",
      status,
      contentType: "application/json",
      schema: overlaySchema(ov.responseSchema, source, `overlay operations["${op.route}"].responseSchema`),
    };
  } else if (declared) {
    const schema = declared.media.schema;
    response = {
      kind: "json",
      status,
      contentType: "application/json",
      schema: pub(isUntyped(schema) ? {} : schema, `${op.pointer}/responses/${status}`),
    };
  } else {
    response = { kind: ov.response ?? "none", status };
  }

  const original = op.operationId !== operationId ? { originalOperationId: op.operationId } : {};
  return {
    route: op.route,
    pointer: op.pointer,
    tag: op.tag,
    packageName: pkg.name,
    operationId,
    ...original,
    name: ov.name ?? methodNameFor(operationId),
    method: op.method,
    path: op.path,
    ...(op.operation.summary ? { summary: op.operation.summary } : {}),
    ...(op.operation.description ? { description: op.operation.description } : {}),
    ...(op.operation.deprecated ? { deprecated: true } : {}),
    params,
    ...(body ? { body } : {}),
    response,
    odata,
    idempotent: ov.idempotent ?? false,
    ...(sameRouteAs ? { sameRouteAs } : {}),
  };
}

function overlaySchema(
  ref: SchemaRef | { inline: Record<string, unknown> },
  source: SchemaSource,
  at: string,
): PendingSchema {
  if ("inline" in ref) return { schema: ref.inline as SchemaObject, document: "public", at };
  if (source.documents[ref.document] === undefined) {
    throw new OverlayError(`${at} needs the ${ref.document} spec, which was not given (see specs/README.md)`);
  }
  if (source.get(`${ref.document}:${ref.schema}`) === undefined) {
    throw new OverlayError(`${at}: the ${ref.document} spec has no schema "${ref.schema}"`);
  }
  return { schema: { $ref: `#/components/schemas/${ref.schema}` }, document: ref.document, at };
}

/** Overlay enums must match the spec's values exactly where they are used; drift fails loudly. */
function checkEnums(
  overlay: Overlay,
  schemas: Record<string, SchemaObject>,
  operations: NormalisedOperation[],
): EnumModel[] {
  const result: EnumModel[] = [];
  for (const e of overlay.enums) {
    const expected = JSON.stringify(Object.values(e.members).sort());
    const used: string[] = [];
    for (const use of e.usedBy) {
      let values: unknown[] | undefined;
      const param = /^([A-Z]+ \S+) (\S+)$/.exec(use);
      if (param) {
        const op = operations.find((o) => o.route === param[1]);
        values = op?.params.find((p) => p.name === param[2])?.schema.enum;
      } else {
        const [schemaName, property] = use.split(".");
        const prop = schemas[schemaName as string]?.properties?.[property as string];
        values = prop?.enum ?? prop?.items?.enum;
      }
      if (values === undefined) {
        // The schema or route is not part of this generation (e.g. pruned); skip that use.
        if (
          param
            ? !operations.some((o) => o.route === param[1])
            : schemas[use.split(".")[0] as string] === undefined
        ) {
          continue;
        }
        throw new OverlayError(`enum ${e.name}: ${use} has no enum in the spec`);
      }
      if (JSON.stringify([...values].sort()) !== expected) {
        throw new OverlayError(
          `enum ${e.name}: ${use} has values ${JSON.stringify(values)} in the spec, not ${expected}`,
        );
      }
      used.push(use);
    }
    if (used.length > 0) result.push({ ...e, usedBy: used });
  }
  return result;
}
