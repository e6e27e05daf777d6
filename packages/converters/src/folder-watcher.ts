/**
 * One watch folder feeding one converter. Files are found by a startup scan, by chokidar events
 * and by a periodic re-scan (events can be lost: network shares, overflowing OS queues). A file is
 * taken once it is stable (see file-stability.ts), converted in a worker, each report enqueued
 * (durable) and only then is the file moved, so a crash in between converts it again to the
 * same report ids, which the queue and WATS treat as the same reports. A path being settled or
 * converted is never taken a second time.
 */
import { mkdir, readdir, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { WatsLogger } from "@tswats/core";
import { type FSWatcher, watch } from "chokidar";
import type { ConverterEntry } from "./config-schema.js";
import type { EnqueueReport } from "./contract.js";
import { ConversionError } from "./errors.js";
import { type FileSignature, isLocked, sameSignature, signature } from "./file-stability.js";
import { pathFilter } from "./glob.js";
import type { ConverterHost } from "./host.js";
import { IncompleteRetries } from "./incomplete-retry.js";
import { afterFailure, afterSuccess } from "./post-actions.js";

export type ConverterEvent =
  | {
      type: "converted";
      watcher: string;
      path: string;
      movedTo?: string;
      ids: string[];
      duplicates: number;
      warnings: string[];
    }
  | { type: "failed"; watcher: string; path: string; movedTo?: string; error: ConversionError }
  | { type: "enqueue-failed"; watcher: string; path: string; error: Error }
  /** The converter said the file's set is not complete yet: it stays in place and is tried again after `retryAfterMs`. */
  | { type: "incomplete"; watcher: string; path: string; retryAfterMs: number; message: string };

export interface FolderWatcherOptions {
  entry: ConverterEntry;
  host: ConverterHost;
  enqueue: EnqueueReport;
  logger: WatsLogger;
  station: string | undefined;
  onEvent?: (event: ConverterEvent) => void;
  /** Conversions of this folder at the same time (default 2). */
  concurrency?: number;
  /** How long a file whose reports could not be enqueued waits before it is tried again (default 30 s). */
  enqueueRetryMs?: number;
}

/** Names writers use while a file is incomplete, and our own side files. */
const IGNORED_NAME = /^[.~]|\.(tmp|temp|part|partial|crdownload|lock)$|\.error\.txt$|\.warnings\.txt$/i;
const ENQUEUE_RETRY_MS = 30_000;

export class FolderWatcher {
  readonly label: string;
  folder: string;
  doneFolder: string;
  errorFolder: string;
  readonly #o: FolderWatcherOptions;
  readonly #accept: (relativePath: string) => boolean;
  #watcher: FSWatcher | undefined;
  #rescan: NodeJS.Timeout | undefined;
  #closed = false;
  /** Paths waiting to settle: last signature seen. */
  readonly #settling = new Map<string, { sig: FileSignature; timer: NodeJS.Timeout }>();
  readonly #inFlight = new Set<string>();
  readonly #ready: string[] = [];
  /** Paths kept in place (onSuccess "keep") or not movable: the signature they were handled with. */
  readonly #handled = new Map<string, string>();
  readonly #retryAt = new Map<string, number>();
  readonly #incomplete = new IncompleteRetries();
  readonly #active = new Set<Promise<void>>();
  readonly #counts = { converted: 0, failed: 0, reports: 0, duplicates: 0, enqueueFailures: 0 };
  #lastError: string | undefined;

  constructor(options: FolderWatcherOptions) {
    this.#o = options;
    const e = options.entry;
    this.label = e.label ?? e.name;
    this.folder = resolve(e.watch.folder);
    this.doneFolder = resolve(e.doneFolder ?? join(this.folder, "Done"));
    this.errorFolder = resolve(e.errorFolder ?? join(this.folder, "Error"));
    const descriptor = options.host.require(e.name);
    const include = e.watch.include ?? descriptor.filePatterns;
    this.#accept = pathFilter(include, e.watch.exclude ?? []);
  }

  #wanted(path: string): boolean {
    const rel = relative(this.folder, path);
    if (rel === "" || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return false;
    if (this.#isSpecial(path)) return false;
    if (!this.#o.entry.watch.recursive && rel.includes(sep)) return false;
    const name = rel.slice(rel.lastIndexOf(sep) + 1);
    if (IGNORED_NAME.test(name)) return false;
    return this.#accept(rel.split(sep).join("/"));
  }

  /** Inside the done or error folder (never watched). */
  #isSpecial(path: string): boolean {
    for (const special of [this.doneFolder, this.errorFolder]) {
      const r = relative(special, path);
      if (r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r))) return true;
    }
    return false;
  }

  get #follow(): boolean {
    return this.#o.entry.watch.followSymlinks;
  }

  async start(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    // The configured folders are trusted as given: their real paths are what is watched and written.
    const e = this.#o.entry;
    this.folder = await realpath(this.folder);
    this.doneFolder = e.doneFolder ? await realpathIfExists(this.doneFolder) : join(this.folder, "Done");
    this.errorFolder = e.errorFolder ? await realpathIfExists(this.errorFolder) : join(this.folder, "Error");
    const recursive = this.#o.entry.watch.recursive;
    this.#watcher = watch(this.folder, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: this.#follow,
      ...(recursive ? {} : { depth: 0 }),
      ignored: (p: string) => this.#isSpecial(resolve(p)),
    });
    this.#watcher.on("add", (p) => this.notice(resolve(p)));
    this.#watcher.on("change", (p) => this.notice(resolve(p)));
    this.#watcher.on("error", (error) =>
      this.#o.logger.warn({ folder: this.folder, err: String(error) }, "watch error"),
    );
    await new Promise<void>((ready) => this.#watcher?.once("ready", () => ready()));
    await this.scan();
    const every = this.#o.entry.watch.rescanMs;
    if (every > 0) {
      this.#rescan = setInterval(() => void this.scan(), every);
      this.#rescan.unref?.();
    }
  }

  /** Looks at every file in the folder (startup and periodic safety net). */
  async scan(): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of entries) {
        const full = join(dir, d.name);
        // Links are skipped unless watch.followSymlinks (then they count as what they point to).
        const target = d.isSymbolicLink() && this.#follow ? await stat(full).catch(() => undefined) : d;
        if (target?.isDirectory()) {
          if (this.#o.entry.watch.recursive && full !== this.doneFolder && full !== this.errorFolder)
            await walk(full);
        } else if (target?.isFile()) this.notice(full);
      }
    };
    await walk(this.folder);
  }

  /** A file was seen (event or scan): start or continue watching it settle. */
  notice(path: string): void {
    if (this.#closed || !this.#wanted(path)) return;
    if (this.#inFlight.has(path) || this.#settling.has(path) || this.#ready.includes(path)) return;
    const retry = this.#retryAt.get(path);
    if (retry !== undefined && Date.now() < retry) return;
    void signature(path, this.#follow).then((sig) => {
      if (
        !sig ||
        this.#closed ||
        this.#settling.has(path) ||
        this.#inFlight.has(path) ||
        this.#ready.includes(path)
      )
        return;
      if (this.#handled.get(path) === sigKey(sig)) return;
      this.#settle(path, sig);
    });
  }

  #settle(path: string, sig: FileSignature): void {
    const timer = setTimeout(async () => {
      const now = await signature(path, this.#follow);
      if (this.#closed) return;
      if (!now) {
        this.#settling.delete(path);
        return;
      }
      if (!sameSignature(sig, now) || (await isLocked(path))) {
        this.#settle(path, now); // still changing (or held open): wait another settle time
        return;
      }
      this.#settling.delete(path);
      this.#ready.push(path);
      this.#pump();
    }, this.#o.entry.watch.settleMs);
    timer.unref?.();
    this.#settling.set(path, { sig, timer });
  }

  #pump(): void {
    const limit = this.#o.concurrency ?? 2;
    while (!this.#closed && this.#ready.length > 0 && this.#inFlight.size < limit) {
      const path = this.#ready.shift() as string;
      this.#inFlight.add(path);
      const job = this.#process(path)
        .catch((error) =>
          this.#o.logger.error({ file: path, err: String(error) }, "converter: unexpected failure"),
        )
        .finally(() => {
          this.#inFlight.delete(path);
          this.#active.delete(job);
          this.#pump();
        });
      this.#active.add(job);
    }
  }

  async #process(path: string): Promise<void> {
    const e = this.#o.entry;
    const log = this.#o.logger;
    const relativeDir = dirname(relative(this.folder, path));
    const relDir = relativeDir === "." ? "" : relativeDir;
    const sigBefore = await signature(path, this.#follow);
    let result: Awaited<ReturnType<ConverterHost["convertFile"]>>;
    try {
      result = await this.#o.host.convertFile(path, {
        converter: e.name,
        parameters: e.parameters,
        station: this.#o.station,
        timeoutMs: e.timeoutMs,
        maxMemoryMb: e.maxMemoryMb,
        maxFileMb: e.maxFileMb,
        folder: this.folder,
        followSymlinks: this.#follow,
      });
    } catch (error) {
      if (this.#closed) return;
      const ce = ConversionError.from(error, "crash");
      if (ce.kind === "incomplete") return this.#notComplete(path, ce);
      if (ce.kind === "io" && !(await signature(path, this.#follow))) return; // vanished meanwhile
      this.#counts.failed++;
      this.#lastError = `${path}: ${ce.message}`;
      log.warn(
        { file: path, converter: e.name, kind: ce.kind, line: ce.line, field: ce.field, err: ce.message },
        "conversion failed",
      );
      let movedTo: string | undefined;
      try {
        movedTo = await afterFailure(path, this.errorFolder, relDir, e.name, error);
      } catch (moveError) {
        if (sigBefore) this.#handled.set(path, sigKey(sigBefore));
        log.error(
          { file: path, err: String(moveError) },
          "could not move the failed file to the error folder",
        );
      }
      this.#o.onEvent?.({
        type: "failed",
        watcher: this.label,
        path,
        ...(movedTo ? { movedTo } : {}),
        error: ce,
      });
      return;
    }
    // Enqueue every report (durable) before the file is moved.
    const ids: string[] = [];
    let duplicates = 0;
    try {
      for (const [index, report] of result.reports.entries()) {
        const r = await this.#o.enqueue(report, { path, converter: e.name, sha256: result.sha256, index });
        ids.push(r.id);
        if (r.status === "duplicate") duplicates++;
      }
    } catch (error) {
      this.#counts.enqueueFailures++;
      this.#lastError = `${path}: enqueue failed: ${(error as Error).message}`;
      this.#retryAt.set(path, Date.now() + (this.#o.enqueueRetryMs ?? ENQUEUE_RETRY_MS));
      log.error(
        { file: path, err: (error as Error).message },
        "could not enqueue the reports; the file stays and is tried again",
      );
      this.#o.onEvent?.({ type: "enqueue-failed", watcher: this.label, path, error: error as Error });
      return;
    }
    this.#retryAt.delete(path);
    this.#counts.converted++;
    this.#counts.reports += ids.length;
    this.#counts.duplicates += duplicates;
    for (const w of result.warnings) log.warn({ file: path, converter: e.name }, w);
    let movedTo: string | undefined;
    try {
      movedTo = await afterSuccess(path, {
        onSuccess: e.onSuccess,
        doneFolder: this.doneFolder,
        relativeDir: relDir,
        warnings: result.warnings,
        converter: e.name,
      });
      if (e.onSuccess === "keep" && sigBefore) this.#handled.set(path, sigKey(sigBefore));
    } catch (error) {
      if (sigBefore) this.#handled.set(path, sigKey(sigBefore));
      log.error({ file: path, err: String(error) }, "converted, but the file could not be moved/deleted");
    }
    log.info(
      { file: path, converter: e.name, ids, duplicates, ...(movedTo ? { movedTo } : {}) },
      "converted",
    );
    this.#o.onEvent?.({
      type: "converted",
      watcher: this.label,
      path,
      ...(movedTo ? { movedTo } : {}),
      ids,
      duplicates,
      warnings: result.warnings,
    });
  }

  /** The converter said the file's set is not complete: leave it in place and take it again later. */
  #notComplete(path: string, error: ConversionError): void {
    const delay = this.#incomplete.schedule(path, error.retryAfterMs, (again) => {
      this.#retryAt.delete(again);
      this.notice(again);
    });
    this.#retryAt.set(path, Date.now() + delay);
    this.#o.logger.info(
      { file: path, converter: this.#o.entry.name, retryInMs: delay },
      `not complete yet: ${error.message}`,
    );
    this.#o.onEvent?.({
      type: "incomplete",
      watcher: this.label,
      path,
      retryAfterMs: delay,
      message: error.message,
    });
  }

  stats(): Record<string, unknown> {
    return {
      converter: this.#o.entry.name,
      folder: this.folder,
      ...this.#counts,
      settling: this.#settling.size,
      queued: this.#ready.length,
      inFlight: this.#inFlight.size,
      waitingForCompletion: this.#incomplete.size,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  /** Stops taking files (timers, watcher). Conversions in progress go on; see `drain`. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#rescan) clearInterval(this.#rescan);
    this.#incomplete.clear();
    for (const { timer } of this.#settling.values()) clearTimeout(timer);
    this.#settling.clear();
    this.#ready.length = 0;
    await this.#watcher?.close();
  }

  /** Waits for the files in progress (a conversion cut short by closing the host leaves its file in place). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#active]);
  }
}

async function realpathIfExists(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

const sigKey = (s: FileSignature) => `${s.size}:${s.mtimeMs}`;
