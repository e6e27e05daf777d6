import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import type { SchemaObject } from "../openapi.js";
import type { PackagePlan } from "../split.js";
import { packageDocument } from "./openapi-doc.js";
import { enumName, referencedNames } from "./typescript.js";

const MODEL_PATH = /^#\/components\/schemas\/([^/]+)$/;

/**
 * `types.ts`: openapi-typescript's rendering of the package's clean document (`paths`,
 * `operations`, `components`, for openapi-fetch users). Models are not rendered a second time:
 * `components["schemas"]["Product"]` is the `Product` of models.ts, and a place typed with a named
 * enum is that enum.
 */
export async function emitTypes(plan: PackagePlan, header: string): Promise<string> {
  const document = packageDocument(plan);
  const ast = await openapiTS(document as never, {
    alphabetize: false,
    emptyObjectsUnknown: true,
    rootTypes: false,
    silent: true,
    excludeDeprecated: false,
    transform(schema, options) {
      const model = MODEL_PATH.exec(options.path ?? "");
      if (model) return ts.factory.createTypeReferenceNode(model[1] as string);
      const named = enumName(schema as SchemaObject);
      if (named === undefined) return undefined;
      const reference = ts.factory.createTypeReferenceNode(named);
      return (schema as SchemaObject).nullable
        ? ts.factory.createUnionTypeNode([
            reference,
            ts.factory.createLiteralTypeNode(ts.factory.createNull()),
          ])
        : reference;
    },
  });
  const { enums } = referencedNames(document.paths);
  const models = Object.keys(plan.schemas);
  const imports = [
    ...(models.length > 0 ? [`import type { ${models.join(", ")} } from "./models.js";`] : []),
    ...(enums.size > 0 ? [`import type { ${[...enums].sort().join(", ")} } from "./enums.js";`] : []),
  ];
  return `${header}${imports.length > 0 ? `${imports.join("\n")}\n\n` : ""}${astToString(ast)}`;
}
