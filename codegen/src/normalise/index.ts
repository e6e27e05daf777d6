import { isPageable, paginateName } from "../emit/service.js";
import { OverlayError } from "../errors.js";
import type { LoadedSpec } from "../load.js";
import type { ApiScope, NormalisedApi, NormalisedOperation, PackageModel } from "../model.js";
import type { OpenApiDocument, SchemaObject } from "../openapi.js";
import type { Evidence, Overlay } from "../overlay.js";
import { type CollectedOperation, collectOperations } from "./collect.js";
import { applyEnums } from "./enums.js";
import { internalOnly } from "./internal.js";
import { NameRegistry } from "./naming.js";
import { type PendingSchema, pendingOperation, schemasOf } from "./operation.js";
import { dedupeOperationIds } from "./operation-ids.js";
import {
  checkInternalOverlay,
  internalPackageModels,
  internalPackageOf,
  publicPackageModels,
  publicPackageOf,
} from "./packages.js";
import { checkRoutes } from "./routes.js";
import {
  friendlySchemaNames,
  isUntyped,
  type QualifiedName,
  reachableSchemas,
  refsIn,
  rewriteSchema,
  type SchemaDocument,
  SchemaSource,
} from "./schemas.js";

export { ODATA_OPTIONS } from "./operation.js";

export interface NormaliseInput {
  public: LoadedSpec;
  internal?: LoadedSpec | undefined;
  overlay: Overlay;
}

/** The public spec plus the overlay, as the model the emitters take. */
export function normalise(input: NormaliseInput): NormalisedApi {
  const collected = collectOperations(input.public.document, input.public.source);
  checkOverlayRoutes(input, collected);
  return buildApi({
    scope: "public",
    spec: input.public,
    input,
    operations: collected,
    packageOf: (op) => publicPackageOf(op, input.overlay, input.public.source),
    packages: (ops) => publicPackageModels(input.overlay, ops),
  });
}

/**
 * The internal spec's own operations (those the public spec does not have) plus the overlay, as
 * the model the emitters take for the packages' `internal` modules. Every operation is marked
 * internal. Schema names form their own namespace, separate from the public API's.
 */
export function normaliseInternal(input: NormaliseInput & { internal: LoadedSpec }): NormalisedApi {
  const { overlay } = input;
  const all = collectOperations(input.internal.document, input.internal.source);
  const publicOps = collectOperations(input.public.document, input.public.source);
  checkOverlayRoutes(input, publicOps);
  const operations = internalOnly(all, publicOps);
  checkInternalOverlay(overlay, new Set(operations.map((op) => op.tag)));
  const internalRoutes = new Set(operations.map((op) => op.route));
  for (const [route, entry] of Object.entries(overlay.operations)) {
    if (entry.package !== undefined && !internalRoutes.has(route))
      throw new OverlayError(`operations["${route}"].package: only internal-only routes can be moved`);
  }
  return buildApi({
    scope: "internal",
    spec: input.internal,
    input,
    operations,
    packageOf: (op) => internalPackageOf(op, overlay, input.internal.source),
    packages: (ops) => internalPackageModels(overlay, ops),
  });
}

/** Every route the overlay names must be one of the public or internal spec's. */
function checkOverlayRoutes(input: NormaliseInput, publicOps: CollectedOperation[]): void {
  const routes = new Set(publicOps.map((op) => op.route));
  if (input.internal) {
    for (const op of collectOperations(input.internal.document, input.internal.source)) routes.add(op.route);
  }
  for (const route of Object.keys(input.overlay.operations)) {
    if (!routes.has(route))
      throw new OverlayError(`operations["${route}"] names a route the spec does not have`);
  }
  for (const route of Object.keys(input.overlay.stateChanging.operations)) {
    if (!routes.has(route))
      throw new OverlayError(`stateChanging.operations["${route}"] names a route the spec does not have`);
  }
}

interface BuildOptions {
  scope: ApiScope;
  /** The document the operations come from. */
  spec: LoadedSpec;
  input: NormaliseInput;
  operations: CollectedOperation[];
  packageOf: (op: CollectedOperation) => string;
  packages: (ops: NormalisedOperation[]) => PackageModel[];
}

