/** Every route handler, by domain package and operation name. */
import type { HandlerTable } from "../handler.js";
import { analyticsHandlers } from "./analytics.js";
import { assetHandlers } from "./asset.js";
import { productHandlers } from "./product.js";
import { productionHandlers } from "./production.js";
import { reportHandlers } from "./report.js";
import { rootCauseHandlers } from "./root-cause.js";
import { scimHandlers } from "./scim.js";
import {
  authHandlers,
  barcodeHandlers,
  exportHandlers,
  mesHandlers,
  workflowHandlers,
} from "./small-domains.js";
import { softwareHandlers, softwareInternalHandlers } from "./software.js";
import { systemManagerHandlers } from "./system-manager.js";

export const handlersByDomain: Readonly<Record<string, HandlerTable>> = {
  analytics: analyticsHandlers,
  asset: {
    ...assetHandlers,
    getAssetBySerialNumber: assetHandlers.getAssetByAssetId as HandlerTable[string],
  },
  auth: authHandlers,
  "barcode-identifiers": barcodeHandlers,
  export: exportHandlers,
  mes: mesHandlers,
  product: productHandlers,
  production: productionHandlers,
  report: reportHandlers,
  "root-cause": rootCauseHandlers,
  scim: scimHandlers,
  software: softwareHandlers,
  "software/internal": softwareInternalHandlers,
  "system-manager": systemManagerHandlers,
  workflow: workflowHandlers,
};
