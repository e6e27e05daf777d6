import openapiTS, { astToString } from "openapi-typescript";
import type { PackagePlan } from "../split.js";
import { packageDocument } from "./openapi-doc.js";

/** `types.ts`: openapi-typescript's rendering of the package's clean document. */
export async function emitTypes(plan: PackagePlan, header: string): Promise<string> {
  const ast = await openapiTS(packageDocument(plan) as never, {
    alphabetize: false,
    emptyObjectsUnknown: true,
    rootTypes: false,
    silent: true,
    excludeDeprecated: false,
  });
  return `${header}${astToString(ast)}`;
}
