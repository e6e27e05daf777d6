/**
 * A small RFC 4180 CSV reader: quoted fields (with `""` escapes and line breaks inside), CRLF, LF
 * or CR line ends, a configurable one-character delimiter. Each record carries the line it starts
 * on, so converters can name the line of a bad row. Hand-written (about 80 lines) rather than a
 * dependency because the converters need exactly this plus line numbers, and the package's
 * dependency list belongs to the whole client.
 */
export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

export function readCsv(text: string, delimiter = ","): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")
    throw new RangeError(
      `CSV delimiter must be one character other than quote or line end, not ${JSON.stringify(delimiter)}`,
    );
  const records: CsvRecord[] = [];
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    // one record
    for (;;) {
      let value = "";
      if (text.charCodeAt(i) === 34) {
        // quoted field
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        let chunkStart = i;
        for (;;) {
          if (i >= n)
            throw new CsvSyntaxError(
              `unterminated quoted field (opened at line ${openLine}, column ${openColumn})`,
              openLine,
              openColumn,
            );
          const c = text.charCodeAt(i);
          if (c === 34) {
            value += text.slice(chunkStart, i);
            if (text.charCodeAt(i + 1) === 34) {
              value += '"';
              i += 2;
              chunkStart = i;
              continue;
            }
            i++;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== d && c !== 10 && c !== 13)
          throw new CsvSyntaxError(
            `unexpected character ${JSON.stringify(text[i])} after a closing quote`,
            line,
            i - lineStart + 1,
          );
      } else {
        const begin = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          if (c === 34)
            throw new CsvSyntaxError(
              'a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")',
              line,
              i - lineStart + 1,
            );
          i++;
        }
        value = text.slice(begin, i);
      }
      fields.push(value);
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      break;
    }
    // line end
    if (i < n) {
      if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i += 2;
      else i++;
      line++;
      lineStart = i;
    }
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
  }
  return records;
}
