import type { Clock } from "../src/index.js";

/**
 * A clock the test moves by hand: `now()` only changes with `advance`, and `sleep` resolves only
 * when the test releases it, so latency faults are observed without waiting on wall time.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #sleepers: { ms: number; resolve: () => void }[] = [];
  readonly #waiters: ((ms: number) => void)[] = [];

  constructor(start = Date.parse("2026-06-01T12:00:00Z")) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { ms, resolve };
      this.#sleepers.push(entry);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      this.#waiters.shift()?.(ms);
    });
  }

  /** Resolves with the duration of the next sleep that starts (or one already waiting). */
  nextSleep(): Promise<number> {
    const waiting = this.#sleepers[0];
    if (waiting) return Promise.resolve(waiting.ms);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends every pending sleep, advancing the clock by the longest. */
  release(): void {
    const sleepers = this.#sleepers.splice(0);
    this.#now += Math.max(0, ...sleepers.map((s) => s.ms));
    for (const s of sleepers) s.resolve();
  }
}

/** Waits (in event-loop turns, not wall time) until the condition holds. */
export async function until(condition: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("condition not reached");
}
