/**
 * The durable report queue: one folder the user can inspect.
 *
 * ```
 * <folder>/pending/   reports waiting (or waiting for their next attempt)
 * <folder>/sending/   claimed by the uploader (back to pending/ when the daemon starts)
 * <folder>/done/      uploaded; kept for a time / a count
 * <folder>/failed/    given up, each with a <name>.reason.json (when, status, server message, attempts)
 * <folder>/ids/       one marker per report id: its current version and whether it is active or failed
 * <folder>/tmp/       files being written, named after their writer (see writers.ts)
 * ```
 *
 * Every write is: temp file in tmp/ -> fsync -> link (new names) or rename (replacements) into
 * place -> fsync the directory. A claim is a rename pending/ -> sending/. File names carry the
 * schedule (see naming.ts), so finding the next report streams the directory and keeps only a
 * bounded batch of names: memory does not grow with the queue.
 *
 * Several writers share the folder (any number of `submit` processes beside one daemon): an
 * entry is durable in pending/ before its marker is written, only the entry's writer writes the
 * marker of a new entry, and recovery writes one only for an entry whose writer is gone. The
 * README states the whole model.
 *
 * Every operation that changes a marker and an entry together keeps a trace file in tmp/ (named
 * after its writer) until both are done. A daemon that stops cleanly leaves a note
 * (clean-stop.ts); the next start reads every marker again only when it finds no note from this
 * boot or a trace of a writer that is gone: a queue of 10 000 reports then starts without
 * reading 10 000 markers.
 */
import { join, sep } from "node:path";
import type { EnqueueReport, EnqueueResult, ReportSource } from "@tswats/converters/config";
import { silentLogger, type WatsLogger, WatsValidationError } from "@tswats/core";
import { canonicalGuid, formatProblems, type Report, validateReport } from "@tswats/report";
import { CLEAN_STOP_FILE, currentBootId, formatCleanStop, parseCleanStop } from "./clean-stop.js";
import {
  ENTRY_FORMAT,
  entrySchema,
  type FailureReason,
  type FailureReasonKind,
  type LastError,
  type QueueEntry,
  reasonSchema,
} from "./entry.js";
import { errnoCode, nodeQueueFs, type QueueFs } from "./fs-layer.js";
import { formatMarker, type Marker, parseMarker, reportHash } from "./markers.js";
import {
  type EntryName,
  formatEntryName,
  isReasonFile,
  orderKey,
  parseEntryName,
  reasonFileName,
  restamp,
} from "./naming.js";
import { closeWriter, newWriterId, tempFileWriter, writerIsGone } from "./writers.js";

export type QueueState = "pending" | "sending" | "done" | "failed";
export const QUEUE_STATES: readonly QueueState[] = ["pending", "sending", "done", "failed"];
/** The queue's folders: one per state, the id markers and the temp files. */
export type QueueFolder = QueueState | "ids" | "tmp";
const QUEUE_FOLDERS: readonly QueueFolder[] = [...QUEUE_STATES, "ids", "tmp"];

export interface QueueRetention {
  /** Done reports older than this are deleted. Default 7 days; 0 deletes them at once. */
  maxAgeMs?: number;
  /** At most this many done reports are kept (oldest deleted first). Default 10 000. */
  maxCount?: number;
}

export interface OpenQueueOptions {
  folder: string;
  /** The file-system layer (tests inject failures). Default: node:fs. */
  fs?: QueueFs;
  /** Wall clock in ms. Default Date.now. */
  now?: () => number;
  logger?: WatsLogger;
  done?: QueueRetention;
  /** Names of due reports kept in memory per directory scan. Default 64. */
  batchSize?: number;
  /**
   * Owner mode (the daemon, holding the folder's lock): moves sending/ back to pending/, removes
   * the temp files of writers that are gone and repairs the id markers of entries whose writer is
   * gone (unless the last owner stopped cleanly in this boot and no gone writer left a trace: see
   * `recordCleanStop`). CLI commands open the queue without it, beside a running daemon.
   */
  recover?: boolean;
  /** Validate reports on enqueue with @tswats/report's validateReport. Default true. */
  validate?: boolean;
}

/** A report the uploader holds: its file is in sending/. */
export interface Claim {
  id: string;
  /** File name in sending/. */
  name: string;
  entry: QueueEntry;
  /** The report passed validateReport when it was read for this claim (false when the queue does not validate). */
  validated: boolean;
}

export interface ReleaseOptions {
  /** Count this as an attempt (false for auth pauses, open breakers, shutdown). */
  countAttempt: boolean;
  /** Next try no earlier than this many ms from now. */
  delayMs: number;
  error?: LastError | undefined;
}

export interface FailOptions {
  reason: FailureReasonKind;
  status?: number | null | undefined;
  message: string;
  errorKind?: string | null | undefined;
  /** Attempts to record (default the entry's, plus one when `countAttempt`). */
  countAttempt?: boolean;
}

export interface QueueListItem {
  state: QueueState;
  name: string;
  id: string;
  /** Due time (pending), claim/release time (sending), or when it got to done/failed. */
  stamp: string;
  enqueuedAt: string;
}

export interface ShownEntry extends QueueListItem {
  entry: QueueEntry | null;
  /** Why the file could not be read, when it could not. */
  readError: string | null;
  reason: FailureReason | null;
}

export type QueueCounts = Record<QueueState, number>;

export type RetryOutcome = "requeued" | "superseded" | "not-found";

