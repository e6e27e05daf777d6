/** Date-time texts for converters: an instant written in a fixed UTC offset, WSJF style. */
import { formatOffset } from "@tswats/report";

/** `epochMs` as local time in the given offset: `2022-06-23T10:55:04.370+02:00`. */
export function atOffset(epochMs: number, offsetMinutes: number): string {
  const local = new Date(Math.round(epochMs) + offsetMinutes * 60_000).toISOString(); // ...Z
  return `${local.slice(0, 23)}${formatOffset(offsetMinutes)}`;
}
