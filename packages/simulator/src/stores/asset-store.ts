/** Assets, asset types and the asset log (counts, calibration, maintenance, state, messages). */
import type { Asset, AssetLog, AssetLogRow, AssetRow, AssetType, AssetTypeRow } from "@tswats/asset";
import { badRequest, notFound } from "../errors.js";
import type { Random } from "../random.js";
import { isBlank, keyOf } from "./keys.js";

/** Asset log record types as WATS documents them for `GET /api/Asset/Log`. */
export const ASSET_LOG = {
  message: 0,
  register: 1,
  update: 2,
  resetCount: 3,
  calibration: 4,
  maintenance: 5,
  count: 6,
} as const;

export type StoredAsset = Omit<Asset, "assetChildren" | "assetType" | "assetLog" | "assetId"> & {
  assetId: string;
  state: NonNullable<Asset["state"]>;
  runningCount: number;
  totalCount: number;
};

export type StoredAssetType = AssetType & { typeId: string };

const DAY = 86_400_000;

export class AssetStore {
  readonly #assets = new Map<string, StoredAsset>();
  readonly #types = new Map<string, StoredAssetType>();
  readonly #log: AssetLog[] = [];
  readonly #random: Random;
  #nextLogId = 1;

  constructor(random: Random) {
    this.#random = random;
  }

  // Types --------------------------------------------------------------------------------------