function buildApi(options: BuildOptions): NormalisedApi {
  const { scope, spec, input, operations: collected } = options;
  const { overlay } = input;
  const sourceName = spec.source;
  const documents: Partial<Record<ApiScope, OpenApiDocument>> = { public: input.public.document };
  if (input.internal) documents.internal = input.internal.document;
  const source = new SchemaSource(documents, overlay.models);

  const ids = dedupeOperationIds(collected, (op) => overlay.operations[op.route]?.operationId);
  const sameRoute = checkRoutes(collected, overlay.sameRoute, sourceName);
  const pending = collected.map((op) =>
    pendingOperation(op, {
      scope,
      operationId: ids.get(op) as string,
      sameRouteAs: sameRoute.get(op),
      packageName: options.packageOf(op),
      overlay,
      source,
      sourceName,
    }),
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
  const schemaEvidence: Record<string, Evidence[]> = {};
  for (const qualified of [...reachable].sort()) {
    const friendly = names.get(qualified) as string;
    const [document, ...rest] = qualified.split(":") as [SchemaDocument, ...string[]];
    const model = document === "overlay" ? overlay.models[rest.join(":")] : undefined;
    const schema = source.get(qualified) as SchemaObject;
    schemas[friendly] = rewriteSchema(model ? { description: model.description, ...schema } : schema, {
      document,
      model: model ? rest.join(":") : undefined,
      source,
      names,
      at: model ? `overlay models.${friendly}.schema` : `/components/schemas/${qualified}`,
    });
    schemaOrigins[friendly] = qualified;
    if (model) schemaEvidence[friendly] = model.evidence;
  }
  const finish = (s: PendingSchema): SchemaObject =>
    rewriteSchema(s.schema, { document: s.document, source, names, at: s.at });

  const operations: NormalisedOperation[] = pending.map((op) => ({
    ...op,
    params: op.params.map((p) => ({ ...p, schema: finish(p.schema) })),
    ...(op.body ? { body: { ...op.body, schema: finish(op.body.schema) } } : {}),
    response: { ...op.response, ...(op.response.schema ? { schema: finish(op.response.schema) } : {}) },
  })) as NormalisedOperation[];
  checkTypedAnswers(scope, operations, overlay.requireTypedAnswers);

  // Method names, unique per generated module.
  const registries = new Map<string, NameRegistry>();
  const module = scope === "internal" ? "/internal" : "";
  for (const op of operations) {
    const registry =
      registries.get(op.packageName) ?? new NameRegistry(`method (@tswats/${op.packageName}${module})`);
    registries.set(op.packageName, registry);
    registry.claim(op.name, `${op.route} (${op.originalOperationId ?? op.operationId})`);
    if (isPageable(op)) registry.claim(paginateName(op), `the page walker of ${op.route}`);
  }

  return {
    scope,
    title: spec.document.info.title,
    version: spec.document.info.version,
    operations,
    schemas,
    schemaOrigins,
    schemaEvidence,
    enums: applyEnums(overlay, schemas, operations, scope),
    packages: options.packages(operations),
  };
}

/**
 * With the overlay's `requireTypedAnswers`, every public JSON answer is typed: one the documents
 * leave untyped needs a `responseSchema` (with its evidence) or a `responseFreeForm` reason in the
 * overlay. All offenders are listed at once. A reason given for an answer that is typed after all
 * is a stale entry and fails in any case.
 */
function checkTypedAnswers(scope: ApiScope, operations: NormalisedOperation[], required: boolean): void {
  const problems: string[] = [];
  for (const op of operations) {
    if (op.response.kind !== "json") continue;
    const untyped = isUntyped(op.response.schema);
    if (op.response.freeForm !== undefined && !untyped) {
      problems.push(`  ${op.route}: responseFreeForm is given but the answer is typed`);
    } else if (required && scope === "public" && untyped && op.response.freeForm === undefined) {
      problems.push(`  ${op.route}: answers unknown`);
    }
  }
  if (problems.length > 0) {
    throw new OverlayError(
      `typed answers (specs/overlay.json operations[route].responseSchema with evidence, or responseFreeForm with the reason):\n${problems.join("\n")}`,
    );
  }
}
