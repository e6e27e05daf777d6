/** Software distribution packages: versions, status transitions, files and virtual folders. */
import type { Package, PackageFile, VirtualFolder } from "@tswats/software";
import { badRequest, notFound } from "../errors.js";
import type { Random } from "../random.js";
import { isBlank, keyOf } from "./keys.js";

export const PACKAGE_STATUSES = ["Draft", "Pending", "Released", "Revoked"] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** Allowed status changes (WATS: Draft -> Pending, Pending -> Draft or Released, Released -> Revoked). */
export const STATUS_TRANSITIONS: Readonly<Record<PackageStatus, readonly PackageStatus[]>> = {
  Draft: ["Pending"],
  Pending: ["Draft", "Released"],
  Released: ["Revoked"],
  Revoked: [],
};

export const FILE_ATTRIBUTES = [
  "None",
  "ExecuteOnce",
  "ExecuteAlways",
  "TopLevelFile",
  "OverwriteNever",
  "OverwriteOnNewPackageVersion",
  "ExecuteOncePerVersion",
] as const;

export type StoredPackage = Package & {
  packageId: string;
  name: string;
  version: number;
  status: PackageStatus;
};

export function parseStatus(value: string | undefined, parameter = "status"): PackageStatus {
  const found = PACKAGE_STATUSES.find((s) => s.toLowerCase() === value?.toLowerCase());
  if (!found) {
    throw badRequest(
      `The ${parameter} '${value ?? ""}' is not a package status; use one of ${PACKAGE_STATUSES.join(", ")}.`,
    );
  }
  return found;
}

