/**
 * Reader for Keysight (Agilent) Medalist i3070 log records, as the i3070 "Log Record Format"
 * chapter defines them: `{@PREFIX|field|field...}` with nested subrecords before the closing
 * brace (`{@BLOCK|R12|1{@A-RES|0|1.0E+01{@LIM3|...}}}`), `|` starting a normal field, `\` a list
 * (`{@NODE\2|Node53|+5Volts}`: count, then the items), `~12|...` a literal field of exactly that
 * many characters, a line feed ending the fields of a record, and CTRL-D (ASCII 4) marking a
 * record truncated by the tester: what precedes it stays valid and every record still open ends
 * there (closing braces that follow before the next record are ignored).
 */

export interface LogRecord {
  /** `@BTEST`, `@A-RES`, ... (user-defined prefixes may lack the `@`). */
  prefix: string;
  fields: string[];
  /** The character that opened each field: `|` normal, `\\` list start, `~` literal. */
  separators: string[];
  /** True when the fields are a list (`\count|item|...`). */
  list: boolean;
  children: LogRecord[];
  line: number;
  /** Ended by CTRL-D instead of a closing brace. */
  truncated: boolean;
}

export class LogRecordSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "LogRecordSyntaxError";
  }
}

const SPECIAL = new Set(["{", "}", "|", "~", "\\", "\n", "\r", "\u0004"]);

export interface ParsedLog {
  records: LogRecord[];
  /** Non-blank text outside any record: [line, text]. */
  stray: [number, string][];
  /** Lines where a record was cut by CTRL-D. */
  truncatedAt: number[];
}

export function parseLogRecords(text: string): ParsedLog {
  const records: LogRecord[] = [];
  const stray: [number, string][] = [];
  const truncatedAt: number[] = [];
  const stack: LogRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  // Whether the current record still takes fields (a line feed ends them).
  let inFields = false;
  let afterTruncation = false;
  let strayText = "";
  let strayLine = 1;
  const flushStray = () => {
    if (strayText.trim() !== "") stray.push([strayLine, strayText.trim()]);
    strayText = "";
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === "{") {
      flushStray();
      afterTruncation = false;
      let j = i + 1;
      while (j < n && !SPECIAL.has(text[j] as string)) j++;
      const record: LogRecord = {
        prefix: text.slice(i + 1, j).trim(),
        fields: [],
        separators: [],
        list: false,
        children: [],
        line,
        truncated: false,
      };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(record);
      else records.push(record);
      stack.push(record);
      inFields = true;
      i = j;
      continue;
    }
    if (c === "}") {
      flushStray();
      if (stack.length === 0) {
        // Closing braces of records a CTRL-D already ended.
        if (afterTruncation) {
          i++;
          continue;
        }
        throw new LogRecordSyntaxError("a '}' without a record to close", line);
      }
      stack.pop();
      inFields = false;
      i++;
      continue;
    }
    if (c === "\u0004") {
      // The tester was interrupted: every record still open ends here.
      if (stack.length > 0) truncatedAt.push(line);
      for (const open of stack) open.truncated = true;
      stack.length = 0;
      afterTruncation = true;
      inFields = false;
      i++;
      continue;
    }
    if (c === "\n") {
      line++;
      inFields = false;
      if (stack.length === 0) flushStray();
      i++;
      continue;
    }
    const current = stack[stack.length - 1];
    if (current && inFields && (c === "|" || c === "\\" || c === "~")) {
      if (c === "~") {
        const m = /^~(\d+)\|/.exec(text.slice(i, i + 12));
        if (!m) throw new LogRecordSyntaxError("a '~' literal field without its length (~N|...)", line);
        const len = Number(m[1]);
        const start = i + m[0].length;
        if (start + len > n)
          throw new LogRecordSyntaxError(
            `a literal field of ${len} characters runs past the end of the file`,
            line,
          );
        const value = text.slice(start, start + len);
        for (const ch of value) if (ch === "\n") line++;
        current.fields.push(value);
        current.separators.push("~");
        i = start + len;
        continue;
      }
      if (c === "\\") current.list = true;
      let j = i + 1;
      while (j < n && !SPECIAL.has(text[j] as string)) j++;
      current.fields.push(text.slice(i + 1, j).replace(/\r$/, ""));
      current.separators.push(c);
      i = j;
      continue;
    }
    if (c !== "\r") {
      if (stack.length === 0 || !inFields) {
        if (strayText === "") strayLine = line;
        strayText += c;
      }
    }
    i++;
  }
  flushStray();
  const open = stack[0];
  if (open)
    throw new LogRecordSyntaxError(
      `the record {${open.prefix} opened at line ${open.line} is not closed: the file ends first (truncated?)`,
      open.line,
    );
  return { records, stray, truncatedAt };
}

/** A record and its subrecords as one line of text (for report text). */
export function describeRecord(r: LogRecord): string {
  const fields = r.fields
    .map((f, k) => {
      const sep = r.separators[k] ?? "|";
      return sep === "~" ? `~${f.length}|${f}` : `${sep}${f}`;
    })
    .join("");
  return `{${r.prefix}${fields}${r.children.map(describeRecord).join("")}}`;
}
