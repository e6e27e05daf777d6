import type { NormalisedOperation } from "../model.js";
import { pascalCase } from "../normalise/naming.js";
import type { PackagePlan } from "../split.js";
import { describeEvidence } from "./models.js";
import { jsdoc, key, tagsLabel } from "./render.js";
import { fieldNotes, referencedNames, tsType } from "./typescript.js";

/** What every internal class and method says about its stability. */
const INTERNAL_API_NOTE =
  "Internal WATS API: unsupported by Virinco, may change or disappear in any server version. " +
  "Prefer the public API where it has an equivalent.";

/** `service.ts`: one typed method per operation, all calling the transport with their table entry. */
export function emitService(plan: PackagePlan, header: string): string {
  const typeLines: string[] = [];
  const methods: string[] = [];
  let paginates = false;
  for (const op of plan.operations) {
    const { types, method } = operationMembers(op);
    typeLines.push(...types);
    methods.push(method);
    if (isPageable(op)) {
      methods.push(paginateMember(op));
      paginates = true;
    }
  }
  return [
    header,
    coreImport(plan, paginates),
    'import { operationTable } from "./operations.js";',
    ...modelImports(plan),
    "",
    ...typeLines,
    `${classDoc(plan)}export class ${plan.pkg.service} {`,
    "  /**",
    "   * Every operation of this service by method name: route, parameters, body and response, as",
    "   * the transport reads them (the sync facade reads which methods take a JSON body).",
    "   */",
    "  static readonly operations = operationTable;",
    "",
    "  readonly #transport: Transport;",
    "",
    "  constructor(transport: Transport) {",
    "    this.#transport = transport;",
    "  }",
    "",
    methods.join("\n\n"),
    "}",
    "",
  ].join("\n");
}

function coreImport(plan: PackagePlan, paginates: boolean): string {
  const types = ["CallOptions", "CallPromise", "Transport"];
  if (plan.operations.some((op) => op.response.kind === "xml")) types.push("XmlElement");
  if (plan.operations.some(hasODataFilter)) types.push("ODataFilter");
  const names = types.map((t) => `type ${t}`);
  if (paginates) names.push("type Paginated", "paginate");
  names.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
  return `import { ${names.join(", ")} } from "@tswats/core";`;
}

/** Operations whose `$filter` accepts an `odata` filter as well as text. */
function hasODataFilter(op: NormalisedOperation): boolean {
  return op.params.some((p) => p.name === "$filter" && p.in === "query");
}

function classDoc(plan: PackagePlan): string {
  const tags = tagsLabel(plan.pkg.tags);
  if (plan.scope === "public") {
    return jsdoc([plan.pkg.description, `Generated from ${plan.title} ${plan.version}, ${tags}.`]);
  }
  return jsdoc([
    plan.pkg.description,
    `${INTERNAL_API_NOTE} Requests carry the \`Referer\` header WATS requires for internal routes.`,
    `Generated from ${plan.title} ${plan.version}, ${tags}.`,
    "@experimental",
  ]);
}

function operationMembers(op: NormalisedOperation): { types: string[]; method: string } {
  const base = pascalCase(op.name);
  const types: string[] = [];
  const args: string[] = [];
  const input: string[] = [];
  const paramNotes: string[] = [];

  if (op.params.length > 0) {
    types.push(
      `/** Path and query parameters of \`${op.route}\`. */`,
      `export interface ${base}Params {\n${paramMembers(op).join("\n")}\n}`,
    );
    // Optional only when nothing required follows it.
    const optional = op.params.every((p) => !p.required) && !op.body?.required;
    args.push(`params${optional ? "?" : ""}: ${base}Params`);
    input.push("params");
    const described = op.params.filter((p) => p.description);
    paramNotes.push(
      `@param params - ${described.length === 0 ? `{@link ${base}Params}` : described.map((p) => `\`${p.name}\`: ${oneLine(p.description as string)}`).join("; ")}`,
    );
  }
  if (op.body) {
    types.push(
      `${jsdoc([op.body.description ? `Body of \`${op.route}\`: ${op.body.description}` : undefined])}export type ${base}Body = ${bodyType(op)};`,
    );
    args.push(`body${op.body.required ? "" : "?"}: ${base}Body`);
    input.push("body");
    if (op.body.description) paramNotes.push(`@param body - ${oneLine(op.body.description)}`);
  }
  const result = resultType(op);
  const named = result.inline !== undefined;
  types.push(
    named
      ? `${jsdoc([`Answer of \`${op.route}\`.`])}export interface ${base}Result ${result.inline}`
      : `export type ${base}Result = ${result.type};`,
    "",
  );
  const returned = named ? `${base}Result` : result.type;
  args.push("options?: CallOptions");

  const notes = [
    op.summary,
    op.description && op.description !== op.summary ? op.description : undefined,
    `\`${op.route}\``,
    op.odata.length > 0 ? `Accepts the OData query options ${op.odata.join(", ")}.` : undefined,
    op.sameRouteAs
      ? `Same server route as \`${op.sameRouteAs}\`: the server cannot tell the two apart.`
      : undefined,
    op.originalOperationId
      ? `Server operationId: \`${op.originalOperationId}\`.`
      : `Server operationId: \`${op.operationId}\`.`,
    op.stateChangingReason
      ? `Changes state on the server (${op.stateChangingReason}): never sent again once it may have reached the server; a failure after that has \`outcomeUncertain\`.`
      : undefined,
    ...paramNotes,
    returnsNote(op),
    op.deprecated ? "@deprecated The server marks this operation deprecated." : undefined,
    op.internal ? `@experimental ${INTERNAL_API_NOTE}` : undefined,
  ];
  const method =
    `${jsdoc(notes, "  ")}  ${key(op.name)}(${args.join(", ")}): CallPromise<${returned}> {\n` +
    `    return this.#transport.call<${returned}>(operationTable.${op.name}, { ${input.join(", ")} }, options);\n` +
    "  }";
  return { types, method };
}

