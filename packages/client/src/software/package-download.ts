/**
 * A software package's files on the station: download every file of a package into
 * `<folder>/<name>/v<version>/` (nested folders kept) and verify them there later.
 *
 * WATS's public API lists a package's files but does not serve them; the bytes come from the
 * internal API (`@tswats/software/internal`: `GetPackage` for the files with their repository
 * ids, sizes and checksums, `DownloadFile` for each file's bytes; unsupported by Virinco and may
 * change). A download:
 * 1. lists the files and refuses the whole package, naming each file, when a path would leave the
 *    folder (`..`, separators, drive letters, ...) or clash with the manifest;
 * 2. downloads each file, checks its size and checksum against the server's (the algorithm is
 *    told by the digest's length: MD5, SHA-1 or SHA-256), and writes it into a new staging folder
 *    (temp file, fsync, rename; never through a symbolic link);
 * 3. writes `tswats-package.json` (definition, files with size, checksum and sha256, server, when)
 *    and `tswats-package.sha256`, then swaps the staging folder in for the version's folder, so the
 *    folder holds a whole download or the previous one, never a mix;
 * 4. verifies the files on disk.
 * Verify re-reads every file on disk (never through a link) and compares it with the server's
 * current size and checksum (with the manifest's sha256 when the server gives no checksum), and
 * reports each missing, changed or refused file by name, plus the manifest, version and status.
 */
import { createHash } from "node:crypto";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import type { WatsLogger } from "@tswats/core";
import type { Wats } from "@tswats/sdk";
import type { Package } from "@tswats/software";
import {
  downloadPackageFile,
  type FileChecksum,
  fetchPackageContents,
  type PackageContentFile,
  SoftwareInternalService,
} from "@tswats/software/internal";
import { checkSegments, openContained, realFolder, writeContained } from "../files/contained.js";

export const MANIFEST = "tswats-package.json";

/** Time limit of one file's download (the client's other calls have 30 s; a file may be large). */
export const FILE_TIMEOUT_MS = 10 * 60_000;
export const MANIFEST_SHA256 = "tswats-package.sha256";

export interface ManifestFile {
  path: string;
  repositoryFolderFileId: string;
  size: number;
  /** The server's checksum, when it gave one. */
  checksum?: FileChecksum;
  /** Computed here, so a file without a server checksum can still be verified. */
  sha256: string;
}

export interface Manifest {
  server: string;
  downloadedAt: string;
  package: Package;
  files: ManifestFile[];
}

/** One line of a download's or a verify's result. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PackageResult {
  package: Package;
  /** The version's folder: `<folder>/<name>/v<version>`. */
  folder: string;
  ok: boolean;
  checks: Check[];
}

export interface PackageDownloadOptions {
  wats: Wats;
  packageId: string;
  /** The download folder (absolute). */
  folder: string;
  /** The server as shown to people (no credentials), kept in the manifest. */
  server: string;
  logger?: WatsLogger;
  now?: () => Date;
}

/** `[<name>, v<version>]`: where a package goes inside the download folder. */
export function packageSegments(pkg: Package): [string, string] {
  let name = String(pkg.name ?? pkg.packageId ?? "package").replace(/[^\w.-]/g, "_");
  if (/^\.*$/.test(name) || name.endsWith(".")) name = `${name.replace(/\.+$/, "")}_`;
  return [name, `v${pkg.version ?? 0}`];
}

export function packageFolder(folder: string, pkg: Package): string {
  return join(folder, ...packageSegments(pkg));
}

