/**
 * Pieces WATS's own XML formats (WRML and WSXF) share: TestStand additional data as `<Prop>`
 * trees, chart series packed as base64 doubles, and base64 payloads.
 */
import type { AdditionalData, AdditionalDataProperty } from "@tswats/report";
import { attrOf, childOf, childrenOf, type XmlElement } from "./xml-tree.js";

/** `<Prop Name Type Flags Value NumFormat Comment>` with nested `<Prop>` and `<Array><Index>`. */
export function readProp(el: XmlElement): AdditionalDataProperty {
  const prop: AdditionalDataProperty = {
    name: attrOf(el, "Name") ?? null,
    type: attrOf(el, "Type") ?? null,
  };
  const flags = attrOf(el, "Flags");
  if (flags !== undefined && flags !== "") {
    const n = flags.toLowerCase().startsWith("0x") ? Number.parseInt(flags.slice(2), 16) : Number(flags);
    if (Number.isInteger(n)) prop.flags = n;
  }
  const value = attrOf(el, "Value") ?? (childOf(el, "Value")?.text as string | undefined);
  if (value !== undefined) prop.value = value;
  const numFormat = attrOf(el, "NumFormat");
  if (numFormat) prop.numFormat = numFormat;
  const comment = attrOf(el, "Comment");
  if (comment) prop.comment = comment;
  const props = childrenOf(el, "Prop");
  if (props.length > 0) prop.props = props.map(readProp);
  const array = childOf(el, "Array");
  if (array) {
    const dimension = Number(attrOf(array, "Dimension"));
    prop.array = {
      dimension: Number.isInteger(dimension) ? dimension : null,
      type: attrOf(array, "Type") ?? null,
      indexes: childrenOf(array, "Index").map((index) => {
        const inner = childOf(index, "Prop");
        const indexes = attrOf(index, "Indexes");
        return {
          text: attrOf(index, "Text") ?? null,
          indexes: indexes ? indexes.split(",").map((n) => Number(n)) : [],
          ...(inner ? { value: readProp(inner) } : {}),
        };
      }),
    };
  }
  return prop;
}

/** An `<AdditionalData>`/`<AdditionalResults>` element: its name and its `<Prop>` children. */
export function readAdditional(el: XmlElement): AdditionalData {
  return { name: attrOf(el, "Name") ?? null, props: childrenOf(el, "Prop").map(readProp) };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The base64 text without white space, or undefined when it is not base64. */
export function cleanBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  return compact.length % 4 === 0 && BASE64.test(compact) ? compact : undefined;
}

/** Invariant number text for chart data (`.` decimal point; NaN/Infinity spelled out). */
export function chartNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return String(n);
}

/**
 * A WRML chart series: base64 of little-endian doubles, x and y interleaved. Returns the
 * `;`-separated x and y texts, or a reason when the data is not that.
 */
export function decodeXyPairs(
  base64: string,
): { xdata: string; ydata: string; points: number } | { problem: string } {
  const clean = cleanBase64(base64);
  if (clean === undefined) return { problem: "is not base64" };
  const bytes = Buffer.from(clean, "base64");
  if (bytes.length % 16 !== 0)
    return { problem: `holds ${bytes.length} bytes, not a whole number of (x, y) double pairs` };
  const xs: string[] = [];
  const ys: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    xs.push(chartNumber(bytes.readDoubleLE(i)));
    ys.push(chartNumber(bytes.readDoubleLE(i + 8)));
  }
  return { xdata: xs.join(";"), ydata: ys.join(";"), points: xs.length };
}
