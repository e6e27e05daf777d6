import { readFile } from "node:fs/promises";
import { z } from "zod";
import { OverlayError } from "./errors.js";

const identifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, "must be a camelCase identifier");
const typeName = z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a PascalCase identifier");
/** "METHOD /path" as in the server's document. */
const routeKey = z
  .string()
  .regex(/^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) \/\S*$/, 'must be "METHOD /path"');

const schemaRef = z.object({
  /** Which input document holds the schema. An inline schema's $refs point into the document being generated. */
  document: z.enum(["public", "internal"]),
  /** The schema's name under components/schemas in that document. */
  schema: z.string().min(1),
});

const packageName = z.string().regex(/^[a-z][a-z0-9-]*$/, "must be kebab-case");

/**
 * Where a hand-written shape comes from (specs/README.md, "Typed answers"). Field names and types
 * are facts taken from these; the schemas themselves are ours.
 */
const evidence = z
  .object({
    source: z.enum([
      /** The WATS documentation: the server's OpenAPI documents' descriptions and examples. */
      "wats-docs",
      /** A schema the public document declares for a neighbouring operation of the same entity. */
      "public-spec",
      /** A schema the internal document declares for a neighbouring operation of the same entity. */
      "internal-spec",
      /** pyWATS's pydantic model (olreppe/pyWATS): field names and types. */
      "pywats",
      /** A real WATS server's answer or export (fixtures/). */
      "server-export",
    ]),
    /** What exactly: a route, a schema, a model (`analytics.YieldData`), a file. */
    ref: z.string().min(1),
    note: z.string().min(1).optional(),
  })
  .strict();
const evidenceList = z.array(evidence).min(1);

const inlineSchema = z.record(z.string(), z.unknown());

/**
 * A model the documents do not declare, written from evidence: referenced from inline schemas as
 * `{"$ref": "#/overlay/models/<Name>"}` and generated into every package whose operations reach it.
 */
const overlayModel = z
  .object({
    description: z.string().min(1),
    /** Which document its `#/components/schemas/...` references point into. */
    document: z.enum(["public", "internal"]).default("public"),
    evidence: evidenceList,
    schema: inlineSchema,
  })
  .strict();

/** The success response schema given by the overlay, with where its shape comes from. */
const responseSchemaOverlay = z.union([
  schemaRef.extend({ evidence: evidenceList.optional() }).strict(),
  z.object({ inline: inlineSchema, evidence: evidenceList.optional() }).strict(),
]);

const operationOverlay = z
  .object({
    /** Method name on the service, replacing the derived one. */
    name: identifier.optional(),
    /**
     * The operationId to use instead of the server's, for a duplicate the deterministic rule cannot
     * resolve (the server's id is kept as `originalOperationId`).
     */
    operationId: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/, 'must look like "Tag_Name"')
      .optional(),
    /** Internal routes only: the package whose internal module takes this route, overriding its tag's. */
    package: packageName.optional(),
    /** A request body the spec omits. */
    body: z
      .object({
        contentType: z.string().min(1),
        required: z.boolean().default(true),
        schema: z.union([schemaRef, z.object({ inline: inlineSchema })]),
        description: z.string().optional(),
      })
      .optional(),
    /** How the success response is read, when the spec's declaration is wrong or missing. */
    response: z.enum(["json", "text", "xml", "binary", "none"]).optional(),
    /**
     * The success response schema, for responses the spec leaves untyped or declares wrongly.
     * Public operations must say where the shape comes from (`evidence`).
     */
    responseSchema: responseSchemaOverlay.optional(),
    /**
     * Why this JSON answer stays `unknown`: it is truly free-form. A public JSON operation
     * answering `unknown` without a reason here fails the build.
     */
    responseFreeForm: z.string().min(1).optional(),
    /** The OData query options this operation accepts (overrides detection). */
    odata: z
      .array(z.enum(["$filter", "$top", "$skip", "$orderby", "$expand", "$select", "$count"]))
      .optional(),
    /**
     * Safe to send again: the server treats a repeat as the same request (report submission by its
     * id). PUT and DELETE are idempotent unless the `stateChanging` section lists them.
     */
    idempotent: z.boolean().optional(),
  })
  .strict();

