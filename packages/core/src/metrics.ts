import type { WatsErrorKind } from "./errors.js";

/**
 * In-process call metrics: counts per operation (ok and by error class), retries, breaker
 * transitions and a fixed-bucket latency histogram. `snapshot()` returns plain data.
 */

/** Upper bounds (ms) of the latency buckets; one more bucket counts everything slower. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

export interface LatencyHistogram {
  /** Same as LATENCY_BUCKETS_MS. */
  boundsMs: readonly number[];
  /** counts[i]: calls with latency <= boundsMs[i] and above the previous bound; the last entry is the overflow. */
  counts: number[];
  count: number;
  sumMs: number;
  maxMs: number;
}

export interface OperationMetrics {
  calls: number;
  ok: number;
  /** Failed calls by error class. */
  errors: Partial<Record<WatsErrorKind, number>>;
  /** Extra attempts made (a call with 3 attempts adds 2). */
  retries: number;
  /** Retries refused because the process-wide retry budget was empty. */
  retryBudgetExhausted: number;
  latency: LatencyHistogram;
}

export interface MetricsSnapshot {
  /** ISO time the counters started. */
  since: string;
  totals: { calls: number; ok: number; errors: number; retries: number };
  operations: Record<string, OperationMetrics>;
  /** Circuit breaker transitions by "from->to" (e.g. "closed->open"). */
  breakerTransitions: Record<string, number>;
}

function emptyOperation(): OperationMetrics {
  return {
    calls: 0,
    ok: 0,
    errors: {},
    retries: 0,
    retryBudgetExhausted: 0,
    latency: {
      boundsMs: LATENCY_BUCKETS_MS,
      counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
      count: 0,
      sumMs: 0,
      maxMs: 0,
    },
  };
}

/** Index of the bucket for a latency. */
export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (ms <= (LATENCY_BUCKETS_MS[i] as number)) return i;
  }
  return LATENCY_BUCKETS_MS.length;
}

export class Metrics {
  #since = new Date().toISOString();
  readonly #operations = new Map<string, OperationMetrics>();
  readonly #transitions = new Map<string, number>();

  #op(operation: string): OperationMetrics {
    let entry = this.#operations.get(operation);
    if (!entry) {
      entry = emptyOperation();
      this.#operations.set(operation, entry);
    }
    return entry;
  }

  /** One finished call: "ok" or the class of the error it ended with. */
  recordCall(operation: string, outcome: "ok" | WatsErrorKind, durationMs: number): void {
    const entry = this.#op(operation);
    entry.calls++;
    if (outcome === "ok") entry.ok++;
    else entry.errors[outcome] = (entry.errors[outcome] ?? 0) + 1;
    const ms = Math.max(0, durationMs);
    const latency = entry.latency;
    const index = bucketIndex(ms);
    latency.counts[index] = (latency.counts[index] ?? 0) + 1;
    latency.count++;
    latency.sumMs += ms;
    if (ms > latency.maxMs) latency.maxMs = ms;
  }

  recordRetry(operation: string): void {
    this.#op(operation).retries++;
  }

  recordBudgetExhausted(operation: string): void {
    this.#op(operation).retryBudgetExhausted++;
  }

  recordBreakerTransition(from: string, to: string): void {
    const key = `${from}->${to}`;
    this.#transitions.set(key, (this.#transitions.get(key) ?? 0) + 1);
  }

  snapshot(): MetricsSnapshot {
    const operations: Record<string, OperationMetrics> = {};
    const totals = { calls: 0, ok: 0, errors: 0, retries: 0 };
    for (const [name, entry] of this.#operations) {
      operations[name] = {
        ...entry,
        errors: { ...entry.errors },
        latency: { ...entry.latency, counts: [...entry.latency.counts] },
      };
      totals.calls += entry.calls;
      totals.ok += entry.ok;
      totals.errors += entry.calls - entry.ok;
      totals.retries += entry.retries;
    }
    return {
      since: this.#since,
      totals,
      operations,
      breakerTransitions: Object.fromEntries(this.#transitions),
    };
  }

  reset(): void {
    this.#operations.clear();
    this.#transitions.clear();
    this.#since = new Date().toISOString();
  }
}
