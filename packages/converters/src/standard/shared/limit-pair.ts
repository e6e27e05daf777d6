/**
 * One cell holding two limits: `100.0/90.0` (SoundCheck "Max/Min"), `90..100`, `[4,5; 5,5]`,
 * `-5 - -1`, `3.2 to 3.4`. The smaller number is the low limit, whichever order the cell uses.
 */
import { type DecimalMark, parseLocaleNumber } from "./locale-number.js";

/** Separators between the two numbers, tried in this order. A comma separates only with decimal points. */
const SEPARATORS: readonly RegExp[] = [
  /\s*\.\.\s*/,
  /\s*\/\s*/,
  /\s*;\s*/,
  /\s*\|\s*/,
  /\s*~\s*/,
  /\s+to\s+/i,
  /\s+-\s+/,
];

export function parseLimitPair(text: string, mark: DecimalMark): { low: number; high: number } | undefined {
  const t = text.trim().replace(/^[[(]\s*(.*?)\s*[\])]$/, "$1");
  if (t === "") return undefined;
  const separators = mark === "point" ? [...SEPARATORS, /\s*,\s*/] : SEPARATORS;
  for (const separator of separators) {
    const parts = t.split(separator);
    if (parts.length !== 2) continue;
    const a = parseLocaleNumber(parts[0] as string, mark);
    const b = parseLocaleNumber(parts[1] as string, mark);
    if (a !== undefined && b !== undefined) return { low: Math.min(a, b), high: Math.max(a, b) };
  }
  return undefined;
}
