/**
 * Line numbers of character offsets in a text: built once per file (one pass over the text),
 * then each lookup is a binary search, so a converter can name the line of every warning in a
 * large file without rescanning it.
 */
export class LineIndex {
  /** Offset of the first character of each line (line 1 starts at 0). */
  readonly #starts: number[];

  constructor(text: string) {
    const starts = [0];
    let i = text.indexOf("\n");
    while (i >= 0) {
      starts.push(i + 1);
      i = text.indexOf("\n", i + 1);
    }
    this.#starts = starts;
  }

  /** The 1-based line of the character at `offset`. */
  line(offset: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  get lineCount(): number {
    return this.#starts.length;
  }
}
