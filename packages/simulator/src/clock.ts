/**
 * Time as the simulator sees it. Tests inject their own clock to control "now" (asset
 * calibration ages, yield windows, rate-limit windows) and to release latency faults without
 * waiting on the wall clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};

/** ISO-8601 UTC text of a clock reading (`2026-01-30T21:01:41.470Z`). */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whole and fractional days between two instants. */
export function daysBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / 86_400_000;
}
