/**
 * Uploads per minute over the last hour (the dashboard's chart): 60 one-minute buckets of
 * successful and failed uploads, fed by the uploader's events.
 */
import type { UploaderEvent } from "../upload/uploader.js";

export interface MinuteBucket {
  /** Start of the minute, ms since the epoch. */
  minute: number;
  ok: number;
  failed: number;
}

const MINUTE = 60_000;

export class UploadActivity {
  readonly #buckets = new Map<number, MinuteBucket>();

  constructor(readonly now: () => number = Date.now) {}

  readonly onEvent = (event: UploaderEvent): void => {
    if (event.type !== "ok" && event.type !== "failed" && event.type !== "retry") return;
    const minute = Math.floor(this.now() / MINUTE) * MINUTE;
    const bucket = this.#buckets.get(minute) ?? { minute, ok: 0, failed: 0 };
    this.#buckets.set(minute, bucket);
    if (event.type === "ok") bucket.ok++;
    else bucket.failed++;
    for (const key of this.#buckets.keys()) if (key < minute - 60 * MINUTE) this.#buckets.delete(key);
  };

  /** The last 60 minutes, oldest first, one bucket each (empty minutes included). */
  lastHour(): MinuteBucket[] {
    const current = Math.floor(this.now() / MINUTE) * MINUTE;
    const out: MinuteBucket[] = [];
    for (let i = 59; i >= 0; i--) {
      const minute = current - i * MINUTE;
      out.push(this.#buckets.get(minute) ?? { minute, ok: 0, failed: 0 });
    }
    return out;
  }
}
