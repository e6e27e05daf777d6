/**
 * Numeric values as WSJF producers write them: JSON numbers, and (pyWATS and hand-made data)
 * the strings "NaN", "Infinity", "-Infinity", "Inf" or a decimal number.
 */
const SPECIAL: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  "+nan": Number.NaN,
  "-nan": Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a text denotes (invariant culture, `.` decimal), or undefined. */
export function numberFromText(text: string): number | undefined {
  const trimmed = text.trim();
  const special = SPECIAL[trimmed.toLowerCase()];
  if (special !== undefined) return special;
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

/** The wire form of a number that JSON cannot carry: "NaN", "Infinity", "-Infinity". */
export function nonFiniteText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}
