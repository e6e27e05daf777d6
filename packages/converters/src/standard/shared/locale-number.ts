/**
 * Numbers as test equipment writes them in different locales: `95.50` and `1,234.5` (decimal
 * point), `95,50` and `1.234,5` (decimal comma). Grouping separators are accepted only in groups
 * of three digits, so `1,5` is never read as 15 with a decimal point.
 */

/** Which character separates the decimals. */
export type DecimalMark = "point" | "comma";

const EXPONENT = "(?:[eE][+-]?\\d+)?";
const POINT_NUMBER = new RegExp(
  `^[+-]?(?:\\d+|\\d{1,3}(?:[,' \\u00a0\\u202f]\\d{3})+)?(?:\\.\\d*)?${EXPONENT}$`,
);
const COMMA_NUMBER = new RegExp(
  `^[+-]?(?:\\d+|\\d{1,3}(?:[.' \\u00a0\\u202f]\\d{3})+)?(?:,\\d*)?${EXPONENT}$`,
);

/** The number `text` holds in the given style; undefined when it is not one (empty, text, wrong style). */
export function parseLocaleNumber(text: string, mark: DecimalMark): number | undefined {
  const t = text.trim();
  if (t === "" || !/\d/.test(t)) return undefined;
  const pattern = mark === "point" ? POINT_NUMBER : COMMA_NUMBER;
  if (!pattern.test(t)) return undefined;
  const plain =
    mark === "point"
      ? t.replace(/[,' \u00a0\u202f]/g, "")
      : t.replace(/[.' \u00a0\u202f]/g, "").replace(",", ".");
  const n = Number(plain);
  return Number.isFinite(n) ? n : undefined;
}

const COMMA_DECIMAL = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;
const POINT_DECIMAL = /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/;

/**
 * The decimal mark a set of number texts is written with: "comma" when some hold a decimal comma
 * (`4,00`) and none a decimal point, "point" for the reverse, undefined when they do not say
 * (integers only) or disagree.
 */
export function guessDecimalMark(texts: Iterable<string>): DecimalMark | undefined {
  let comma = false;
  let point = false;
  for (const raw of texts) {
    const t = raw.trim();
    if (COMMA_DECIMAL.test(t)) comma = true;
    else if (POINT_DECIMAL.test(t)) point = true;
    if (comma && point) return undefined;
  }
  return comma ? "comma" : point ? "point" : undefined;
}
