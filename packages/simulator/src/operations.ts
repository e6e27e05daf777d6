/**
 * Every public WATS operation, gathered from the 14 generated domain packages: the operation
 * table (route, parameters, body, response kind) and the zod schemas of body and response.
 */
import { operationTable as analytics } from "@tswats/analytics";
import { operationSchemas as analyticsSchemas } from "@tswats/analytics/schemas";
import { operationTable as asset } from "@tswats/asset";
import { operationSchemas as assetSchemas } from "@tswats/asset/schemas";
import { operationTable as auth } from "@tswats/auth";
import { operationSchemas as authSchemas } from "@tswats/auth/schemas";
import { operationTable as barcodeIdentifiers } from "@tswats/barcode-identifiers";
import { operationSchemas as barcodeIdentifiersSchemas } from "@tswats/barcode-identifiers/schemas";
import { operationTable as exportDomain } from "@tswats/export";
import { operationSchemas as exportDomainSchemas } from "@tswats/export/schemas";
import { operationTable as mes } from "@tswats/mes";
import { operationSchemas as mesSchemas } from "@tswats/mes/schemas";
import { operationTable as product } from "@tswats/product";
import { operationSchemas as productSchemas } from "@tswats/product/schemas";
import { operationTable as production } from "@tswats/production";
import { operationSchemas as productionSchemas } from "@tswats/production/schemas";
import { operationTable as report } from "@tswats/report";
import { operationSchemas as reportSchemas } from "@tswats/report/schemas";
import { operationTable as rootCause } from "@tswats/root-cause";
import { operationSchemas as rootCauseSchemas } from "@tswats/root-cause/schemas";
import { operationTable as scim } from "@tswats/scim";
import { operationSchemas as scimSchemas } from "@tswats/scim/schemas";
import { operationTable as software } from "@tswats/software";
import { operationTable as softwareInternal } from "@tswats/software/internal";
import { operationSchemas as softwareInternalSchemas } from "@tswats/software/internal/schemas";
import { operationSchemas as softwareSchemas } from "@tswats/software/schemas";
import { operationTable as systemManager } from "@tswats/system-manager";
import { operationSchemas as systemManagerSchemas } from "@tswats/system-manager/schemas";
import { operationTable as workflow } from "@tswats/workflow";
import { operationSchemas as workflowSchemas } from "@tswats/workflow/schemas";
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

/** A domain's operation table (its main entry) with its zod schemas (its `/schemas` entry). */
function domain(
  operationTable: DomainModule["operationTable"],
  operationSchemas: DomainModule["operationSchemas"],
): DomainModule {
  return { operationTable, operationSchemas };
}

const DOMAINS: Record<string, DomainModule> = {
  analytics: domain(analytics, analyticsSchemas),
  asset: domain(asset, assetSchemas),
  auth: domain(auth, authSchemas),
  "barcode-identifiers": domain(barcodeIdentifiers, barcodeIdentifiersSchemas),
  export: domain(exportDomain, exportDomainSchemas),
  mes: domain(mes, mesSchemas),
  product: domain(product, productSchemas),
  production: domain(production, productionSchemas),
  report: domain(report, reportSchemas),
  "root-cause": domain(rootCause, rootCauseSchemas),
  scim: domain(scim, scimSchemas),
  software: domain(software, softwareSchemas),
  "system-manager": domain(systemManager, systemManagerSchemas),
  workflow: domain(workflow, workflowSchemas),
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
  "software/internal": domain(softwareInternal, softwareInternalSchemas),
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
