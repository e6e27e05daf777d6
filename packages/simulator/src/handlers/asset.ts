/** Asset routes: assets, types, counts, calibration, maintenance, state, log, status. */
import type { Asset, AssetMessage, AssetType } from "@tswats/asset";
import type { WsjfAssetStats } from "@tswats/report";
import { daysBetween } from "../clock.js";
import { badRequest } from "../errors.js";
import { isObject } from "../formats/wsjf.js";
import { type HandlerContext, type HandlerTable, json } from "../handler.js";
import type { EntityModel } from "../odata/evaluate.js";
import { project, runODataQuery } from "../odata/query.js";
import type { SimState } from "../state.js";
import type { StoredAsset } from "../stores/asset-store.js";
import { isBlank } from "../stores/keys.js";

const ASSET_MODEL: EntityModel = {
  name: "Asset",
  fields: {
    assetId: "string",
    parentAssetId: "string",
    assetName: "string",
    serialNumber: "string",
    parentSerialNumber: "string",
    partNumber: "string",
    revision: "string",
    typeId: "guid",
    state: "int",
    description: "string",
    location: "string",
    firstSeenDate: "datetime",
    lastSeenDate: "datetime",
    lastMaintenanceDate: "datetime",
    nextMaintenanceDate: "datetime",
    lastCalibrationDate: "datetime",
    nextCalibrationDate: "datetime",
    totalCount: "int",
    runningCount: "int",
    xmlData: "string",
  },
};

const ASSET_LOG_MODEL: EntityModel = {
  name: "AssetLog",
  fields: {
    logId: "int",
    assetId: "string",
    serialNumber: "string",
    date: "datetime",
    user: "string",
    type: "int",
    property: "string",
    value: "string",
    comment: "string",
  },
};

const ASSET_TYPE_MODEL: EntityModel = {
  name: "AssetType",
  fields: {
    typeId: "guid",
    typeName: "string",
    runningCountLimit: "int",
    totalCountLimit: "int",
    maintenanceInterval: "number",
    calibrationInterval: "number",
    warningThreshold: "number",
    alarmThreshold: "number",
    isReadonly: "boolean",
    icon: "string",
  },
};

