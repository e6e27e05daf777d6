/**
 * One timer for many calls' deadlines: calls made one after another set it once, and a call still
 * ends at its own deadline whatever the timer was set for (fake clock, no real waiting), and the
 * timer keeps the process alive only while a deadline is pending (real timers).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CallScope } from "../src/call-scope.js";
import { type Deadline, DeadlineTimer } from "../src/deadline-timer.js";
import { useFakeClock } from "./helpers.js";

afterEach(() => {
  // Spies first: restoring them after useRealTimers would put the fake setTimeout back.
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("DeadlineTimer with calls (CallScope)", () => {
  it("calls made one after another set one Node timer between them", () => {
    useFakeClock();
    const set = vi.spyOn(globalThis, "setTimeout");
    const cleared = vi.spyOn(globalThis, "clearTimeout");
    const timer = new DeadlineTimer();
    for (let i = 0; i < 100; i++) {
      const scope = new CallScope(30_000, undefined, timer, 10_000);
      const attempt = scope.attempt(10_000);
      vi.advanceTimersByTime(1);
      attempt.dispose();
      scope.dispose();
    }
    expect(set).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
  });

  it("a call that hangs after others ended is ended at its own deadline, not theirs", async () => {
    useFakeClock();
    const timer = new DeadlineTimer();
    const first = new CallScope(1_000, undefined, timer);
    await vi.advanceTimersByTimeAsync(10);
    first.dispose();
    await vi.advanceTimersByTimeAsync(490);
    const hanging = new CallScope(1_000, undefined, timer);
    const attempt = hanging.attempt(60_000);
    // The timer was set for the first call's deadline (1,000 ms); the hanging call's is 1,500.
    await vi.advanceTimersByTimeAsync(500);
    expect(hanging.ended).toBeUndefined();
    await vi.advanceTimersByTimeAsync(499);
    expect(hanging.ended).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(hanging.ended).toBe("timeout");
    expect(attempt.signal.aborted).toBe(true);
  });

  it("a call due before the time the timer is set for moves it earlier", async () => {
    useFakeClock();
    const timer = new DeadlineTimer();
    const long = new CallScope(60_000, undefined, timer);
    const short = new CallScope(60_000, undefined, timer, 2_000);
    const attempt = short.attempt(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(attempt.timedOut).toBe(true);
    expect(short.ended).toBeUndefined();
    expect(long.ended).toBeUndefined();
    await vi.advanceTimersByTimeAsync(58_000);
    expect(long.ended).toBe("timeout");
    expect(short.ended).toBe("timeout");
  });

  it("tells every entry due at the same moment, and one that adds itself again is told again", async () => {
    useFakeClock();
    const timer = new DeadlineTimer();
    const told: string[] = [];
    const entry = (name: string, at: number, again?: number): Deadline => {
      const self = {
        dueAt: at,
        due(now: number) {
          told.push(`${name}@${now - start}`);
          if (again !== undefined && self.dueAt === at) {
            self.dueAt = now + again;
            timer.add(self);
          }
        },
      };
      return self;
    };
    const start = performance.now();
    timer.add(entry("a", start + 100));
    timer.add(entry("b", start + 100, 50));
    timer.add(entry("c", start + 300));
    await vi.advanceTimersByTimeAsync(300);
    expect(told).toEqual(["a@100", "b@100", "b@150", "c@300"]);
  });
});

describe("DeadlineTimer when an entry throws", () => {
  it("still tells the other entries due at that moment, then lets the error go on", () => {
    useFakeClock();
    const timer = new DeadlineTimer();
    const start = performance.now();
    const told: string[] = [];
    timer.add({
      dueAt: start + 10,
      due: () => {
        throw new Error("listener failed");
      },
    });
    timer.add({ dueAt: start + 10, due: () => told.push("second") });
    expect(() => vi.advanceTimersByTime(10)).toThrow("listener failed");
    expect(told).toEqual(["second"]);
  });
});

describe("DeadlineTimer and the process", () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

  it("keeps the process alive only while a deadline is pending", () => {
    const before = timeouts();
    const timer = new DeadlineTimer();
    const scope = new CallScope(30_000, undefined, timer);
    expect(timeouts()).toBe(before + 1);
    scope.dispose();
    expect(timeouts()).toBe(before);
    // The next call uses the same, still armed, timer: it holds the process again.
    const next = new CallScope(30_000, undefined, timer);
    expect(timeouts()).toBe(before + 1);
    next.dispose();
    timer.stopIfIdle();
    expect(timeouts()).toBe(before);
  });
});
