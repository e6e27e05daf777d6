/**
 * NI TestStand XML reports store every value as `<Prop Name Type>` elements with `<Value>` text
 * (arrays: one `<Value ID="[i]">` per element). This turns such a tree into plain values:
 * objects keyed by Name, strings, numbers, booleans and arrays.
 */
import { XMLParser } from "fast-xml-parser";

export type TsValue = string | number | boolean | null | TsObject | TsValue[];
export interface TsObject {
  [name: string]: TsValue;
}

type Node = Record<string, unknown>;

export const tsParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: false,
  isArray: (name) => name === "Prop" || name === "Value" || name === "ReportInfo",
  processEntities: true,
  htmlEntities: false,
});

function list(node: Node | undefined, tag: string): Node[] {
  const v = node?.[tag];
  return Array.isArray(v) ? (v as Node[]) : [];
}

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && v !== null) {
    const t = (v as Node)["#text"];
    return typeof t === "string" ? t : t === undefined ? "" : String(t);
  }
  return "";
}

export function attr(node: Node, name: string): string | undefined {
  const v = node[`@${name}`];
  return typeof v === "string" ? v : undefined;
}

/** TestStand number text: also "NaN", "Inf", "-Inf", "+Inf". */
export function tsNumber(text: string): number {
  const t = text.trim();
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return Number.NaN;
  return t === "" ? Number.NaN : Number(t);
}

/** The value of one `<Prop>` element. */
export function propValue(prop: Node): TsValue {
  const type = attr(prop, "Type") ?? "";
  const values = list(prop, "Value");
  const children = list(prop, "Prop");
  switch (type) {
    case "String":
    case "Reference":
      return textOf(values[0]);
    case "Number":
      return values.length === 0 ? null : tsNumber(textOf(values[0]));
    case "Boolean": {
      const t = textOf(values[0]).trim().toLowerCase();
      return t === "true" ? true : t === "false" ? false : null;
    }
    case "Array":
      return values.map((v) => {
        const inner = list(v, "Prop");
        if (inner.length > 0) {
          const element = inner[0] as Node;
          const value = propValue(element);
          const name = attr(element, "Name");
          if (name !== undefined && value !== null && typeof value === "object" && !Array.isArray(value))
            (value as TsObject)["#name"] = name;
          return value;
        }
        const elementType = attr(prop, "ElementType");
        const t = textOf(v);
        return elementType === "Number"
          ? tsNumber(t)
          : elementType === "Boolean"
            ? /^true$/i.test(t.trim())
            : t;
      });
    default: {
      if (children.length === 0 && values.length > 0) return textOf(values[0]);
      const obj: TsObject = {};
      for (const child of children) {
        const name = attr(child, "Name");
        if (name !== undefined) obj[name] = propValue(child);
      }
      return obj;
    }
  }
}

/** The `<Prop>` children of an element as an object keyed by Name. */
export function propsOf(node: Node): Record<string, Node> {
  const out: Record<string, Node> = {};
  for (const p of list(node, "Prop")) {
    const name = attr(p, "Name");
    if (name !== undefined) out[name] = p;
  }
  return out;
}

export function reportInfo(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of list(root, "ReportInfo")) {
    const key = attr(r, "key");
    if (key !== undefined) out.set(key.toLowerCase(), attr(r, "value") ?? textOf(r));
  }
  return out;
}

/** Case-insensitive member access on an object value. */
export function member(obj: TsValue | undefined, ...names: string[]): TsValue | undefined {
  if (obj === null || obj === undefined || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  for (const name of names) {
    if (Object.hasOwn(obj, name)) return obj[name];
    const lower = name.toLowerCase();
    for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  }
  return undefined;
}

export const isObject = (v: TsValue | undefined): v is TsObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);
