/**
 * A report's start time from what a file gives: a local time with offset (kept as written), a
 * local time without offset (read in the configured zone), or only a UTC time (shown in the
 * configured zone). WATS refuses dates before 1970 (placeholder dates such as 1900-01-01 occur
 * in real files): those are replaced by the conversion time, with a warning.
 */
import { formatDateTime, parseDateTime, toWatsDateTime } from "@tswats/report";
import { ConversionError } from "../../errors.js";

export interface StartTimeInput {
  /** Local start time, with or without offset. */
  start?: string | undefined;
  /** The same instant in UTC (with or without `Z`). */
  startUtc?: string | undefined;
  timeZone?: string | undefined;
  /** Names the report in messages ("Report 1", "header"). */
  where: string;
  /** The field names used in messages. */
  startField?: string;
  utcField?: string;
  line?: number;
  warn(message: string): void;
  /** The time to use for an unusable date (default: now). */
  now?: () => Date;
}

export function readStartTime(input: StartTimeInput): string {
  const startField = input.startField ?? "Start";
  const utcField = input.utcField ?? "Start_utc";
  const bad = (field: string, value: string): never => {
    throw new ConversionError(
      `${input.where}: ${field} ${JSON.stringify(value)} is not a date-time${input.line ? ` (line ${input.line})` : ""}`,
      { kind: "content", field, ...(input.line ? { line: input.line } : {}) },
    );
  };
  let result: string | undefined;
  const start = input.start?.trim();
  const utc = input.startUtc?.trim();
  if (start) {
    if (!parseDateTime(start)) bad(startField, start);
    result = toWatsDateTime(start, input.timeZone);
  } else if (utc) {
    const parsed = parseDateTime(utc);
    if (!parsed) bad(utcField, utc);
    // epochMs is the instant (a text without offset is UTC here, as the field says)
    result = formatDateTime(new Date((parsed as NonNullable<typeof parsed>).epochMs), input.timeZone);
  }
  if (result === undefined)
    throw new ConversionError(`${input.where}: no start time (${startField} or ${utcField})`, {
      kind: "content",
      field: startField,
      ...(input.line ? { line: input.line } : {}),
    });
  const parsed = parseDateTime(result);
  if (parsed && parsed.epochMs < 0) {
    const now = formatDateTime(input.now?.() ?? new Date(), input.timeZone);
    input.warn(
      `${input.where}: ${startField} ${result} is before 1970, which WATS refuses: the conversion time ${now} is used instead`,
    );
    return now;
  }
  return result;
}
