/**
 * Queue file names: `<stamp>-<enqueuedMs>-<seq>-<id>.json`, all numbers zero-padded, so a plain
 * sort of names is chronological. `stamp` is when the entry may next be tried (pending), when
 * it was claimed or released (sending), or when it got to `done/` / `failed/`; `enqueuedMs` and
 * `seq` never change and give FIFO order among entries that are due; `id` is the report id.
 * Everything the scheduler needs is in the name, so it never opens a file to decide.
 */
export interface EntryName {
  stamp: number;
  enqueuedMs: number;
  seq: number;
  id: string;
}

const NAME =
  /^(\d{13})-(\d{13})-(\d{6})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$/;

export const REASON_SUFFIX = ".reason.json";

const pad = (value: number, width: number) => String(Math.max(0, Math.floor(value))).padStart(width, "0");

export function formatEntryName(name: EntryName): string {
  return `${pad(name.stamp, 13)}-${pad(name.enqueuedMs, 13)}-${pad(name.seq % 1_000_000, 6)}-${name.id}.json`;
}

export function parseEntryName(fileName: string): EntryName | undefined {
  const m = NAME.exec(fileName);
  if (!m) return undefined;
  return { stamp: Number(m[1]), enqueuedMs: Number(m[2]), seq: Number(m[3]), id: m[4] as string };
}

/** The same entry with a new stamp (its order key and id stay). */
export function restamp(fileName: string, stamp: number): string {
  const parsed = parseEntryName(fileName);
  if (!parsed) throw new Error(`not a queue entry name: ${fileName}`);
  return formatEntryName({ ...parsed, stamp });
}

/** FIFO order key: enqueue time, then sequence, then id. */
export function orderKey(name: EntryName): string {
  return `${pad(name.enqueuedMs, 13)}-${pad(name.seq, 6)}-${name.id}`;
}

export function isReasonFile(fileName: string): boolean {
  return fileName.endsWith(REASON_SUFFIX);
}

export function reasonFileName(entryFileName: string): string {
  return entryFileName.replace(/\.json$/, REASON_SUFFIX);
}
