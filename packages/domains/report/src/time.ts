/**
 * WSJF timestamps: ISO-8601 local time with a UTC offset (`2026-01-30T22:01:41.4707353+01:00`),
 * 0-7 fractional digits, and the same instant in UTC with `Z` (`startUTC`). JS `Date` keeps only
 * milliseconds, so these helpers work on the strings and keep every digit.
 */

const DATE_TIME =
  /^\s*(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?(Z|z|[+-]\d{2}:?\d{2})?\s*$/;

export interface ParsedDateTime {
  /** The instant in whole milliseconds since 1970 (the offset applied; local wall time as UTC when there is none). */
  readonly epochMs: number;
  /** The fractional-second digits exactly as written ("" when none). */
  readonly fraction: string;
  /** Minutes east of UTC, or undefined when the text carries no offset. */
  readonly offsetMinutes: number | undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Parses a WSJF date-time; undefined when it is not one (or names an impossible date). */
export function parseDateTime(text: string): ParsedDateTime | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > monthDays) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const fraction = m[7] ?? "";
  const ms = fraction === "" ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3));
  const zone = m[8];
  let offsetMinutes: number | undefined;
  if (zone !== undefined) {
    if (zone === "Z" || zone === "z") offsetMinutes = 0;
    else {
      const hours = Number(zone.slice(1, 3));
      const minutes = Number(zone.slice(zone.length - 2));
      if (hours > 14 || minutes > 59) return undefined;
      offsetMinutes = (zone.charCodeAt(0) === 45 ? -1 : 1) * (hours * 60 + minutes);
    }
  }
  return { epochMs: wall + ms - (offsetMinutes ?? 0) * 60_000, fraction, offsetMinutes };
}

const digit = (text: string, i: number): number => {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
};
const two = (text: string, i: number): number => digit(text, i) * 10 + digit(text, i + 1);

/**
 * What is wrong with a WSJF date-time, if anything: `"format"` (not ISO-8601), `"offset"` (no UTC
 * offset, so ambiguous), `"range"` (before 1970); undefined when it is fine. Scans the common
 * `YYYY-MM-DDTHH:MM:SS[.f][offset]` form without allocating; anything else goes through
 * `parseDateTime`.
 */
export function dateTimeProblem(text: string): "format" | "offset" | "range" | undefined {
  const n = text.length;
  if (
    n >= 19 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  ) {
    const year = two(text, 0) * 100 + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    const hour = two(text, 11);
    const minute = two(text, 14);
    const second = two(text, 17);
    let i = 19;
    if (text.charCodeAt(i) === 46) {
      i++;
      const from = i;
      while (i < n && digit(text, i) >= 0) i++;
      if (i === from || i - from > 7) return "format";
    }
    const zone = text.charCodeAt(i);
    let zoneOk = false;
    if (zone === 90 && i + 1 === n) zoneOk = true;
    else if ((zone === 43 || zone === 45) && i + 6 === n && text.charCodeAt(i + 3) === 58) {
      zoneOk =
        two(text, i + 1) >= 0 && two(text, i + 1) <= 14 && two(text, i + 4) >= 0 && two(text, i + 4) <= 59;
    }
    if (
      (zoneOk || i === n) &&
      year >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number)) &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59
    ) {
      if (!zoneOk) return "offset";
      if (year > 1970) return undefined;
    }
  }
  const parsed = parseDateTime(text);
  if (!parsed) return "format";
  if (parsed.offsetMinutes === undefined) return "offset";
  return parsed.epochMs < 0 ? "range" : undefined;
}

/** The instant in 100 ns ticks since 1970 (exact for 7 fractional digits). */
function ticks(parsed: ParsedDateTime): bigint {
  const wholeSeconds = BigInt(Math.floor(parsed.epochMs / 1000));
  return wholeSeconds * 10_000_000n + BigInt(parsed.fraction.padEnd(7, "0").slice(0, 7) || "0");
}

/** True when both texts carry an offset and denote the same instant to the 100 ns. */
export function sameInstant(a: string, b: string): boolean {
  const pa = parseDateTime(a);
  const pb = parseDateTime(b);
  if (!pa || !pb || pa.offsetMinutes === undefined || pb.offsetMinutes === undefined) return false;
  return ticks(pa) === ticks(pb);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** `+01:00`, `-03:30`, `+00:00` for an offset in minutes east of UTC. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function wallClock(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/**
 * The UTC form (`...Z`) of a date-time that carries an offset, keeping all its fractional
 * digits; undefined when the text is not a date-time with an offset.
 */
export function toUtcText(text: string): string | undefined {
  const parsed = parseDateTime(text);
  if (!parsed || parsed.offsetMinutes === undefined) return undefined;
  const seconds = Math.floor(parsed.epochMs / 1000) * 1000;
  return `${wallClock(seconds)}${parsed.fraction === "" ? "" : `.${parsed.fraction}`}Z`;
}

/** One offset formatter per time zone: building an Intl.DateTimeFormat costs milliseconds, using one microseconds. */
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for a name that is no time zone; nothing is cached then.
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws RangeError when `timeZone` is not an IANA time zone this runtime knows (the check is cached per zone). */
export function assertTimeZone(timeZone: string): void {
  offsetFormatter(timeZone);
}

/**
 * Minutes east of UTC of `timeZone` (an IANA name such as "Europe/Oslo") at the given instant;
 * without a zone, the offset of this machine's local zone.
 */
export function zoneOffsetMinutes(epochMs: number, timeZone?: string): number {
  if (timeZone === undefined) {
    const offset = -new Date(epochMs).getTimezoneOffset();
    return offset === 0 ? 0 : offset;
  }
  const name =
    offsetFormatter(timeZone)
      .formatToParts(new Date(epochMs))
      .find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/.exec(name);
  if (!m || m[1] === undefined) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * A date as WSJF local time with its UTC offset, in `timeZone` (IANA name) or this machine's
 * zone: `2026-01-30T22:01:41.470+01:00`. Millisecond precision.
 */
export function formatDateTime(date: Date, timeZone?: string): string {
  const epochMs = date.getTime();
  if (!Number.isFinite(epochMs)) throw new RangeError("formatDateTime: invalid Date");
  const offset = zoneOffsetMinutes(epochMs, timeZone);
  const local = epochMs + offset * 60_000;
  return `${wallClock(local)}.${pad(((local % 1000) + 1000) % 1000, 3)}${formatOffset(offset)}`;
}

/**
 * A WSJF date-time for a `Date` or a text. A text with an offset is kept as written (all its
 * digits); a text without one is read as wall time in `timeZone` (or this machine's zone, never
 * silently UTC) and given that zone's offset. Throws RangeError for anything else.
 */
export function toWatsDateTime(value: Date | string, timeZone?: string): string {
  if (value instanceof Date) return formatDateTime(value, timeZone);
  const parsed = parseDateTime(value);
  if (!parsed) throw new RangeError(`not an ISO-8601 date-time: ${JSON.stringify(value)}`);
  if (parsed.offsetMinutes !== undefined) return value.trim();
  // Wall time in the zone: find the offset that maps it back to itself (two passes cover DST edges).
  const wall = parsed.epochMs;
  let offset = zoneOffsetMinutes(wall, timeZone);
  offset = zoneOffsetMinutes(wall - offset * 60_000, timeZone);
  const fraction = parsed.fraction === "" ? "" : `.${parsed.fraction}`;
  return `${wallClock(Math.floor(wall / 1000) * 1000)}${fraction}${formatOffset(offset)}`;
}
