/** Errors that name the file, the line and (when known) the field of bad input. */
import { ConversionError, type ConversionErrorKind } from "../../errors.js";

export function lineError(
  fileName: string,
  line: number,
  message: string,
  options: { field?: string; kind?: ConversionErrorKind; column?: number } = {},
): ConversionError {
  const field = options.field === undefined ? "" : `, field ${options.field}`;
  return new ConversionError(`${fileName}, line ${line}${field}: ${message}`, {
    kind: options.kind ?? "content",
    line,
    ...(options.field !== undefined ? { field: options.field } : {}),
    ...(options.column !== undefined ? { column: options.column } : {}),
  });
}

/** Splits text into lines (CRLF, LF or CR), keeping 1-based numbering. */
export function textLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[0]?.charCodeAt(0) === 0xfeff) lines[0] = (lines[0] as string).slice(1);
  return lines;
}
