/**
 * Number texts as files write them, in one place:
 *
 * - invariant culture, as test executives write machine-readable files: `.` decimal point,
 *   optional exponent, the words .NET and TestStand use for the non-finite values (`NaN`, `IND`,
 *   `Inf`, `Infinity`, `-Infinity`, `PositiveInfinity`, ...) and `0x` hexadecimal
 *   (`invariantNumber`);
 * - the tester's locale: `95.50` and `1,234.5` (decimal point), `95,50` and `1.234,5` (decimal
 *   comma); grouping separators are accepted only in groups of three digits, so `1,5` is never
 *   read as 15 with a decimal point (`parseLocaleNumber`, `guessDecimalMark`);
 * - the integer ranges WSJF fields hold (`int16`, `int32`).
 */

const SPECIAL: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  "-nan": Number.NaN,
  "+nan": Number.NaN,
  ind: Number.NaN,
  "-ind": Number.NaN,
  "-nan(ind)": Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  positiveinfinity: Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
  negativeinfinity: Number.NEGATIVE_INFINITY,
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0x([0-9a-f]+)$/i;

/** The number `text` denotes, or undefined when it is not a number (empty text included). */
export function invariantNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "") return undefined;
  if (DECIMAL.test(t)) return Number(t);
  const hex = HEX.exec(t);
  if (hex) return (hex[1] === "-" ? -1 : 1) * Number.parseInt(hex[2] as string, 16);
  return SPECIAL[t.toLowerCase()];
}

/** An Int16 (WSJF loop counters, socket index, process codes), or undefined. */
export function int16(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n >= -32768 && n <= 32767 ? n : undefined;
}

/** An Int32 (error codes), or undefined. */
export function int32(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

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
