/** ISO-8601 texts from a file -> WSJF date-times, with errors that name where the time came from. */
import { parseDateTime, toWatsDateTime } from "@tswats/report";
import { ConversionError } from "../../errors.js";

export interface Where {
  line?: number;
  field?: string;
}

/**
 * `iso` (an ISO-8601 date-time, with or without offset) as a WSJF date-time; a text without
 * offset is read in `timeZone` (IANA; default this machine's zone). Throws a ConversionError
 * naming the field and line for a text that is not a date-time, and the parameter for an
 * unknown zone.
 */
export function watsDateTime(iso: string, timeZone: string | undefined, where: Where = {}): string {
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new ConversionError(`parameter "timeZone": unknown time zone ${JSON.stringify(timeZone)}`, {
        kind: "content",
        field: "timeZone",
      });
    }
  }
  try {
    return toWatsDateTime(iso, timeZone);
  } catch {
    throw new ConversionError(`${describe(where)}${JSON.stringify(iso)} is not a date-time`, {
      kind: "content",
      ...where,
    });
  }
}

/** Seconds from `a` to `b` (both ISO-8601, both with or both without offset); undefined when either is not a date-time. */
export function secondsBetween(a: string, b: string): number | undefined {
  const pa = parseDateTime(a);
  const pb = parseDateTime(b);
  if (!pa || !pb) return undefined;
  return (pb.epochMs - pa.epochMs) / 1000;
}

/** "line 4, field startTime: " (the parts that are known). */
export function describe(where: Where): string {
  const parts: string[] = [];
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.field !== undefined) parts.push(`field ${where.field}`);
  return parts.length > 0 ? `${parts.join(", ")}: ` : "";
}
