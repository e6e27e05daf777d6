/**
 * When a file may be taken: its size and mtime have not changed for `settleMs`, and (on Windows)
 * it can be opened for writing, which fails with EBUSY/EPERM while the writer still holds it
 * open without sharing. Linux and macOS have no mandatory locks: there the settle time is the
 * only guard, so writers should either write within the settle time or write to a temporary name
 * (`.tmp`, `.part`, or a leading `.`/`~`, which the watcher ignores) and rename when done.
 */
import { lstat, open, stat } from "node:fs/promises";

export interface FileSignature {
  size: number;
  mtimeMs: number;
}

/** Size and mtime of a regular file; undefined for anything else (a symbolic link unless `followSymlinks`). */
export async function signature(path: string, followSymlinks = false): Promise<FileSignature | undefined> {
  try {
    const s = followSymlinks ? await stat(path) : await lstat(path);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

export const sameSignature = (a: FileSignature | undefined, b: FileSignature | undefined): boolean =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** True when another process holds the file so that it cannot be opened for writing (Windows). */
export async function isLocked(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "r+");
    await handle.close();
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EBUSY" || code === "ETXTBSY") return true;
    if (code === "EPERM" && process.platform === "win32") return true;
    // EACCES (read-only file) and the like: not a lock; reading will tell.
    return false;
  }
}
