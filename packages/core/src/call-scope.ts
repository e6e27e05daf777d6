import { monotonicNow } from "./clock.js";
import { type Deadline, DeadlineTimer } from "./deadline-timer.js";

/**
 * The life of one call: its deadline (bounding every attempt and every wait in between), each
 * attempt's own time limit, and the caller's signal. When the call ends (caller abort or
 * deadline), the attempt in flight and any wait are aborted directly.
 *
 * A call sets no timer of its own and makes at most one AbortController on the usual path: it
 * waits on its transport's DeadlineTimer (one Node timer for all the transport's calls), told the
 * first moment something may be due (an attempt's limit or the call's deadline) and told again
 * only when that moment comes early. The controller is made only when something asks for a
 * signal (a wait, fetch); an attempt sent on Node's HTTP client registers a plain abort function
 * instead (`AttemptScope.onAbort`), so a call that answers at once allocates no signal at all.
 * The controller is shared by the attempts and the waits between them and replaced only after an
 * attempt's own time limit aborted it. `dispose()` leaves the timer and removes the one listener
 * put on the caller's signal, so a long-lived signal shared by many calls collects nothing.
 */
export type CallEnd = "caller" | "timeout";

export class CallScope implements Deadline {
  readonly timeoutMs: number;
  readonly #deadline: number;
  readonly #callerSignal: AbortSignal | undefined;
  /** The timer the call waits on: the transport's, shared by its calls, or its own. */
  readonly #timer: DeadlineTimer;
  readonly #ownTimer: boolean;
  /** When the timer should next look at this call (monotonic ms); Infinity when it need not. */
  dueAt = Number.POSITIVE_INFINITY;
  #onCallerAbort: (() => void) | undefined;
  #controller: AbortController | undefined;
  /** The attempt in flight, if any. */
  #attempt: AttemptScope | undefined;
  #reason: unknown;
  /** Why the call ended early, once it has. */
  ended: CallEnd | undefined;

  /**
   * `timer`: the transport's DeadlineTimer (one for all its calls); without it the call has its
   * own. `firstLimitMs`: the attempts' time limit, when known, so the timer can be set for the
   * first attempt's limit at once (it is checked, and set again, if it fires early). `startedAt`:
   * when the call began (monotonic ms), when the caller has read the clock already.
   */
  constructor(
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    timer?: DeadlineTimer,
    firstLimitMs?: number,
    startedAt: number = monotonicNow(),
  ) {
    this.timeoutMs = timeoutMs;
    this.#deadline = startedAt + timeoutMs;
    this.#callerSignal = callerSignal;
    this.#ownTimer = timer === undefined;
    this.#timer = timer ?? new DeadlineTimer();
    if (callerSignal?.aborted) {
      this.#end("caller", callerSignal.reason);
      return;
    }
    if (callerSignal) {
      this.#onCallerAbort = () => this.#end("caller", callerSignal.reason);
      callerSignal.addEventListener("abort", this.#onCallerAbort, { once: true });
    }
    const first = firstLimitMs !== undefined && firstLimitMs < timeoutMs ? firstLimitMs : timeoutMs;
    if (Number.isFinite(first)) this.#wake(startedAt + first);
  }

  /** Aborts when the caller aborts or the deadline passes (for waits between attempts). */
  get signal(): AbortSignal {
    return this.#liveController().signal;
  }

  remainingMs(): number {
    return this.#remainingAt(monotonicNow());
  }

  #remainingAt(now: number): number {
    return this.ended ? 0 : Math.max(0, this.#deadline - now);
  }

  /** A scope for one attempt, limited to `limitMs` and to the call's own deadline. */
  attempt(limitMs: number): AttemptScope {
    // One clock read per attempt (see clock.ts).
    const now = monotonicNow();
    const ownLimit = !this.ended && limitMs < this.#remainingAt(now);
    const deadline = ownLimit ? now + limitMs : undefined;
    const attempt = new AttemptScope(this, deadline, this.ended ? this.#reason : undefined);
    if (!this.ended) this.#attempt = attempt;
    // The timer normally looks at the call by then already; only an attempt due earlier moves it.
    if (deadline !== undefined && deadline < this.dueAt) this.#wake(deadline);
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
    this.dueAt = Number.POSITIVE_INFINITY;
    if (this.#ownTimer) this.#timer.close();
    else this.#timer.delete(this);
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

  /** Has the timer look at this call at `at` (monotonic ms). */
  #wake(at: number): void {
    this.dueAt = at;
    this.#timer.add(this);
  }

  /** @internal the timer's moment came: end the call, or the attempt in flight, whichever is due; wait for the rest. */
  due(now: number): void {
    this.dueAt = Number.POSITIVE_INFINITY;
    if (this.ended) return;
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
    this.#wake(next);
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
