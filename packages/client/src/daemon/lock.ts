/**
 * One daemon per queue folder: `<folder>/daemon.lock` holds the owner's pid. A lock left by a
 * process that no longer runs (kill -9, power cut) is taken over.
 *
 * Correct when several daemons start at once on the same folder:
 * - A lock file appears complete or not at all: the pid is written to a file of this process's
 *   own and hard-linked to `daemon.lock` (link fails when the name exists), so nobody reads a
 *   half-written lock and mistakes it for a stale one.
 * - Taking over a stale lock happens under a second lock, `daemon.lock.takeover`, taken the same
 *   way: the taker reads the lock again while holding it and removes it only if it still names the
 *   same dead process. Without it, two starters that both saw the stale lock could each remove
 *   it, the second removing the first's new, live lock, and both would run.
 * A takeover lock left by a taker that died is itself removed when its pid no longer runs.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class QueueLockedError extends Error {
  constructor(folder: string, pid: number) {
    super(
      `another tswats-client daemon (pid ${pid}) is using the queue folder ${folder}; give each instance its own queue folder and port`,
    );
    this.name = "QueueLockedError";
  }
}

/** Who is asking and how liveness is checked (tests run several owners in one process). */
export interface LockIdentity {
  pid: number;
  alive(pid: number): boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const THIS_PROCESS: LockIdentity = { pid: process.pid, alive: processAlive };

/** Creates `path` holding `pid`, complete, or returns false when `path` exists. */
function createExclusive(path: string, pid: number): boolean {
  const own = `${path}.${pid}.tmp`;
  writeFileSync(own, String(pid));
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(own);
  }
}

/** The pid a lock file names, or undefined when it is gone (or names none). */
function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function removeIfOwnedBy(path: string, pid: number): void {
  if (ownerOf(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Waits a little without returning to the event loop (the lock is taken once, at start-up). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function acquireQueueLock(folder: string, me: LockIdentity = THIS_PROCESS): () => void {
  const path = join(folder, "daemon.lock");
  const takeover = `${path}.takeover`;
  const release = () => removeIfOwnedBy(path, me.pid);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (attempt > 0) pause(1 + (attempt % 10));
    if (createExclusive(path, me.pid)) return release;
    const owner = ownerOf(path);
    if (owner === undefined) continue; // removed meanwhile: try again
    if (owner !== me.pid && me.alive(owner)) throw new QueueLockedError(folder, owner);
    // Stale (or our own pid, left by an earlier process that had it): take it over, one at a time.
    if (!createExclusive(takeover, me.pid)) {
      const taker = ownerOf(takeover);
      if (taker !== undefined && taker !== me.pid && !me.alive(taker)) removeIfOwnedBy(takeover, taker);
      continue;
    }
    try {
      if (ownerOf(path) === owner) removeIfOwnedBy(path, owner);
    } finally {
      removeIfOwnedBy(takeover, me.pid);
    }
  }
  throw new Error(`cannot take the lock ${path}: it kept changing hands`);
}
