/**
 * Files the client writes and reads below one folder given by path segments that came from
 * elsewhere (a server's file names). Nothing leaves the folder:
 * - a segment that is empty, `.`, `..`, holds a path separator, a drive (`C:`) or a control
 *   character, or is a Windows device name, is refused (the path names the file);
 * - every folder between the root and the file must be a real folder: a symbolic link there is
 *   refused, never followed (folders are created one by one, each checked with lstat);
 * - a file is written to a new temp name beside it (O_EXCL, O_NOFOLLOW, fsync) and renamed over
 *   the final name, so a link planted at that name is replaced, not written through, and a
 *   reader never sees half a file; files are read with O_NOFOLLOW.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { errnoCode, NO_FOLLOW } from "../queue/fs-layer.js";

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why a path segment may not be used, or undefined when it may. */
function unsafeSegment(segment: string): string | undefined {
  if (segment === "") return "an empty name";
  if (segment === "." || segment === "..") return `the name "${segment}"`;
  if (/[/\\]/.test(segment)) return "a path separator";
  if (/^[a-z]:/i.test(segment)) return "a drive letter";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(segment)) return "a control character";
  if (WINDOWS_DEVICE.test(segment)) return "a Windows device name";
  if (/[. ]$/.test(segment)) return "a trailing dot or space (Windows drops them)";
  return undefined;
}

/**
 * The segments when every one is safe below a folder; else an Error naming `path` (what the
 * user knows the file as) and the reason.
 */
export function checkSegments(segments: readonly string[], path: string): readonly string[] {
  if (segments.length === 0) throw new Error(`file "${path}": no name`);
  for (const segment of segments) {
    const why = unsafeSegment(segment);
    if (why)
      throw new Error(`file "${path}": refused, its path has ${why}; it would not stay inside the folder`);
  }
  return segments;
}

/**
 * Makes `root/<segments...>` a chain of real folders (creating what is missing) and returns its
 * path. `root` itself must exist or be creatable; a symbolic link anywhere below it is refused.
 */
export async function realFolder(root: string, segments: readonly string[]): Promise<string> {
  await fsp.mkdir(root, { recursive: true });
  let at = root;
  for (const segment of segments) {
    at = join(at, segment);
    try {
      await fsp.mkdir(at);
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error;
    }
    const stat = await fsp.lstat(at);
    if (stat.isSymbolicLink()) throw new Error(`${at} is a symbolic link: refusing to write through it`);
    if (!stat.isDirectory()) throw new Error(`${at} is not a folder`);
  }
  return at;
}

/**
 * Writes `data` to `root/<segments...>` (segments checked, folders created as real folders):
 * a new temp file, fsynced, renamed over the final name. The temp file is removed on failure.
 */
export async function writeContained(
  root: string,
  segments: readonly string[],
  data: Uint8Array,
  path = segments.join("/"),
): Promise<string> {
  checkSegments(segments, path);
  const folder = await realFolder(root, segments.slice(0, -1));
  const name = segments[segments.length - 1] as string;
  const target = join(folder, name);
  const tmp = join(folder, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await fsp.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW,
    0o644,
  );
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, target);
  } catch (error) {
    await fsp.rm(tmp, { force: true });
    throw error;
  }
  return target;
}

export type ContainedRead =
  | { kind: "file"; handle: fsp.FileHandle; path: string }
  | { kind: "missing"; path: string }
  | { kind: "refused"; path: string; reason: string };

/**
 * Opens `root/<segments...>` for reading without following a symbolic link anywhere below
 * `root`: a link, or a folder that is not one, is "refused" with the reason; the caller closes
 * the handle.
 */
export async function openContained(root: string, segments: readonly string[]): Promise<ContainedRead> {
  let at = root;
  for (const segment of segments.slice(0, -1)) {
    at = join(at, segment);
    let stat: Awaited<ReturnType<typeof fsp.lstat>>;
    try {
      stat = await fsp.lstat(at);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return { kind: "missing", path: join(root, ...segments) };
      throw error;
    }
    if (stat.isSymbolicLink()) return { kind: "refused", path: at, reason: "is a symbolic link" };
    if (!stat.isDirectory()) return { kind: "refused", path: at, reason: "is not a folder" };
  }
  const path = join(root, ...segments);
  try {
    // Also where O_NOFOLLOW does not exist (Windows): a link at the name is not opened.
    if ((await fsp.lstat(path)).isSymbolicLink())
      return { kind: "refused", path, reason: "is a symbolic link" };
    const handle = await fsp.open(path, constants.O_RDONLY | NO_FOLLOW);
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return { kind: "refused", path, reason: "is not a file" };
    }
    return { kind: "file", handle, path };
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT") return { kind: "missing", path };
    if (code === "ELOOP" || code === "EMLINK") return { kind: "refused", path, reason: "is a symbolic link" };
    throw error;
  }
}
