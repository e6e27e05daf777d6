/**
 * A software package's files with what a station needs to fetch and check them: path inside the
 * package, the id `DownloadFile` takes, size and checksum. Built from the internal
 * `GET /api/internal/Software/GetPackage` answer (`PackageFolders` -> `PackageFolderFiles` ->
 * `RepositoryFolderFile`), the only typed route that names each file's `RepositoryFolderFileId`.
 *
 * The checksum: the document types it as bytes (`format: byte`, base64 in JSON) and says of the
 * upload route "either a md5 or sha1 checksum, depending on ReportStorageType in cfg.settings". So
 * the algorithm is taken from the digest's length (16 bytes MD5, 20 SHA-1, 32 SHA-256); a hex text
 * of those lengths is read too. Anything else is refused, naming the file.
 */
import { createHash } from "node:crypto";
import { type CallOptions, WatsError } from "@tswats/core";
import type {
  Package,
  PackageFolder,
  PackageFolderFile,
  SoftwareInternalService,
} from "./generated/internal/index.js";

export type ChecksumAlgorithm = "md5" | "sha1" | "sha256";

export interface FileChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** The digest as lower-case hex. */
  readonly hex: string;
}

/** One file of a package. */
export interface PackageContentFile {
  /** Path inside the package, `/`-separated, as the server names it: `bin/drivers/fixture.dll`. */
  readonly path: string;
  /** The same path as its folder names and file name (not checked for `..` or separators). */
  readonly segments: readonly string[];
  /** What `downloadFile({ repositoryFolderFileId })` takes. */
  readonly repositoryFolderFileId: string;
  /** Bytes, when the server gives `FileSize`. */
  readonly size: number | undefined;
  /** The server's checksum, when it gives one. */
  readonly checksum: FileChecksum | undefined;
  readonly fileVersion: string | undefined;
}

const OPERATION = "getPackage";
const DIGEST_LENGTHS: Readonly<Record<number, ChecksumAlgorithm>> = { 16: "md5", 20: "sha1", 32: "sha256" };

/**
 * The server's checksum text as algorithm and hex digest: base64 (what a .NET byte array becomes
 * in JSON) or hex, of an MD5, SHA-1 or SHA-256 digest. Undefined when there is none; throws naming
 * `path` when it is neither.
 */
export function parseChecksum(value: string | null | undefined, path: string): FileChecksum | undefined {
  if (value === undefined || value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^[0-9a-f]+$/i.test(text) && DIGEST_LENGTHS[text.length / 2] !== undefined) {
    return { algorithm: DIGEST_LENGTHS[text.length / 2] as ChecksumAlgorithm, hex: text.toLowerCase() };
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) {
    const bytes = Buffer.from(text, "base64");
    const algorithm = DIGEST_LENGTHS[bytes.length];
    if (algorithm) return { algorithm, hex: bytes.toString("hex") };
  }
  throw new WatsError(
    `${OPERATION}: file "${path}": the server's checksum "${text.slice(0, 80)}" is not an MD5, SHA-1 or SHA-256 digest (base64 or hex)`,
    { operation: OPERATION, body: value },
  );
}

/** The digest of `bytes` as lower-case hex. */
export function digestHex(algorithm: ChecksumAlgorithm, bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest("hex");
}

/**
 * Why `bytes` are not the file the package lists (size first, then checksum), or undefined when
 * they are. A file without a server checksum is checked by size only.
 */
export function contentMismatch(file: PackageContentFile, bytes: Uint8Array): string | undefined {
  if (file.size !== undefined && bytes.byteLength !== file.size) {
    return `${bytes.byteLength} bytes, the package lists ${file.size}`;
  }
  if (file.checksum) {
    const actual = digestHex(file.checksum.algorithm, bytes);
    if (actual !== file.checksum.hex) {
      return `${file.checksum.algorithm} ${actual}, the package lists ${file.checksum.hex}`;
    }
  }
  return undefined;
}

/**
 * The files of a `GetPackage` answer, sorted by path. Folders may come as a tree (`PackageFolders`
 * inside folders) or as a flat list linked by `ParentFolderId` (the document does not say which);
 * both give the same paths. Every folder's `Name` is a path segment (WATS keeps a package's files
 * in named folders, as its zip upload requires). A file without an id or name, a folder without a
 * name, a `ParentFolderId` cycle or two files on one path fail with a WatsError naming the place.
 */
