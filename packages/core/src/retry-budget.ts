import { monotonicNow } from "./clock.js";

/**
 * A token bucket of retries shared by every call in the process: each retry takes a token,
 * tokens come back at a fixed rate. While a server is down, calls stop retrying once the bucket
 * is empty instead of multiplying the load (a retry storm); first attempts are never limited.
 */
export interface RetryBudgetOptions {
  /** Most retries that can happen in a burst. Default 100. */
  capacity?: number;
  /** Tokens regained per second. Default 1. */
  refillPerSecond?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

export interface RetryBudgetStats {
  capacity: number;
  refillPerSecond: number;
  available: number;
  granted: number;
  refused: number;
}

export class RetryBudget {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #granted = 0;
  #refused = 0;

  constructor(options: RetryBudgetOptions = {}) {
    this.capacity = options.capacity ?? 100;
    this.refillPerSecond = options.refillPerSecond ?? 1;
    if (!(this.capacity >= 0) || !(this.refillPerSecond >= 0)) {
      throw new RangeError("retry budget: capacity and refillPerSecond must be >= 0");
    }
    this.#now = options.now ?? monotonicNow;
    this.#tokens = this.capacity;
    this.#updatedAt = this.#now();
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed / 1000) * this.refillPerSecond);
    }
    this.#updatedAt = now;
  }

  /** Takes a token when one is there; false means: do not retry. */
  tryAcquire(): boolean {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#granted++;
      return true;
    }
    this.#refused++;
    return false;
  }

  /** Whole tokens available now. */
  get available(): number {
    this.#refill();
    return Math.floor(this.#tokens);
  }

  stats(): RetryBudgetStats {
    return {
      capacity: this.capacity,
      refillPerSecond: this.refillPerSecond,
      available: this.available,
      granted: this.#granted,
      refused: this.#refused,
    };
  }
}

const SHARED = Symbol.for("tswats.retryBudget");

/**
 * The process-wide budget used when a transport is not given its own. Kept on globalThis under a
 * `Symbol.for` key so two copies of this module (CJS and ESM) still share one bucket.
 */
export function sharedRetryBudget(): RetryBudget {
  const holder = globalThis as unknown as Record<symbol, RetryBudget | undefined>;
  let budget = holder[SHARED];
  if (!budget) {
    budget = new RetryBudget();
    holder[SHARED] = budget;
  }
  return budget;
}
