/**
 * The documented plain shapes (README, "Untyped answers") of the operations whose generated
 * response schema is `z.unknown()`. The contract test checks every such answer against these.
 */
import { AssetLogSchema, AssetSchema, AssetTypeSchema } from "@tswats/asset";
import { ProductRevisionSchema, ProductSchema, VendorSchema } from "@tswats/product";
import { ProductionBatchSchema, UnitChangeSchema, UnitSchema } from "@tswats/production";
import { PackageSchema } from "@tswats/software";
import { ClientSchema } from "@tswats/system-manager";
import { z } from "zod";

const int = z.number().int();
const str = z.string();
const nstr = z.string().nullable();
const num = z.number();

const yieldRow = z.object({
  unitCount: int,
  fpCount: int,
  spCount: int,
  tpCount: int,
  lpCount: int,
  fpy: num,
  spy: num,
  tpy: num,
  lpy: num,
  testReportCount: int,
  testYield: num,
  firstUtc: nstr,
  lastUtc: nstr,
});
const productYieldRow = yieldRow.extend({
  partNumber: str,
  productName: nstr,
  testOperation: str,
  processCode: int,
});
const groupYieldRow = yieldRow.extend({ productGroup: str });
const header = z.object({
  uuid: str,
  serialNumber: str,
  partNumber: str,
  reportType: str,
  start: str,
  result: str,
});
const failedStep = z.object({
  stepName: str,
  stepPath: str,
  stepType: str,
  failCount: int,
  totalCount: int,
  failRate: num,
});
const measurement = z.object({
  measurementPath: str,
  reportId: str,
  serialNumber: str,
  value: z.union([num, str]).nullable(),
});
const serialNumber = z.object({
  serialNumber: str,
  serialNumberType: str,
  generated: str,
  taken: z.boolean(),
  takenDate: nstr,
  refSN: nstr,
  refPN: nstr,
  stationName: nstr,
});
const scimUser = z.object({
  schemas: z.array(str),
  id: str,
  userName: str,
  name: z.object({ givenName: nstr, familyName: nstr, formatted: nstr }),
  active: z.boolean(),
  meta: z.object({ resourceType: z.literal("User"), created: str, lastModified: str }),
});
const productGroup = z.object({ productGroupId: str, name: str });
const token = z.object({ identifier: str, token: str });
const stationClient = ClientSchema.and(
  z.object({
    identifier: str,
    status: z.enum(["Online", "Offline"]),
    version: str,
    lastReport: nstr,
    pendingCount: int,
  }),
);

