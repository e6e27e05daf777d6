import { SpecError } from "../errors.js";
import type { OpenApiDocument, SchemaObject } from "../openapi.js";
import type { Overlay, OverlayModel } from "../overlay.js";
import { NameRegistry, pascalCase } from "./naming.js";

/**
 * Where a schema lives: one of the input documents, or the overlay's own `models` (shapes the
 * documents lack, written from evidence).
 */
export type SchemaDocument = "public" | "internal" | "overlay";

/** A schema's identity across inputs: "public:Full.Name", "internal:Full.Name" or "overlay:Name". */
export type QualifiedName = `${SchemaDocument}:${string}`;

const LOCAL_REF = "#/components/schemas/";
/** How an overlay schema refers to an overlay model: a JSON pointer into specs/overlay.json. */
export const OVERLAY_MODEL_REF = "#/overlay/models/";

/**
 * The schemas of the input documents and the overlay's models, addressed by qualified name.
 * Schemas are read from here, never mutated: every transformation builds new objects.
 */
export class SchemaSource {
  constructor(
    readonly documents: Partial<Record<"public" | "internal", OpenApiDocument>>,
    readonly models: Record<string, OverlayModel> = {},
  ) {}

  get(name: QualifiedName): SchemaObject | undefined {
    const [doc, ...rest] = name.split(":");
    if (doc === "overlay") return this.models[rest.join(":")]?.schema as SchemaObject | undefined;
    return this.documents[doc as "public" | "internal"]?.components?.schemas?.[rest.join(":")];
  }

  /**
   * The qualified name a $ref inside a schema of `document` points to. An overlay model's
   * `#/components/schemas/...` references point into the document the model names.
   */
  qualify(ref: string, document: SchemaDocument, at: string, model?: string): QualifiedName {
    if (ref.startsWith(OVERLAY_MODEL_REF)) {
      const name = ref.slice(OVERLAY_MODEL_REF.length);
      if (this.models[name] === undefined)
        throw new SpecError(at, `$ref ${ref}: specs/overlay.json "models" has no ${name}`, "overlay");
      return `overlay:${name}`;
    }
    if (!ref.startsWith(LOCAL_REF)) throw new SpecError(at, `unsupported $ref ${ref}`, document);
    const target = document === "overlay" ? (this.models[model ?? ""]?.document ?? "public") : document;
    return `${target}:${ref.slice(LOCAL_REF.length)}`;
  }
}

/** Every qualified schema name reachable from the roots, following $refs. */
export function reachableSchemas(source: SchemaSource, roots: Iterable<QualifiedName>): Set<QualifiedName> {
  const seen = new Set<QualifiedName>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as QualifiedName;
    if (seen.has(name)) continue;
    const schema = source.get(name);
    if (schema === undefined)
      throw new SpecError(`/components/schemas/${name}`, "schema does not exist", name);
    seen.add(name);
    const [document, ...rest] = name.split(":") as [SchemaDocument, ...string[]];
    for (const ref of refsIn(schema)) queue.push(source.qualify(ref, document, name, rest.join(":")));
  }
  return seen;
}

export function refsIn(value: unknown): string[] {
  const refs: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const item of v) visit(item);
    else if (typeof v === "object" && v !== null) {
      const ref = (v as { $ref?: unknown }).$ref;
      if (typeof ref === "string") refs.push(ref);
      for (const child of Object.values(v)) visit(child);
    }
  };
  visit(value);
  return refs;
}

/**
 * Friendly names: the overlay's name for the full .NET name, else the namespace prefix from the
 * overlay plus the last segment of the name. Case-insensitive clashes fail with both origins.
 */
