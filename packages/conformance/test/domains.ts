import * as analytics from "@tswats/analytics";
import * as asset from "@tswats/asset";
import * as auth from "@tswats/auth";
import * as barcodeIdentifiers from "@tswats/barcode-identifiers";
import type { OperationSpec, Transport } from "@tswats/core";
import * as exportDomain from "@tswats/export";
import * as mes from "@tswats/mes";
import * as product from "@tswats/product";
import * as production from "@tswats/production";
import * as report from "@tswats/report";
import * as rootCause from "@tswats/root-cause";
import * as scim from "@tswats/scim";
import * as software from "@tswats/software";
import * as systemManager from "@tswats/system-manager";
import * as workflow from "@tswats/workflow";

type ServiceClass = new (transport: Transport) => object;

export interface DomainModule {
  name: string;
  Service: ServiceClass;
  operationTable: Record<string, OperationSpec>;
}

/** Every generated domain package with its service class and operation table. */
export const domains: DomainModule[] = [
  { name: "analytics", Service: analytics.AnalyticsService, operationTable: analytics.operationTable },
  { name: "asset", Service: asset.AssetService, operationTable: asset.operationTable },
  { name: "auth", Service: auth.AuthService, operationTable: auth.operationTable },
  {
    name: "barcode-identifiers",
    Service: barcodeIdentifiers.BarcodeIdentifiersService,
    operationTable: barcodeIdentifiers.operationTable,
  },
  { name: "export", Service: exportDomain.ExportService, operationTable: exportDomain.operationTable },
  { name: "mes", Service: mes.MesService, operationTable: mes.operationTable },
  { name: "product", Service: product.ProductService, operationTable: product.operationTable },
  { name: "production", Service: production.ProductionService, operationTable: production.operationTable },
  { name: "report", Service: report.ReportService, operationTable: report.operationTable },
  { name: "root-cause", Service: rootCause.RootCauseService, operationTable: rootCause.operationTable },
  { name: "scim", Service: scim.ScimService, operationTable: scim.operationTable },
  { name: "software", Service: software.SoftwareService, operationTable: software.operationTable },
  {
    name: "system-manager",
    Service: systemManager.SystemManagerService,
    operationTable: systemManager.operationTable,
  },
  { name: "workflow", Service: workflow.WorkflowService, operationTable: workflow.operationTable },
];
