import { isWatsError, WatsAbortError, type WatsError } from "./errors.js";

/**
 * Runs `fn` over many items with at most `concurrency` running at once. Every item gets a result,
 * in input order: one failure never sinks the batch. After the signal aborts, items not yet
 * started end as WatsAbortError without running.
 */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: WatsError | Error };

export interface MapConcurrentOptions {
  /** Most calls running at once. Default 8. */
  concurrency?: number;
  /** Stops starting new items; passed to `fn` so running ones can stop too. */
  signal?: AbortSignal;
}

export async function mapConcurrent<T, R>(
  items: Iterable<T>,
  fn: (item: T, index: number, signal: AbortSignal | undefined) => Promise<R> | R,
  options: MapConcurrentOptions = {},
): Promise<Settled<R>[]> {
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError("concurrency: must be an integer >= 1");
  }
  const list = [...items];
  const results = new Array<Settled<R>>(list.length);
  const { signal } = options;
  let next = 0;

  const worker = async () => {
    while (next < list.length) {
      const index = next++;
      if (signal?.aborted) {
        results[index] = {
          ok: false,
          error: new WatsAbortError(`mapConcurrent: aborted before item ${index} started`, {
            cause: signal.reason,
          }),
        };
        continue;
      }
      try {
        results[index] = { ok: true, value: await fn(list[index] as T, index, signal) };
      } catch (error) {
        results[index] = { ok: false, error: asError(error) };
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return results;
}

function asError(value: unknown): WatsError | Error {
  if (isWatsError(value) || value instanceof Error) return value;
  return new Error(`non-Error thrown: ${String(value)}`, { cause: value });
}
