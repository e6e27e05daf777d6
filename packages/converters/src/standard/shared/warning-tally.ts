/**
 * Warnings about content a converter read but could not map (or had to change), grouped so that a
 * large file gives one line per kind of problem, with its first lines and a count, instead of
 * thousands: `<message> (line 12)` or `<message> (lines 12, 40, ... and 7 more: 10 times)`.
 * Nothing is dropped silently, and nothing floods the user.
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

  /** Records one occurrence of content that is not mapped, e.g. `record {@BLINE}`, at `line` (if known). */
  note(what: string, line?: number): void {
    this.add(`${what} is not mapped to the report`, line ?? 0);
  }

  get size(): number {
    return this.#groups.size;
  }

  /** One warning per kind, in the order the kinds were first seen; `where` (e.g. the file name) prefixes each. */
  messages(where?: string): string[] {
    const out: string[] = [];
    const prefix = where ? `${where}: ` : "";
    for (const [message, lines] of this.#groups) {
      const known = lines.filter((l) => l > 0);
      if (known.length === 0)
        out.push(`${prefix}${message}${lines.length > 1 ? ` (${lines.length} times)` : ""}`);
      else if (lines.length === 1) out.push(`${prefix}${message} (line ${known[0]})`);
      else {
        const shown = known.slice(0, SHOWN_LINES).join(", ");
        const more = known.length > SHOWN_LINES ? `, ... and ${known.length - SHOWN_LINES} more` : "";
        out.push(`${prefix}${message} (lines ${shown}${more}: ${lines.length} times)`);
      }
    }
    return out;
  }

  /** Hands every grouped warning to the host (or a warn function) and forgets them. */
  flush(target: Pick<ConverterContext, "warn"> | ((message: string) => void), where?: string): void {
    const warn = typeof target === "function" ? target : (m: string) => target.warn(m);
    for (const message of this.messages(where)) warn(message);
    this.#groups.clear();
  }
}
