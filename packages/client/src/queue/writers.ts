/**
 * Who writes in a queue folder. Every process that opens the queue (the daemon, each `submit`,
 * `queue retry`, a converter host) is a *writer* with an id `<pid>-<nonce>`; its temp files and
 * the entries it enqueues carry that id. Recovery may remove a temp file, or write an id marker
 * for an entry, only when the writer is provably gone: its process no longer exists (or, for this
 * very process, the queue instance that wrote it is no longer open). A pid reused by an unrelated
 * process only delays that clean-up; it never removes anything of a live writer.
 */
import { randomBytes } from "node:crypto";

/** Writers open in this process (nonces), so recovery in the same process spares them. */
const openHere = new Set<string>();

export function newWriterId(): string {
  const nonce = randomBytes(4).toString("hex");
  openHere.add(nonce);
  return `${process.pid}-${nonce}`;
}

export function closeWriter(writerId: string): void {
  const parsed = parseWriterId(writerId);
  if (parsed && parsed.pid === process.pid) openHere.delete(parsed.nonce);
}

const WRITER = /^(\d+)-([0-9a-f]+)$/;

export function parseWriterId(text: string): { pid: number; nonce: string } | undefined {
  const m = WRITER.exec(text);
  return m ? { pid: Number(m[1]), nonce: m[2] as string } : undefined;
}

/**
 * The writer a temp file name belongs to: `<pid>-<nonce>-<seq>.tmp` (a file being written),
 * `<pid>-<nonce>-<seq>.trace` (an operation running, see FileQueue) or `.probe-<pid>-<nonce>-<seq>`.
 */
export function tempFileWriter(name: string): string | undefined {
  const m = /^(?:\.probe-)?(\d+-[0-9a-f]+)-\d+(?:\.tmp|\.trace)?$/.exec(name);
  return m?.[1];
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True only when the writer certainly no longer runs. */
export function writerIsGone(writerId: string): boolean {
  const parsed = parseWriterId(writerId);
  if (!parsed || parsed.pid <= 0) return false;
  if (parsed.pid === process.pid) return !openHere.has(parsed.nonce);
  return !processExists(parsed.pid);
}
