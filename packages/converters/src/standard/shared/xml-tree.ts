/**
 * A small element tree for converters that must say where things are: every element keeps its
 * line number and its namespace URI (resolved from the `xmlns` declarations in scope, so a file
 * that spells its prefixes differently reads the same). Built on fast-xml-parser; a document that
 * is not well-formed fails with a ConversionError naming the line and column.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ConversionError } from "../../errors.js";

export interface XmlElement {
  /** The name as written, with its prefix (`tr:Test`). */
  readonly name: string;
  /** The local name (`Test`). */
  readonly local: string;
  /** The namespace URI ("" when none). */
  readonly ns: string;
  /** Attributes by their written name (`xmlns` declarations left out), entities decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), entities decoded, not trimmed. */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  captureMetaData: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type RawNode = Record<string, unknown> & { ":@"?: Record<string, string> };

/** Throws a ConversionError with line and column when `text` is not well-formed XML. */
export function assertWellFormed(text: string, fileName: string): void {
  const result = XMLValidator.validate(text);
  if (result === true) return;
  const { msg, line, col } = result.err;
  throw new ConversionError(`${fileName} is not well-formed XML at line ${line}, column ${col}: ${msg}`, {
    kind: "parse",
    line,
    column: col,
  });
}

/** Start offsets of every line of `text` (for offset -> line). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * The document element of `text`, checked for well-formedness first. Comments, processing
 * instructions and the XML declaration are left out.
 */
export function parseXmlTree(text: string, fileName: string): XmlElement {
  assertWellFormed(text, fileName);
  const starts = lineStarts(text);
  const nodes = parser.parse(text) as RawNode[];
  const build = (node: RawNode, tag: string, scope: ReadonlyMap<string, string>): XmlElement => {
    const rawAttrs = node[":@"] ?? {};
    let namespaces = scope;
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawAttrs)) {
      if (key === "xmlns" || key.startsWith("xmlns:")) {
        if (namespaces === scope) namespaces = new Map(scope);
        (namespaces as Map<string, string>).set(key === "xmlns" ? "" : key.slice(6), value);
      } else attrs[key] = value;
    }
    const colon = tag.indexOf(":");
    const prefix = colon >= 0 ? tag.slice(0, colon) : "";
    const children: XmlElement[] = [];
    let own = "";
    for (const child of (node[tag] as RawNode[] | undefined) ?? []) {
      const key = Object.keys(child).find((k) => k !== ":@");
      if (key === undefined) continue;
      if (key === "#text") own += String(child[key] ?? "");
      else children.push(build(child, key, namespaces));
    }
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    return {
      name: tag,
      local: colon >= 0 ? tag.slice(colon + 1) : tag,
      ns: namespaces.get(prefix) ?? "",
      attrs,
      children,
      text: own,
      line: meta?.startIndex === undefined ? 0 : lineOf(starts, meta.startIndex),
    };
  };
  for (const node of nodes) {
    const key = Object.keys(node).find((k) => k !== ":@");
    if (key !== undefined && key !== "#text") return build(node, key, new Map());
  }
  throw new ConversionError(`${fileName} holds no XML element`, { kind: "parse" });
}

/** The first child with this local name (and namespace, when given). */
export function childOf(el: XmlElement | undefined, local: string, ns?: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.local === local && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}

/** Every child with this local name (and namespace, when given). */
export function childrenOf(el: XmlElement | undefined, local: string, ns?: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.local === local && (ns === undefined || c.ns === ns));
}

/** Follows a path of local names through first children. */
export function pathOf(el: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  let current = el;
  for (const local of locals) current = childOf(current, local);
  return current;
}

/** An attribute by its local name (any prefix). */
export function attrOf(el: XmlElement | undefined, local: string): string | undefined {
  if (!el) return undefined;
  const direct = el.attrs[local];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(el.attrs)) {
    const colon = key.indexOf(":");
    if (colon >= 0 && key.slice(colon + 1) === local) return value;
  }
  return undefined;
}

/** All text inside the element, its descendants' included, in document order. */
export function deepText(el: XmlElement): string {
  if (el.children.length === 0) return el.text;
  return el.text + el.children.map(deepText).join("");
}
