/**
 * ATML (IEEE 1636.1 / IEEE 1671 common) values and limits as TestStand writes them: `c:Datum`
 * with a `value` attribute or a `c:Value` child and an `xsi:type`, `c:Collection` of named
 * `c:Item`s, `c:IndexedArray` of `Element`s, and `Limits` as `SingleLimit`, `LimitPair`
 * (two comparators joined by AND/OR) or `Expected` (with `ErrorLimits` for tolerances).
 */
import type { AdditionalDataProperty, NumericCompOp } from "@tswats/report";
import { numericCompOp } from "@tswats/report";
import { invariantNumber } from "./shared/invariant-number.js";
import { attrOf, childOf, childrenOf, type XmlElement } from "./shared/xml-tree.js";

export type DatumKind = "number" | "boolean" | "string" | "other";

/** The kind of a `c:Datum` from its `xsi:type` (`c:double`, `ts:TS_double`, `c:string`, ...). */
export function datumKind(datum: XmlElement): DatumKind {
  const type = (attrOf(datum, "type") ?? "").replace(/^.*:/, "").replace(/^TS_/, "").toLowerCase();
  if (
    [
      "double",
      "integer",
      "long",
      "unsignedinteger",
      "unsignedlong",
      "hexadecimal",
      "octal",
      "decimal",
      "float",
      "int",
      "short",
      "byte",
    ].includes(type)
  )
    return "number";
  if (type === "boolean") return "boolean";
  if (type === "string" || type === "nonblankstring") return "string";
  if (type === "") {
    if (childOf(datum, "Value")) return "string";
    if (attrOf(datum, "value") !== undefined)
      return invariantNumber(attrOf(datum, "value")) !== undefined ? "number" : "string";
  }
  return "other";
}

/** The text of a datum: its `value` attribute or its `c:Value` child. */
export function datumText(datum: XmlElement): string | undefined {
  return attrOf(datum, "value") ?? childOf(datum, "Value")?.text;
}

/** The unit written on a datum (`nonStandardUnit`, else `standardUnit`). */
export function datumUnit(datum: XmlElement | undefined): string | undefined {
  const u = attrOf(datum, "nonStandardUnit") ?? attrOf(datum, "standardUnit");
  return u === undefined || u.trim() === "" ? undefined : u;
}

const PROP_TYPES: Readonly<Record<DatumKind, string>> = {
  number: "Number",
  boolean: "Boolean",
  string: "String",
  other: "String",
};

/** A `c:Item` / `c:Datum` / `c:Collection` / `c:IndexedArray` as a WSJF additional-data property. */
export function valueProp(name: string, el: XmlElement): AdditionalDataProperty {
  if (el.local === "Item") {
    const inner = el.children[0];
    return inner
      ? valueProp(attrOf(el, "name") ?? name, inner)
      : { name: attrOf(el, "name") ?? name, type: "String", value: "" };
  }
  if (el.local === "Collection") {
    return {
      name,
      type: "Obj",
      props: childrenOf(el, "Item").map((item) => valueProp(attrOf(item, "name") ?? "", item)),
    };
  }
  if (el.local === "IndexedArray") {
    const elements = el.children.filter((c) => c.local === "Element");
    const dims = (attrOf(el, "dimensions") ?? "")
      .replace(/[[\]]/g, "")
      .split(",")
      .filter((s) => s !== "");
    const elementType = (attrOf(el, "type") ?? "")
      .replace(/^.*:/, "")
      .replace(/^TS_/, "")
      .replace(/Array$/, "");
    return {
      name,
      type: "Array",
      array: {
        dimension: dims.length || 1,
        type: elementType || null,
        indexes: elements.map((e) => {
          const position = attrOf(e, "position") ?? "";
          const indexes = position
            .replace(/[[\]]/g, "")
            .split(",")
            .filter((s) => s !== "")
            .map(Number);
          const text = attrOf(e, "value") ?? childOf(e, "Value")?.text ?? "";
          return {
            text: position,
            indexes,
            value: {
              name: position,
              type: elementType === "string" ? "String" : elementType === "boolean" ? "Boolean" : "Number",
              value: text,
            },
          };
        }),
      },
    };
  }
  const kind = datumKind(el);
  return { name, type: PROP_TYPES[kind], value: datumText(el) ?? "" };
}

export interface NumericLimits {
  op: NumericCompOp;
  low?: number;
  high?: number;
  /** What was changed on the way (EQT written as GELE, ...), for a warning. */
  note?: string;
  /** Why the limits could not be read (the measurement is then logged as LOG), for a warning. */
  problem?: string;
}

const num = (datum: XmlElement | undefined) => (datum ? invariantNumber(attrOf(datum, "value")) : undefined);

