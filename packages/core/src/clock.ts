/**
 * Monotonic milliseconds (never jumps with the wall clock); fake timers that fake `hrtime`
 * replace it in tests (`process.hrtime` is looked up on every read for that reason).
 *
 * From `process.hrtime.bigint()`, not `performance.now()`: in Node 20 the latter passes a brand
 * check and a JavaScript wrapper, about 0.9 µs per read over a fresh process's first thousand
 * reads against 0.2 (and 90 ns against 75 once optimised). A call reads the clock a few times.
 */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
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
