/**
 * Reading NI TestStand's XML property trees. TestStand writes every value as a `<Prop Name Type>`
 * element: scalars hold their text in `<Value>`, containers (`Obj`, `TEResult`) hold child
 * `<Prop>`s, arrays hold one `<Value ID="[i]">` per element (with a `<Prop>` inside for object
 * elements) beside an `<ArrayElementPrototype>` that is only a template. `Prop` wraps one such
 * element with lookups by name and dotted path ("TS.SequenceCall.ResultList"), typed values and the
 * line it starts on (for warnings and errors).
 */
import { childrenNamed, firstChild, type XmlElement } from "../shared/xml-sax-tree.js";

/** How the document writes numbers (ReportOptions, per report). */
export class PropDocument {
  /** ReportOptions.UseLocalizedDecimalPoint: numbers may use "," as the decimal separator. */
  localizedDecimalPoint = false;
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
    readonly node: XmlElement,
    readonly doc: PropDocument,
  ) {}

  get name(): string | undefined {
    return this.node.attributes.Name;
  }

  /** `Number`, `String`, `Boolean`, `Obj`, `Array`, `TEResult`, `Reference`, ... ("" when absent). */
  get type(): string {
    return this.node.attributes.Type ?? "";
  }

  get typeName(): string | undefined {
    return this.node.attributes.TypeName;
  }

  attribute(name: string): string | undefined {
    return this.node.attributes[name];
  }

  get line(): number {
    return this.node.line;
  }

  /** The child `<Prop>`s, in document order. */
  children(): Prop[] {
    this.#children ??= childrenNamed(this.node, "Prop").map((n) => new Prop(n, this.doc));
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
    return firstChild(this.node, "Value")?.text;
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
    const t = firstChild(this.node, "Comment")?.text.trim();
    return t ? t : undefined;
  }

  /** The elements of an `Array` property (its `<ArrayElementPrototype>` template left out). */
  elements(): ArrayElement[] {
    return childrenNamed(this.node, "Value").map((v) => {
      const id = v.attributes.ID ?? "";
      const indexes = [...id.matchAll(/\[(-?\d+)\]/g)].map((m) => Number(m[1]));
      const inner = firstChild(v, "Prop");
      return {
        id,
        indexes,
        prop: inner ? new Prop(inner, this.doc) : undefined,
        text: inner ? undefined : v.text,
        line: v.line,
      };
    });
  }
}