export class SoftwareStore {
  readonly #packages = new Map<string, StoredPackage>();
  readonly #files = new Map<string, PackageFile[]>();
  readonly #folders: VirtualFolder[] = [];
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  list(): StoredPackage[] {
    return [...this.#packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  get(id: string): StoredPackage | undefined {
    return this.#packages.get(keyOf(id));
  }

  require(id: string): StoredPackage {
    const pkg = this.get(id);
    if (!pkg) throw notFound(`Software package '${id}' was not found.`);
    return pkg;
  }

  /** A new Draft package; its version is one more than the highest with the same name. */
  create(input: Package, user: string, now: string): StoredPackage {
    if (isBlank(input.name)) throw badRequest("The package field 'name' is required.");
    if (!isBlank(input.virtualFolderId) && !this.folder(input.virtualFolderId)) {
      throw badRequest(`The virtual folder '${input.virtualFolderId}' does not exist.`);
    }
    checkTags(input.tags);
    const name = input.name;
    const versions = this.list().filter((p) => keyOf(p.name) === keyOf(name));
    const pkg: StoredPackage = {
      packageId: this.#random.uuid(),
      name,
      installOnRoot: input.installOnRoot ?? false,
      version: Math.max(0, ...versions.map((p) => p.version)) + 1,
      description: input.description ?? null,
      rootDirectory: input.rootDirectory ?? null,
      tags: input.tags ?? [],
      modified: now,
      modifiedBy: user,
      status: "Draft",
      priority: input.priority ?? 0,
      virtualFolderId: input.virtualFolderId ?? null,
      created: now,
      createdBy: user,
      released: null,
      releasedBy: null,
      revoked: null,
      revokedBy: null,
    };
    this.#packages.set(keyOf(pkg.packageId), pkg);
    this.#files.set(keyOf(pkg.packageId), []);
    return pkg;
  }

  /** Applies a status change or answers 400 naming the allowed ones. */
  transition(pkg: StoredPackage, to: PackageStatus, user: string, now: string): void {
    const allowed = STATUS_TRANSITIONS[pkg.status];
    if (!allowed.includes(to)) {
      throw badRequest(
        `The status of package '${pkg.name}' v${pkg.version} cannot change from ${pkg.status} to ${to}; allowed: ${allowed.length > 0 ? allowed.join(", ") : "none"}.`,
      );
    }
    pkg.status = to;
    pkg.modified = now;
    pkg.modifiedBy = user;
    if (to === "Released") {
      pkg.released = now;
      pkg.releasedBy = user;
    }
    if (to === "Revoked") {
      pkg.revoked = now;
      pkg.revokedBy = user;
    }
  }

  /**
   * Overwrites a package's configuration. In Draft every field may change; otherwise only status
   * and tags (a changed field is refused, naming it).
   */
  put(pkg: StoredPackage, input: Package, user: string, now: string): void {
    checkTags(input.tags);
    if (pkg.status !== "Draft") {
      for (const key of [
        "name",
        "installOnRoot",
        "description",
        "rootDirectory",
        "priority",
        "virtualFolderId",
      ] as const) {
        if (input[key] !== undefined && input[key] !== null && input[key] !== pkg[key]) {
          throw badRequest(
            `Package '${pkg.name}' is ${pkg.status}: only 'status' and 'tags' may change, not '${key}'.`,
          );
        }
      }
    } else {
      if (input.name !== undefined && input.name !== null && keyOf(input.name) !== keyOf(pkg.name)) {
        throw badRequest("The name of a package cannot change; create a new package instead.");
      }
      pkg.installOnRoot = input.installOnRoot ?? pkg.installOnRoot ?? false;
      pkg.description = input.description ?? pkg.description ?? null;
      pkg.rootDirectory = input.rootDirectory ?? pkg.rootDirectory ?? null;
      pkg.priority = input.priority ?? pkg.priority ?? 0;
      if (!isBlank(input.virtualFolderId) && !this.folder(input.virtualFolderId)) {
        throw badRequest(`The virtual folder '${input.virtualFolderId}' does not exist.`);
      }
      pkg.virtualFolderId = input.virtualFolderId ?? pkg.virtualFolderId ?? null;
    }
    if (input.tags) pkg.tags = input.tags;
    if (!isBlank(input.status) && input.status !== pkg.status) {
      this.transition(pkg, parseStatus(input.status), user, now);
    }
    pkg.modified = now;
    pkg.modifiedBy = user;
  }

  delete(pkg: StoredPackage): void {
    if (pkg.status !== "Draft" && pkg.status !== "Revoked") {
      throw badRequest(
        `Package '${pkg.name}' v${pkg.version} is ${pkg.status}; only Draft or Revoked packages can be deleted.`,
      );
    }
    this.#packages.delete(keyOf(pkg.packageId));
    this.#files.delete(keyOf(pkg.packageId));
  }

  files(pkg: StoredPackage): PackageFile[] {
    return this.#files.get(keyOf(pkg.packageId)) ?? [];
  }

  findFile(fileId: string): PackageFile | undefined {
    for (const files of this.#files.values()) {
      const file = files.find((f) => keyOf(f.packageFileId) === keyOf(fileId));
      if (file) return file;
    }
    return undefined;
  }

  /** Adds the files of an uploaded zip (paths `folder/.../file`), merging or replacing all. */
  addFiles(pkg: StoredPackage, paths: readonly string[], cleanInstall: boolean): void {
    const files = cleanInstall ? [] : [...this.files(pkg)];
    for (const path of paths) {
      if (path.endsWith("/")) continue;
      const slash = path.lastIndexOf("/");
      const folder = path.slice(0, slash);
      const name = path.slice(slash + 1);
      const existing = files.find((f) => keyOf(f.name, f.packageFolderName) === keyOf(name, folder));
      if (existing) continue;
      files.push({
        packageFileId: this.#random.uuid(),
        name,
        packageFolderName: folder,
        attributes: "None",
        Description: null,
      });
    }
    this.#files.set(keyOf(pkg.packageId), files);
  }

  folders(): VirtualFolder[] {
    return this.#folders;
  }

  folder(id: string): VirtualFolder | undefined {
    return this.#folders.find((f) => keyOf(f.id) === keyOf(id));
  }

  addFolder(name: string, description: string, parentId: string | null = null): VirtualFolder {
    const folder = { id: this.#random.uuid(), parentId, name, description };
    this.#folders.push(folder);
    return folder;
  }
}

function checkTags(tags: Package["tags"]): void {
  for (const [i, tag] of (tags ?? []).entries()) {
    if (isBlank(tag.key))
      throw badRequest(`Tag ${i} has no 'key'; tags are [{"key": "...", "value": "..."}].`);
  }
}
