/**
 * Warnings about content a converter read but could not map, grouped so that a large file gives
 * one line per kind of problem (with the first lines and a count) instead of thousands.
 */
import type { ConverterContext } from "../../plugin-api.js";

const SHOWN_LINES = 5;

export class WarningTally {
  readonly #groups = new Map<string, number[]>();

  /** Records `message` (the kind of problem) at `line` (0 when unknown). */
  add(message: string, line: number): void {
    const lines = this.#groups.get(message);
    if (lines) lines.push(line);
    else this.#groups.set(message, [line]);
  }

  get size(): number {
    return this.#groups.size;
  }

  /** One warning per kind: `<message> (line 12)` or `<message> (lines 12, 40, ... and 7 more: 10 times)`. */
  messages(): string[] {
    const out: string[] = [];
    for (const [message, lines] of this.#groups) {
      const known = lines.filter((l) => l > 0);
      if (known.length === 0) out.push(lines.length > 1 ? `${message} (${lines.length} times)` : message);
      else if (lines.length === 1) out.push(`${message} (line ${known[0]})`);
      else {
        const shown = known.slice(0, SHOWN_LINES).join(", ");
        const more = known.length > SHOWN_LINES ? `, ... and ${known.length - SHOWN_LINES} more` : "";
        out.push(`${message} (lines ${shown}${more}: ${lines.length} times)`);
      }
    }
    return out;
  }

  /** Hands every grouped warning to the host. */
  flush(context: Pick<ConverterContext, "warn">): void {
    for (const message of this.messages()) context.warn(message);
    this.#groups.clear();
  }
}
