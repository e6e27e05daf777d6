/**
 * XML answers as plain, typed data: an element tree with names, attributes, child elements and
 * text. Parsing is fast-xml-parser's; this module only checks well-formedness first (so a broken
 * answer is an error naming its line, never a half-read tree) and reshapes its output.
 */
import { createRequire } from "node:module";
import type { XMLParser as Parser } from "fast-xml-parser";

/** One XML element. Plain data: it crosses worker boundaries and serialises as JSON. */
export interface XmlElement {
  /** The element name as written, prefix included (`ns:Item`). */
  name: string;
  /** Attribute values by name, entities decoded. */
  attributes: Record<string, string>;
  /** Child elements, in document order. */
  children: XmlElement[];
  /** The text directly inside this element (not its children's), entities decoded, trimmed. */
  text: string;
}

export class XmlDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlDecodeError";
  }
}

const ATTRIBUTES = ":@";
const TEXT = "#text";

/**
 * fast-xml-parser, loaded on first use: a script that only reads JSON never loads it. Required as
 * its CommonJS bundle, one file (about 10 ms); the ES module build is dozens of files (about
 * 60 ms and 10 MiB in a fresh process). Shared by every package that parses XML.
 */
let fxp: typeof import("fast-xml-parser") | undefined;
export function fastXmlParser(): typeof import("fast-xml-parser") {
  fxp ??= createRequire(import.meta.url)("fast-xml-parser") as typeof import("fast-xml-parser");
  return fxp;
}

let parser: Parser | undefined;
function documentParser(): Parser {
  parser ??= new (fastXmlParser().XMLParser)({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    commentPropName: false,
  });
  return parser;
}

type OrderedNode = Record<string, unknown>;

/** The document's root element. Throws XmlDecodeError (with line and column) when it is not well formed. */
export function parseXmlDocument(text: string): XmlElement {
  const verdict = fastXmlParser().XMLValidator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new XmlDecodeError(`${msg} (line ${line}, column ${col})`);
  }
  const nodes = documentParser().parse(text) as OrderedNode[];
  const elements = nodes.filter(
    (node) => elementName(node) !== undefined && !elementName(node)?.startsWith("?"),
  );
  const root = elements[0];
  if (root === undefined) throw new XmlDecodeError("the document has no root element");
  return toElement(root);
}

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) if (key !== ATTRIBUTES && key !== TEXT) return key;
  return undefined;
}

function toElement(node: OrderedNode): XmlElement {
  const name = elementName(node) as string;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries((node[ATTRIBUTES] as Record<string, unknown>) ?? {})) {
    attributes[key] = String(value);
  }
  const children: XmlElement[] = [];
  let text = "";
  for (const child of (node[name] as OrderedNode[]) ?? []) {
    if (TEXT in child) text += String(child[TEXT]);
    else if (elementName(child) !== undefined) children.push(toElement(child));
  }
  return { name, attributes, children, text: text.trim() };
}
