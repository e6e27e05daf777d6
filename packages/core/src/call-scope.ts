import { monotonicNow } from "./clock.js";

/**
 * The life of one call: its deadline (bounding every attempt and every wait in between) and the
 * caller's signal. When either ends the call, the attempt in flight is aborted directly and so is
 * any wait. `dispose()` clears the timer and removes the one listener put on the caller's signal,
 * so a long-lived signal shared by many calls collects nothing.
 *
 * AbortControllers are not free, so the call has one only when something waits on `signal`
 * (a throttle slot, a backoff); each attempt has its own.
 */
export type CallEnd = "caller" | "timeout";

export class CallScope {
  readonly timeoutMs: number;
  readonly #now: () => number;
  readonly #deadline: number;
  readonly #callerSignal: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onCallerAbort: (() => void) | undefined;
  #controller: AbortController | undefined;
  #attempt: AbortController | undefined;
  #reason: unknown;
  /** Why the call ended early, once it has. */
  ended: CallEnd | undefined;

  constructor(timeoutMs: number, callerSignal: AbortSignal | undefined, now: () => number = monotonicNow) {
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
    if (Number.isFinite(timeoutMs)) {
      this.#timer = setTimeout(
        () => this.#end("timeout", new Error("call time limit reached")),
        Math.max(0, timeoutMs),
      );
    }
  }

  /** Aborts when the caller aborts or the deadline passes (for waits between attempts). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.ended) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  remainingMs(): number {
    return this.ended ? 0 : Math.max(0, this.#deadline - this.#now());
  }

  /** A scope for one attempt, limited to `limitMs` and to the call's own deadline. */
  attempt(limitMs: number): AttemptScope {
    const controller = new AbortController();
    if (this.ended) controller.abort(this.#reason);
    else this.#attempt = controller;
    return new AttemptScope(this, controller, limitMs < this.remainingMs() ? limitMs : undefined);
  }

  /** @internal the attempt is over: the call no longer aborts it. */
  release(controller: AbortController): void {
    if (this.#attempt === controller) this.#attempt = undefined;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onCallerAbort) this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
    this.#onCallerAbort = undefined;
  }

  #end(why: CallEnd, reason: unknown): void {
    if (this.ended) return;
    this.ended = why;
    this.#reason = reason;
    this.dispose();
    this.#attempt?.abort(reason);
    this.#controller?.abort(reason);
  }
}

export class AttemptScope {
  /** True when this attempt's own time limit (not the call's) ended it. */
  timedOut = false;
  readonly #parent: CallScope;
  readonly #controller: AbortController;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parent: CallScope, controller: AbortController, limitMs: number | undefined) {
    this.#parent = parent;
    this.#controller = controller;
    if (limitMs !== undefined) {
      this.#timer = setTimeout(() => {
        this.timedOut = true;
        controller.abort(new Error("attempt time limit reached"));
      }, limitMs);
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#parent.release(this.#controller);
  }
}