export function packageContents(pkg: Package): PackageContentFile[] {
  const folders = collectFolders(pkg);
  const files: PackageContentFile[] = [];
  const paths = new Set<string>();
  for (const [folder] of folders) {
    const folderSegments = folderPath(folder, folders, pkg);
    for (const entry of folder.PackageFolderFiles ?? []) {
      const file = contentFile(entry, folderSegments, pkg);
      if (paths.has(file.path)) throw malformed(`two files have the path "${file.path}"`, pkg);
      paths.add(file.path);
      files.push(file);
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every folder once, with the folder it is nested in (undefined at the top). */
function collectFolders(pkg: Package): Map<PackageFolder, PackageFolder | undefined> {
  const found = new Map<PackageFolder, PackageFolder | undefined>();
  const byId = new Map<string, PackageFolder>();
  const visit = (folder: PackageFolder, parent: PackageFolder | undefined) => {
    const id = folder.PackageFolderId?.toLowerCase();
    const known = id === undefined ? undefined : byId.get(id);
    if (known !== undefined || found.has(folder)) {
      if (known && parent && found.get(known) === undefined) found.set(known, parent);
      return;
    }
    found.set(folder, parent);
    if (id !== undefined) byId.set(id, folder);
    for (const child of folder.PackageFolders ?? []) visit(child, folder);
  };
  for (const folder of pkg.PackageFolders ?? []) visit(folder, undefined);
  // A flat list: the parent is named by ParentFolderId.
  for (const [folder, parent] of found) {
    const parentId = folder.ParentFolderId?.toLowerCase();
    if (parent === undefined && parentId !== undefined) {
      const byParentId = byId.get(parentId);
      if (byParentId !== undefined) found.set(folder, byParentId);
    }
  }
  return found;
}

function folderPath(
  folder: PackageFolder,
  folders: Map<PackageFolder, PackageFolder | undefined>,
  pkg: Package,
): string[] {
  const segments: string[] = [];
  const seen = new Set<PackageFolder>();
  for (let at: PackageFolder | undefined = folder; at !== undefined; at = folders.get(at)) {
    if (seen.has(at))
      throw malformed(`the folders around "${at.Name ?? "?"}" form a ParentFolderId cycle`, pkg);
    seen.add(at);
    if (typeof at.Name !== "string" || at.Name === "") {
      throw malformed(`folder ${at.PackageFolderId ?? "(no id)"} has no Name`, pkg);
    }
    segments.unshift(at.Name);
  }
  return segments;
}

function contentFile(entry: PackageFolderFile, folder: readonly string[], pkg: Package): PackageContentFile {
  const repository = entry.RepositoryFolderFile ?? undefined;
  const name = repository?.Name;
  const where = `in folder "${folder.join("/")}"`;
  if (typeof name !== "string" || name === "") {
    throw malformed(
      `file ${entry.PackageFolderFileId ?? "(no id)"} ${where} has no RepositoryFolderFile.Name`,
      pkg,
    );
  }
  const segments = [...folder, name];
  const path = segments.join("/");
  const id = entry.RepositoryFolderFileId ?? repository?.RepositoryFolderFileId;
  if (typeof id !== "string" || id === "")
    throw malformed(`file "${path}" has no RepositoryFolderFileId`, pkg);
  const size = repository?.FileSize;
  if (size !== undefined && size !== null && (!Number.isSafeInteger(size) || size < 0)) {
    throw malformed(`file "${path}" has the FileSize ${size}`, pkg);
  }
  return {
    path,
    segments,
    repositoryFolderFileId: id,
    size: size ?? undefined,
    checksum: parseChecksum(repository?.Checksum, path),
    fileVersion: repository?.FileVersion ?? undefined,
  };
}

function malformed(reason: string, body: unknown): WatsError {
  return new WatsError(`${OPERATION}: the server's package is malformed: ${reason}`, {
    operation: OPERATION,
    body,
  });
}

/**
 * Fetches a package with the internal `GetPackage` route and lists its files.
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function fetchPackageContents(
  service: Pick<SoftwareInternalService, "getPackage">,
  packageId: string,
  options?: CallOptions,
): Promise<{ package: Package; files: PackageContentFile[] }> {
  const pkg = await service.getPackage({ packageId }, options);
  return { package: pkg, files: packageContents(pkg) };
}

/**
 * Downloads one file's bytes (`GET /api/internal/Software/DownloadFile`) and checks them against
 * the package's size and checksum; a mismatch is a WatsError naming the file's path.
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function downloadPackageFile(
  service: Pick<SoftwareInternalService, "downloadFile">,
  file: PackageContentFile,
  options?: CallOptions,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(
    await service.downloadFile({ repositoryFolderFileId: file.repositoryFolderFileId }, options),
  );
  const mismatch = contentMismatch(file, bytes);
  if (mismatch !== undefined) {
    throw new WatsError(`downloadFile: file "${file.path}" arrived damaged: ${mismatch}`, {
      operation: "downloadFile",
    });
  }
  return bytes;
}
