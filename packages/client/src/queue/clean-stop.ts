/**
 * The note a daemon leaves in its queue folder when it stops cleanly (`clean-stop.json`), so the
 * next start can trust the id markers instead of reading one per queued report.
 *
 * A marker can disagree with the entries only when something was cut off: a process killed in the
 * middle of a queue operation (each operation that touches a marker keeps a trace file in tmp/
 * until it has finished, see FileQueue), or the machine going down (markers are written without
 * an fsync). The note covers the second case by naming the boot it was written in: after a reboot
 * the next start repairs the markers, as it does when the note is missing (the last daemon did not
 * stop cleanly) or a gone writer left a trace. The start removes the note before it uses the
 * queue, so a daemon that dies later leaves none.
 */
import { readFileSync } from "node:fs";
import { uptime } from "node:os";

export const CLEAN_STOP_FILE = "clean-stop.json";

export interface CleanStop {
  /** The boot of the machine the daemon stopped in (see currentBootId). */
  bootId: string;
  /** When it stopped (ISO 8601); for people reading the folder. */
  stoppedAt: string;
}

/**
 * An id of the machine's current boot: Linux's `boot_id`, else the boot time to the minute
 * (a reboot moves it; a rounding that flips only costs one repair).
 */
export function currentBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return `booted-${Math.round((Date.now() - uptime() * 1000) / 60_000)}`;
  }
}

export function formatCleanStop(note: CleanStop): string {
  return `${JSON.stringify({ v: 1, ...note })}\n`;
}

/** The note in `text`, or undefined when it is not one (then the markers are repaired). */
export function parseCleanStop(text: string): CleanStop | undefined {
  try {
    const data = JSON.parse(text) as Partial<CleanStop> & { v?: unknown };
    if (data.v === 1 && typeof data.bootId === "string" && typeof data.stoppedAt === "string") {
      return { bootId: data.bootId, stoppedAt: data.stoppedAt };
    }
  } catch {
    // not JSON: not a note
  }
  return undefined;
}
