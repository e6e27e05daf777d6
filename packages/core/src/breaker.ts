import { EventEmitter } from "node:events";
import { monotonicNow } from "./clock.js";

/**
 * Circuit breakers, one per server origin. Closed: calls go through and outcomes are counted.
 * When `failureThreshold` failures fall within `windowMs` (and at least `minimumCalls` calls
 * did), the breaker opens: calls fail at once for `openMs`. Then it is half-open: up to
 * `halfOpenProbes` calls go through; if all succeed it closes, if one fails it opens again.
 *
 * Failures are connection errors, timeouts and 5xx answers. 4xx answers (429 included) are
 * successes for the breaker: the server is up and answering. Calls the caller aborted count as
 * nothing.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  /** Failures within the window that open the breaker. Default 5. */
  failureThreshold?: number;
  /** The counting window. Default 30 000 ms. */
  windowMs?: number;
  /** Calls (successes + failures) that must fall within the window too. Default 5. */
  minimumCalls?: number;
  /** How long the breaker stays open before it lets probes through. Default 15 000 ms. */
  openMs?: number;
  /** Calls let through while half-open; all must succeed to close. Default 1. */
  halfOpenProbes?: number;
}

export interface ResolvedBreakerOptions {
  failureThreshold: number;
  windowMs: number;
  minimumCalls: number;
  openMs: number;
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER: ResolvedBreakerOptions = {
  failureThreshold: 5,
  windowMs: 30_000,
  minimumCalls: 5,
  openMs: 15_000,
  halfOpenProbes: 1,
};

export interface BreakerStateChange {
  origin: string;
  from: BreakerState;
  to: BreakerState;
  /** Wall-clock time of the change (ISO). */
  at: string;
  reason: string;
  /** The call whose outcome caused the change, when one did. */
  correlationId?: string | undefined;
}

export interface BreakerSnapshot {
  origin: string;
  state: BreakerState;
  /** Failures and calls counted in the current window (closed state). */
  failuresInWindow: number;
  callsInWindow: number;
  /** While open: how long until probes are let through. */
  retryAfterMs: number | undefined;
  probesInFlight: number;
}

/** What `acquire` hands back: permission (to be settled with the outcome) or a refusal. */
export type BreakerPermit =
  | { readonly granted: true; readonly probe: boolean; readonly generation: number }
  | { readonly granted: false; readonly retryAfterMs: number };

interface ChangeContext {
  correlationId?: string | undefined;
}

export class CircuitBreaker {
  readonly origin: string;
  readonly options: ResolvedBreakerOptions;
  readonly #now: () => number;
  readonly #emit: (change: BreakerStateChange) => void;
  #state: BreakerState = "closed";
  #generation = 0;
  /** Times of the most recent failures / calls, at most failureThreshold / minimumCalls of them. */
  #failures: number[] = [];
  #calls: number[] = [];
  #openUntil = 0;
  #probesInFlight = 0;
  #probeSuccesses = 0;

  constructor(
    origin: string,
    options: BreakerOptions = {},
    emit: (change: BreakerStateChange) => void = () => {},
    now: () => number = monotonicNow,
  ) {
    this.origin = origin;
    this.options = resolveBreakerOptions(options);
    this.#emit = emit;
    this.#now = now;
  }

  get state(): BreakerState {
    this.#advance({});
    return this.#state;
  }

  /** While open: ms until probes are allowed; undefined when a call may try. Takes no permit. */
  peek(context: ChangeContext = {}): number | undefined {
    this.#advance(context);
    return this.#state === "open" ? Math.max(0, Math.ceil(this.#openUntil - this.#now())) : undefined;
  }

