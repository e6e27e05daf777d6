/**
 * Software distribution packages: versions, status transitions, files (with their bytes) and
 * virtual folders.
 */
import { createHash } from "node:crypto";
import type { Package, PackageFile, VirtualFolder } from "@tswats/software";
import type {
  PackageFolder as InternalFolder,
  PackageFolderFile as InternalFolderFile,
  Package as InternalPackage,
} from "@tswats/software/internal";
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

/** A file's bytes as the repository keeps them (what `DownloadFile` serves). */
export interface StoredFileContent {
  /** The id `GET /api/internal/Software/DownloadFile?repositoryFolderFileId=` takes. */
  readonly repositoryFolderFileId: string;
  readonly data: Buffer;
  readonly uploaded: string;
}

/** A file added to a package: its path (`folder/.../name`) and bytes. */
export interface PackageFileInput {
  readonly path: string;
  readonly data?: Uint8Array;
}

/**
 * An id made from the given parts (a UUID-shaped SHA-1 prefix). Used for ids derived from other
 * ids, so adding them does not move the seeded random sequence the rest of the data comes from.
 */
function derivedId(...parts: readonly string[]): string {
  const hex = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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
  /** keyOf(packageFileId) -> bytes. */
  readonly #contents = new Map<string, StoredFileContent>();
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
    for (const file of this.files(pkg)) this.#contents.delete(keyOf(file.packageFileId));
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

  /**
   * Adds the files of an uploaded zip (paths `folder/.../file`, with their bytes), merging
   * (a file on the same path gets the new bytes) or replacing all.
   */
  addFiles(
    pkg: StoredPackage,
    entries: readonly PackageFileInput[],
    cleanInstall: boolean,
    now: string,
  ): void {
    if (cleanInstall) for (const file of this.files(pkg)) this.#contents.delete(keyOf(file.packageFileId));
    const files = cleanInstall ? [] : [...this.files(pkg)];
    for (const entry of entries) {
      if (entry.path.endsWith("/")) continue;
      const slash = entry.path.lastIndexOf("/");
      const folder = entry.path.slice(0, slash);
      const name = entry.path.slice(slash + 1);
      let file = files.find((f) => keyOf(f.name, f.packageFolderName) === keyOf(name, folder));
      if (!file) {
        file = {
          packageFileId: this.#random.uuid(),
          name,
          packageFolderName: folder,
          attributes: "None",
          Description: null,
        };
        files.push(file);
      }
      const data = Buffer.from(entry.data ?? new Uint8Array(0));
      const fileId = file.packageFileId as string;
      this.#contents.set(keyOf(fileId), {
        repositoryFolderFileId: derivedId("repository-file", fileId, md5(data).toString("hex")),
        data,
        uploaded: now,
      });
    }
    this.#files.set(keyOf(pkg.packageId), files);
  }

  /** The bytes of a package file, by its package file id. */
  content(packageFileId: string): StoredFileContent | undefined {
    return this.#contents.get(keyOf(packageFileId));
  }

  /** The bytes `DownloadFile` serves for a repository file id. */
  findContent(repositoryFolderFileId: string): { file: PackageFile; content: StoredFileContent } | undefined {
    for (const files of this.#files.values()) {
      for (const file of files) {
        const content = this.content(file.packageFileId ?? "");
        if (content && keyOf(content.repositoryFolderFileId) === keyOf(repositoryFolderFileId))
          return { file, content };
      }
    }
    return undefined;
  }

  /**
   * The package as the internal `GetPackage` answers it: the dashboard model with its folder tree
   * (`PackageFolders` nested, each linked to its parent by `ParentFolderId`) and, per file, the
   * repository file (`RepositoryFolderFileId`, size, base64 MD5 `Checksum`). Status and file
   * attributes are numbered in the order of PACKAGE_STATUSES and FILE_ATTRIBUTES (the document
   * does not give the numbers).
   */
  internalPackage(pkg: StoredPackage): InternalPackage {
    const top: InternalFolder[] = [];
    const byPath = new Map<string, InternalFolder>();
    const folderAt = (path: string): InternalFolder => {
      const known = byPath.get(keyOf(path));
      if (known) return known;
      const slash = path.lastIndexOf("/");
      const parent = slash < 0 ? undefined : folderAt(path.slice(0, slash));
      const folder: InternalFolder = {
        PackageFolderId: derivedId("package-folder", pkg.packageId, keyOf(path)),
        PackageId: pkg.packageId,
        ParentFolderId: parent?.PackageFolderId ?? null,
        Name: path.slice(slash + 1),
        Modified: pkg.modified ?? null,
        PackageFolders: [],
        PackageFolderFiles: [],
      };
      byPath.set(keyOf(path), folder);
      (parent ? (parent.PackageFolders as InternalFolder[]) : top).push(folder);
      return folder;
    };
    for (const file of this.files(pkg)) {
      const folder = folderAt(file.packageFolderName ?? "");
      const content = this.content(file.packageFileId ?? "");
      const entry: InternalFolderFile = {
        PackageFolderFileId: file.packageFileId ?? null,
        PackageFolderId: folder.PackageFolderId ?? null,
        RepositoryFolderFileId: content?.repositoryFolderFileId ?? null,
        Attributes: Math.max(0, FILE_ATTRIBUTES.indexOf(file.attributes as (typeof FILE_ATTRIBUTES)[number])),
        RepositoryFolderFile: content
          ? {
              RepositoryFolderFileId: content.repositoryFolderFileId,
              Name: file.name ?? null,
              Version: 1,
              Description: file.Description ?? null,
              Valid: true,
              Uploaded: content.uploaded,
              FileModifiedDate: content.uploaded,
              Checksum: md5(content.data).toString("base64"),
              FileVersion: null,
              FileSize: content.data.length,
            }
          : null,
      };
      (folder.PackageFolderFiles as InternalFolderFile[]).push(entry);
    }
    return {
      PackageId: pkg.packageId,
      Name: pkg.name,
      Version: pkg.version,
      Description: pkg.description ?? null,
      RootDirectory: pkg.rootDirectory ?? null,
      Modified: pkg.modified ?? null,
      ModifiedBy: pkg.modifiedBy ?? null,
      Status: PACKAGE_STATUSES.indexOf(pkg.status),
      Priority: pkg.priority ?? 0,
      VirtualFolderId: pkg.virtualFolderId ?? null,
      PackageFolders: top,
      Created: pkg.created ?? null,
      CreatedBy: pkg.createdBy ?? null,
      Released: pkg.released ?? null,
      ReleasedBy: pkg.releasedBy ?? null,
      Revoked: pkg.revoked ?? null,
      RevokedBy: pkg.revokedBy ?? null,
    };
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

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest();

function checkTags(tags: Package["tags"]): void {
  for (const [i, tag] of (tags ?? []).entries()) {
    if (isBlank(tag.key))
      throw badRequest(`Tag ${i} has no 'key'; tags are [{"key": "...", "value": "..."}].`);
  }
}
