/**
 * The file-system calls the queue makes, behind one interface so tests can make them fail the
 * way disks do (ENOSPC, EACCES, EIO) without filling a real disk. `nodeQueueFs` is the real one.
 * Every file is created exclusively (O_EXCL) and without following a symlink (O_NOFOLLOW), so a
 * link planted in the queue folder can never redirect a write; `link` publishes a finished file
 * under a name only when that name is free.
 */
import { constants, type Dir, readFile } from "node:fs";
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
    // The callback form: fs/promises' readFile makes several times the garbage per call, and the
    // daemon's startup repair reads one marker per queued report.
    return new Promise((resolve, reject) =>
      readFile(path, (error, data) => (error ? reject(error) : resolve(data))),
    );
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
  entries(path) {
    return { [Symbol.asyncIterator]: () => new DirEntries(path) };
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

const DIR_BATCH = 64;
const FINISHED: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A directory streamed in batches of DIR_BATCH entries: one asynchronous read (libuv's thread
 * pool) fetches a batch, the batch's other entries are taken from the Dir's buffer without
 * waiting (`next()` answers those with an already-resolved promise). An async generator over
 * `for await (const entry of dir)` makes several promises per entry instead; over a queue of
 * 10 000 reports that garbage grew the daemon's young generation (and its RSS) by ~7 MiB at start.
 */
class DirEntries implements AsyncIterator<QueueDirEntry, undefined> {
  readonly #path: string;
  #dir: Dir | undefined;
  #batch: QueueDirEntry[] = [];
  #index = 0;
  #finished = false;

  constructor(path: string) {
    this.#path = path;
  }

  next(): Promise<IteratorResult<QueueDirEntry, undefined>> {
    if (this.#index < this.#batch.length) {
      return Promise.resolve({ value: this.#batch[this.#index++] as QueueDirEntry, done: false });
    }
    if (this.#finished) return Promise.resolve(FINISHED);
    return this.#fetch();
  }

  async #fetch(): Promise<IteratorResult<QueueDirEntry, undefined>> {
    try {
      this.#dir ??= await fsp.opendir(this.#path, { bufferSize: DIR_BATCH });
      const batch: QueueDirEntry[] = [];
      // read() fetches DIR_BATCH entries when its buffer is empty; readSync() then only takes
      // from that buffer (a short batch means the end, so it never waits on the disk mid-stream).
      let entry = await this.#dir.read();
      while (entry !== null) {
        batch.push({ name: entry.name, isFile: entry.isFile() });
        if (batch.length === DIR_BATCH) break;
        entry = this.#dir.readSync();
      }
      this.#batch = batch;
      this.#index = 0;
      if (batch.length < DIR_BATCH) await this.#close();
    } catch (error) {
      await this.#close().catch(() => undefined);
      throw error;
    }
    return this.#index < this.#batch.length
      ? { value: this.#batch[this.#index++] as QueueDirEntry, done: false }
      : FINISHED;
  }

  async #close(): Promise<void> {
    this.#finished = true;
    const dir = this.#dir;
    this.#dir = undefined;
    await dir?.close();
  }

  /** The loop stopped early (break, return, throw): the directory handle is closed. */
  async return(): Promise<IteratorResult<QueueDirEntry, undefined>> {
    this.#batch = [];
    await this.#close();
    return FINISHED;
  }
}

/** The errno code of a thrown error, if any. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
