/**
 * XML answers as plain, typed data: an element tree with names, attributes, child elements and
 * text. Parsing is fast-xml-parser's; this module only checks well-formedness first (so a broken
 * answer is an error naming its line, never a half-read tree) and reshapes its output.
 * fast-xml-parser is loaded with the first XML answer (a process that reads only JSON never
 * loads it); its CommonJS build, required synchronously, parses exactly as its ESM build.
 */
import { createRequire } from "node:module";
import type { XMLParser as XMLParserClass, XMLValidator as XMLValidatorApi } from "fast-xml-parser";
import { loadOnFirstUse } from "./load-on-first-use.js";

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

const xml = loadOnFirstUse(() => {
  const fxp = createRequire(import.meta.url)("fast-xml-parser") as {
    XMLParser: typeof XMLParserClass;
    XMLValidator: typeof XMLValidatorApi;
  };
  const parser = new fxp.XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    commentPropName: false,
  });
  return { parser, validator: fxp.XMLValidator };
});

type OrderedNode = Record<string, unknown>;

/** The document's root element. Throws XmlDecodeError (with line and column) when it is not well formed. */
export function parseXmlDocument(text: string): XmlElement {
  const { parser, validator } = xml();
  const verdict = validator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new XmlDecodeError(`${msg} (line ${line}, column ${col})`);
  }
  const nodes = parser.parse(text) as OrderedNode[];
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
