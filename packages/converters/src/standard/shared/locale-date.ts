/**
 * Date-times as test equipment writes them: `7/22/2020 10:22:14 AM` (US), `12-01-2021 09:08:35`
 * and `14.05.2020 10:01` (day first), `2020-05-14 10:01:37.5` (ISO-like), with an optional UTC
 * offset. The result is an ISO-8601 text (with the offset when the input had one) that
 * `toWatsDateTime` turns into a WSJF date-time, reading a text without offset in a time zone.
 */

/** Order of the day, month and year fields of a date. */
export type DateOrder = "YMD" | "MDY" | "DMY";

export const DATE_ORDERS: readonly DateOrder[] = ["YMD", "MDY", "DMY"];

const DATE_TIME =
  /^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*(Z|[+-]\d{2}:?\d{2}|(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?)?\s*$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;

function offsetText(zone: string | undefined): string {
  if (zone === undefined) return "";
  if (zone === "Z") return "Z";
  const m = /([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (!m) return "";
  return `${m[1]}${pad(Number(m[2]))}:${m[3] ?? "00"}`;
}

/**
 * `text` as `YYYY-MM-DDTHH:MM:SS[.fraction][offset]`, reading the date fields in `order` (a
 * four-digit first field always means year first). Undefined when it is not a date-time or names
 * an impossible one (month 13, 31 April, 25 o'clock, 13 PM).
 */
export function parseLocaleDateTime(text: string, order: DateOrder): string | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [a, b, c] = [m[1] as string, m[2] as string, m[3] as string];
  let year: number;
  let month: number;
  let day: number;
  if (a.length === 4 || order === "YMD") {
    if (a.length !== 4 && a.length !== 2) return undefined;
    [year, month, day] = [Number(a), Number(b), Number(c)];
    if (a.length === 2) year += 2000;
  } else {
    if (c.length !== 4 && c.length !== 2) return undefined;
    year = Number(c) + (c.length === 2 ? 2000 : 0);
    [month, day] = order === "MDY" ? [Number(a), Number(b)] : [Number(b), Number(a)];
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  let hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const meridiem = m[8]?.replace(/\./g, "").toUpperCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    if (meridiem === "AM" && hour === 12) hour = 0;
    else if (meridiem === "PM" && hour !== 12) hour += 12;
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? "" : `.${m[7]}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${offsetText(m[9])}`;
}

/**
 * The date order a set of date texts is written in, from the fields that can only be a day
 * (> 12) or a four-digit year first; undefined when none of them tells (every field <= 12) or
 * they disagree.
 */
export function guessDateOrder(texts: Iterable<string>): DateOrder | undefined {
  const seen = new Set<DateOrder>();
  for (const t of texts) {
    const m = DATE_TIME.exec(t);
    if (!m) continue;
    const a = m[1] as string;
    if (a.length === 4) seen.add("YMD");
    else if (Number(a) > 12) seen.add("DMY");
    else if (Number(m[2]) > 12) seen.add("MDY");
  }
  return seen.size === 1 ? [...seen][0] : undefined;
}
