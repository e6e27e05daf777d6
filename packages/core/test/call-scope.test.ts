/**
 * The call's one timer and one controller: what a call allocates on the usual path, and that the
 * attempt limit and the call deadline still end what they bound (fake clock, no real waiting).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallScope } from "../src/call-scope.js";
import { useFakeClock } from "./helpers.js";

describe("CallScope", () => {
  beforeEach(useFakeClock);
  afterEach(() => vi.useRealTimers());

  it("a call whose attempt answers uses one timer and one controller for the attempt and the waits", () => {
    const timers = vi.spyOn(globalThis, "setTimeout");
    const scope = new CallScope(60_000, undefined, undefined, 30_000);
    const waitSignal = scope.signal;
    const attempt = scope.attempt(30_000);
    expect(attempt.signal).toBe(waitSignal);
    attempt.dispose();
    scope.dispose();
    expect(timers).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(attempt.signal.aborted).toBe(false);
    timers.mockRestore();
  });

  it("an attempt's own limit aborts only that attempt; the next attempt and waits get a live signal", async () => {
    const scope = new CallScope(60_000, undefined, undefined, 1_000);
    await vi.advanceTimersByTimeAsync(10);
    const first = scope.attempt(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(first.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.timedOut).toBe(true);
    expect(first.signal.aborted).toBe(true);
    expect(scope.ended).toBeUndefined();
    first.dispose();
    expect(scope.signal.aborted).toBe(false);
    const second = scope.attempt(1_000);
    expect(second.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(second.timedOut).toBe(true);
    scope.dispose();
  });

  it("a later attempt with a limit shorter than the armed timer is still ended on time", async () => {
    const scope = new CallScope(60_000, undefined, undefined, 30_000);
    await vi.advanceTimersByTimeAsync(30_000);
    // The timer fired with no attempt in flight and was re-armed for the call's deadline.
    const attempt = scope.attempt(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(attempt.timedOut).toBe(true);
    scope.dispose();
  });

  it("the call's deadline ends the call: the attempt in flight and any wait abort with it", async () => {
    const scope = new CallScope(2_000, undefined, undefined, 30_000);
    const wait = scope.signal;
    const attempt = scope.attempt(30_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(scope.ended).toBe("timeout");
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.timedOut).toBe(false);
    expect(wait.aborted).toBe(true);
    expect(scope.remainingMs()).toBe(0);
  });

  it("the caller's abort ends the call and the listener goes with dispose()", () => {
    const caller = new AbortController();
    const scope = new CallScope(60_000, caller.signal);
    const attempt = scope.attempt(30_000);
    caller.abort(new Error("stop"));
    expect(scope.ended).toBe("caller");
    expect(attempt.signal.aborted).toBe(true);
    const other = new AbortController();
    const remove = vi.spyOn(other.signal, "removeEventListener");
    new CallScope(60_000, other.signal).dispose();
    expect(remove).toHaveBeenCalledTimes(1);
  });
});
