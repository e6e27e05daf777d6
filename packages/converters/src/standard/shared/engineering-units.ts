/**
 * Values with SI prefixes as test equipment writes them: units like `KO`, `nF`, `UF`, `mH`, `MO`
 * (prefix + base unit, `O` for ohm), SPICE-style numbers like `100.2K`, `45.1MEG`, `520.7M`
 * (Teradyne: `M` is milli, `MEG` mega), and the scaling between prefixes. Output units use
 * ASCII prefixes (`p n u m k M G`) and `Ohm` for the ohm.
 */

const PREFIX_FACTORS: Readonly<Record<string, number>> = {
  f: 1e-15,
  p: 1e-12,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** The factor of an output prefix (`p n u m "" k M G`). */
export function prefixFactor(prefix: string): number {
  return PREFIX_FACTORS[prefix] ?? 1;
}

/** Prefix letters as testers write them -> our prefix. `m` is milli, `M` mega (case matters only there). */
function normalisePrefix(letter: string): string | undefined {
  if (letter === "m" || letter === "M") return letter;
  switch (letter.toLowerCase()) {
    case "p":
      return "p";
    case "n":
      return "n";
    case "u":
    case "µ":
    case "μ":
      return "u";
    case "k":
      return "k";
    case "g":
      return "G";
    case "f":
      return "f";
    default:
      return undefined;
  }
}

/** Base unit names as testers write them -> ours. */
export function baseUnitName(text: string): string {
  switch (text.toUpperCase()) {
    case "O":
    case "OHM":
    case "OHMS":
    case "Ω":
      return "Ohm";
    case "HZ":
      return "Hz";
    default:
      return text;
  }
}

export interface PrefixedUnit {
  /** Our prefix (`""` when none). */
  prefix: string;
  /** Base unit, e.g. `Ohm`, `F`, `V`. */
  base: string;
  /** Multiply a value in this unit by `factor` to get base units. */
  factor: number;
  /** Display text, e.g. `kOhm`, `nF`, `V`. */
  text: string;
}

const KNOWN_BASES = new Set(["O", "OHM", "OHMS", "Ω", "F", "H", "V", "A", "W", "S", "HZ", "VA", "DB", "C"]);

/**
 * Splits a unit such as `KO`, `nF`, `UF`, `mH`, `MO`, `V`, `Ohm` into prefix and base. A single
 * letter is a base unit (`F` is farad, not femto); a known prefix letter followed by a known base
 * unit is a prefixed unit; anything else is kept as a base unit of its own.
 */
export function splitUnit(unit: string): PrefixedUnit {
  const t = unit.trim();
  if (t.length >= 2) {
    const prefix = normalisePrefix(t[0] as string);
    const rest = t.slice(1);
    if (prefix !== undefined && KNOWN_BASES.has(rest.toUpperCase())) {
      const base = baseUnitName(rest);
      return { prefix, base, factor: prefixFactor(prefix), text: `${prefix}${base}` };
    }
  }
  const base = baseUnitName(t);
  return { prefix: "", base, factor: 1, text: base };
}

/** `x` rounded to 12 significant digits (removes the binary noise of scaling, e.g. 4.7000000000000001). */
export function roundSignificant(x: number, digits = 12): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/** A value in base units expressed in `unit` (e.g. 4700 Ohm in kOhm -> 4.7). */
export function inUnit(valueInBase: number, unit: PrefixedUnit): number {
  return roundSignificant(valueInBase / unit.factor);
}

/** The unit with the engineering prefix that suits `value` (in base units): 0.0000047 F -> uF. */
export function engineeringUnit(value: number, base: string): PrefixedUnit {
  if (base === "" || !Number.isFinite(value) || value === 0)
    return { prefix: "", base, factor: 1, text: base };
  const exponent = Math.floor(Math.log10(Math.abs(value)) / 3) * 3;
  const prefix =
    Object.entries(PREFIX_FACTORS).find(([, f]) => Math.abs(Math.log10(f) - exponent) < 1e-9)?.[0] ??
    (exponent < -15 ? "f" : exponent > 12 ? "T" : "");
  return { prefix, base, factor: prefixFactor(prefix), text: `${prefix}${base}` };
}

const SPICE_NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(MEG|[PNUMKG]?)$/i;

/**
 * A SPICE-style number (`100.2K`, `45.13MEG`, `520.7M` = milli, `10.2N`, `2.5`) in base units and
 * the prefix it was written with; undefined when the text is not one.
 */
export function parseSpiceNumber(text: string): { value: number; prefix: string } | undefined {
  const m = SPICE_NUMBER.exec(text.trim());
  if (!m) return undefined;
  const suffix = (m[2] as string).toUpperCase();
  const prefix =
    suffix === "MEG"
      ? "M"
      : suffix === "M"
        ? "m"
        : suffix === ""
          ? ""
          : (normalisePrefix(suffix.toLowerCase()) ?? "");
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  return { value: roundSignificant(n * prefixFactor(prefix)), prefix };
}

/** A plain decimal number (`-1.5`, `2.000000e+00`, `.5`); undefined for anything else (no `Infinity`, no hex). */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
