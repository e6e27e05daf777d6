import { monotonicNow } from "./clock.js";

/** Something with a moment it is due at (monotonic ms), told when that moment has come. */
export interface Deadline {
  /** When it is due; Infinity when not waiting. Read when it is added, and when the timer fires. */
  readonly dueAt: number;
  /** The moment has come (it was taken out of the timer first, and may add itself again). */
  due(now: number): void;
}

/**
 * One Node timer for the deadlines of many calls.
 *
 * A timer armed and cleared for every call costs more than the rest of the call's bookkeeping in a
 * fresh process: Node makes a timer list for the duration and drops it again, touches its priority
 * queue, and calls into libuv both ways. Calls made one after another end long before their
 * deadlines, so one timer armed for the earliest of them serves them all: a call that ends only
 * leaves the set, and when the timer fires it tells whatever is due and re-arms for the earliest
 * deadline left. The timer keeps the process alive only while some deadline is pending, as a
 * call's own timer would.
 */
export class DeadlineTimer {
  readonly #pending = new Set<Deadline>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (monotonic ms). */
  #timerAt = Number.POSITIVE_INFINITY;

  /** Waits for `entry.dueAt` (again, when it is pending already and its moment moved earlier). */
  add(entry: Deadline): void {
    this.#pending.add(entry);
    if (entry.dueAt < this.#timerAt) this.#arm(entry.dueAt);
    // Node's ref()/unref() do nothing when the timer is so already.
    else this.#timer?.ref();
  }

  /** No longer waits for `entry`. */
  delete(entry: Deadline): void {
    this.#pending.delete(entry);
    // Left armed (a later call may need it), but it no longer keeps the process alive.
    if (this.#pending.size === 0) this.#timer?.unref();
  }

  /** Clears the timer when nothing waits on it (a transport closing: its calls in flight still end on time). */
  stopIfIdle(): void {
    if (this.#pending.size === 0) this.close();
  }

  /** Clears the timer; pending entries are dropped without being told. */
  close(): void {
    this.#pending.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - monotonicNow()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = monotonicNow();
    const due: Deadline[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.#pending) {
      if (entry.dueAt <= now) due.push(entry);
      else if (entry.dueAt < next) next = entry.dueAt;
    }
    for (const entry of due) this.#pending.delete(entry);
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
    // Told last: an entry that adds itself again re-arms the timer if it is due earlier. Every
    // due entry is told even if one throws (an abort listener can); the first error then goes on.
    let failure: { error: unknown } | undefined;
    for (const entry of due) {
      try {
        entry.due(now);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