  /** Asks to send one request. A granted permit must be settled with onSuccess/onFailure/onNeutral. */
  acquire(context: ChangeContext = {}): BreakerPermit {
    this.#advance(context);
    if (this.#state === "closed") return { granted: true, probe: false, generation: this.#generation };
    if (this.#state === "open") {
      return { granted: false, retryAfterMs: Math.max(0, Math.ceil(this.#openUntil - this.#now())) };
    }
    if (this.#probesInFlight + this.#probeSuccesses < this.options.halfOpenProbes) {
      this.#probesInFlight++;
      return { granted: true, probe: true, generation: this.#generation };
    }
    // Half-open with every probe slot taken: try again shortly.
    return { granted: false, retryAfterMs: Math.min(1_000, this.options.openMs) };
  }

  onSuccess(permit: BreakerPermit, context: ChangeContext = {}): void {
    if (!permit.granted || permit.generation !== this.#generation) return;
    if (permit.probe) {
      this.#probesInFlight--;
      this.#probeSuccesses++;
      if (this.#probeSuccesses >= this.options.halfOpenProbes) {
        this.#transition("closed", "probe succeeded", context);
      }
      return;
    }
    this.#push(this.#calls, this.#now(), this.options.minimumCalls);
  }

  onFailure(permit: BreakerPermit, context: ChangeContext = {}): void {
    if (!permit.granted || permit.generation !== this.#generation) return;
    const now = this.#now();
    if (permit.probe) {
      this.#probesInFlight--;
      this.#open(now, "probe failed", context);
      return;
    }
    this.#push(this.#calls, now, this.options.minimumCalls);
    this.#push(this.#failures, now, this.options.failureThreshold);
    const since = now - this.options.windowMs;
    const failures =
      this.#failures.length >= this.options.failureThreshold && (this.#failures[0] ?? -1) > since;
    const calls = this.#calls.length >= this.options.minimumCalls && (this.#calls[0] ?? -1) > since;
    if (failures && calls) {
      this.#open(
        now,
        `${this.options.failureThreshold} failures within ${this.options.windowMs} ms`,
        context,
      );
    }
  }

  /** The call ended without telling anything about the server (the caller aborted). */
  onNeutral(permit: BreakerPermit): void {
    if (!permit.granted || permit.generation !== this.#generation) return;
    if (permit.probe) this.#probesInFlight--;
  }

  snapshot(): BreakerSnapshot {
    this.#advance({});
    const since = this.#now() - this.options.windowMs;
    return {
      origin: this.origin,
      state: this.#state,
      failuresInWindow: this.#failures.filter((t) => t > since).length,
      callsInWindow: this.#calls.filter((t) => t > since).length,
      retryAfterMs:
        this.#state === "open" ? Math.max(0, Math.ceil(this.#openUntil - this.#now())) : undefined,
      probesInFlight: this.#probesInFlight,
    };
  }

  #push(list: number[], value: number, keep: number): void {
    list.push(value);
    while (list.length > keep) list.shift();
  }

  #advance(context: ChangeContext): void {
    if (this.#state === "open" && this.#now() >= this.#openUntil) {
      this.#transition("half-open", `open for ${this.options.openMs} ms`, context);
    }
  }

  #open(now: number, reason: string, context: ChangeContext): void {
    this.#openUntil = now + this.options.openMs;
    this.#transition("open", reason, context);
  }

  #transition(to: BreakerState, reason: string, context: ChangeContext): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#failures = [];
    this.#calls = [];
    this.#probesInFlight = 0;
    this.#probeSuccesses = 0;
    this.#emit({
      origin: this.origin,
      from,
      to,
      at: new Date().toISOString(),
      reason,
      correlationId: context.correlationId,
    });
  }
}

export function resolveBreakerOptions(options: BreakerOptions = {}): ResolvedBreakerOptions {
  const resolved = { ...DEFAULT_BREAKER };
  for (const key of Object.keys(DEFAULT_BREAKER) as (keyof ResolvedBreakerOptions)[]) {
    const value = options[key];
    if (value !== undefined) resolved[key] = value;
  }
  for (const key of ["failureThreshold", "minimumCalls", "halfOpenProbes"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`breaker.${key}: must be an integer >= 1`);
    }
  }
  for (const key of ["windowMs", "openMs"] as const) {
    if (!(resolved[key] >= 0)) throw new RangeError(`breaker.${key}: must be >= 0`);
  }
  return resolved;
}

export interface BreakerEvents {
  stateChange: [change: BreakerStateChange];
}

/**
 * The breakers of one transport, by origin. Emits `stateChange` for every transition of any of
 * them; `snapshot()` returns the state of each.
 */
export class CircuitBreakerRegistry extends EventEmitter<BreakerEvents> {
  readonly options: ResolvedBreakerOptions;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #now: () => number;

  constructor(options: BreakerOptions = {}, now: () => number = monotonicNow) {
    super();
    this.options = resolveBreakerOptions(options);
    this.#now = now;
  }

  /** The breaker of an origin (`https://host:port`), created closed on first use. */
  get(origin: string): CircuitBreaker {
    let breaker = this.#breakers.get(origin);
    if (!breaker) {
      breaker = new CircuitBreaker(
        origin,
        this.options,
        (change) => this.emit("stateChange", change),
        this.#now,
      );
      this.#breakers.set(origin, breaker);
    }
    return breaker;
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.#breakers.values()].map((breaker) => breaker.snapshot());
  }
}