const RESERVED = new Set([MANIFEST, MANIFEST_SHA256].map((n) => n.toLowerCase()));
const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Refuses a package with a file whose path is unsafe or clashes with the manifest, naming them all. */
function checkPaths(files: readonly PackageContentFile[]): void {
  const problems: string[] = [];
  for (const file of files) {
    try {
      checkSegments(file.segments, file.path);
      if (RESERVED.has((file.segments[0] ?? "").toLowerCase()))
        throw new Error(`file "${file.path}": refused, the name is the download's own manifest`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new Error(`the package was not downloaded: ${problems.join("; ")}`);
  }
}

export async function downloadPackage(options: PackageDownloadOptions): Promise<PackageResult> {
  const { wats, packageId, logger } = options;
  const internal = new SoftwareInternalService(wats.transport);
  const pkg = await wats.software.getSoftwarePackage({ id: packageId });
  const { files } = await fetchPackageContents(internal, packageId);
  checkPaths(files);
  const [name, version] = packageSegments(pkg);
  const parent = await realFolder(options.folder, [name]);
  const staging = await fsp.mkdtemp(join(parent, `.${version}.partial-`));
  let bytes = 0;
  try {
    const written: ManifestFile[] = [];
    for (const file of files) {
      let data: Uint8Array;
      try {
        data = await downloadPackageFile(internal, file, { timeoutMs: FILE_TIMEOUT_MS });
        await writeContained(staging, file.segments, data, file.path);
      } catch (error) {
        const message = (error as Error).message;
        throw new Error(message.includes(`"${file.path}"`) ? message : `file "${file.path}": ${message}`, {
          cause: error,
        });
      }
      bytes += data.byteLength;
      written.push({
        path: file.path,
        repositoryFolderFileId: file.repositoryFolderFileId,
        size: data.byteLength,
        ...(file.checksum ? { checksum: file.checksum } : {}),
        sha256: sha256Hex(data),
      });
    }
    const manifest: Manifest = {
      server: options.server,
      downloadedAt: (options.now?.() ?? new Date()).toISOString(),
      package: pkg,
      files: written,
    };
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeContained(staging, [MANIFEST], Buffer.from(text, "utf8"));
    await writeContained(
      staging,
      [MANIFEST_SHA256],
      Buffer.from(`${sha256Hex(text)}  ${MANIFEST}\n`, "utf8"),
    );
    await swapIn(parent, version, staging);
  } catch (error) {
    await fsp.rm(staging, { recursive: true, force: true });
    throw error;
  }
  logger?.info(
    { package: pkg.name, version: pkg.version, files: files.length, bytes, folder: join(parent, version) },
    "software package downloaded",
  );
  return verifyFiles(pkg, join(parent, version), files);
}

/** Puts `staging` at `parent/version`; a previous download there is moved aside, then removed. */
async function swapIn(parent: string, version: string, staging: string): Promise<void> {
  const target = join(parent, version);
  const old = `${staging}.old`;
  let moved = false;
  try {
    await fsp.rename(target, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await fsp.rename(staging, target);
  // A link planted at the version's name was moved aside like a folder: rm removes the link only.
  if (moved) await fsp.rm(old, { recursive: true, force: true });
}

/** Size and digests of a file below `root`, read without following links. */
async function readDigests(
  root: string,
  segments: readonly string[],
  algorithm: FileChecksum["algorithm"] | undefined,
): Promise<
  | { kind: "file"; size: number; sha256: string; digest?: string }
  | { kind: "missing" }
  | { kind: "refused"; reason: string }
> {
  const opened = await openContained(root, segments);
  if (opened.kind === "missing") return { kind: "missing" };
  if (opened.kind === "refused") return { kind: "refused", reason: `${opened.path} ${opened.reason}` };
  const sha256 = createHash("sha256");
  const other = algorithm && algorithm !== "sha256" ? createHash(algorithm) : undefined;
  let size = 0;
  try {
    for await (const chunk of opened.handle.createReadStream({ autoClose: false })) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      sha256.update(bytes);
      other?.update(bytes);
    }
  } finally {
    await opened.handle.close();
  }
  const sha = sha256.digest("hex");
  return {
    kind: "file",
    size,
    sha256: sha,
    ...(algorithm ? { digest: other ? other.digest("hex") : sha } : {}),
  };
}

/** One check per file: on disk, same size and checksum as `files` (the server's, at best). */
async function fileChecks(
  folder: string,
  files: readonly PackageContentFile[],
  manifest: Manifest | undefined,
): Promise<Check[]> {
  const checks: Check[] = [];
  const local = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  for (const file of files) {
    const name = file.path;
    let segments: readonly string[];
    try {
      segments = checkSegments(file.segments, file.path);
    } catch (error) {
      checks.push({ name, ok: false, detail: (error as Error).message });
      continue;
    }
    const found = await readDigests(folder, segments, file.checksum?.algorithm);
    if (found.kind === "missing") {
      checks.push({ name, ok: false, detail: "missing on disk" });
      continue;
    }
    if (found.kind === "refused") {
      checks.push({ name, ok: false, detail: `not read: ${found.reason}` });
      continue;
    }
    const expectedSize = file.size ?? local.get(file.path)?.size;
    if (expectedSize !== undefined && found.size !== expectedSize) {
      checks.push({
        name,
        ok: false,
        detail: `changed: ${found.size} bytes on disk, the package has ${expectedSize}`,
      });
      continue;
    }
    if (file.checksum) {
      const ok = found.digest === file.checksum.hex;
      checks.push({
        name,
        ok,
        detail: ok
          ? `${found.size} bytes, ${file.checksum.algorithm} ${file.checksum.hex.slice(0, 12)}… as on the server`
          : `changed: ${file.checksum.algorithm} ${found.digest?.slice(0, 12)}… on disk, the server has ${file.checksum.hex.slice(0, 12)}…`,
      });
      continue;
    }
    const recorded = local.get(file.path)?.sha256;
    if (recorded !== undefined) {
      const ok = recorded === found.sha256;
      checks.push({
        name,
        ok,
        detail: ok
          ? `${found.size} bytes, sha256 as downloaded (the server gives no checksum)`
          : `changed: sha256 differs from the download's (the server gives no checksum)`,
      });
      continue;
    }
    checks.push({ name, ok: true, detail: `${found.size} bytes (no checksum to compare: size only)` });
  }
  return checks;
}

async function verifyFiles(
  pkg: Package,
  folder: string,
  files: readonly PackageContentFile[],
  manifest?: Manifest,
): Promise<PackageResult> {
  const checks = await fileChecks(folder, files, manifest);
  return { package: pkg, folder, ok: checks.every((c) => c.ok), checks };
}

/** Reads the manifest and checks it against its sha256 file. */
async function readManifest(folder: string): Promise<{ manifest?: Manifest; check: Check }> {
  let text: string;
  let recorded: string | undefined;
  try {
    const read = async (name: string) => {
      const opened = await openContained(folder, [name]);
      if (opened.kind !== "file") {
        throw Object.assign(new Error(opened.kind === "missing" ? "missing" : opened.reason), {
          code: opened.kind,
        });
      }
      try {
        return await opened.handle.readFile("utf8");
      } finally {
        await opened.handle.close();
      }
    };
    text = await read(MANIFEST);
    recorded = (await read(MANIFEST_SHA256)).split(/\s+/)[0];
  } catch (error) {
    return {
      check: { name: MANIFEST, ok: false, detail: `not found in ${folder} (${(error as Error).message})` },
    };
  }
  if (recorded !== sha256Hex(text)) {
    return { check: { name: MANIFEST, ok: false, detail: "changed since the download (sha256 differs)" } };
  }
  try {
    return {
      manifest: JSON.parse(text) as Manifest,
      check: { name: MANIFEST, ok: true, detail: `intact (sha256 ${recorded.slice(0, 12)}…)` },
    };
  } catch (error) {
    return { check: { name: MANIFEST, ok: false, detail: `not valid JSON: ${(error as Error).message}` } };
  }
}

/**
 * Verifies a downloaded package against the server: manifest intact, same version, not revoked,
 * and every file the server lists present on disk with its size and checksum.
 */
export async function verifyPackage(
  options: Omit<PackageDownloadOptions, "server" | "now">,
): Promise<PackageResult> {
  const { wats, packageId } = options;
  const pkg = await wats.software.getSoftwarePackage({ id: packageId });
  const { files } = await fetchPackageContents(new SoftwareInternalService(wats.transport), packageId);
  const folder = packageFolder(options.folder, pkg);
  const { manifest, check } = await readManifest(folder);
  const checks: Check[] = [check];
  if (manifest) {
    checks.push({
      name: "version",
      ok: manifest.package.version === pkg.version,
      detail: `downloaded v${manifest.package.version}, server v${pkg.version}`,
    });
    const gone = manifest.files.filter((m) => !files.some((f) => f.path === m.path)).map((m) => m.path);
    if (gone.length > 0) {
      checks.push({
        name: "files",
        ok: false,
        detail: `no longer in the package on the server: ${gone.join(", ")}`,
      });
    }
  }
  checks.push({ name: "status", ok: pkg.status !== "Revoked", detail: `${pkg.status} on the server` });
  const result = await verifyFiles(pkg, folder, files, manifest);
  checks.push(...result.checks);
  return { package: pkg, folder, ok: checks.every((c) => c.ok), checks };
}
