import * as administrationInternal from "@tswats/administration/internal";
import * as analytics from "@tswats/analytics";
import * as analyticsInternal from "@tswats/analytics/internal";
import * as asset from "@tswats/asset";
import * as assetInternal from "@tswats/asset/internal";
import * as auth from "@tswats/auth";
import * as authInternal from "@tswats/auth/internal";
import * as barcodeIdentifiers from "@tswats/barcode-identifiers";
import * as barcodeIdentifiersInternal from "@tswats/barcode-identifiers/internal";
import type { OperationSpec, Transport } from "@tswats/core";
import * as dashboardInternal from "@tswats/dashboard/internal";
import * as distributionInternal from "@tswats/distribution/internal";
import * as exportDomain from "@tswats/export";
import * as exportInternal from "@tswats/export/internal";
import * as manualInspectionInternal from "@tswats/manual-inspection/internal";
import * as mes from "@tswats/mes";
import * as mesInternal from "@tswats/mes/internal";
import * as notificationInternal from "@tswats/notification/internal";
import * as product from "@tswats/product";
import * as productInternal from "@tswats/product/internal";
import * as production from "@tswats/production";
import * as productionInternal from "@tswats/production/internal";
import * as report from "@tswats/report";
import * as reportInternal from "@tswats/report/internal";
import * as rootCause from "@tswats/root-cause";
import * as rootCauseInternal from "@tswats/root-cause/internal";
import * as scim from "@tswats/scim";
import * as scimInternal from "@tswats/scim/internal";
import * as software from "@tswats/software";
import * as softwareInternal from "@tswats/software/internal";
import * as systemManager from "@tswats/system-manager";
import * as systemManagerInternal from "@tswats/system-manager/internal";
import * as usersInternal from "@tswats/users/internal";
import * as workflow from "@tswats/workflow";
import * as workflowInternal from "@tswats/workflow/internal";

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

/**
 * Every generated internal module (`@tswats/<name>/internal`): the internal spec's own operations.
 * A test checks this list against specs/lock.json, so a new module cannot be left out.
 */
export const internalDomains: DomainModule[] = [
  {
    name: "administration",
    Service: administrationInternal.AdministrationInternalService,
    operationTable: administrationInternal.operationTable,
  },
  {
    name: "analytics",
    Service: analyticsInternal.AnalyticsInternalService,
    operationTable: analyticsInternal.operationTable,
  },
  {
    name: "asset",
    Service: assetInternal.AssetInternalService,
    operationTable: assetInternal.operationTable,
  },
  { name: "auth", Service: authInternal.AuthInternalService, operationTable: authInternal.operationTable },
  {
    name: "barcode-identifiers",
    Service: barcodeIdentifiersInternal.BarcodeIdentifiersInternalService,
    operationTable: barcodeIdentifiersInternal.operationTable,
  },
  {
    name: "dashboard",
    Service: dashboardInternal.DashboardInternalService,
    operationTable: dashboardInternal.operationTable,
  },
  {
    name: "distribution",
    Service: distributionInternal.DistributionInternalService,
    operationTable: distributionInternal.operationTable,
  },
  {
    name: "export",
    Service: exportInternal.ExportInternalService,
    operationTable: exportInternal.operationTable,
  },
  {
    name: "manual-inspection",
    Service: manualInspectionInternal.ManualInspectionInternalService,
    operationTable: manualInspectionInternal.operationTable,
  },
  { name: "mes", Service: mesInternal.MesInternalService, operationTable: mesInternal.operationTable },
  {
    name: "notification",
    Service: notificationInternal.NotificationInternalService,
    operationTable: notificationInternal.operationTable,
  },
  {
    name: "product",
    Service: productInternal.ProductInternalService,
    operationTable: productInternal.operationTable,
  },
  {
    name: "production",
    Service: productionInternal.ProductionInternalService,
    operationTable: productionInternal.operationTable,
  },
  {
    name: "report",
    Service: reportInternal.ReportInternalService,
    operationTable: reportInternal.operationTable,
  },
  {
    name: "root-cause",
    Service: rootCauseInternal.RootCauseInternalService,
    operationTable: rootCauseInternal.operationTable,
  },
  { name: "scim", Service: scimInternal.ScimInternalService, operationTable: scimInternal.operationTable },
  {
    name: "software",
    Service: softwareInternal.SoftwareInternalService,
    operationTable: softwareInternal.operationTable,
  },
  {
    name: "system-manager",
    Service: systemManagerInternal.SystemManagerInternalService,
    operationTable: systemManagerInternal.operationTable,
  },
  {
    name: "users",
    Service: usersInternal.UsersInternalService,
    operationTable: usersInternal.operationTable,
  },
  {
    name: "workflow",
    Service: workflowInternal.WorkflowInternalService,
    operationTable: workflowInternal.operationTable,
  },
];