/** Answer of `GET /api/Asset/Status` (the generated `AssetStatus`; the spec leaves it untyped). */
export interface AssetStatus {
  assetId: string;
  serialNumber: string;
  state: number;
  runningCount: number;
  runningCountLimit: number | null;
  runningCountExceeded: number;
  totalCount: number;
  totalCountLimit: number | null;
  totalCountExceeded: number;
  daysSinceCalibration: number | null;
  calibrationDaysOverdue: number | null;
  daysSinceMaintenance: number | null;
  maintenanceDaysOverdue: number | null;
  /**
   * `AssetAlarmState`: 0 OK, 1 warning (a figure passed warningThreshold % of its limit) or 2 alarm
   * (alarmThreshold %).
   */
  status: 0 | 1 | 2;
  message: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function assetStatus(state: SimState, asset: StoredAsset): AssetStatus {
  const type = state.assets.type(asset.typeId);
  const now = state.now();
  const since = (date: string | null | undefined) =>
    isBlank(date) ? null : round(daysBetween(Date.parse(date), now));
  const daysSinceCalibration = since(asset.lastCalibrationDate);
  const daysSinceMaintenance = since(asset.lastMaintenanceDate);
  const overdue = (days: number | null, interval: number | null | undefined) =>
    days === null || typeof interval !== "number" ? null : round(Math.max(0, days - interval));
  const runningLimit = type?.runningCountLimit ?? null;
  const totalLimit = type?.totalCountLimit ?? null;
  const ratios: { what: string; ratio: number }[] = [];
  if (runningLimit) ratios.push({ what: "running count", ratio: asset.runningCount / runningLimit });
  if (totalLimit) ratios.push({ what: "total count", ratio: asset.totalCount / totalLimit });
  if (daysSinceCalibration !== null && type?.calibrationInterval) {
    ratios.push({ what: "calibration", ratio: daysSinceCalibration / type.calibrationInterval });
  }
  if (daysSinceMaintenance !== null && type?.maintenanceInterval) {
    ratios.push({ what: "maintenance", ratio: daysSinceMaintenance / type.maintenanceInterval });
  }
  const worst = ratios.sort((a, b) => b.ratio - a.ratio)[0];
  const alarm = (type?.alarmThreshold ?? 100) / 100;
  const warning = (type?.warningThreshold ?? 80) / 100;
  const level = !worst ? "OK" : worst.ratio >= alarm ? "Alarm" : worst.ratio >= warning ? "Warning" : "OK";
  const status = level === "Alarm" ? 2 : level === "Warning" ? 1 : 0;
  return {
    assetId: asset.assetId,
    serialNumber: asset.serialNumber,
    state: asset.state,
    runningCount: asset.runningCount,
    runningCountLimit: runningLimit,
    runningCountExceeded: runningLimit ? Math.max(0, asset.runningCount - runningLimit) : 0,
    totalCount: asset.totalCount,
    totalCountLimit: totalLimit,
    totalCountExceeded: totalLimit ? Math.max(0, asset.totalCount - totalLimit) : 0,
    daysSinceCalibration,
    calibrationDaysOverdue: overdue(daysSinceCalibration, type?.calibrationInterval),
    daysSinceMaintenance,
    maintenanceDaysOverdue: overdue(daysSinceMaintenance, type?.maintenanceInterval),
    status,
    message:
      level === "OK" || !worst
        ? "OK"
        : `${worst.what} at ${Math.round(worst.ratio * 100)}% of its limit (${level.toLowerCase()})`,
  };
}

/**
 * The `assetStats` of a submitted report; on the first submission of a report id the usage
 * counts of known assets go up by `usageCount` (default 1), as WATS counts asset usage.
 */
export function assetStatsFor(
  state: SimState,
  assets: unknown[],
  countUsage: boolean,
  user: string,
): WsjfAssetStats[] {
  return assets.filter(isObject).map((entry) => {
    const sn = typeof entry.assetSN === "string" ? entry.assetSN : "";
    const asset = state.assets.bySerialNumber(sn);
    if (!asset) {
      return {
        assetSN: sn,
        runningCount: null,
        runningCountExceeded: null,
        totalCount: null,
        totalCountExceeded: null,
        daysSinceCalibration: null,
        isDaysSinceCalibrationUnknown: true,
        calibrationDaysOverdue: null,
        daysSinceMaintenance: null,
        isDaysSinceMaintenanceUnknown: true,
        maintenanceDaysOverdue: null,
        message: `Asset '${sn}' is not registered`,
      };
    }
    if (countUsage) {
      const by = typeof entry.usageCount === "number" ? entry.usageCount : 1;
      state.assets.increment(asset, by, false, user, state.nowIso());
    }
    const s = assetStatus(state, asset);
    return {
      assetSN: asset.serialNumber,
      runningCount: s.runningCount,
      runningCountExceeded: s.runningCountExceeded,
      totalCount: s.totalCount,
      totalCountExceeded: s.totalCountExceeded,
      daysSinceCalibration: s.daysSinceCalibration,
      isDaysSinceCalibrationUnknown: s.daysSinceCalibration === null,
      calibrationDaysOverdue: s.calibrationDaysOverdue,
      daysSinceMaintenance: s.daysSinceMaintenance,
      isDaysSinceMaintenanceUnknown: s.daysSinceMaintenance === null,
      maintenanceDaysOverdue: s.maintenanceDaysOverdue,
      message: s.message,
    };
  });
}

const target = (ctx: HandlerContext) =>
  ctx.state.assets.require(ctx.query.string("id"), ctx.query.string("serialNumber"));

function dateParam(ctx: HandlerContext): string {
  const at = ctx.query.date("dateTime");
  return at === undefined ? ctx.state.nowIso() : new Date(at).toISOString();
}

const full = (ctx: HandlerContext, asset: StoredAsset): Asset => ctx.state.assets.full(asset);

export const assetHandlers: HandlerTable = {
  getAssets: (ctx) => {
    const assets = ctx.state.assets;
    const result = runODataQuery(
      assets.list().map((a) => assets.row(a)),
      ctx.query.odata(),
      {
        model: ASSET_MODEL,
        defaultTop: 1000,
        defaultOrder: (a, b) => String(a.assetId).localeCompare(String(b.assetId)),
      },
    );
    return json(result.rows.map((r) => project(r, result.select)));
  },

  putAsset: (ctx) =>
    json(full(ctx, ctx.state.assets.put(ctx.body as Asset, ctx.auth.user, ctx.state.nowIso()))),

  deleteAsset: (ctx) => {
    const asset = target(ctx);
    const snapshot = ctx.state.assets.full(asset, { log: false });
    ctx.state.assets.delete(asset);
    return json(snapshot);
  },

  getAssetByAssetId: (ctx) => {
    // GET /api/Asset/{assetId} and GET /api/Asset/{serialNumber} are one route: try both.
    const key = ctx.params.assetId ?? ctx.params.serialNumber ?? "";
    const asset = ctx.state.assets.byId(key) ?? ctx.state.assets.bySerialNumber(key);
    return json(full(ctx, asset ?? ctx.state.assets.require(key, undefined)));
  },

  postCalibration: (ctx) => {
    const asset = target(ctx);
    ctx.state.assets.calibrate(
      asset,
      dateParam(ctx),
      ctx.auth.user,
      ctx.state.nowIso(),
      ctx.query.string("comment") ?? null,
    );
    return json(full(ctx, asset));
  },

  postMaintenance: (ctx) => {
    const asset = target(ctx);
    ctx.state.assets.maintain(
      asset,
      dateParam(ctx),
      ctx.auth.user,
      ctx.state.nowIso(),
      ctx.query.string("comment") ?? null,
    );
    return json(full(ctx, asset));
  },

  putAssetCount: (ctx) => {
    const asset = target(ctx);
    const totalCount = ctx.query.int("totalCount");
    const incrementBy = ctx.query.int("incrementBy");
    let by: number;
    if (incrementBy !== undefined) by = incrementBy;
    else if (totalCount !== undefined) by = totalCount - asset.totalCount;
    else throw badRequest("The request is invalid: give 'totalCount' or 'incrementBy'.");
    if (by < 0) throw badRequest(`Counts only go up; the increment would be ${by}.`);
    ctx.state.assets.increment(
      asset,
      by,
      ctx.query.bool("incrementChildren") ?? false,
      ctx.auth.user,
      ctx.state.nowIso(),
    );
    return json(full(ctx, asset));
  },

  getAssetLog: (ctx) => {
    const assets = ctx.state.assets;
    const result = runODataQuery(
      assets.logs().map((l) => assets.logRow(l)),
      ctx.query.odata(),
      {
        model: ASSET_LOG_MODEL,
        defaultTop: 1000,
        defaultOrder: (a, b) =>
          Date.parse(String(b.date)) - Date.parse(String(a.date)) || (b.logId ?? 0) - (a.logId ?? 0),
      },
    );
    return json(result.rows.map((r) => project(r, result.select)));
  },

  postAssetMessage: (ctx) => {
    const asset = target(ctx);
    const message = ctx.body as AssetMessage;
    if (isBlank(message.content)) throw badRequest("The message field 'content' is required.");
    return json(
      ctx.state.assets.log(asset, 0, ctx.auth.user, ctx.state.nowIso(), { comment: message.content }),
    );
  },

  resetRunningCount: (ctx) => {
    const asset = target(ctx);
    ctx.state.assets.resetRunningCount(
      asset,
      ctx.auth.user,
      ctx.state.nowIso(),
      ctx.query.string("comment") ?? null,
    );
    return json(full(ctx, asset));
  },

  putAssetState: (ctx) => {
    const state = ctx.query.requireInt("state");
    if (state < 0 || state > 6)
      throw badRequest(`The request is invalid: 'state' must be 0-6, not ${state}.`);
    const asset = target(ctx);
    ctx.state.assets.setState(asset, state as NonNullable<Asset["state"]>, ctx.auth.user, ctx.state.nowIso());
    return json(full(ctx, asset));
  },

  getAssetStatus: (ctx) => {
    ctx.query.bool("translate");
    return json(assetStatus(ctx.state, target(ctx)));
  },

  getAssetChildren: (ctx) => {
    const level = ctx.query.int("level") ?? 0;
    if (level < 0) throw badRequest("The request is invalid: 'level' must be 0 (all) or more.");
    const asset = target(ctx);
    return json(
      ctx.state.assets
        .children(asset, level)
        .map((c) => ctx.state.assets.full(c, { children: false, log: false })),
    );
  },

  getAssetTypes: (ctx) => {
    const assets = ctx.state.assets;
    const result = runODataQuery(
      assets.types().map((t) => assets.typeRow(t)),
      ctx.query.odata(),
      {
        model: ASSET_TYPE_MODEL,
        defaultTop: 1000,
        defaultOrder: (a, b) => String(a.typeName).localeCompare(String(b.typeName)),
      },
    );
    return json(result.rows.map((r) => project(r, result.select)));
  },

  putAssetType: (ctx) => json(ctx.state.assets.putType(ctx.body as AssetType)),
};
