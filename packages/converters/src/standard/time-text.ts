/** Date-time texts for converters: an instant written in a fixed UTC offset, WSJF style. */

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, "0");

export function offsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  return `${sign}${pad(Math.abs(offsetMinutes) / 60)}:${pad(Math.abs(offsetMinutes) % 60)}`;
}

/** `epochMs` as local time in the given offset: `2022-06-23T10:55:04.370+02:00`. */
export function atOffset(epochMs: number, offsetMinutes: number): string {
  const local = new Date(Math.round(epochMs) + offsetMinutes * 60_000).toISOString(); // ...Z
  return `${local.slice(0, 23)}${offsetText(offsetMinutes)}`;
}
