/**
 * Texts cut to the length WATS keeps for a WSJF field (`TEXT_LIMITS` of `@tswats/report`, in code
 * points), with a warning naming what was cut: a converter never shortens a text silently, and a
 * long step name does not make the whole file fail validation.
 */
import { TEXT_LIMITS, type TextField } from "@tswats/report";

/** `text` cut to `max` code points (unchanged when it fits). */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join("");
}

export type Warn = (message: string) => void;

/**
 * `text` within the limit of `field`; when it is longer, the cut text and a warning
 * `"<where>: <what> is N characters, cut to the M WATS keeps"`.
 */
export function fitText(text: string, field: TextField, warn: Warn, where: string, what: string): string {
  const max = TEXT_LIMITS[field];
  const cut = truncateText(text, max);
  if (cut !== text)
    warn(`${where}: ${what} is ${Array.from(text).length} characters, cut to the ${max} WATS keeps`);
  return cut;
}
