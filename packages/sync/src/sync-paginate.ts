/**
 * `paginateX()` of the sync facade: the async listing runs in the engine worker and the caller
 * pulls one page per blocking call, so a loop that stops early fetches no further pages.
 */
import type { EngineClient } from "./engine-client.js";
import { WatsEngineError } from "./engine-error.js";
import type { CallerFrames, MethodTarget } from "./protocol.js";
import type { SyncPaginated } from "./types.js";

/** Opening and closing a listing is bookkeeping in the engine; it gets this long. */
const CONTROL_WAIT_MS = 5_000;

export function syncPaginated<T>(
  client: EngineClient,
  target: MethodTarget,
  label: string,
  engineGraceMs: number,
  caller: CallerFrames | undefined,
): SyncPaginated<T> {
  function* pages(): Generator<T[], void, undefined> {
    const generation = client.generation();
    const cursor = client.request(
      { type: "page-open", ...target },
      CONTROL_WAIT_MS + engineGraceMs,
      label,
      target.correlationId,
      caller,
    ) as number;
    let finished = false;
    try {
      for (;;) {
        if (client.generation() !== generation) {
          throw new WatsEngineError(
            "restarted",
            `${label}: the engine worker was restarted during this listing (after a timeout or crash); start it again`,
            { operation: target.method, correlationId: target.correlationId },
          );
        }
        const step = client.request(
          { type: "page-next", cursor },
          target.timeoutMs + engineGraceMs,
          label,
          target.correlationId,
          caller,
        ) as { done: boolean; value: T[] | undefined };
        if (step.done) {
          finished = true;
          return;
        }
        yield step.value as T[];
      }
    } finally {
      if (!finished && client.threadId !== undefined && client.generation() === generation) {
        try {
          client.request({ type: "page-close", cursor }, CONTROL_WAIT_MS + engineGraceMs, label);
        } catch {
          // The listing is abandoned either way; do not hide the error that ended the loop.
        }
      }
    }
  }
  return {
    pages,
    *[Symbol.iterator]() {
      for (const page of pages()) yield* page;
    },
    toArray() {
      const all: T[] = [];
      for (const page of pages()) all.push(...page);
      return all;
    },
  };
}
