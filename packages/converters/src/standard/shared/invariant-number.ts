/**
 * Numbers as test executives write them in machine-readable files: invariant culture (`.`
 * decimal point, optional exponent), the words .NET and TestStand use for the non-finite values
 * (`NaN`, `IND`, `Inf`, `Infinity`, `-Infinity`, `PositiveInfinity`, ...), and `0x` hexadecimal.
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
