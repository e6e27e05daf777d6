import type { NormalisedOperation } from "../model.js";
import { pascalCase } from "../normalise/naming.js";
import type { PackagePlan } from "../split.js";
import { jsdoc, key, literal, tagsLabel } from "./render.js";

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
    'import type { operations } from "./types.js";',
    "",
    ...typeLines,
    `${classDoc(plan)}export class ${plan.pkg.service} {`,
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
  const opType = `operations[${literal(op.operationId)}]`;
  const types: string[] = [];
  const args: string[] = [];
  const input: string[] = [];

  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  if (op.params.length > 0) {
    const parts: string[] = [];
    if (pathParams.length > 0) parts.push(`${opType}["parameters"]["path"]`);
    if (queryParams.length > 0) {
      const query = `NonNullable<${opType}["parameters"]["query"]>`;
      // `$filter` takes the text, or a filter built with core's `odata` tag (quoted safely).
      parts.push(
        hasODataFilter(op) ? `Omit<${query}, "$filter"> & { $filter?: string | ODataFilter }` : query,
      );
    }
    types.push(
      `/** Path and query parameters of \`${op.route}\`. */`,
      `export type ${base}Params = ${parts.join(" & ")};`,
    );
    // Optional only when nothing required follows it.
    const optional = op.params.every((p) => !p.required) && !op.body?.required;
    args.push(`params${optional ? "?" : ""}: ${base}Params`);
    input.push("params");
  }
  if (op.body) {
    types.push(`export type ${base}Body = ${bodyType(op, opType)};`);
    args.push(`body${op.body.required ? "" : "?"}: ${base}Body`);
    input.push("body");
  }
  types.push(`export type ${base}Result = ${resultType(op, opType)};`, "");
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
    op.deprecated ? "@deprecated The server marks this operation deprecated." : undefined,
    op.internal ? `@experimental ${INTERNAL_API_NOTE}` : undefined,
  ];
  const method =
    `${jsdoc(notes, "  ")}  ${key(op.name)}(${args.join(", ")}): CallPromise<${base}Result> {\n` +
    `    return this.#transport.call<${base}Result>(operationTable.${op.name}, { ${input.join(", ")} }, options);\n` +
    "  }";
  return { types, method };
}

function bodyType(op: NormalisedOperation, opType: string): string {
  const contentType = op.body?.contentType ?? "";
  if (contentType === "application/json") {
    const requestBody = `${opType}["requestBody"]`;
    return `${op.body?.required ? requestBody : `NonNullable<${requestBody}>`}["content"]["application/json"]`;
  }
  if (contentType === "multipart/form-data") return "FormData";
  if (contentType.startsWith("text/") || contentType.endsWith("/xml")) return "string";
  return "Blob | ArrayBuffer | Uint8Array";
}

function resultType(op: NormalisedOperation, opType: string): string {
  switch (op.response.kind) {
    case "json":
      return `${opType}["responses"][${literal(Number(op.response.status))}]["content"]["application/json"]`;
    case "text":
      return "string";
    case "xml":
      return "XmlElement | string";
    case "binary":
      return "ArrayBuffer";
    case "none":
      return "void";
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
    `  ): Paginated<${base}Result[number]> {\n` +
    "    return paginate(\n" +
    `      (page) => this.${op.name}({ ...params, $top: page.top, $skip: page.skip }, { ...options, signal: page.signal }),\n` +
    "      options,\n" +
    "    );\n" +
    "  }"
  );
}
