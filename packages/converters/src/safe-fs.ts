/**
 * File access that stays inside the client's folders. Someone who can write into a watch folder
 * (or its Done/ and Error/ folders) must not be able to make the client read or write anything
 * elsewhere through a symbolic link:
 * - source files are opened without following a link (O_NOFOLLOW), checked to be regular files,
 *   and (through their real path) to lie inside the watch folder; the bytes are read through that
 *   same handle;
 * - every file the client writes is created exclusively (O_EXCL, which also refuses a link at the
 *   name) without following links, and every folder it writes into is checked not to be a link;
 * - moves never replace an existing name (a hard link under the new name, then the old one removed).
 */
import { constants } from "node:fs";
import {
  copyFile,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  realpath,
  rename,
  unlink,
} from "node:fs/promises";
import { extname, isAbsolute, join, relative, sep } from "node:path";
import { ConversionError } from "./errors.js";

/** O_NOFOLLOW where the platform has it (Windows has none; the lstat checks cover it there). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export interface OpenedSource {
  handle: FileHandle;
  size: number;
}

/**
 * Opens a source file for reading: a regular file, not a link, inside `folder` (checked on its
 * real path) unless `followSymlinks`. Throws a ConversionError (kind "io") saying what is wrong.
 */
export async function openSourceFile(
  path: string,
  options: { folder?: string | undefined; followSymlinks?: boolean | undefined } = {},
): Promise<OpenedSource> {
  const follow = options.followSymlinks === true;
  if (!follow) {
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink())
      throw new ConversionError(
        `${path} is a symbolic link; links are not followed (setting watch.followSymlinks)`,
        {
          kind: "io",
        },
      );
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (follow ? 0 : NO_FOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new ConversionError(
        `${path} is a symbolic link; links are not followed (setting watch.followSymlinks)`,
        {
          kind: "io",
        },
      );
    throw new ConversionError(`cannot read ${path}: ${(error as Error).message}`, { kind: "io" });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ConversionError(`${path} is not a regular file`, { kind: "io" });
    if (options.folder !== undefined && !follow) {
      // A link in a parent folder would lead elsewhere: the real path must still be inside, and be this file.
      const [real, root] = await Promise.all([realpath(path), realpath(options.folder)]);
      const again = await lstat(real);
      if (!isInside(root, real))
        throw new ConversionError(
          `${path} is not inside the watch folder ${options.folder} (a link in its path leads to ${real}); not read`,
          { kind: "io" },
        );
      if (again.ino !== info.ino || again.dev !== info.dev)
        throw new ConversionError(`${path} was replaced while it was opened; not read`, { kind: "io" });
    }
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Makes `root/relativeDir` exist as real folders (no link anywhere below `root`, and `root`
 * itself not a link) and returns its path.
 */
export async function ensureRealFolder(root: string, relativeDir = ""): Promise<string> {
  await mkdir(root, { recursive: true });
  let current = root;
  await checkFolder(current);
  for (const part of relativeDir.split(/[\\/]+/).filter((p) => p !== "" && p !== ".")) {
    if (part === "..") throw new Error(`refusing to write outside ${root} (${relativeDir})`);
    current = join(current, part);
    await mkdir(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await checkFolder(current);
  }
  return current;
}

async function checkFolder(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) throw new Error(`${path} is a symbolic link; refusing to write through it`);
  if (!info.isDirectory()) throw new Error(`${path} is not a folder`);
}

async function taken(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(".", "").replace("Z", "");

/** Names to try for `name` in `folder`: itself, then with a timestamp (and a counter) before the extension. */
function* candidates(folder: string, name: string, now: Date, ext = extname(name)): Generator<string> {
  yield join(folder, name);
  const base = ext ? name.slice(0, -ext.length) : name;
  for (let i = 0; i < 1000; i++) yield join(folder, `${base}.${stamp(now)}${i ? `-${i}` : ""}${ext}`);
}

/** A path for `name` in `folder` that nothing (not even a dangling link) holds right now. */
export async function freePath(folder: string, name: string, now = new Date()): Promise<string> {
  for (const candidate of candidates(folder, name, now)) if (!(await taken(candidate))) return candidate;
  throw new Error(`no free name for ${name} in ${folder}`);
}

/**
 * Writes a new file: created exclusively without following links; when the name is taken (a file
 * or a planted link) a timestamped name beside it is used. Returns the path written.
 */
export async function writeNewFile(
  folder: string,
  name: string,
  text: string,
  ext?: string,
): Promise<string> {
  for (const candidate of candidates(folder, name, new Date(), ext)) {
    let handle: FileHandle;
    try {
      handle = await open(
        candidate,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW,
        0o644,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw error;
    }
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    return candidate;
  }
  throw new Error(`no free name for ${name} in ${folder}`);
}

/**
 * Moves a file to `folder` under its name (or a free timestamped one), never replacing anything
 * there: a hard link under the new name (fails if the name is taken), then the old name removed.
 * Across devices: an exclusive copy, then the old name removed. Returns the new path.
 */
export async function moveNoReplace(source: string, folder: string, name: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const target = await freePath(folder, name);
    try {
      await link(source, target);
      await unlink(source);
      return target;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue; // taken meanwhile: another name
      if (code === "EXDEV") {
        await copyFile(source, target, constants.COPYFILE_EXCL);
        await unlink(source);
        return target;
      }
      if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "ENOSYS") {
        // A file system without hard links: a rename to the name found free just now.
        await rename(source, target);
        return target;
      }
      throw error;
    }
  }
  throw new Error(`no free name for ${name} in ${folder}`);
}
