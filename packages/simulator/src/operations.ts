/**
 * Every public WATS operation, gathered from the 14 generated domain packages: the operation
 * table (route, parameters, body, response kind) and the zod schemas of body and response.
 */
import * as analytics from "@tswats/analytics";
import * as asset from "@tswats/asset";
import * as auth from "@tswats/auth";
import * as barcodeIdentifiers from "@tswats/barcode-identifiers";
import * as exportDomain from "@tswats/export";
import * as mes from "@tswats/mes";
import * as product from "@tswats/product";
import * as production from "@tswats/production";
import * as report from "@tswats/report";
import * as rootCause from "@tswats/root-cause";
import * as scim from "@tswats/scim";
import * as software from "@tswats/software";
import * as softwareInternal from "@tswats/software/internal";
import * as systemManager from "@tswats/system-manager";
import * as workflow from "@tswats/workflow";
import type { z } from "zod";

/** The parts of a generated operation entry the simulator uses. */
export interface OperationInfo {
  readonly name: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly body?: { readonly contentType: string; readonly required: boolean };
  readonly response: "json" | "text" | "xml" | "binary" | "none";
  readonly odata?: boolean;
}

export interface OperationEntry {
  /** Domain package name (`product`, `root-cause`, ...). */
  readonly domain: string;
  readonly spec: OperationInfo;
  readonly schemas: { readonly body?: z.ZodType; readonly response?: z.ZodType };
}

interface DomainModule {
  operationTable: Record<string, OperationInfo>;
  operationSchemas: Record<string, { body?: z.ZodType; response?: z.ZodType }>;
}

const DOMAINS: Record<string, DomainModule> = {
  analytics,
  asset,
  auth,
  "barcode-identifiers": barcodeIdentifiers,
  export: exportDomain,
  mes,
  product,
  production,
  report,
  "root-cause": rootCause,
  scim,
  software,
  "system-manager": systemManager,
  workflow,
};

/** All public operations, in domain order. */
export const operations: readonly OperationEntry[] = Object.entries(DOMAINS).flatMap(([domain, module]) =>
  Object.values(module.operationTable).map((spec) => ({
    domain,
    spec,
    schemas: module.operationSchemas[spec.name] ?? {},
  })),
);

/**
 * The internal operations the simulator routes (`/api/internal/...`), under the domain name
 * `<package>/internal`. Only those with a handler are answered; the rest stay "not simulated".
 */
const INTERNAL_DOMAINS: Record<string, DomainModule> = {
  "software/internal": softwareInternal,
};

export const internalOperations: readonly OperationEntry[] = Object.entries(INTERNAL_DOMAINS).flatMap(
  ([domain, module]) =>
    Object.values(module.operationTable).map((spec) => ({
      domain,
      spec,
      schemas: module.operationSchemas[spec.name] ?? {},
    })),
);

/** `domain.operationName` -> entry. */
export function operationKey(entry: OperationEntry): string {
  return `${entry.domain}.${entry.spec.name}`;
}
