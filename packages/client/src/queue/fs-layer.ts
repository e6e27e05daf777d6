/**
 * The file-system calls the queue makes, behind one interface so tests can make them fail the
 * way disks do (ENOSPC, EACCES, EIO) without filling a real disk. `nodeQueueFs` is the real one.
 * Every file is created exclusively (O_EXCL) and without following a symlink (O_NOFOLLOW), so a
 * link planted in the queue folder can never redirect a write; `link` publishes a finished file
 * under a name only when that name is free.
 */
import { constants } from "node:fs";
import * as fsp from "node:fs/promises";

export interface QueueDirEntry {
  name: string;
  isFile: boolean;
}

export interface QueueFs {
  mkdir(path: string): Promise<void>;
  /** Writes `data` to a new file (fails with EEXIST when it exists); with `sync`, fsyncs it before closing. */
  writeNewFile(
    path: string,
    data: string | Uint8Array,
    options?: { sync?: boolean; mode?: number },
  ): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  /** A second name for a file; fails with EEXIST when `to` exists (an atomic "create if absent"). */
  link(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync of a directory, so a rename or unlink inside it survives a power cut. */
  syncDir(path: string): Promise<void>;
  /** Streams a directory's entries (never the whole listing in memory). */
  entries(path: string): AsyncIterable<QueueDirEntry>;
  exists(path: string): Promise<boolean>;
}

/** O_NOFOLLOW where the platform has it (not on Windows, where O_EXCL alone refuses a link). */
export const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export const nodeQueueFs: QueueFs = {
  async mkdir(path) {
    await fsp.mkdir(path, { recursive: true });
  },
  async writeNewFile(path, data, options = {}) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
    const handle = await fsp.open(path, flags, options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
  },
  readFile(path) {
    return fsp.readFile(path);
  },
  rename(from, to) {
    return fsp.rename(from, to);
  },
  link(from, to) {
    return fsp.link(from, to);
  },
  unlink(path) {
    return fsp.unlink(path);
  },
  async syncDir(path) {
    if (process.platform === "win32") return; // directories cannot be opened for fsync on Windows
    const handle = await fsp.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async *entries(path) {
    const dir = await fsp.opendir(path, { bufferSize: 64 });
    for await (const entry of dir) yield { name: entry.name, isFile: entry.isFile() };
  },
  async exists(path) {
    try {
      await fsp.lstat(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  },
};

/** The errno code of a thrown error, if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
