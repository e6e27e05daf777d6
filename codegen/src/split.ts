import type { ApiScope, EnumModel, NormalisedApi, NormalisedOperation, PackageModel } from "./model.js";
import { refsIn } from "./normalise/schemas.js";
import type { SchemaObject } from "./openapi.js";
import type { Evidence } from "./overlay.js";

/** One generated module's share of the API: a package's public API or its internal module. */
export interface PackagePlan {
  scope: ApiScope;
  pkg: PackageModel;
  title: string;
  version: string;
  operations: NormalisedOperation[];
  /** The schemas its operations reach, by friendly name, in name order. */
  schemas: Record<string, SchemaObject>;
  schemaOrigins: Record<string, string>;
  /** Overlay models among `schemas` -> where their shape comes from. */
  schemaEvidence: Record<string, Evidence[]>;
  enums: EnumModel[];
}

const REF = "#/components/schemas/";

/** Splits the API into its packages, each with exactly the schemas and enums it uses. */
export function splitByPackage(api: NormalisedApi): PackagePlan[] {
  return api.packages.map((pkg) => {
    const operations = api.operations.filter((op) => op.packageName === pkg.name);
    const names = new Set<string>();
    const queue: string[] = [];
    for (const op of operations) {
      const used = [...op.params.map((p) => p.schema), op.body?.schema, op.response.schema];
      for (const ref of refsIn(used)) queue.push(ref.slice(REF.length));
    }
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (names.has(name)) continue;
      names.add(name);
      for (const ref of refsIn(api.schemas[name])) queue.push(ref.slice(REF.length));
    }
    const sorted = [...names].sort();
    const routes = new Set(operations.map((op) => op.route));
    const enums = api.enums.filter((e) =>
      e.usedBy.some((use) =>
        / /.test(use)
          ? routes.has(use.split(" ").slice(0, 2).join(" "))
          : names.has(use.split(".")[0] as string),
      ),
    );
    return {
      scope: api.scope,
      pkg,
      title: api.title,
      version: api.version,
      operations,
      schemas: Object.fromEntries(sorted.map((n) => [n, api.schemas[n] as SchemaObject])),
      schemaOrigins: Object.fromEntries(sorted.map((n) => [n, api.schemaOrigins[n] as string])),
      schemaEvidence: Object.fromEntries(
        sorted
          .filter((n) => api.schemaEvidence[n] !== undefined)
          .map((n) => [n, api.schemaEvidence[n] as Evidence[]]),
      ),
      enums,
    };
  });
}
