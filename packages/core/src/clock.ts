/** Monotonic milliseconds (never jumps with the wall clock); fake timers replace it in tests. */
export function monotonicNow(): number {
  return performance.now();
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. The abort
 * listener and the timer are both removed whichever happens first, so nothing leaks.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0 && !signal) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