export function friendlySchemaNames(
  names: Iterable<QualifiedName>,
  overlay: Overlay,
): Map<QualifiedName, string> {
  const registry = new NameRegistry("schema");
  const result = new Map<QualifiedName, string>();
  const prefixes = Object.entries(overlay.schemaPrefixes).sort((a, b) => b[0].length - a[0].length);
  for (const qualified of [...names].sort()) {
    const full = qualified.slice(qualified.indexOf(":") + 1);
    if (qualified.startsWith("overlay:")) {
      registry.claim(full, `specs/overlay.json models.${full}`);
      result.set(qualified, full);
      continue;
    }
    let friendly = overlay.schemaNames[full];
    if (friendly === undefined) {
      const prefix = prefixes.find(([namespace]) => full.startsWith(namespace));
      const last = full.replace(/_$/, "").split(".").pop() ?? full;
      friendly =
        (prefix?.[1] ?? "") +
        pascalCase(last.replace(/[^A-Za-z0-9]/g, " ").replace(/\s+(\w)/g, (_, c) => c.toUpperCase()));
    }
    registry.claim(friendly, qualified);
    result.set(qualified, friendly);
  }
  return result;
}

export interface RewriteContext {
  document: SchemaDocument;
  /** The overlay model being rewritten, when `document` is "overlay". */
  model?: string | undefined;
  source: SchemaSource;
  names: Map<QualifiedName, string>;
  at: string;
}

/**
 * A copy of `schema` in the form the emitters take:
 * - $refs point at friendly names in the generated package;
 * - nullability policy: the server (.NET) writes null for any unset value, so a property not in
 *   `required` is optional AND nullable; required properties are non-null;
 * - a bare `{type: object}` inside a model becomes a string-keyed record of unknown values;
 * - examples are dropped (they are .NET placeholders such as the all-zero GUID).
 */
export function rewriteSchema(schema: SchemaObject, ctx: RewriteContext): SchemaObject {
  if (typeof schema.$ref === "string") {
    const qualified = ctx.source.qualify(schema.$ref, ctx.document, ctx.at, ctx.model);
    const friendly = ctx.names.get(qualified);
    if (friendly === undefined)
      throw new SpecError(ctx.at, `schema ${qualified} was not collected`, ctx.document);
    return { $ref: `${LOCAL_REF}${friendly}` };
  }
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "example" || key === "properties" || key === "items" || key === "additionalProperties")
      continue;
    if (key === "allOf" || key === "oneOf" || key === "anyOf") {
      out[key] = (value as SchemaObject[]).map((s, i) =>
        rewriteSchema(s, { ...ctx, at: `${ctx.at}/${key}/${i}` }),
      );
      continue;
    }
    (out as Record<string, unknown>)[key] = value;
  }
  if (schema.items !== undefined) out.items = rewriteSchema(schema.items, { ...ctx, at: `${ctx.at}/items` });
  if (typeof schema.additionalProperties === "object") {
    out.additionalProperties = rewriteSchema(schema.additionalProperties, {
      ...ctx,
      at: `${ctx.at}/additionalProperties`,
    });
  } else if (schema.additionalProperties !== undefined) {
    out.additionalProperties = schema.additionalProperties;
  }
  if (schema.properties !== undefined) {
    const required = new Set(schema.required ?? []);
    out.properties = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      const rewritten = rewriteSchema(property, { ...ctx, at: `${ctx.at}/properties/${name}` });
      out.properties[name] = required.has(name) ? rewritten : nullable(rewritten);
    }
  } else if (schema.type === "object" && schema.additionalProperties === undefined && !schema.allOf) {
    out.additionalProperties = {};
  }
  return out;
}

function nullable(schema: SchemaObject): SchemaObject {
  if (schema.$ref !== undefined) return { allOf: [schema], nullable: true };
  return { ...schema, nullable: true };
}

/** `{type: object}` with nothing else: the spec's way of saying "untyped". */
export function isUntyped(schema: SchemaObject | undefined): boolean {
  if (schema === undefined) return true;
  const keys = Object.keys(schema).filter((k) => k !== "description" && k !== "example");
  return keys.length === 0 || (keys.length === 1 && schema.type === "object");
}
