import { monotonicNow } from "./clock.js";

/**
 * The life of one call: its deadline (bounding every attempt and every wait in between), each
 * attempt's own time limit, and the caller's signal. When the call ends (caller abort or
 * deadline), the attempt in flight and any wait are aborted directly.
 *
 * A call has one timer and at most one AbortController on the usual path: the timer is armed
 * once, at the first moment something may be due (an attempt's limit or the call's deadline) and
 * re-armed only when it fires early. The controller is made only when something asks for a
 * signal (a wait, fetch); an attempt sent on Node's HTTP client registers a plain abort function
 * instead (`AttemptScope.onAbort`), so a call that answers at once allocates no signal at all.
 * The controller is shared by the attempts and the waits between them and replaced only after an
 * attempt's own time limit aborted it. `dispose()` clears the timer and removes the one listener
 * put on the caller's signal, so a long-lived signal shared by many calls collects nothing.
 */
export type CallEnd = "caller" | "timeout";

export class CallScope {
  readonly timeoutMs: number;
  readonly #now: () => number;
  readonly #deadline: number;
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (monotonic ms). */
  #timerAt = Number.POSITIVE_INFINITY;
  #onCallerAbort: (() => void) | undefined;
  #controller: AbortController | undefined;
  /** The attempt in flight, if any. */
  #attempt: AttemptScope | undefined;
  #reason: unknown;
  /** Why the call ended early, once it has. */
  ended: CallEnd | undefined;

  /**
   * `firstLimitMs`: the attempts' time limit, when known, so the one timer can be armed for the
   * first attempt's limit at once (it is checked, and re-armed, if it fires early).
   */
  constructor(
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    now: () => number = monotonicNow,
    firstLimitMs?: number,
  ) {
    this.timeoutMs = timeoutMs;
    this.#now = now;
    this.#deadline = now() + timeoutMs;
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) {
      this.#end("caller", callerSignal.reason);
      return;
    }
    if (callerSignal) {
      this.#onCallerAbort = () => this.#end("caller", callerSignal.reason);
      callerSignal.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
    const first = firstLimitMs !== undefined && firstLimitMs < timeoutMs ? firstLimitMs : timeoutMs;
    if (Number.isFinite(first)) this.#arm(first);
  }

  /** Aborts when the caller aborts or the deadline passes (for waits between attempts). */
  get signal(): AbortSignal {
    return this.#liveController().signal;
  }

  remainingMs(): number {
    return this.ended ? 0 : Math.max(0, this.#deadline - this.#now());
  }

  /** A scope for one attempt, limited to `limitMs` and to the call's own deadline. */
  attempt(limitMs: number): AttemptScope {
    const ownLimit = !this.ended && limitMs < this.remainingMs();
    const deadline = ownLimit ? this.#now() + limitMs : undefined;
    const attempt = new AttemptScope(this, deadline, this.ended ? this.#reason : undefined);
    if (!this.ended) this.#attempt = attempt;
    // The timer is normally armed for this already; only an attempt due before it needs a new one.
    if (deadline !== undefined && deadline < this.#timerAt) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#arm(limitMs);
    }
    return attempt;
  }

  /** @internal an attempt that took the signal timed out: abort the controller (replaced on next use). */
  abortSignal(reason: unknown): void {
    this.#controller?.abort(reason);
  }

  /** @internal the attempt is over: the call no longer aborts it. */
  release(attempt: AttemptScope): void {
    if (this.#attempt === attempt) this.#attempt = undefined;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#onCallerAbort) this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
    this.#onCallerAbort = undefined;
  }

  /** The controller of the call's attempts and waits: a new one after an attempt's limit aborted the last. */
  #liveController(): AbortController {
    let controller = this.#controller;
    if (controller === undefined || (controller.signal.aborted && !this.ended)) {
      controller = new AbortController();
      if (this.ended) controller.abort(this.#reason);
      this.#controller = controller;
    }
    return controller;
  }

  #arm(delayMs: number): void {
    const delay = Math.max(0, delayMs);
    this.#timerAt = this.#now() + delay;
    this.#timer = setTimeout(() => this.#due(), delay);
  }

  /** The timer fired: end the call, or end the attempt in flight, whichever is due; re-arm for the rest. */
  #due(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.ended) return;
    const now = this.#now();
    if (now >= this.#deadline) {
      this.#end("timeout", new Error("call time limit reached"));
      return;
    }
    const attempt = this.#attempt;
    if (attempt?.deadline !== undefined && now >= attempt.deadline) {
      this.#attempt = undefined;
      attempt.timedOut = true;
      attempt.abort(new Error("attempt time limit reached"));
    }
    const next =
      this.#attempt?.deadline !== undefined
        ? Math.min(this.#attempt.deadline, this.#deadline)
        : this.#deadline;
    this.#arm(next - now);
  }

  #end(why: CallEnd, reason: unknown): void {
    if (this.ended) return;
    this.ended = why;
    this.#reason = reason;
    this.dispose();
    this.#controller?.abort(reason);
    this.#attempt?.abort(reason);
  }
}

export class AttemptScope {
  /** True when this attempt's own time limit (not the call's) ended it. */
  timedOut = false;
  readonly #parent: CallScope;
  /** @internal when this attempt's own limit ends it (monotonic ms); undefined: the call's deadline does. */
  readonly deadline: number | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: ((reason: unknown) => void) | undefined;
  #aborted = false;
  #reason: unknown;

  constructor(parent: CallScope, deadline: number | undefined, endedReason?: unknown) {
    this.#parent = parent;
    this.deadline = deadline;
    if (parent.ended) {
      this.#aborted = true;
      this.#reason = endedReason;
    }
  }

  /** Aborts when the attempt's limit passes or the call ends (made on first use). */
  get signal(): AbortSignal {
    this.#signal ??= this.#parent.signal;
    return this.#signal;
  }

  /**
   * Calls `abort` once, with the reason, when the attempt's limit passes or the call ends (at
   * once if it already has). One function per attempt; it replaces an earlier one.
   */
  onAbort(abort: (reason: unknown) => void): void {
    if (this.#aborted) {
      abort(this.#reason);
      return;
    }
    this.#onAbort = abort;
  }

  /** @internal */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const onAbort = this.#onAbort;
    this.#onAbort = undefined;
    // The shared controller is aborted only when this attempt took its signal; the call replaces
    // it for what comes next (see CallScope.#liveController).
    if (this.#signal !== undefined && !this.#signal.aborted) this.#parent.abortSignal(reason);
    onAbort?.(reason);
  }

  dispose(): void {
    this.#onAbort = undefined;
    this.#parent.release(this);
  }
}