  types(): StoredAssetType[] {
    return [...this.#types.values()];
  }

  type(typeId: string | null | undefined): StoredAssetType | undefined {
    return isBlank(typeId) ? undefined : this.#types.get(keyOf(typeId));
  }

  putType(input: AssetType): StoredAssetType {
    if (isBlank(input.typeName)) throw badRequest("The asset type field 'typeName' is required.");
    let existing = this.type(input.typeId);
    if (!isBlank(input.typeId) && !existing) throw badRequest(`No asset type has typeId '${input.typeId}'.`);
    existing ??= this.types().find((t) => keyOf(t.typeName) === keyOf(input.typeName));
    const type: StoredAssetType = {
      ...existing,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      typeId: existing?.typeId ?? this.#random.uuid(),
      typeName: input.typeName,
      isReadonly: input.isReadonly ?? existing?.isReadonly ?? false,
    };
    this.#types.set(keyOf(type.typeId), type);
    return type;
  }

  typeRow(type: StoredAssetType): AssetTypeRow {
    return {
      typeId: type.typeId,
      typeName: type.typeName,
      runningCountLimit: type.runningCountLimit ?? null,
      totalCountLimit: type.totalCountLimit ?? null,
      maintenanceInterval: type.maintenanceInterval ?? null,
      calibrationInterval: type.calibrationInterval ?? null,
      warningThreshold: type.warningThreshold ?? null,
      alarmThreshold: type.alarmThreshold ?? null,
      isReadonly: type.isReadonly ?? false,
      icon: type.icon ?? null,
    };
  }

  // Assets -------------------------------------------------------------------------------------

  list(): StoredAsset[] {
    return [...this.#assets.values()];
  }

  byId(id: string): StoredAsset | undefined {
    return this.#assets.get(keyOf(id));
  }

  bySerialNumber(serialNumber: string): StoredAsset | undefined {
    const key = keyOf(serialNumber);
    return this.list().find((a) => keyOf(a.serialNumber) === key);
  }

  /** The asset named by `id` or `serialNumber` (query parameters of most asset routes). */
  require(id: string | undefined, serialNumber: string | undefined): StoredAsset {
    if (isBlank(id) && isBlank(serialNumber)) {
      throw badRequest("Give the asset with the query parameter 'id' or 'serialNumber'.");
    }
    const asset = !isBlank(id) ? this.byId(id) : this.bySerialNumber(serialNumber as string);
    if (!asset) throw notFound(`Asset '${isBlank(id) ? serialNumber : id}' was not found.`);
    return asset;
  }

  /** Creates or updates an asset. Counts and calibration/maintenance dates are not taken from the body. */
  put(input: Asset, user: string, now: string): StoredAsset {
    if (isBlank(input.serialNumber)) throw badRequest("The asset field 'serialNumber' is required.");
    if (!this.type(input.typeId)) {
      throw badRequest(
        `The asset field 'typeId' must name an existing asset type; '${input.typeId}' does not.`,
      );
    }
    let existing = isBlank(input.assetId) ? undefined : this.byId(input.assetId);
    if (!isBlank(input.assetId) && !existing) throw badRequest(`No asset has assetId '${input.assetId}'.`);
    existing ??= this.bySerialNumber(input.serialNumber);
    const other = this.bySerialNumber(input.serialNumber);
    if (existing && other && other !== existing) {
      throw badRequest(`Serial number '${input.serialNumber}' is already used by another asset.`);
    }
    let parent: StoredAsset | undefined;
    if (!isBlank(input.parentAssetId)) {
      parent = this.byId(input.parentAssetId);
      if (!parent) throw badRequest(`The parent asset '${input.parentAssetId}' does not exist.`);
    } else if (!isBlank(input.parentSerialNumber)) {
      parent = this.bySerialNumber(input.parentSerialNumber);
      if (!parent) throw badRequest(`The parent asset '${input.parentSerialNumber}' does not exist.`);
    }
    if (parent && existing && this.#isDescendant(parent, existing)) {
      throw badRequest("An asset cannot be its own ancestor.");
    }
    if (input.state !== undefined && input.state !== null && (input.state < 0 || input.state > 6)) {
      throw badRequest(`Asset state ${input.state} does not exist (0-6).`);
    }
    const asset: StoredAsset = {
      assetId: existing?.assetId ?? this.#random.uuid(),
      serialNumber: input.serialNumber,
      typeId: (this.type(input.typeId) as StoredAssetType).typeId,
      parentAssetId: parent?.assetId ?? null,
      parentSerialNumber: parent?.serialNumber ?? null,
      assetName: input.assetName ?? existing?.assetName ?? null,
      partNumber: input.partNumber ?? existing?.partNumber ?? null,
      revision: input.revision ?? existing?.revision ?? null,
      ClientId: input.ClientId ?? existing?.ClientId ?? null,
      state: input.state ?? existing?.state ?? 1,
      description: input.description ?? existing?.description ?? null,
      location: input.location ?? existing?.location ?? null,
      firstSeenDate: existing?.firstSeenDate ?? now,
      lastSeenDate: now,
      lastMaintenanceDate: existing?.lastMaintenanceDate ?? null,
      nextMaintenanceDate: existing?.nextMaintenanceDate ?? null,
      lastCalibrationDate: existing?.lastCalibrationDate ?? null,
      nextCalibrationDate: existing?.nextCalibrationDate ?? null,
      totalCount: existing?.totalCount ?? 0,
      runningCount: existing?.runningCount ?? 0,
      tags: input.tags ?? existing?.tags ?? [],
    };
    this.#assets.set(keyOf(asset.assetId), asset);
    if (existing) {
      for (const key of ["assetName", "state", "location", "description", "parentAssetId"] as const) {
        if (existing[key] !== asset[key]) {
          this.log(asset, ASSET_LOG.update, user, now, { property: key, value: String(asset[key] ?? "") });
        }
      }
    } else {
      this.log(asset, ASSET_LOG.register, user, now, { comment: "Asset created" });
    }
    return asset;
  }

  delete(asset: StoredAsset): void {
    this.#assets.delete(keyOf(asset.assetId));
    for (const child of this.children(asset, 1)) {
      child.parentAssetId = asset.parentAssetId ?? null;
      child.parentSerialNumber = asset.parentSerialNumber ?? null;
    }
    for (let i = this.#log.length - 1; i >= 0; i--) {
      if (this.#log[i]?.assetId === asset.assetId) this.#log.splice(i, 1);
    }
  }

  #isDescendant(candidate: StoredAsset, ancestor: StoredAsset): boolean {
    let current: StoredAsset | undefined = candidate;
    for (let guard = 0; current && guard < 1000; guard++) {
      if (current.assetId === ancestor.assetId) return true;
      current = isBlank(current.parentAssetId) ? undefined : this.byId(current.parentAssetId);
    }
    return false;
  }

  /** Children down `level` generations (0 = all). */
  children(asset: StoredAsset, level: number): StoredAsset[] {
    const out: StoredAsset[] = [];
    let generation = [asset];
    for (let depth = 1; generation.length > 0 && (level === 0 || depth <= level); depth++) {
      const ids = new Set(generation.map((a) => a.assetId));
      generation = this.list().filter((a) => !isBlank(a.parentAssetId) && ids.has(a.parentAssetId));
      out.push(...generation);
    }
    return out;
  }

  /** Adds `by` to the running and total counts (and the children's, when asked). */
  increment(asset: StoredAsset, by: number, withChildren: boolean, user: string, now: string): void {
    const targets = withChildren ? [asset, ...this.children(asset, 0)] : [asset];
    for (const target of targets) {
      target.runningCount += by;
      target.totalCount += by;
      target.lastSeenDate = now;
      this.log(target, ASSET_LOG.count, user, now, {
        property: "totalCount",
        value: String(target.totalCount),
      });
    }
  }

  resetRunningCount(asset: StoredAsset, user: string, now: string, comment: string | null): void {
    asset.runningCount = 0;
    this.log(asset, ASSET_LOG.resetCount, user, now, { comment, property: "runningCount", value: "0" });
  }

  calibrate(asset: StoredAsset, at: string, user: string, now: string, comment: string | null): void {
    asset.lastCalibrationDate = at;
    const interval = this.type(asset.typeId)?.calibrationInterval;
    asset.nextCalibrationDate =
      typeof interval === "number" ? new Date(Date.parse(at) + interval * DAY).toISOString() : null;
    this.log(asset, ASSET_LOG.calibration, user, now, {
      comment,
      property: "lastCalibrationDate",
      value: at,
    });
  }

  maintain(asset: StoredAsset, at: string, user: string, now: string, comment: string | null): void {
    asset.lastMaintenanceDate = at;
    const interval = this.type(asset.typeId)?.maintenanceInterval;
    asset.nextMaintenanceDate =
      typeof interval === "number" ? new Date(Date.parse(at) + interval * DAY).toISOString() : null;
    this.log(asset, ASSET_LOG.maintenance, user, now, {
      comment,
      property: "lastMaintenanceDate",
      value: at,
    });
  }

  setState(asset: StoredAsset, state: NonNullable<Asset["state"]>, user: string, now: string): void {
    if (asset.state !== state) {
      asset.state = state;
      this.log(asset, ASSET_LOG.update, user, now, { property: "state", value: String(state) });
    }
  }

  log(
    asset: StoredAsset,
    type: AssetLog["type"] & number,
    user: string,
    date: string,
    fields: { comment?: string | null; property?: string; value?: string },
  ): AssetLog {
    const entry: AssetLog = {
      logId: this.#nextLogId++,
      assetId: asset.assetId,
      serialNumber: asset.serialNumber,
      date,
      user,
      type,
      property: fields.property ?? null,
      value: fields.value ?? null,
      comment: fields.comment ?? null,
    };
    this.#log.push(entry);
    return entry;
  }

  logs(asset?: StoredAsset): AssetLog[] {
    return asset ? this.#log.filter((l) => l.assetId === asset.assetId) : [...this.#log];
  }

  logRow(entry: AssetLog): AssetLogRow {
    return { ...entry, type: entry.type ?? null };
  }

  row(asset: StoredAsset): AssetRow {
    const { tags: _tags, ClientId: _client, ...rest } = asset;
    return { ...rest, xmlData: null };
  }

  /** The full Asset model: row fields plus type, children and log. */
  full(asset: StoredAsset, options: { children?: boolean; log?: boolean } = {}): Asset {
    const type = this.type(asset.typeId);
    return {
      ...asset,
      assetType: type ?? null,
      assetChildren:
        options.children === false ? null : this.children(asset, 1).map((c) => this.full(c, { log: false })),
      assetLog: options.log === false ? null : this.logs(asset),
    };
  }
}