export const untypedShapes: Record<string, z.ZodType> = {
  "analytics.aggregatedMeasurements": z.array(
    z.object({
      measurementPath: str,
      count: int,
      failCount: int,
      min: num.nullable(),
      max: num.nullable(),
      avg: num.nullable(),
      stdev: num.nullable(),
      cpk: num.nullable(),
    }),
  ),
  "analytics.dynamicRepair": z.array(z.object({ repairReportCount: int, repairCount: int })),
  "analytics.dynamicYield": z.array(z.record(str, z.union([str, num]).nullable())),
  "analytics.highVolume": z.array(productYieldRow),
  "analytics.postHighVolume": z.array(productYieldRow),
  "analytics.getHighVolumeByProductGroup": z.array(groupYieldRow),
  "analytics.levels": z.array(
    z.object({ levelId: int, name: str, parentLevelId: int.nullable(), path: str }),
  ),
  "analytics.measurements": z.array(measurement),
  "analytics.oeeAnalysis": z.object({
    availableHours: num,
    runHours: num,
    availability: num,
    performance: num,
    quality: num,
    oee: num,
    totalCount: int,
    passedCount: int,
  }),
  "analytics.processes": z.array(
    z.object({
      processId: str,
      code: int,
      name: str,
      isTestOperation: z.boolean(),
      isRepairOperation: z.boolean(),
      isWipOperation: z.boolean(),
      isActive: z.boolean(),
    }),
  ),
  "analytics.productGroups": z.array(
    productGroup.extend({
      filters: z.array(z.object({ partNumber: str, revision: nstr, exclude: z.boolean() })).optional(),
    }),
  ),
  "analytics.getRelatedRepairHistory": z.array(
    z.object({ reportId: str, serialNumber: str, repairDate: str, category: nstr, code: nstr }),
  ),
  "analytics.serialNumberHistory": z.array(header),
  "analytics.getTestStepAnalysis": z.array(
    z.object({
      stepName: str,
      stepPath: str,
      stepType: str,
      stepCount: int,
      passedCount: int,
      failedCount: int,
      avgTime: num,
    }),
  ),
  "analytics.topFailed": z.array(failedStep),
  "analytics.postTopFailed": z.array(failedStep),
  "analytics.uurReports": z.array(header),
  "analytics.uutReport": z.array(header),
  "analytics.postUutReport": z.array(header),
  "analytics.volumeYield": z.array(productYieldRow),
  "analytics.postVolumeYield": z.array(productYieldRow),
  "analytics.worstYield": z.array(productYieldRow),
  "analytics.postWorstYield": z.array(productYieldRow),
  "analytics.getWorstYieldByProductGroup": z.array(groupYieldRow),

  "asset.putAsset": AssetSchema,
  "asset.deleteAsset": AssetSchema,
  "asset.getAssetByAssetId": AssetSchema,
  "asset.getAssetBySerialNumber": AssetSchema,
  "asset.postCalibration": AssetSchema,
  "asset.putAssetCount": AssetSchema,
  "asset.postMaintenance": AssetSchema,
  "asset.postAssetMessage": AssetLogSchema,
  "asset.resetRunningCount": AssetSchema,
  "asset.putAssetState": AssetSchema,
  "asset.getAssetStatus": z.object({
    assetId: str,
    serialNumber: str,
    state: int,
    runningCount: int,
    runningCountExceeded: int,
    totalCount: int,
    totalCountExceeded: int,
    daysSinceCalibration: num.nullable(),
    calibrationDaysOverdue: num.nullable(),
    status: z.enum(["OK", "Warning", "Alarm"]),
    message: str,
  }),
  "asset.getAssetChildren": z.array(AssetSchema),
  "asset.putAssetType": AssetTypeSchema,

  "auth.getToken": token,
  "auth.getTokenByIdentifier": token,

  "barcode-identifiers.deleteBarcodeIdentifier": z.object({ id: int, pattern: str }),

  "export.queueExportCertificate": z.object({ Message: str, fileName: str }),
  "export.getExportList": z.array(str),

  "product.putBom": z.object({ partNumber: str, revision: nstr, componentCount: int }),
  "product.productGroupFilter": productGroup.extend({ filters: z.array(z.object({ partNumber: str })) }),
  "product.getProductGroupsByProduct": z.array(productGroup),
  "product.vendors": z.array(VendorSchema),
  "product.putVendors": z.array(VendorSchema),
  "product.deleteVendors": z.array(VendorSchema),
  "product.putProducts": z.array(ProductSchema),
  "product.putProductRevisions": z.array(ProductRevisionSchema),

  "production.addChildUnit": UnitSchema,
  "production.putBatches": z.array(ProductionBatchSchema),
  "production.checkChildUnits": z.object({
    parentSerialNumber: str,
    parentPartNumber: str,
    valid: z.boolean(),
    children: z.array(z.object({ serialNumber: str, valid: z.boolean(), message: str })),
  }),
  "production.removeChildUnit": UnitSchema,
  "production.uploadSerialNumbers": z.object({ serialNumberType: str, received: int, added: int }),
  "production.getSerialNumbersByRange": z.array(serialNumber),
  "production.getSerialNumbersByReference": z.array(serialNumber),
  "production.setUnitPhase": UnitSchema,
  "production.setUnitProcess": UnitSchema,
  "production.getUnit": UnitSchema,
  "production.putUnits": z.array(UnitSchema),
  "production.deleteUnitChange": UnitChangeSchema,

  "scim.getJwt": z.object({ token: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/), expires: str }),
  "scim.getUsers": z.object({
    schemas: z.array(str),
    totalResults: int,
    startIndex: int,
    itemsPerPage: int,
    Resources: z.array(scimUser),
  }),
  "scim.createUser": scimUser,
  "scim.getUserWithId": scimUser,
  "scim.deleteUser": scimUser,
  "scim.updateUser": scimUser,
  "scim.getUser": scimUser,

  "software.deleteSoftwarePackage": PackageSchema,
  "software.deleteSoftwarePackageByName": PackageSchema,

  "system-manager.client": stationClient,
  "system-manager.putClient": stationClient,
  "system-manager.clientLog": z.object({ identifier: str, name: nstr, timestamp: nstr, log: str }),
  "system-manager.clients": z.array(stationClient),
  "system-manager.levelByHierarchy": int.nullable(),
  "system-manager.postLevelByHierarchy": int,

  "workflow.endTest": z.boolean(),
  "workflow.startTest": z.boolean(),
};
