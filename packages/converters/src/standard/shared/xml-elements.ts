/**
 * XML for converters that must name the line of what they read: the document as a small element
 * tree (name without namespace prefix, attributes, child elements, text, 1-based line), read with
 * fast-xml-parser (its `captureMetaData` gives each element's position). The text is checked for
 * well-formedness first, so a truncated or broken file fails with the line and column of the
 * problem.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ConversionError } from "../../errors.js";

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (text and CDATA directly inside it, joined), not trimmed. */
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
  removeNSPrefix: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type OrderedNode = Record<string, unknown> & { ":@"?: Record<string, unknown> };

/** Start offsets of every line, for offset -> line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
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
 * Throws a ConversionError (kind "parse") with the line and column of the first problem; a file
 * that ends before its elements are closed (truncated) names its last line and the innermost
 * element still open, with the line that element was opened on.
 */
function checkWellFormed(text: string, fileName: string, starts: readonly number[]): void {
  const result = XMLValidator.validate(text);
  if (result === true) return;
  const { msg, line, col } = result.err;
  const unclosed = /^Invalid '\[(.*)\]' found/s.exec(msg);
  if (unclosed) {
    const open = [...(unclosed[1] ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
    const inner = open[open.length - 1] ?? "";
    const at = text.lastIndexOf(`<${inner}`);
    const lastLine = starts.length - (text.endsWith("\n") ? 1 : 0);
    throw new ConversionError(
      `${fileName} ends at line ${lastLine} before ${open.map((n) => `<${n}>`).join(", ")} ${open.length > 1 ? "are" : "is"} closed (truncated?)${at >= 0 ? `; <${inner}> was opened at line ${lineOf(starts, at)}` : ""}`,
      { kind: "parse", line: lastLine, field: inner },
    );
  }
  throw new ConversionError(`${fileName} is not well-formed XML at line ${line}, column ${col}: ${msg}`, {
    kind: "parse",
    line,
    column: col,
  });
}

/** The root element of `text`. Throws a ConversionError (kind "parse", line and column) for XML that is not well-formed. */
export function readXmlElements(text: string, fileName: string): XmlElement {
  const starts = lineStarts(text);
  checkWellFormed(text, fileName, starts);
  const nodes = parser.parse(text) as OrderedNode[];
  const build = (node: OrderedNode): XmlElement | undefined => {
    const name = Object.keys(node).find((k) => k !== ":@");
    if (name === undefined || name === "#text" || name === "#comment" || name.startsWith("?"))
      return undefined;
    const rawAttrs = node[":@"] ?? {};
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) attributes[k.replace(/^[^:]*:/, "")] = String(v);
    const children: XmlElement[] = [];
    let own = "";
    for (const child of (node[name] as OrderedNode[] | undefined) ?? []) {
      if ("#text" in child) own += String(child["#text"]);
      else {
        const element = build(child);
        if (element) children.push(element);
      }
    }
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    return { name, attributes, children, text: own, line: lineOf(starts, meta?.startIndex ?? 0) };
  };
  for (const node of nodes) {
    const element = build(node);
    if (element) return element;
  }
  throw new ConversionError(`${fileName} holds no XML element`, { kind: "parse", line: 1 });
}

/** The first child element called `name` (case-insensitive). */
export function childElement(parent: XmlElement, name: string): XmlElement | undefined {
  const lower = name.toLowerCase();
  return parent.children.find((c) => c.name.toLowerCase() === lower);
}

/** Every child element called `name` (case-insensitive). */
export function childElements(parent: XmlElement, name: string): XmlElement[] {
  const lower = name.toLowerCase();
  return parent.children.filter((c) => c.name.toLowerCase() === lower);
}

/** The trimmed text of the first child element called `name`; undefined when there is none. */
export function childText(parent: XmlElement, name: string): string | undefined {
  const c = childElement(parent, name);
  return c === undefined ? undefined : c.text.trim();
}

/** An attribute by name, case-insensitive. */
export function attribute(element: XmlElement, name: string): string | undefined {
  if (name in element.attributes) return element.attributes[name];
  const lower = name.toLowerCase();
  const key = Object.keys(element.attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : element.attributes[key];
}