/** The limits of a numeric TestResult (`tr:TestLimits/tr:Limits`), its TS limit properties beside. */
export function numericLimits(testResult: XmlElement): NumericLimits {
  const tsLimits = childOf(childOf(testResult, "Extension"), "TSLimitProperties");
  const limits = childOf(childOf(testResult, "TestLimits"), "Limits");
  const props = tsLimits ?? childOf(childOf(limits, "Extension"), "TSLimitProperties");
  if (childOf(props, "IsComparisonTypeLog")) return { op: "LOG" };
  if (!limits) return { op: "LOG" };
  const single = childOf(limits, "SingleLimit");
  if (single) {
    const op = numericCompOp(attrOf(single, "comparator") ?? "");
    const v = num(childOf(single, "Datum"));
    if (!op || v === undefined)
      return {
        op: "LOG",
        problem: `SingleLimit comparator ${JSON.stringify(attrOf(single, "comparator"))} with value ${JSON.stringify(attrOf(childOf(single, "Datum"), "value"))} cannot be read`,
      };
    return { op, low: v };
  }
  const raw = childOf(props, "RawLimits");
  const threshold = childOf(props, "ThresholdType")?.text.trim();
  const pair = childOf(limits, "LimitPair");
  if (pair) {
    const [a, b] = childrenOf(pair, "Limit");
    const nominalEl = childOf(pair, "Nominal");
    if (threshold && nominalEl) {
      const eqt = toleranceLimits(
        threshold,
        num(childOf(nominalEl, "Datum")),
        num(childOf(a, "Datum")),
        num(childOf(b, "Datum")),
        raw,
      );
      if (eqt) return eqt;
    }
    const op = numericCompOp(`${attrOf(a, "comparator") ?? ""}${attrOf(b, "comparator") ?? ""}`);
    const low = num(childOf(a, "Datum"));
    const high = num(childOf(b, "Datum"));
    if (!op || low === undefined || high === undefined)
      return {
        op: "LOG",
        problem: `LimitPair ${attrOf(a, "comparator") ?? "?"}/${attrOf(b, "comparator") ?? "?"} (${attrOf(pair, "operator") ?? ""}) cannot be read`,
      };
    return { op, low, high };
  }
  const expected = childOf(limits, "Expected");
  if (expected) {
    const datum = childOf(expected, "Datum");
    const errorLimits = childOf(datum, "ErrorLimits");
    if (errorLimits || threshold) {
      const epair = childOf(errorLimits, "LimitPair");
      const [a, b] = childrenOf(epair, "Limit");
      const eqt = toleranceLimits(
        threshold ?? "DELTA",
        num(datum),
        num(childOf(a, "Datum")),
        num(childOf(b, "Datum")),
        raw,
      );
      if (eqt) return eqt;
    }
    const op = numericCompOp(attrOf(expected, "comparator") ?? "");
    const v = num(datum);
    if (!op || v === undefined)
      return {
        op: "LOG",
        problem: `Expected comparator ${JSON.stringify(attrOf(expected, "comparator"))} with value ${JSON.stringify(attrOf(datum, "value"))} cannot be read`,
      };
    return { op, low: v };
  }
  const other = limits.children.find((c) => c.local !== "Extension");
  return other
    ? { op: "LOG", problem: `limit <${other.local}> is not a limit WATS can hold` }
    : { op: "LOG" };
}

/**
 * A tolerance around a nominal value (TestStand's EQT comparison: PERCENTAGE, PPM or DELTA) as
 * the GELE range WATS can hold. TestStand writes the computed range as ThresholdLow/High when it
 * has it; otherwise it is computed from the nominal value and the raw tolerances.
 */
function toleranceLimits(
  type: string,
  nominal: number | undefined,
  lowTolerance: number | undefined,
  highTolerance: number | undefined,
  raw: XmlElement | undefined,
): NumericLimits | undefined {
  const tLow = num(childOf(raw, "ThresholdLow"));
  const tHigh = num(childOf(raw, "ThresholdHigh"));
  const nominalValue = nominal ?? num(childOf(raw, "Nominal"));
  let low = tLow;
  let high = tHigh;
  if (
    (low === undefined || high === undefined) &&
    nominalValue !== undefined &&
    lowTolerance !== undefined &&
    highTolerance !== undefined
  ) {
    const scale =
      type.toUpperCase() === "PERCENTAGE"
        ? Math.abs(nominalValue) / 100
        : type.toUpperCase() === "PPM"
          ? Math.abs(nominalValue) / 1e6
          : 1;
    low = nominalValue - lowTolerance * scale;
    high = nominalValue + highTolerance * scale;
  }
  if (low === undefined || high === undefined) return undefined;
  return {
    op: "GELE",
    low,
    high,
    note: `tolerance comparison (EQT, ${type} around nominal ${nominalValue ?? "?"}) written as GELE [${low}, ${high}]; the nominal value and tolerance type are not kept`,
  };
}

/** A string TestResult's expected value and WSJF operator (`CIEQ` -> IGNORECASE, `EQ` -> CASESENSIT). */
export function stringLimit(testResult: XmlElement): {
  op: "LOG" | "CASESENSIT" | "IGNORECASE" | "NE";
  limit?: string;
  problem?: string;
} {
  const limits = childOf(childOf(testResult, "TestLimits"), "Limits");
  const expected = childOf(limits, "Expected");
  if (!expected) {
    const other = limits?.children.find((c) => c.local !== "Extension");
    return other
      ? { op: "LOG", problem: `string limit <${other.local}> is not a limit WATS can hold` }
      : { op: "LOG" };
  }
  const comparator = (attrOf(expected, "comparator") ?? "").toUpperCase();
  const limit = datumText(childOf(expected, "Datum") ?? expected) ?? "";
  if (comparator === "CIEQ") return { op: "IGNORECASE", limit };
  if (comparator === "EQ") return { op: "CASESENSIT", limit };
  if (comparator === "NE") return { op: "NE", limit };
  return {
    op: "LOG",
    problem: `string comparator ${JSON.stringify(attrOf(expected, "comparator"))} is not one WATS can hold`,
  };
}
