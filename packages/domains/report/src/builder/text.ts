/** How builders treat the texts they are given: strip what XML cannot hold, and optionally cut to the field limits. */
import { stripXmlInvalid, TEXT_LIMITS, type TextField, truncateCodePoints } from "../limits.js";

/** `"keep"` leaves long texts for `validateReport` to report; `"truncate"` cuts them to the field's limit (by code points). */
export type TextOverflow = "keep" | "truncate";

export class TextPolicy {
  constructor(readonly overflow: TextOverflow = "keep") {}

  /**
   * The text as a report should hold it: without the control and non-characters WATS cannot
   * store (as the WATS C# client does), cut to `field`'s limit in truncate mode. Not trimmed.
   */
  clean(text: string, field?: TextField): string {
    const stripped = stripXmlInvalid(text);
    return field !== undefined && this.overflow === "truncate"
      ? truncateCodePoints(stripped, TEXT_LIMITS[field])
      : stripped;
  }
}

/**
 * Names made unique within one step by appending ` #2`, ` #3`, ... (cutting the base so the
 * result stays within the measurement-name limit).
 */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  const max = TEXT_LIMITS.measurementName;
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    for (let n = 2; ; n++) {
      const suffix = ` #${n}`;
      const candidate = truncateCodePoints(name, max - suffix.length) + suffix;
      if (!used.has(candidate)) {
        used.add(candidate);
        return candidate;
      }
    }
  });
}