const enumOverlay = z
  .object({
    name: typeName,
    members: z.record(typeName, z.union([z.number(), z.string()])),
    description: z.string().optional(),
    /** Bit flags: a value is any combination (bitwise OR) of the members. Integer members only. */
    flags: z.boolean().optional(),
    /** Where the member names come from, when the spec has only the values (or nothing). */
    evidence: evidenceList.optional(),
    /**
     * Where the enum is used: "Schema.property" (friendly schema name, or an overlay model),
     * "METHOD /path param", or "METHOD /path" for codes an operation documents without a
     * property of their own (the enum is then exported by that operation's package).
     */
    usedBy: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .refine((e) => !e.flags || Object.values(e.members).every((v) => typeof v === "number" && v > 0), {
    message: "flag members must be positive integers",
  });

/** Where the internal spec's operations go (see specs/README.md, "The internal API"). */
const internalOverlay = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    /**
     * Internal-only tag -> the package whose `internal` module takes its operations, with why it
     * belongs there. Tags the public spec also has go to that tag's package without an entry here.
     */
    tags: z
      .record(z.string(), z.object({ package: packageName, note: z.string().min(1) }).strict())
      .default({}),
    /** Packages that exist only for the internal API: name -> description. */
    packages: z.record(packageName, z.object({ description: z.string().min(1) }).strict()).default({}),
  })
  .strict();

/**
 * Operations that change state although their method does not say so (a GET), or whose repeat is
 * not the same as one (a PUT that increments): route -> why. They are never resent once the
 * request may have reached the server.
 */
const stateChangingOverlay = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    operations: z.record(routeKey, z.string().min(10, "say why (a short reason)")).default({}),
  })
  .strict();

export const overlaySchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    /** Tag -> package. */
    packages: z.record(
      z.string(),
      z
        .object({
          name: packageName,
          service: typeName,
          description: z.string().min(1),
        })
        .strict(),
    ),
    operations: z.record(routeKey, operationOverlay).default({}),
    /** Route pairs that differ only by a path parameter's name; each pair is kept as two methods. */
    sameRoute: z.array(z.tuple([z.string(), z.string()])).default([]),
    /** Full .NET schema name -> friendly name. */
    schemaNames: z.record(z.string(), typeName).default({}),
    /** Namespace prefix -> name prefix, e.g. "Virinco.WATS.Schemas.WSJF." -> "Wsjf". */
    schemaPrefixes: z.record(z.string(), typeName).default({}),
    enums: z.array(enumOverlay).default([]),
    /**
     * Every public JSON answer must be typed: by the document, or by `responseSchema` with its
     * `evidence`, or be listed in `responseFreeForm` with the reason. The build fails otherwise.
     */
    requireTypedAnswers: z.boolean().default(false),
    /** Models the documents lack, by name (see `overlayModel`). */
    models: z.record(typeName, overlayModel).default({}),
    internal: internalOverlay.default({ tags: {}, packages: {} }),
    stateChanging: stateChangingOverlay.default({ operations: {} }),
  })
  .strict();

export type Overlay = z.infer<typeof overlaySchema>;
export type OperationOverlay = z.infer<typeof operationOverlay>;
export type SchemaRef = z.infer<typeof schemaRef>;
export type InternalOverlay = z.infer<typeof internalOverlay>;
export type Evidence = z.infer<typeof evidence>;
export type OverlayModel = z.infer<typeof overlayModel>;

export function parseOverlay(raw: unknown): Overlay {
  const result = overlaySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new OverlayError(`invalid:\n${problems.join("\n")}`);
  }
  return result.data;
}

export async function loadOverlay(path: string): Promise<Overlay> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new OverlayError(`cannot read ${path}: ${(cause as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new OverlayError(`not valid JSON: ${(cause as Error).message}`);
  }
  return parseOverlay(raw);
}