/** A queue operation failed for a reason the user can act on (disk full, no permission...). */
export class QueueError extends Error {
  readonly code: string | undefined;
  constructor(message: string, options: { code?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "QueueError";
    this.code = options.code;
  }
}

const DEFAULT_RETENTION = { maxAgeMs: 7 * 24 * 3600_000, maxCount: 10_000 };

function describeFsError(action: string, path: string, error: unknown): QueueError {
  const code = errnoCode(error);
  const hint =
    code === "ENOSPC"
      ? "the disk is full"
      : code === "EACCES" || code === "EPERM"
        ? "no permission to write there"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "EDQUOT"
            ? "the disk quota is exceeded"
            : ((error as Error)?.message ?? String(error));
  return new QueueError(`queue: cannot ${action} ${path}: ${hint}${code ? ` (${code})` : ""}`, {
    code,
    cause: error,
  });
}

export class FileQueue {
  readonly folder: string;
  readonly #dirs: Record<QueueFolder, string>;
  /** The clean-stop note (clean-stop.ts), beside the queue's folders. */
  readonly #cleanStopPath: string;
  readonly fs: QueueFs;
  readonly #now: () => number;
  readonly #logger: WatsLogger;
  readonly #retention: Required<QueueRetention>;
  readonly #batchSize: number;
  readonly #validate: boolean;
  /** Due names from the last scan, FIFO order; consumed by claimNext. */
  #batch: string[] = [];
  /** Earliest stamp of a not-yet-due pending entry seen by the last scan. */
  #nextDueAt: number | undefined;
  #seq = Math.floor(Math.random() * 1000) * 1000;
  #tmpSeq = 0;
  /** This queue instance as a writer: `<pid>-<nonce>`, in its temp file names and its entries. */
  readonly writer = newWriterId();
  /** Report ids claimed and not yet completed/released/failed: a second version waits for them. */
  readonly #claimedIds = new Set<string>();
  readonly #enqueuing = new Map<string, Promise<EnqueueResult>>();
  #counts: QueueCounts = { pending: 0, sending: 0, done: 0, failed: 0 };
  /**
   * Per state, bumped by every change this process makes to its count. A directory walk sets a
   * count only when nothing changed that state while it ran: a claim or an enqueue during the walk
   * may or may not be in what the walk saw, so its total would overwrite that change (10 001
   * pending for 10 000 on disk). The count kept by the changes stands until a quiet walk.
   */
  readonly #countVersions: QueueCounts = { pending: 0, sending: 0, done: 0, failed: 0 };
  readonly #waiters = new Set<() => void>();
  /**
   * Claims whose file already left sending/ in an outcome (complete/release/fail) that failed
   * after the move (an fsync): the uploader's retry of that outcome only finishes it.
   */
  readonly #moved = new WeakMap<Claim, string>();
  /** Traced operations running now (see #traced). */
  #tracesOpen = 0;
  /** A traced operation of this instance did not finish: its trace stays, and so must a repair. */
  #traceLeft = false;

  private constructor(options: OpenQueueOptions) {
    this.folder = options.folder;
    this.#dirs = Object.fromEntries(
      QUEUE_FOLDERS.map((name) => [name, join(options.folder, name)]),
    ) as Record<QueueFolder, string>;
    this.#cleanStopPath = join(options.folder, CLEAN_STOP_FILE);
    this.fs = options.fs ?? nodeQueueFs;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#retention = { ...DEFAULT_RETENTION, ...stripUndefined(options.done ?? {}) };
    this.#batchSize = options.batchSize ?? 64;
    this.#validate = options.validate ?? true;
  }

