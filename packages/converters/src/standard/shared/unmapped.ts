/**
 * Content a converter read but does not map into the report. Converters note each occurrence
 * (what it is and the line it is on) and flush once per report: one warning per kind of
 * content, with how often it occurred and the first lines, so a file full of one unknown record
 * gives one readable warning instead of thousands, and nothing is dropped silently.
 */
export class UnmappedContent {
  readonly #seen = new Map<string, { count: number; lines: number[] }>();

  /** Records one occurrence of `what` (e.g. `record "@BLINE"`) at `line` (1-based, if known). */
  note(what: string, line?: number): void {
    let entry = this.#seen.get(what);
    if (!entry) {
      entry = { count: 0, lines: [] };
      this.#seen.set(what, entry);
    }
    entry.count++;
    if (line !== undefined && entry.lines.length < 5) entry.lines.push(line);
  }

  get size(): number {
    return this.#seen.size;
  }

  /** The warnings, one per kind, in the order the kinds were first seen. */
  messages(where?: string): string[] {
    const out: string[] = [];
    for (const [what, { count, lines }] of this.#seen) {
      const at =
        lines.length === 0
          ? ""
          : count === 1
            ? ` at line ${lines[0]}`
            : ` at lines ${lines.join(", ")}${count > lines.length ? ", ..." : ""}`;
      const times = count === 1 ? "" : ` (${count} times)`;
      out.push(`${where ? `${where}: ` : ""}${what}${at}${times} is not mapped to the report`);
    }
    return out;
  }

  /** Sends every message to `warn` and forgets them. */
  flush(warn: (message: string) => void, where?: string): void {
    for (const m of this.messages(where)) warn(m);
    this.#seen.clear();
  }
}
