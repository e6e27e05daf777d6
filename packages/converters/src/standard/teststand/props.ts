/**
 * Reading NI TestStand's XML property trees. TestStand writes every value as a `<Prop Name Type>`
 * element: scalars hold their text in `<Value>`, containers (`Obj`, `TEResult`) hold child
 * `<Prop>`s, arrays hold one `<Value ID="[i]">` per element (with a `<Prop>` inside for object
 * elements) beside an `<ArrayElementPrototype>` that is only a template. `Prop` wraps one such
 * element with lookups by name and dotted path ("TS.SequenceCall.ResultList"), typed values and the
 * line it starts on (for warnings and errors).
 */
import { XMLParser } from "fast-xml-parser";
import { LineIndex } from "../shared/line-index.js";

export type XmlNode = Record<string, unknown>;

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** fast-xml-parser set up for TestStand reports: attributes as `@name`, start offsets recorded. */
export const teststandXmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  alwaysCreateTextNode: false,
  isArray: (name) => name === "Prop" || name === "Value" || name === "ReportInfo" || name === "Report",
  processEntities: true,
  htmlEntities: false,
  captureMetaData: true,
  // Every sequence call nests about five elements; deep call trees are legitimate.
  maxNestedTags: 5000,
});

/** The parsed document: its line index and how it writes numbers. */
export class PropDocument {
  readonly #lines: LineIndex;
  /** ReportOptions.UseLocalizedDecimalPoint: numbers may use "," as the decimal separator. */
  localizedDecimalPoint = false;

  constructor(text: string) {
    this.#lines = new LineIndex(text);
  }

  /** The line an element starts on (0 when unknown). */
  lineOf(node: unknown): number {
    if (typeof node !== "object" || node === null) return 0;
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    return meta?.startIndex === undefined ? 0 : this.#lines.line(meta.startIndex);
  }
}

export function childElements(node: XmlNode | undefined, tag: string): XmlNode[] {
  const v = node?.[tag];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "object" && x !== null ? x : { "#text": x }));
}

export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@${name}`];
  return typeof v === "string" ? v : undefined;
}

/** The text content of an element (`""` for an empty one). */
export function elementText(node: unknown): string {
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (typeof node === "object" && node !== null) {
    const t = (node as XmlNode)["#text"];
    return typeof t === "string" ? t : t === undefined ? "" : String(t);
  }
  return "";
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX = /^[+-]?0x[0-9a-f]+$/i;

/**
 * A TestStand number: decimal (with "," as decimal point when the report was written with the
 * localized decimal point), hexadecimal, `NaN`, `IND`, `Inf`/`Infinity` with a sign. NaN for text
 * that is no number; undefined for empty text.
 */
export function teststandNumber(text: string, localized = false): number | undefined {
  let t = text.trim();
  if (t === "") return undefined;
  const lower = t.toLowerCase();
  if (lower === "nan" || lower === "ind" || lower === "-nan" || lower === "+nan") return Number.NaN;
  if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity;
  if (localized && t.includes(",") && !t.includes(".")) t = t.replace(",", ".");
  if (DECIMAL.test(t)) return Number(t);
  if (HEX.test(t)) return (t.startsWith("-") ? -1 : 1) * Number.parseInt(t.replace(/^[+-]/, ""), 16);
  return Number.NaN;
}

/** One element of an `Array` property. */
export interface ArrayElement {
  /** The ID as written: `[3]`, `[0][12]`. */
  id: string;
  /** The indexes of the ID, one per dimension. */
  indexes: number[];
  /** The object inside an object element. */
  prop: Prop | undefined;
  /** The text of a scalar element. */
  text: string | undefined;
  line: number;
}

/** One `<Prop>` element. */
export class Prop {
  #children: Prop[] | undefined;
  #byName: Map<string, Prop> | undefined;

  constructor(
    readonly node: XmlNode,
    readonly doc: PropDocument,
    /** Line of the nearest enclosing element with a known position (for scalars written inline). */
    readonly parentLine = 0,
  ) {}

  get name(): string | undefined {
    return attribute(this.node, "Name");
  }

  /** `Number`, `String`, `Boolean`, `Obj`, `Array`, `TEResult`, `Reference`, ... ("" when absent). */
  get type(): string {
    return attribute(this.node, "Type") ?? "";
  }

  get typeName(): string | undefined {
    return attribute(this.node, "TypeName");
  }

  get line(): number {
    return this.doc.lineOf(this.node) || this.parentLine;
  }

  /** The child `<Prop>`s, in document order. */
  children(): Prop[] {
    if (this.#children === undefined) {
      const line = this.line;
      this.#children = childElements(this.node, "Prop").map((n) => new Prop(n, this.doc, line));
    }
    return this.#children;
  }

  /** The child property of that name (exact match first, then ignoring case). */
  get(name: string): Prop | undefined {
    if (this.#byName === undefined) {
      this.#byName = new Map();
      for (const c of this.children()) {
        const n = c.name;
        if (n !== undefined && !this.#byName.has(n)) this.#byName.set(n, c);
      }
    }
    const exact = this.#byName.get(name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    for (const [n, c] of this.#byName) if (n.toLowerCase() === lower) return c;
    return undefined;
  }

  /** A descendant by dotted path: `at("TS.SequenceCall.ResultList")`. */
  at(path: string): Prop | undefined {
    let p: Prop | undefined = this;
    for (const part of path.split(".")) {
      p = p.get(part);
      if (p === undefined) return undefined;
    }
    return p;
  }

  /** The first `<Value>`'s text, or undefined when there is no `<Value>`. */
  valueText(): string | undefined {
    const v = this.node.Value;
    if (v === undefined) return undefined;
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined ? undefined : elementText(first);
  }

  /** The text of the property at `path` (this one when omitted). */
  text(path?: string): string | undefined {
    return (path === undefined ? this : this.at(path))?.valueText();
  }

  /** The trimmed text at `path`, undefined when absent or blank. */
  nonEmpty(path?: string): string | undefined {
    const t = this.text(path)?.trim();
    return t ? t : undefined;
  }

  /** The number at `path`: undefined when absent or empty, NaN when the text is no number. */
  number(path?: string): number | undefined {
    const t = this.text(path);
    return t === undefined ? undefined : teststandNumber(t, this.doc.localizedDecimalPoint);
  }

  /** The boolean at `path` (`True`/`False`, any case), undefined otherwise. */
  bool(path?: string): boolean | undefined {
    const t = this.text(path)?.trim().toLowerCase();
    return t === "true" ? true : t === "false" ? false : undefined;
  }

  /** The `<Comment>` of this property, if any. */
  comment(): string | undefined {
    const c = this.node.Comment;
    if (c === undefined) return undefined;
    const t = elementText(Array.isArray(c) ? c[0] : c).trim();
    return t ? t : undefined;
  }

  /** The elements of an `Array` property (its prototype left out). */
  elements(): ArrayElement[] {
    const line = this.line;
    return childElements(this.node, "Value").map((v) => {
      const id = attribute(v, "ID") ?? "";
      const indexes = [...id.matchAll(/\[(-?\d+)\]/g)].map((m) => Number(m[1]));
      const inner = childElements(v, "Prop")[0];
      const elementLine = this.doc.lineOf(v) || line;
      return {
        id,
        indexes,
        prop: inner ? new Prop(inner, this.doc, elementLine) : undefined,
        text: inner ? undefined : elementText(v),
        line: elementLine,
      };
    });
  }
}