  /** Opens (creating the folders when needed) the queue in `options.folder`. */
  static async open(options: OpenQueueOptions): Promise<FileQueue> {
    const queue = new FileQueue(options);
    for (const dir of QUEUE_FOLDERS) {
      const path = queue.dir(dir);
      try {
        await queue.fs.mkdir(path);
      } catch (error) {
        throw describeFsError("create", path, error);
      }
    }
    if (options.recover) {
      // The note first: once this start has begun, a daemon that dies leaves none.
      const stoppedCleanly = await queue.#takeCleanStop();
      const interrupted = await queue.#removeGoneWritersTemps();
      await queue.#recoverSending();
      if (!stoppedCleanly || interrupted > 0) await queue.#repairIndex();
      else
        queue.#logger.debug(
          {},
          "queue: stopped cleanly in this boot, nothing interrupted: id markers kept as they are",
        );
    }
    await queue.refreshCounts();
    return queue;
  }

  dir(state: QueueFolder): string {
    return this.#dirs[state];
  }

  /**
   * `name` in one of the queue's folders. Names come from a listing or from naming.ts (never a
   * separator in them), so plain concatenation does what join() would without its normalising:
   * the startup repair builds a few paths per queued report, and join's garbage counted.
   */
  #pathIn(state: QueueFolder, name: string): string {
    return `${this.#dirs[state]}${sep}${name}`;
  }

  /** The queue's counts (pending refreshed on every scan, done/failed on `refreshCounts`). */
  counts(): QueueCounts {
    return { ...this.#counts };
  }

  /** Streams every folder once and recounts. */
  async refreshCounts(): Promise<QueueCounts> {
    for (const state of QUEUE_STATES) {
      const version = this.#countVersions[state];
      let count = 0;
      for await (const entry of this.fs.entries(this.dir(state))) {
        if (entry.isFile && !isReasonFile(entry.name) && !entry.name.startsWith(".")) count++;
      }
      this.#setCountFromWalk(state, count, version);
    }
    return this.counts();
  }

  /**
   * `count` of `state` from a walk that began when the state's version was `version`: set only if
   * no change in this process overlapped the walk. True when it was set.
   */
  #setCountFromWalk(state: QueueState, count: number, version: number): boolean {
    if (this.#countVersions[state] !== version) return false;
    this.#counts[state] = count;
    return true;
  }

  #adjustCount(state: QueueState, delta: number): void {
    this.#counts[state] = Math.max(0, this.#counts[state] + delta);
    this.#countVersions[state]++;
  }

  // ---------------------------------------------------------------- enqueue

  /**
   * Adds a report; durable when the promise resolves. A report whose id is already pending,
   * sending or done with the same content is not written again ("duplicate"); with different
   * content it is queued as the new version ("replaced": WATS replaces a report posted again with
   * its id, and the older version, if not yet sent, is skipped). A report whose id is in failed/
   * is enqueued afresh and the failed entry is removed.
   */
  readonly enqueue: EnqueueReport = (report, source) => this.enqueueReport(report, source);

  async enqueueReport(report: Report, source?: ReportSource | null): Promise<EnqueueResult> {
    const id = canonicalGuid(typeof report?.id === "string" ? report.id : "");
    if (id === undefined) {
      throw new WatsValidationError(
        `queue: the report has no valid id (a GUID is required; got ${JSON.stringify(report?.id ?? null)})`,
      );
    }
    if (this.#validate) {
      const validation = validateReport(report);
      if (!validation.valid) {
        throw new WatsValidationError(
          `queue: report ${id} is not valid and was not queued: ${validation.errors.length} error(s)\n${formatProblems(validation.errors)}`,
          { body: { problems: validation.problems } },
        );
      }
    }
    // One enqueue per id at a time in this process; the marker's O_EXCL covers other processes.
    const running = this.#enqueuing.get(id);
    if (running) {
      await running.catch(() => undefined);
      return this.enqueueReport(report, source);
    }
    const work = this.#enqueueOnce(id, report, source ?? null);
    this.#enqueuing.set(id, work);
    try {
      return await work;
    } finally {
      this.#enqueuing.delete(id);
    }
  }

  async #enqueueOnce(id: string, report: Report, source: ReportSource | null): Promise<EnqueueResult> {
    const content: Report = { ...report, id };
    const sha256 = reportHash(content);
    const marker = await this.#readMarker(id);
    if (isSameActive(marker, sha256)) return { id, status: "duplicate" };
    return this.#traced((trace) => this.#writeVersion(id, content, sha256, marker, source, trace));
  }

  /** The entry, then its marker, then the failed version it replaces (if any): one traced operation. */
  async #writeVersion(
    id: string,
    content: Report,
    sha256: string,
    marker: Marker | undefined,
    source: ReportSource | null,
    trace: OperationTrace,
  ): Promise<EnqueueResult> {
    const now = this.#now();
    const parsed: EntryName = { stamp: now, enqueuedMs: now, seq: this.#nextSeq(), id };
    const name = formatEntryName(parsed);
    const entry: QueueEntry = {
      format: ENTRY_FORMAT,
      id,
      enqueuedAt: new Date(now).toISOString(),
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      source,
      writer: this.writer,
      report: content,
    };
    // The entry is durable before any marker names it: a marker never points at nothing.
    await this.#writeDurable("pending", name, JSON.stringify(entry));
    const current: Marker = { state: "active", key: orderKey(parsed), sha256 };
    let previous = marker;
    try {
      if (previous === undefined && !(await this.#createMarker(id, current))) {
        // Another writer enqueued this id at the same moment (recovery never writes a marker for
        // an entry whose writer is alive, so this marker is another enqueue's, its entry durable).
        previous = await this.#readMarker(id);
        if (isSameActive(previous, sha256)) {
          await this.fs.unlink(this.#pathIn("pending", name)).catch(() => undefined);
          return { id, status: "duplicate" };
        }
      }
      if (previous !== undefined) await this.#replaceMarker(id, current);
    } catch (error) {
      // The report is durable; a missing marker only weakens duplicate detection until repair
      // (the trace stays, so the next daemon start after this writer has gone repairs it).
      trace.unfinished = true;
      this.#logger.warn({ id, err: String(error) }, "queue: could not write the id marker");
    }
    if (previous?.state === "failed" && previous.file && parseEntryName(previous.file)) {
      await this.#removeFailed(previous.file);
    }
    this.#adjustCount("pending", 1);
    this.#wakeAll();
    if (previous?.state === "active") {
      this.#logger.info(
        { id, file: name },
        "queue: a new version of the report (different content, same id) replaces the earlier one",
      );
      return { id, status: "replaced" };
    }
    return { id, status: "enqueued" };
  }

  // ---------------------------------------------------------------- claiming

  /** Resolves when something was enqueued/released in this process, or after `ms`. */
  waitForWork(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Ms until the earliest not-yet-due pending entry (as of the last scan), or undefined. */
  nextDueInMs(): number | undefined {
    return this.#nextDueAt === undefined ? undefined : Math.max(0, this.#nextDueAt - this.#now());
  }

  /**
   * Claims the oldest due report (rename pending/ -> sending/) and reads it. Files that do not
   * parse or validate go to failed/ with the reason and the next one is tried. Undefined when
   * nothing is due.
   */
  async claimNext(): Promise<Claim | undefined> {
    for (;;) {
      if (this.#batch.length === 0) {
        await this.#scan();
        if (this.#batch.length === 0) return undefined;
      }
      const name = this.#batch.shift() as string;
      const parsedName = parseEntryName(name);
      // One version of a report in flight at a time: the next waits until the first has an outcome.
      if (parsedName && this.#claimedIds.has(parsedName.id)) continue;
      const from = this.#pathIn("pending", name);
      const to = this.#pathIn("sending", name);
      try {
        await this.fs.rename(from, to);
      } catch (error) {
        if (errnoCode(error) === "ENOENT") continue; // taken or removed meanwhile
        throw describeFsError("claim", from, error);
      }
      this.#adjustCount("pending", -1);
      this.#adjustCount("sending", 1);
      const read = await this.#readEntry(to);
      if (read.ok) {
        if (parsedName && (await this.#isSuperseded(parsedName))) {
          await this.#dropSuperseded(name);
          continue;
        }
        this.#claimedIds.add(read.entry.id);
        return { id: read.entry.id, name, entry: read.entry, validated: this.#validate };
      }
      await this.#moveToFailed("sending", name, {
        reason: "corrupt",
        message: read.error,
        status: null,
        errorKind: null,
      });
    }
  }

  async #scan(): Promise<void> {
    const now = this.#now();
    const version = this.#countVersions.pending;
    const keep: { key: string; name: string }[] = [];
    let nextDue: number | undefined;
    let count = 0;
    const strays: string[] = [];
    for await (const dirent of this.fs.entries(this.dir("pending"))) {
      if (!dirent.isFile || dirent.name.startsWith(".")) continue;
      const parsed = parseEntryName(dirent.name);
      if (!parsed) {
        if (strays.length < this.#batchSize) strays.push(dirent.name);
        continue;
      }
      count++;
      if (parsed.stamp > now) {
        if (nextDue === undefined || parsed.stamp < nextDue) nextDue = parsed.stamp;
        continue;
      }
      if (this.#claimedIds.has(parsed.id)) continue; // waits for the version in flight
      const key = orderKey(parsed);
      if (keep.length === this.#batchSize && key >= (keep[keep.length - 1] as { key: string }).key) continue;
      // Insert in order; the batch stays at most batchSize long.
      let lo = 0;
      let hi = keep.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((keep[mid] as { key: string }).key < key) lo = mid + 1;
        else hi = mid;
      }
      keep.splice(lo, 0, { key, name: dirent.name });
      if (keep.length > this.#batchSize) keep.pop();
    }
    this.#setCountFromWalk("pending", count, version);
    this.#nextDueAt = nextDue;
    this.#batch = keep.map((item) => item.name);
    for (const stray of strays) {
      await this.#moveToFailed("pending", stray, {
        reason: "unrecognised",
        status: null,
        errorKind: null,
        message: `not a queue entry name (expected <stamp>-<enqueued>-<seq>-<report id>.json): ${stray}`,
      }).catch((error) =>
        this.#logger.error({ err: String(error), file: stray }, "queue: cannot move a stray file"),
      );
    }
  }

  async #readEntry(path: string): Promise<{ ok: true; entry: QueueEntry } | { ok: false; error: string }> {
    let text: string;
    try {
      text = (await this.fs.readFile(path)).toString("utf8");
    } catch (error) {
      return { ok: false, error: `cannot read the file: ${(error as Error).message}` };
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        error: `not JSON (truncated or corrupt, ${text.length} bytes): ${(error as Error).message}`,
      };
    }
    const parsed = entrySchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: `not a queue entry: ${issue ? `${issue.path.join(".") || "$"}: ${issue.message}` : "invalid"}`,
      };
    }
    const entry = parsed.data as unknown as QueueEntry;
    const id = canonicalGuid(entry.id);
    if (id === undefined || canonicalGuid(String(entry.report.id ?? "")) !== id) {
      return { ok: false, error: "not a queue entry: id missing, not a GUID, or different from report.id" };
    }
    if (this.#validate) {
      const validation = validateReport(entry.report);
      if (!validation.valid) {
        return {
          ok: false,
          error: `the report does not validate: ${formatProblems(validation.errors, 10)}`,
        };
      }
    }
    return { ok: true, entry: { ...entry, id } };
  }

  // ---------------------------------------------------------------- outcomes

  /** Uploaded: sending/ -> done/. */
  async complete(claim: Claim): Promise<void> {
    const from = this.#pathIn("sending", claim.name);
    try {
      if (!this.#moved.has(claim)) {
        const target = restamp(claim.name, this.#now());
        await this.fs.rename(from, this.#pathIn("done", target));
        this.#moved.set(claim, target);
      }
      await this.fs.syncDir(this.dir("done"));
      await this.fs.syncDir(this.dir("sending"));
    } catch (error) {
      throw describeFsError("move to done/", from, error);
    }
    this.#moved.delete(claim);
    this.#claimedIds.delete(claim.id);
    this.#adjustCount("sending", -1);
    this.#adjustCount("done", 1);
  }

  /** Back to pending/, with the attempt count and the next attempt time written into the file. */
  async release(claim: Claim, options: ReleaseOptions): Promise<void> {
    const now = this.#now();
    const due = now + Math.max(0, Math.round(options.delayMs));
    const entry: QueueEntry = {
      ...claim.entry,
      attempts: claim.entry.attempts + (options.countAttempt ? 1 : 0),
      nextAttemptAt: options.delayMs > 0 ? new Date(due).toISOString() : null,
      lastError: options.error ?? claim.entry.lastError,
    };
    const sending = this.dir("sending");
    let newName = this.#moved.get(claim);
    try {
      if (newName === undefined) {
        newName = restamp(claim.name, due);
        // Written beside the old file in sending/ first: a crash leaves two copies there, and
        // recovery keeps the newer one. pending/ only ever receives one file per report.
        await this.#writeDurable("sending", newName, JSON.stringify(entry), { replace: true });
        if (newName !== claim.name) {
          await this.fs.unlink(this.#pathIn("sending", claim.name));
          // The old copy is gone: a retry of this release starts from the new one.
          claim.name = newName;
        }
        await this.fs.rename(this.#pathIn("sending", newName), this.#pathIn("pending", newName));
        this.#moved.set(claim, newName);
      }
      await this.fs.syncDir(this.dir("pending"));
      await this.fs.syncDir(sending);
    } catch (error) {
      throw error instanceof QueueError ? error : describeFsError("move back to pending/", claim.name, error);
    }
    this.#moved.delete(claim);
    this.#claimedIds.delete(claim.id);
    claim.entry = entry;
    claim.name = newName;
    this.#adjustCount("sending", -1);
    this.#adjustCount("pending", 1);
    const dueAt = parseEntryName(newName)?.stamp ?? due;
    if (dueAt <= now) this.#batch = [];
    if (dueAt > now && (this.#nextDueAt === undefined || dueAt < this.#nextDueAt)) this.#nextDueAt = dueAt;
    this.#wakeAll();
  }

  /** Given up: sending/ -> failed/ with a reason file. */
  async fail(claim: Claim, options: FailOptions): Promise<void> {
    await this.#moveToFailed(
      "sending",
      claim.name,
      { ...options, attempts: claim.entry.attempts + (options.countAttempt ? 1 : 0) },
      claim,
    );
  }

  /** `name` to failed/ with its reason file, then its failed marker: one traced operation. */
  #moveToFailed(
    from: "pending" | "sending",
    name: string,
    options: FailOptions & { attempts?: number },
    claim?: Claim,
  ): Promise<void> {
    return this.#traced((trace) => this.#moveToFailedTraced(from, name, options, claim, trace));
  }

  async #moveToFailedTraced(
    from: "pending" | "sending",
    name: string,
    options: FailOptions & { attempts?: number },
    claim: Claim | undefined,
    trace: OperationTrace,
  ): Promise<void> {
    const now = this.#now();
    const parsed = parseEntryName(name);
    const source = this.#pathIn(from, name);
    let target = claim ? this.#moved.get(claim) : undefined;
    const reason: FailureReason = {
      failedAt: new Date(now).toISOString(),
      reason: options.reason,
      status: options.status ?? null,
      message: options.message,
      attempts: options.attempts ?? 0,
      errorKind: options.errorKind ?? null,
    };
    if (target === undefined) {
      target = parsed ? restamp(name, now) : name;
      const reasonName = parsed ? reasonFileName(target) : `${target}${".reason.json"}`;
      await this.#writeDurable("failed", reasonName, `${JSON.stringify(reason, null, 2)}\n`, {
        replace: true,
      });
    }
    try {
      if (!claim || !this.#moved.has(claim)) {
        await this.fs.rename(source, this.#pathIn("failed", target));
        if (claim) this.#moved.set(claim, target);
      }
      await this.fs.syncDir(this.dir("failed"));
      await this.fs.syncDir(this.dir(from));
    } catch (error) {
      throw describeFsError("move to failed/", source, error);
    }
    if (claim) {
      this.#moved.delete(claim);
      this.#claimedIds.delete(claim.id);
    }
    if (from === "sending") this.#adjustCount("sending", -1);
    this.#adjustCount("failed", 1);
    if (parsed) {
      await this.#markFailed(parsed, target).catch(() => {
        trace.unfinished = true;
      });
    }
    this.#logger.warn(
      {
        id: parsed?.id,
        file: target,
        reason: reason.reason,
        status: reason.status,
        attempts: reason.attempts,
      },
      `queue: moved to failed/: ${reason.message}`,
    );
  }

  // ---------------------------------------------------------------- inspection and maintenance

  /** Entries of a state, oldest first (by enqueue order), at most `limit` (kept in a bounded list). */
  async list(state: QueueState, options: { limit?: number } = {}): Promise<QueueListItem[]> {
    const limit = options.limit ?? 100;
    const keep: { key: string; item: QueueListItem }[] = [];
    for await (const dirent of this.fs.entries(this.dir(state))) {
      if (!dirent.isFile || isReasonFile(dirent.name)) continue;
      const parsed = parseEntryName(dirent.name);
      const item = toItem(state, dirent.name, parsed);
      const key = parsed ? orderKey(parsed) : `~${dirent.name}`;
      if (keep.length >= limit && key >= (keep[keep.length - 1] as { key: string }).key) continue;
      keep.push({ key, item });
      keep.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (keep.length > limit) keep.pop();
    }
    return keep.map((k) => k.item);
  }

  /** Where a report id is (streams the folders; for the CLI, not the upload path). */
  async find(id: string): Promise<{ state: QueueState; name: string } | undefined> {
    const canonical = canonicalGuid(id) ?? id.toLowerCase();
    for (const state of QUEUE_STATES) {
      for await (const dirent of this.fs.entries(this.dir(state))) {
        if (dirent.isFile && dirent.name.endsWith(`-${canonical}.json`)) return { state, name: dirent.name };
      }
    }
    return undefined;
  }

  async show(id: string): Promise<ShownEntry | undefined> {
    const found = await this.find(id);
    if (!found) return undefined;
    const path = this.#pathIn(found.state, found.name);
    const read = await this.#readEntry(path);
    let reason: FailureReason | null = null;
    if (found.state === "failed") {
      try {
        const text = (await this.fs.readFile(this.#pathIn("failed", reasonFileName(found.name)))).toString();
        const parsed = reasonSchema.safeParse(JSON.parse(text));
        if (parsed.success) reason = parsed.data;
      } catch {
        reason = null;
      }
    }
    return {
      ...toItem(found.state, found.name, parseEntryName(found.name)),
      entry: read.ok ? read.entry : null,
      readError: read.ok ? null : read.error,
      reason,
    };
  }

  /** failed/ -> pending/ (attempts reset). "superseded" when the id is pending/sending/done again. */
  async retry(id: string): Promise<RetryOutcome> {
    const canonical = canonicalGuid(id) ?? id.toLowerCase();
    for await (const dirent of this.fs.entries(this.dir("failed"))) {
      if (dirent.isFile && dirent.name.endsWith(`-${canonical}.json`)) return this.#retryFile(dirent.name);
    }
    return "not-found";
  }

  /** Every failed report back to pending/. `progress(done, total)` after each. */
  async retryAll(progress?: (done: number, total: number) => void): Promise<Record<RetryOutcome, number>> {
    const result: Record<RetryOutcome, number> = { requeued: 0, superseded: 0, "not-found": 0 };
    const total = (await this.refreshCounts()).failed;
    let n = 0;
    // Re-stream after each batch: the folder changes under us as files move out.
    for (;;) {
      const names: string[] = [];
      for await (const dirent of this.fs.entries(this.dir("failed"))) {
        if (dirent.isFile && parseEntryName(dirent.name)) names.push(dirent.name);
        if (names.length >= 256) break;
      }
      if (names.length === 0) break;
      for (const name of names) {
        result[await this.#retryFile(name)]++;
        n++;
        progress?.(n, total);
      }
    }
    return result;
  }

  /** One failed entry back to pending/ with its marker: one traced operation. */
  #retryFile(name: string): Promise<RetryOutcome> {
    return this.#traced(() => this.#retryFileTraced(name));
  }

  async #retryFileTraced(name: string): Promise<RetryOutcome> {
    const parsed = parseEntryName(name);
    const failedPath = this.#pathIn("failed", name);
    const now = this.#now();
    if (!parsed) {
      // A stray file: back as-is under a proper name is impossible; leave it to the user.
      return "not-found";
    }
    const marker = await this.#readMarker(parsed.id);
    const key = orderKey(parsed);
    const newer = marker !== undefined && marker.key !== null && marker.key > key;
    if ((marker?.state === "active" && marker.key !== key) || newer) {
      // Another version of the report is pending, sending or done (or a newer one failed).
      await this.#removeFailed(name);
      return "superseded";
    }
    const target = restamp(name, now);
    const read = await this.#readEntry(failedPath);
    if (read.ok) {
      const entry: QueueEntry = { ...read.entry, attempts: 0, nextAttemptAt: null };
      await this.#writeDurable("pending", target, JSON.stringify(entry));
      await this.#removeFailed(name);
    } else {
      // Unreadable: moved back as it is (the user may have repaired it by hand).
      try {
        await this.fs.rename(failedPath, this.#pathIn("pending", target));
        await this.fs.syncDir(this.dir("pending"));
      } catch (error) {
        throw describeFsError("move back to pending/", failedPath, error);
      }
      await this.fs.unlink(this.#pathIn("failed", reasonFileName(name))).catch(() => undefined);
      this.#adjustCount("failed", -1);
    }
    await this.#replaceMarker(parsed.id, {
      state: "active",
      key,
      sha256: read.ok ? reportHash(read.entry.report) : null,
    });
    this.#adjustCount("pending", 1);
    this.#batch = [];
    this.#wakeAll();
    return "requeued";
  }

  /** Deletes done/ entries past the retention (age, then count). Returns how many went. */
  async prune(): Promise<number> {
    const cutoff = this.#now() - this.#retention.maxAgeMs;
    const version = this.#countVersions.done;
    let removed = 0;
    let remaining = 0;
    for await (const dirent of this.fs.entries(this.dir("done"))) {
      if (!dirent.isFile) continue;
      const parsed = parseEntryName(dirent.name);
      if (parsed && parsed.stamp < cutoff) {
        await this.#removeDone(dirent.name);
        removed++;
      } else remaining++;
    }
    while (remaining > this.#retention.maxCount) {
      const excess = Math.min(remaining - this.#retention.maxCount, 1000);
      const oldest = await this.#oldestByStamp("done", excess);
      if (oldest.length === 0) break;
      for (const name of oldest) {
        await this.#removeDone(name);
        removed++;
        remaining--;
      }
    }
    if (!this.#setCountFromWalk("done", remaining, version)) this.#adjustCount("done", -removed);
    return removed;
  }

  /** Deletes every done/ entry. */
  async purgeDone(progress?: (done: number, total: number) => void): Promise<number> {
    const total = (await this.refreshCounts()).done;
    const version = this.#countVersions.done;
    let removed = 0;
    for (;;) {
      const names: string[] = [];
      for await (const dirent of this.fs.entries(this.dir("done"))) {
        if (dirent.isFile) names.push(dirent.name);
        if (names.length >= 256) break;
      }
      if (names.length === 0) break;
      for (const name of names) {
        await this.#removeDone(name);
        removed++;
        progress?.(removed, total);
      }
    }
    if (!this.#setCountFromWalk("done", 0, version)) this.#adjustCount("done", -removed);
    return removed;
  }

  /** Writes and removes a probe file: is the queue writable right now? */
  async checkWritable(): Promise<{ ok: true } | { ok: false; error: string }> {
    const name = `.probe-${this.writer}-${++this.#tmpSeq}`;
    const path = this.#pathIn("tmp", name);
    try {
      await this.fs.writeNewFile(path, "probe", { sync: false });
      await this.fs.unlink(path);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeFsError("write in", this.dir("tmp"), error).message };
    }
  }

  // ---------------------------------------------------------------- internals

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** A done entry and (first) its marker: one traced operation. */
  #removeDone(name: string): Promise<void> {
    return this.#traced(() => this.#removeDoneTraced(name));
  }

  async #removeDoneTraced(name: string): Promise<void> {
    // Marker first: a crash in between leaves a done file without marker, which repair restores.
    // Only this version's marker goes: a newer version of the report keeps its own.
    const parsed = parseEntryName(name);
    if (parsed) {
      const marker = await this.#readMarker(parsed.id).catch(() => undefined);
      if (marker !== undefined && (marker.key === null || marker.key === orderKey(parsed))) {
        await this.fs.unlink(this.#pathIn("ids", parsed.id)).catch(() => undefined);
      }
    }
    await this.fs.unlink(this.#pathIn("done", name)).catch((error) => {
      if (errnoCode(error) !== "ENOENT") throw describeFsError("delete", name, error);
    });
  }

  async #removeFailed(name: string): Promise<void> {
    await this.fs.unlink(this.#pathIn("failed", name)).catch(() => undefined);
    await this.fs.unlink(this.#pathIn("failed", reasonFileName(name))).catch(() => undefined);
    this.#adjustCount("failed", -1);
  }

  async #oldestByStamp(state: QueueState, count: number): Promise<string[]> {
    const keep: string[] = [];
    for await (const dirent of this.fs.entries(this.dir(state))) {
      if (!dirent.isFile || !parseEntryName(dirent.name)) continue;
      if (keep.length >= count && dirent.name >= (keep[keep.length - 1] as string)) continue;
      keep.push(dirent.name);
      keep.sort();
      if (keep.length > count) keep.pop();
    }
    return keep;
  }

  #nextSeq(): number {
    this.#seq = (this.#seq + 1) % 1_000_000;
    return this.#seq;
  }

  async #readMarker(id: string): Promise<Marker | undefined> {
    try {
      return parseMarker((await this.fs.readFile(this.#pathIn("ids", id))).toString("utf8"));
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return undefined;
      throw describeFsError("read", this.#pathIn("ids", id), error);
    }
  }

  /** Writes the marker only if there is none; false when one exists. */
  async #createMarker(id: string, marker: Marker): Promise<boolean> {
    const tmp = this.#tmpPath();
    await this.fs.writeNewFile(tmp, formatMarker(marker), { sync: false });
    try {
      await this.fs.link(tmp, this.#pathIn("ids", id));
      return true;
    } catch (error) {
      if (errnoCode(error) === "EEXIST") return false;
      throw error;
    } finally {
      await this.fs.unlink(tmp).catch(() => undefined);
    }
  }

  async #replaceMarker(id: string, marker: Marker): Promise<void> {
    const tmp = this.#tmpPath();
    await this.fs.writeNewFile(tmp, formatMarker(marker), { sync: false });
    await this.fs.rename(tmp, this.#pathIn("ids", id));
  }

  /** The version in failed/ is the current one: its marker says so (a newer version keeps its own). */
  async #markFailed(parsed: EntryName, file: string): Promise<void> {
    const marker = await this.#readMarker(parsed.id);
    const key = orderKey(parsed);
    if (marker !== undefined && marker.key !== null && marker.key !== key) return;
    await this.#replaceMarker(parsed.id, { state: "failed", key, sha256: marker?.sha256 ?? null, file });
  }

  /** A newer version of this report was enqueued (a correction): this one must not be sent. */
  async #isSuperseded(parsed: EntryName): Promise<boolean> {
    const marker = await this.#readMarker(parsed.id).catch(() => undefined);
    return marker?.state === "active" && marker.key !== null && marker.key > orderKey(parsed);
  }

  async #dropSuperseded(name: string): Promise<void> {
    const path = this.#pathIn("sending", name);
    try {
      await this.fs.unlink(path);
      await this.fs.syncDir(this.dir("sending"));
    } catch (error) {
      throw describeFsError("remove the replaced version", path, error);
    }
    this.#adjustCount("sending", -1);
    this.#logger.info(
      { id: parseEntryName(name)?.id, file: name },
      "queue: skipped an older version of a report that a newer one (same id) replaces",
    );
  }

  #tmpPath(): string {
    return this.#pathIn("tmp", `${this.writer}-${++this.#tmpSeq}.tmp`);
  }

  /** This instance stops writing: recovery in this process may then remove what it left. */
  close(): void {
    closeWriter(this.writer);
  }

  /** temp file -> fsync -> rename into `state`/ -> fsync the directory. */
  async #writeDurable(
    state: QueueState,
    name: string,
    data: string,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    const tmp = this.#tmpPath();
    const target = this.#pathIn(state, name);
    try {
      await this.fs.writeNewFile(tmp, data, { sync: true });
      if (options.replace) await this.fs.rename(tmp, target);
      else {
        // A new name is taken only when free (never replacing what another writer put there).
        await this.fs.link(tmp, target);
        await this.fs.unlink(tmp);
      }
      await this.fs.syncDir(this.dir(state));
    } catch (error) {
      await this.fs.unlink(tmp).catch(() => undefined);
      throw describeFsError("write", target, error);
    }
  }

  /**
   * Temp files of writers that are gone (a crash mid-write or mid-operation); a live writer's
   * stay. Returns how many there were: any one may be the trace of an interrupted operation.
   */
  async #removeGoneWritersTemps(): Promise<number> {
    const names: string[] = [];
    for await (const dirent of this.fs.entries(this.dir("tmp"))) {
      const writer = tempFileWriter(dirent.name);
      if (writer !== undefined && writerIsGone(writer)) names.push(dirent.name);
    }
    for (const name of names) await this.fs.unlink(this.#pathIn("tmp", name)).catch(() => undefined);
    return names.length;
  }

  /**
   * Runs an operation that changes an entry and its marker together, with a trace file in tmp/
   * (`<writer>-<n>.trace`, empty) from before its first change until its last. A process killed in
   * between leaves the trace of a writer that is gone, and the next daemon start repairs the
   * markers. An operation that throws, or sets `unfinished`, leaves its trace too.
   */
  async #traced<T>(work: (trace: OperationTrace) => Promise<T>): Promise<T> {
    const path = this.#pathIn("tmp", `${this.writer}-${++this.#tmpSeq}.trace`);
    try {
      await this.fs.writeNewFile(path, "", { sync: false });
    } catch (error) {
      throw describeFsError("write", path, error);
    }
    const trace: OperationTrace = { unfinished: false };
    this.#tracesOpen++;
    try {
      const result = await work(trace);
      if (!trace.unfinished) {
        await this.fs.unlink(path).catch(() => {
          trace.unfinished = true;
        });
      }
      if (trace.unfinished) this.#traceLeft = true;
      return result;
    } catch (error) {
      this.#traceLeft = true;
      throw error;
    } finally {
      this.#tracesOpen--;
    }
  }

  /**
   * Owner mode: leaves the clean-stop note (clean-stop.ts) when no operation of this instance is
   * running or left unfinished, so the next start can skip reading every marker. Call it last,
   * after everything that writes through this instance has stopped. True when the note was written.
   */
  async recordCleanStop(): Promise<boolean> {
    if (this.#tracesOpen > 0 || this.#traceLeft) {
      this.#logger.info(
        { running: this.#tracesOpen },
        "queue: an operation is running or was cut off: the next start repairs the id markers",
      );
      return false;
    }
    const tmp = this.#tmpPath();
    const path = this.#cleanStopPath;
    try {
      await this.fs.writeNewFile(
        tmp,
        formatCleanStop({ bootId: currentBootId(), stoppedAt: new Date(this.#now()).toISOString() }),
      );
      await this.fs.rename(tmp, path);
      await this.fs.syncDir(this.folder);
    } catch (error) {
      await this.fs.unlink(tmp).catch(() => undefined);
      throw describeFsError("write", path, error);
    }
    return true;
  }

  /**
   * Owner mode, at start: true when the last owner left the clean-stop note in this boot. The
   * note is removed (durably) before anything else: a daemon that dies from here on leaves none.
   */
  async #takeCleanStop(): Promise<boolean> {
    const path = this.#cleanStopPath;
    let text: string;
    try {
      text = (await this.fs.readFile(path)).toString("utf8");
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return false;
      throw describeFsError("read", path, error);
    }
    try {
      await this.fs.unlink(path);
      await this.fs.syncDir(this.folder);
    } catch (error) {
      throw describeFsError("remove", path, error);
    }
    return parseCleanStop(text)?.bootId === currentBootId();
  }

  /** Anything in sending/ goes back to pending/ (one file per id: the newest stamp wins). */
  async #recoverSending(): Promise<void> {
    const byId = new Map<string, EntryName & { name: string }>();
    const extra: string[] = [];
    for await (const dirent of this.fs.entries(this.dir("sending"))) {
      if (!dirent.isFile) continue;
      const parsed = parseEntryName(dirent.name);
      if (!parsed) {
        extra.push(dirent.name);
        continue;
      }
      const seen = byId.get(parsed.id);
      if (!seen || parsed.stamp > seen.stamp) {
        if (seen) extra.push(seen.name);
        byId.set(parsed.id, { ...parsed, name: dirent.name });
      } else extra.push(dirent.name);
    }
    for (const name of extra) {
      if (parseEntryName(name)) await this.fs.unlink(this.#pathIn("sending", name)).catch(() => undefined);
      else await this.fs.rename(this.#pathIn("sending", name), this.#pathIn("pending", name));
    }
    for (const item of byId.values()) {
      await this.fs.rename(this.#pathIn("sending", item.name), this.#pathIn("pending", item.name));
    }
    if (byId.size + extra.length > 0) {
      await this.fs.syncDir(this.dir("pending"));
      await this.fs.syncDir(this.dir("sending"));
      this.#logger.info(
        { count: byId.size },
        "queue: moved interrupted uploads from sending/ back to pending/",
      );
    }
  }

  /**
   * After a crash: every pending/done entry's current version has an active marker, failed
   * entries a failed one. An entry without a marker whose writer still runs is left to that
   * writer (it writes the marker right after the entry); recovery never races a live `submit`.
   */
  async #repairIndex(): Promise<void> {
    for (const state of ["pending", "done"] as const) {
      for await (const dirent of this.fs.entries(this.dir(state))) {
        const parsed = dirent.isFile ? parseEntryName(dirent.name) : undefined;
        if (!parsed) continue;
        const key = orderKey(parsed);
        const marker = await this.#readMarker(parsed.id);
        if (marker !== undefined && marker.state === "active") {
          if (marker.key === null || marker.key >= key) continue;
        } else if (marker !== undefined && marker.key !== null && marker.key > key) continue;
        const read = await this.#readEntry(this.#pathIn(state, dirent.name));
        if (marker === undefined && read.ok && read.entry.writer && !writerIsGone(read.entry.writer))
          continue;
        const current: Marker = {
          state: "active",
          key,
          sha256: read.ok ? reportHash(read.entry.report) : null,
        };
        if (marker === undefined) await this.#createMarker(parsed.id, current);
        else await this.#replaceMarker(parsed.id, current);
      }
    }
    for await (const dirent of this.fs.entries(this.dir("failed"))) {
      const parsed = dirent.isFile ? parseEntryName(dirent.name) : undefined;
      if (!parsed) continue;
      const marker = await this.#readMarker(parsed.id);
      const failed: Marker = { state: "failed", key: orderKey(parsed), sha256: null, file: dirent.name };
      if (marker === undefined) await this.#createMarker(parsed.id, failed);
      else if (marker.state === "active") {
        const active = await this.find(parsed.id);
        if (active?.state === "failed") await this.#replaceMarker(parsed.id, failed);
      }
    }
  }
}

/** An operation in #traced: `unfinished` keeps its trace (a repair is owed). */
interface OperationTrace {
  unfinished: boolean;
}

/** The marker says this exact content is already pending, sending or done. */
function isSameActive(marker: Marker | undefined, sha256: string): boolean {
  return marker?.state === "active" && (marker.sha256 === null || marker.sha256 === sha256);
}

function toItem(state: QueueState, name: string, parsed: EntryName | undefined): QueueListItem {
  return {
    state,
    name,
    id: parsed?.id ?? "",
    stamp: parsed ? new Date(parsed.stamp).toISOString() : "",
    enqueuedAt: parsed ? new Date(parsed.enqueuedMs).toISOString() : "",
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Opens the queue folder (see FileQueue). */
export function openQueue(options: OpenQueueOptions): Promise<FileQueue> {
  return FileQueue.open(options);
}
