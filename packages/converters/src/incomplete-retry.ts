/**
 * Files whose converter said "not complete yet" (a ConversionError of kind "incomplete", see
 * `notYetComplete` in plugin-api.ts): the watcher leaves such a file in place and looks at it
 * again after the delay the converter asked for. Kept apart from folder-watcher.ts so the watcher
 * only has to call `schedule` and `clear`.
 */
import { DEFAULT_INCOMPLETE_RETRY_MS } from "./plugin-api.js";

export const MIN_INCOMPLETE_RETRY_MS = 1_000;
export const MAX_INCOMPLETE_RETRY_MS = 10 * 60_000;

export class IncompleteRetries {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  /** Calls `again(path)` after `retryAfterMs` (default 10 s, clamped to 1 s .. 10 min); returns the delay used. */
  schedule(path: string, retryAfterMs: number | undefined, again: (path: string) => void): number {
    const asked = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? retryAfterMs : undefined;
    const delay = Math.round(
      Math.min(
        MAX_INCOMPLETE_RETRY_MS,
        Math.max(MIN_INCOMPLETE_RETRY_MS, asked ?? DEFAULT_INCOMPLETE_RETRY_MS),
      ),
    );
    clearTimeout(this.#timers.get(path));
    const timer = setTimeout(() => {
      this.#timers.delete(path);
      again(path);
    }, delay);
    timer.unref?.();
    this.#timers.set(path, timer);
    return delay;
  }

  /** Files waiting for their set to complete. */
  get size(): number {
    return this.#timers.size;
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
