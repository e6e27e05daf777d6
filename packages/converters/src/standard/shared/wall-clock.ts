/**
 * Dates and times as testers write them (no UTC offset; day, month and year in the order the
 * tester's locale uses, two-digit years, month names), turned into WSJF date-times with the
 * offset of the zone the tester's clock runs in.
 */
import { parseDateTime } from "@tswats/report";

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export type WallClock = CalendarDate & TimeOfDay;

/** Order of day, month and year in a numeric date. */
export type DateOrder = "DMY" | "MDY" | "YMD";

const MONTH_NAMES: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A two-digit year as a four-digit one: 70-99 are 1970-1999, 00-69 are 2000-2069. */
export function expandYear(year: number, digits: number): number {
  if (digits > 2) return year;
  return year >= 70 ? 1900 + year : 2000 + year;
}

function validDate(year: number, month: number, day: number): CalendarDate | undefined {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) return undefined;
  if (month < 1 || month > 12 || day < 1) return undefined;
  const max = month === 2 && isLeap(year) ? 29 : (DAYS[month - 1] as number);
  return day > max ? undefined : { year, month, day };
}

/**
 * A date such as `04/05/2023`, `4-5-23`, `31-JUL-12`, `2023.05.04` read in `order` (a four-digit
 * first part always means year first; a month name is the month wherever it stands). Undefined
 * when the text is not a valid date.
 */
export function parseDate(text: string, order: DateOrder): CalendarDate | undefined {
  const parts = text.trim().split(/[/.-]/);
  if (parts.length !== 3 || parts.some((p) => !/^(\d{1,4}|[A-Za-z]{3,9})$/.test(p))) return undefined;
  const named = parts.findIndex((p) => /^[A-Za-z]/.test(p));
  const effective: DateOrder = /^\d{4}$/.test(parts[0] as string) ? "YMD" : order;
  let month: number;
  let dayText: string;
  let yearText: string;
  if (named >= 0) {
    month = MONTH_NAMES[(parts[named] as string).slice(0, 3).toLowerCase()] ?? 0;
    const rest = parts.filter((_, i) => i !== named);
    // With a month name only the day/year order matters: the year is the 4-digit part or the last.
    if (effective === "YMD") [yearText, dayText] = rest as [string, string];
    else [dayText, yearText] = rest as [string, string];
  } else {
    const [a, b, c] = parts as [string, string, string];
    if (effective === "DMY") [dayText, month, yearText] = [a, Number(b), c];
    else if (effective === "MDY") [month, dayText, yearText] = [Number(a), b, c];
    else [yearText, month, dayText] = [a, Number(b), c];
  }
  if (!/^\d+$/.test(dayText) || !/^\d+$/.test(yearText)) return undefined;
  return validDate(expandYear(Number(yearText), yearText.length), month, Number(dayText));
}

/** `13:08:08`, `8:00`, `16:44:27.988` or `16:44:27:988` (milliseconds after a colon, as Teradyne writes them). */
export function parseTime(text: string): TimeOfDay | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.:,](\d{1,3}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = m[3] === undefined ? 0 : Number(m[3]);
  const millisecond = m[4] === undefined ? 0 : Number(m[4].padEnd(3, "0"));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { hour, minute, second, millisecond };
}

/** `date time` in one text (one or more spaces or a `T` between), read with `order`. */
export function parseDateAndTime(text: string, order: DateOrder): WallClock | undefined {
  const m = /^\s*(\S+?)(?:\s+|T)(\S+)\s*$/.exec(text);
  if (!m) return undefined;
  const date = parseDate(m[1] as string, order);
  const time = parseTime(m[2] as string);
  return date && time ? { ...date, ...time } : undefined;
}

/** `YYMMDDHHMMSS` (Keysight's datetime$), two-digit year. */
export function parseCompactStamp(text: string): WallClock | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const date = validDate(expandYear(Number(m[1]), 2), Number(m[2]), Number(m[3]));
  const time = parseTime(`${m[4]}:${m[5]}:${m[6]}`);
  return date && time ? { ...date, ...time } : undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** ISO-8601 wall time without offset: `2023-05-04T13:08:08` (`.988` when there are milliseconds). */
export function wallClockText(w: WallClock): string {
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  return w.millisecond ? `${base}.${pad(w.millisecond, 3)}` : base;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC of `timeZone` (or this machine's zone) at an instant; one formatter per zone. */
function offsetMinutes(epochMs: number, timeZone: string | undefined): number {
  if (timeZone === undefined) return -new Date(epochMs).getTimezoneOffset() || 0;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  const part: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(epochMs)))
    if (p.type !== "literal") part[p.type] = Number(p.value);
  const wall = Date.UTC(
    part.year as number,
    (part.month as number) - 1,
    part.day as number,
    part.hour as number,
    part.minute as number,
    part.second as number,
  );
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60000);
}

function offsetText(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * The WSJF date-time of a wall time in `timeZone` (IANA name; default this machine's zone): the
 * wall time as written, with the offset the zone has then (`2023-05-04T13:08:08+02:00`).
 */
export function zonedDateTime(w: WallClock, timeZone: string | undefined): string {
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  // The offset that maps the wall time back to itself (two passes cover the DST edges).
  let offset = offsetMinutes(wall, timeZone);
  offset = offsetMinutes(wall - offset * 60_000, timeZone);
  return `${wallClockText(w)}${offsetText(offset)}`;
}

/** An instant (epoch ms) as WSJF local time in `timeZone` (default this machine's zone), milliseconds kept. */
export function instantInZone(epochMs: number, timeZone: string | undefined): string {
  const offset = offsetMinutes(epochMs, timeZone);
  const d = new Date(epochMs + offset * 60_000);
  const w: WallClock = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
  return `${wallClockText(w)}${offsetText(offset)}`;
}

/** Seconds from one WSJF date-time (with offset) to another; undefined when either is not one. */
export function secondsBetween(from: string, to: string): number | undefined {
  const a = parseDateTime(from);
  const b = parseDateTime(to);
  if (!a || !b || a.offsetMinutes === undefined || b.offsetMinutes === undefined) return undefined;
  return (b.epochMs - a.epochMs) / 1000;
}
