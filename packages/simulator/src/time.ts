/**
 * ISO-8601 timestamps as WATS writes them: up to 7 fractional digits and an offset. JS `Date`
 * keeps milliseconds only, so these helpers work on the text where precision matters
 * (`startUTC` keeps every digit of `start`).
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedInstant {
  /** Milliseconds since the epoch, with sub-millisecond digits as a fraction. */
  epochMs: number;
  /** Whole seconds since the epoch. */
  epochSeconds: number;
  /** The fractional-second digits as written ("4707353"), "" when none. */
  fraction: string;
  /** True when the text carried `Z` or an offset. */
  hasOffset: boolean;
  /** True for a date without a time of day. */
  dateOnly: boolean;
}

/**
 * Parses an ISO-8601 date or date-time. Text without an offset is read as UTC; callers that must
 * not accept that check `hasOffset`. Returns undefined for anything else, including impossible
 * dates such as February 30.
 */
export function parseInstant(text: string): ParsedInstant | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const base = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(base);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || "0");
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const epochSeconds = (base - offsetMinutes * 60_000) / 1000;
  const fraction = frac ?? "";
  const fractionMs = fraction === "" ? 0 : Number(`0.${fraction}`) * 1000;
  return {
    epochMs: epochSeconds * 1000 + fractionMs,
    epochSeconds,
    fraction,
    hasOffset: zone !== undefined,
    dateOnly: h === undefined,
  };
}

/** The same instant in UTC with a `Z`, keeping every fractional digit of the input. */
export function toUtcText(text: string): string | undefined {
  const parsed = parseInstant(text);
  if (!parsed) return undefined;
  const whole = new Date(parsed.epochSeconds * 1000).toISOString().slice(0, 19);
  return `${whole}${parsed.fraction ? `.${parsed.fraction}` : ""}Z`;
}

/** Local ISO text with an explicit offset, e.g. `2026-01-30T22:01:41.470+01:00`. */
export function withOffset(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
