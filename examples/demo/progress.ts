/** One progress line: a bar for what reached WATS, and the counts behind it. */
export interface Progress {
  converted: number;
  queued: number;
  uploaded: number;
  total: number;
  note?: string;
}

const WIDTH = 30;

export function progressLine(p: Progress): string {
  const share = p.total === 0 ? 1 : Math.min(1, p.uploaded / p.total);
  const filled = Math.round(share * WIDTH);
  const bar = `${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}`;
  const percent = String(Math.round(share * 100)).padStart(3);
  return `[${bar}] ${percent}%  converted ${p.converted}  queued ${p.queued}  uploaded ${p.uploaded}/${p.total}${p.note ? `  ${p.note}` : ""}`;
}

/**
 * On a terminal the line is redrawn in place; elsewhere (CI logs) a line is printed only when
 * the figures change, at most once a second.
 */
export class ProgressView {
  readonly #tty = process.stdout.isTTY === true;
  #last = "";
  #lastPrinted = 0;

  update(p: Progress, force = false): void {
    const line = progressLine(p);
    if (this.#tty) {
      process.stdout.write(`\r\x1b[2K${line}`);
      this.#last = line;
      return;
    }
    const now = Date.now();
    if (line === this.#last || (!force && now - this.#lastPrinted < 1_000)) return;
    process.stdout.write(`${line}\n`);
    this.#last = line;
    this.#lastPrinted = now;
  }

  /** Prints a message on its own line, keeping the bar below it on a terminal. */
  say(message: string): void {
    if (this.#tty && this.#last) process.stdout.write(`\r\x1b[2K${message}\n${this.#last}`);
    else process.stdout.write(`${message}\n`);
  }

  end(): void {
    if (this.#tty && this.#last) process.stdout.write("\n");
  }
}
