import { monotonicNow } from "./clock.js";

/**
 * A client-side rate limit with a sliding window: at most `limit` requests start in any
 * `windowMs` span (WATS allows about 500 per 60 s). A request over the limit waits on a timer
 * (never blocking the event loop) in FIFO order; a waiting request can be aborted.
 */
export interface ThrottleOptions {
  /** Requests per window. Default 500. */
  limit?: number;
  /** Window length. Default 60 000 ms. */
  windowMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

export interface ThrottleStats {
  limit: number;
  windowMs: number;
  /** Requests started within the current window. */
  inWindow: number;
  /** Requests waiting for a slot now. */
  waiting: number;
  /** Requests let through since creation. */
  granted: number;
  /** Of those, how many had to wait. */
  delayed: number;
  totalWaitMs: number;
  maxWaitMs: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  since: number;
  /** Who asked (a transport), so closing one client cancels only its own waiters. */
  owner: object | undefined;
}

export class Throttle {
  readonly limit: number;
  readonly windowMs: number;
  readonly #now: () => number;
  /** Start times of the last `limit` requests, oldest first (a ring buffer once full). */
  readonly #starts: number[] = [];
  #oldest = 0;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #granted = 0;
  #delayed = 0;
  #totalWaitMs = 0;
  #maxWaitMs = 0;

  constructor(options: ThrottleOptions = {}) {
    this.limit = options.limit ?? 500;
    this.windowMs = options.windowMs ?? 60_000;
    if (!Number.isInteger(this.limit) || this.limit < 1)
      throw new RangeError("throttle.limit: must be an integer >= 1");
    if (!(this.windowMs > 0)) throw new RangeError("throttle.windowMs: must be > 0");
    this.#now = options.now ?? monotonicNow;
  }

  /**
   * Takes a slot. Returns undefined when one was free (no await needed), else a promise that
   * resolves when the request may start, or rejects with the signal's reason if it aborts first.
   * `owner` tags the waiter for `cancelAll(reason, owner)`. `signal` may be a function giving it,
   * called only when the request has to wait (a free slot then needs no signal made).
   */
  acquire(signal?: AbortSignal | (() => AbortSignal), owner?: object): Promise<void> | undefined {
    if (typeof signal !== "function" && signal?.aborted) return Promise.reject(signal.reason);
    const now = this.#now();
    if (this.#queue.length === 0 && this.#freeAt(now) <= now) {
      this.#take(now);
      return undefined;
    }
    if (typeof signal === "function") return this.acquire(signal(), owner);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, since: now, owner };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          if (this.#queue.length === 0) this.#clearTimer();
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  stats(): ThrottleStats {
    const since = this.#now() - this.windowMs;
    return {
      limit: this.limit,
      windowMs: this.windowMs,
      inWindow: this.#starts.filter((t) => t > since).length,
      waiting: this.#queue.length,
      granted: this.#granted,
      delayed: this.#delayed,
      totalWaitMs: this.#totalWaitMs,
      maxWaitMs: this.#maxWaitMs,
    };
  }

  /**
   * Rejects every waiting request, or only those of `owner` (used when a transport closes: the
   * throttle may be shared with other clients of the same server and token).
   */
  cancelAll(reason: unknown, owner?: object): void {
    const cancelled: Waiter[] = [];
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const waiter = this.#queue[i] as Waiter;
      if (owner !== undefined && waiter.owner !== owner) continue;
      this.#queue.splice(i, 1);
      cancelled.unshift(waiter);
    }
    if (this.#queue.length === 0) this.#clearTimer();
    for (const waiter of cancelled) {
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(reason);
    }
  }

  /** When the next slot frees up: now if fewer than `limit` started within the window. */
  #freeAt(now: number): number {
    if (this.#starts.length < this.limit) return now;
    return (this.#starts[this.#oldest] as number) + this.windowMs;
  }

  #take(now: number): void {
    if (this.#starts.length < this.limit) {
      this.#starts.push(now);
    } else {
      this.#starts[this.#oldest] = now;
      this.#oldest = (this.#oldest + 1) % this.limit;
    }
    this.#granted++;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#queue.length === 0) return;
    const now = this.#now();
    this.#timer = setTimeout(() => this.#release(), Math.max(0, this.#freeAt(now) - now));
  }

  #release(): void {
    this.#timer = undefined;
    const now = this.#now();
    while (this.#queue.length > 0 && this.#freeAt(now) <= now) {
      const waiter = this.#queue.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.#take(now);
      const waited = now - waiter.since;
      this.#delayed++;
      this.#totalWaitMs += waited;
      if (waited > this.#maxWaitMs) this.#maxWaitMs = waited;
      waiter.resolve();
    }
    this.#schedule();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