/** One member per parameter, with its description (and format) as JSDoc. */
function paramMembers(op: NormalisedOperation): string[] {
  return op.params.map((p) => {
    const doc = jsdoc([p.description, ...fieldNotes(p.schema).slice(1)], "  ");
    // `$filter` takes the text, or a filter built with core's `odata` tag (quoted safely).
    const type = p.name === "$filter" && p.in === "query" ? "string | ODataFilter" : tsType(p.schema, "  ");
    return `${doc}  ${key(p.name)}${p.required ? "" : "?"}: ${type};`;
  });
}

function oneLine(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** What `@returns` says: where an overlay-given answer's shape comes from, or why it is free-form. */
function returnsNote(op: NormalisedOperation): string | undefined {
  if (op.response.evidence) {
    return `@returns Typed by tsWATS (the WATS document leaves this answer untyped) from ${op.response.evidence.map(describeEvidence).join("; ")}.`;
  }
  if (op.response.freeForm) return `@returns Free-form JSON: ${op.response.freeForm}`;
  return undefined;
}

function bodyType(op: NormalisedOperation): string {
  const contentType = op.body?.contentType ?? "";
  if (contentType === "application/json") return tsType(op.body?.schema ?? {});
  if (contentType === "multipart/form-data") return "FormData";
  if (contentType.startsWith("text/") || contentType.endsWith("/xml")) return "string";
  return "Blob | ArrayBuffer | Uint8Array";
}

/**
 * The result type: a model or list of models by name (`Product`, `Unit[]`), a plain type, or,
 * for an inline object, the members of a `<Method>Result` interface declared for it.
 */
function resultType(op: NormalisedOperation): { type: string; inline?: string } {
  switch (op.response.kind) {
    case "json": {
      const schema = op.response.schema ?? {};
      const isInlineObject =
        schema.properties !== undefined &&
        !schema.$ref &&
        !schema.allOf &&
        !schema.oneOf &&
        !schema.anyOf &&
        !schema.nullable &&
        schema.additionalProperties === undefined;
      if (isInlineObject) return { type: "", inline: tsType(schema) };
      return { type: tsType(schema) };
    }
    case "text":
      return { type: "string" };
    case "xml":
      return { type: "XmlElement | string" };
    case "binary":
      return { type: "ArrayBuffer" };
    case "none":
      return { type: "void" };
  }
}

/** OData listings with $top and $skip whose response is an array can be walked page by page. */
export function isPageable(op: NormalisedOperation): boolean {
  return (
    op.odata.includes("$top") &&
    op.odata.includes("$skip") &&
    op.response.kind === "json" &&
    op.response.schema?.type === "array"
  );
}

export function paginateName(op: NormalisedOperation): string {
  return `paginate${pascalCase(op.name)}`;
}

function paginateMember(op: NormalisedOperation): string {
  const base = pascalCase(op.name);
  const required = op.params.some((p) => p.required);
  const doc = jsdoc(
    [
      `Every item of \`${op.name}\`, fetched a page at a time with \`$top\`/\`$skip\` (default 100 per page).`,
      "`for await (const item of ...)` walks the items; `.pages()` walks the pages; `.toArray()` collects them.",
      "Stops after `maxPages` pages or `maxItems` items; fails with a WatsPaginationError if the server repeats a page or never ends.",
      op.internal ? `@experimental ${INTERNAL_API_NOTE}` : undefined,
    ],
    "  ",
  );
  return (
    `${doc}  ${paginateName(op)}(\n` +
    `    params${required ? "" : "?"}: Omit<${base}Params, "$top" | "$skip">,\n` +
    `    options?: CallOptions & { pageSize?: number; maxPages?: number; maxItems?: number; runawayPages?: number },\n` +
    `  ): Paginated<${tsType(op.response.schema?.items ?? {})}> {\n` +
    "    return paginate(\n" +
    `      (page) => this.${op.name}({ ...params, $top: page.top, $skip: page.skip }, { ...options, signal: page.signal }),\n` +
    "      options,\n" +
    "    );\n" +
    "  }"
  );
}

/** The models and enums the service's signatures name. */
function modelImports(plan: PackagePlan): string[] {
  const models = new Set<string>();
  const enums = new Set<string>();
  for (const op of plan.operations) {
    const used = referencedNames([
      op.params.map((p) => p.schema),
      op.body?.contentType === "application/json" ? op.body.schema : undefined,
      op.response.kind === "json" ? op.response.schema : undefined,
    ]);
    for (const m of used.models) models.add(m);
    for (const e of used.enums) enums.add(e);
  }
  return [
    ...(enums.size > 0 ? [`import type { ${[...enums].sort().join(", ")} } from "./enums.js";`] : []),
    ...(models.size > 0 ? [`import type { ${[...models].sort().join(", ")} } from "./models.js";`] : []),
  ];
}
