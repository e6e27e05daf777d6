/**
 * XML as a plain element tree that knows the line each element starts on, so XML converters can
 * name the line of a bad or unmapped element. Well-formedness is checked first (errors name line
 * and column); parsing uses fast-xml-parser in order-preserving mode with its position metadata.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ConversionError } from "../../errors.js";
import { checkWellFormed } from "../wsxf-xml.js";

export interface XmlElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** The element's own text and CDATA, concatenated (not its children's). */
  text: string;
  /** 1-based line of the element's start tag. */
  line: number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: "#cdata",
  commentPropName: "#comment",
  captureMetaData: true,
  processEntities: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type OrderedNode = Record<string, unknown> & { ":@"?: Record<string, unknown> };

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function textOf(nodes: unknown): string {
  if (!Array.isArray(nodes)) return "";
  let out = "";
  for (const n of nodes as OrderedNode[]) {
    if ("#text" in n) out += String(n["#text"]);
    else if ("#cdata" in n) out += textOf(n["#cdata"]);
  }
  return out;
}

function toElements(nodes: unknown, starts: readonly number[]): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((k) => k !== ":@");
    if (name === undefined || name.startsWith("#") || name.startsWith("?")) continue;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(node[":@"] ?? {})) attributes[k] = String(v);
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    const content = node[name];
    out.push({
      name,
      attributes,
      children: toElements(content, starts),
      text: textOf(content),
      line: lineAt(starts, meta?.startIndex ?? 0),
    });
  }
  return out;
}

/** The document's root element (throws a ConversionError naming line and column for malformed XML). */
export function parseXmlElements(text: string, fileName: string): XmlElement {
  const result = XMLValidator.validate(text);
  if (result !== true) {
    // Unclosed elements are reported at line 1 by the validator: name them and where the text stops.
    const unclosed = /^Invalid '\[(.*)\]' found/s.exec(result.err.msg);
    if (unclosed) {
      const tags = [...(unclosed[1] as string).matchAll(/"([^"]+)"/g)].map((m) => `<${m[1]}>`);
      const line = text.replace(/\s+$/, "").split("\n").length;
      throw new ConversionError(
        `${fileName} ends at line ${line} inside ${tags.join(", ")}, which are never closed: truncated?`,
        { kind: "parse", line },
      );
    }
    checkWellFormed(text, fileName);
  }
  const roots = toElements(parser.parse(text), lineStarts(text));
  const root = roots[0];
  if (!root) throw new Error(`${fileName}: no root element`);
  return root;
}

/** The first child element called `name`. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** Every child element called `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
