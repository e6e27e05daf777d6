/**
 * The one XML reader of the standard converters: XML text -> a light element tree in which every
 * element knows the line it starts on and its namespace, read in one pass by saxes (a strict,
 * streaming XML parser). A document that is not well-formed fails with a ConversionError naming
 * the line and column where it breaks; a document that ends before its elements are closed
 * (truncated) names the line it ends on and the elements left open; an entity reference XML does
 * not predefine is refused naming the entity (DTD entities are never expanded).
 *
 * Namespaces are resolved from the `xmlns` declarations in scope, so a file that spells its
 * prefixes differently reads the same. Whitespace between child elements is no content and is
 * not kept. On a 5 MB TestStand report saxes parses in a tenth of fast-xml-parser's time, the
 * well-formedness check included; see bench/xml-tree.bench.ts for the ATML numbers.
 */
import { createRequire } from "node:module";
import { findUnsupportedXmlEntity } from "@tswats/report";
import { ConversionError } from "../../errors.js";

export interface XmlElement {
  /** The tag name as written, with its prefix (`tr:Test`). */
  readonly name: string;
  /** The local name (`Test`). */
  readonly local: string;
  /** The namespace URI ("" when none). */
  readonly ns: string;
  /** Attributes by their written name (`xmlns` declarations left out), entities decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (text and CDATA directly inside it), entities decoded, not trimmed. */
  readonly text: string;
  /** 1-based line of the `<` that opens the element. */
  readonly line: number;
}

/** The part of saxes' API used here (its own declarations do not pass this repository's strict lib check). */
interface SaxesTag {
  name: string;
  attributes: Record<string, string>;
  isSelfClosing: boolean;
}
interface SaxesParserLike {
  line: number;
  column: number;
  on(event: "opentagstart", handler: () => void): void;
  on(event: "opentag" | "closetag", handler: (tag: SaxesTag) => void): void;
  on(event: "text" | "cdata", handler: (text: string) => void): void;
  on(event: "error", handler: (error: Error) => void): void;
  write(chunk: string): SaxesParserLike;
  close(): SaxesParserLike;
}
const { SaxesParser } = createRequire(import.meta.url)("saxes") as {
  SaxesParser: new (options: { position: boolean }) => SaxesParserLike;
};

/** An element while it is being read (mutable; handed out as XmlElement). */
interface OpenElement {
  name: string;
  local: string;
  ns: string;
  attributes: Record<string, string>;
  children: OpenElement[];
  text: string;
  line: number;
  /** The prefix -> URI map in scope inside this element. */
  scope: ReadonlyMap<string, string>;
}

const NO_NAMESPACES: ReadonlyMap<string, string> = new Map();

function openElement(tag: SaxesTag, line: number, outer: ReadonlyMap<string, string>): OpenElement {
  let scope = outer;
  const attributes: Record<string, string> = {};
  for (const key in tag.attributes) {
    const value = tag.attributes[key] as string;
    if (key === "xmlns" || key.startsWith("xmlns:")) {
      if (scope === outer) scope = new Map(outer);
      (scope as Map<string, string>).set(key === "xmlns" ? "" : key.slice(6), value);
    } else attributes[key] = value;
  }
  const colon = tag.name.indexOf(":");
  const prefix = colon >= 0 ? tag.name.slice(0, colon) : "";
  return {
    name: tag.name,
    local: colon >= 0 ? tag.name.slice(colon + 1) : tag.name,
    ns: scope.get(prefix) ?? "",
    attributes,
    children: [],
    text: "",
    line,
    scope,
  };
}

/** The document's root element; throws a ConversionError (kind "parse", line, column) when the text is not well-formed XML. */
export function readXmlTree(text: string, fileName: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: OpenElement[] = [];
  let root: OpenElement | undefined;
  let startLine = 1;
  let closing = false;
  let failure: { message: string; line: number; column: number; open: OpenElement[] } | undefined;
  parser.on("opentagstart", () => {
    startLine = parser.line;
  });
  parser.on("opentag", (tag) => {
    const parent = stack[stack.length - 1];
    const element = openElement(tag, startLine, parent?.scope ?? NO_NAMESPACES);
    if (parent) {
      // Indentation before the first child element is no content: drop it rather than keep it.
      if (parent.children.length === 0 && parent.text !== "" && parent.text.trim() === "") parent.text = "";
      parent.children.push(element);
    } else root ??= element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on("closetag", (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top && !(top.children.length > 0 && t.trim() === "")) top.text += t;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("error", (error) => {
    failure ??= {
      message: error.message.replace(/^[^:]*:\d+:\d+: /, ""),
      line: parser.line,
      column: parser.column,
      open: closing ? [...stack] : [],
    };
    throw error;
  });
  try {
    parser.write(text);
    closing = true;
    parser.close();
  } catch (error) {
    throw parseFailure(text, fileName, failure, error as Error, parser);
  }
  if (!root)
    throw new ConversionError(`${fileName} holds no XML element`, { kind: "parse", line: parser.line });
  return root;
}

function parseFailure(
  text: string,
  fileName: string,
  failure: { message: string; line: number; column: number; open: OpenElement[] } | undefined,
  error: Error,
  parser: SaxesParserLike,
): ConversionError {
  // saxes refuses every entity it does not know with "undefined entity": name the entity and say
  // whether the DOCTYPE declares it.
  const entity = /entity/i.test(failure?.message ?? "") ? findUnsupportedXmlEntity(text) : undefined;
  if (entity)
    return new ConversionError(`${fileName} ${entity.message}`, {
      kind: "parse",
      line: entity.line,
      column: entity.column,
    });
  const f = failure ?? { message: error.message, line: parser.line, column: parser.column, open: [] };
  const inner = f.open[f.open.length - 1];
  if (inner) {
    // Truncated: name the line the text ends on (a final line break starts no line) and what is left open.
    const end = text.endsWith("\n") ? text.slice(0, text.endsWith("\r\n") ? -2 : -1) : text;
    const line = end.split("\n").length;
    const column = end.length - end.lastIndexOf("\n");
    const names = f.open.map((e) => `<${e.name}>`).join(", ");
    return new ConversionError(
      `${fileName} is not well-formed XML at line ${line}, column ${column}: the file ends before ${names} ${f.open.length > 1 ? "are" : "is"} closed (truncated?); <${inner.name}> was opened at line ${inner.line}`,
      { kind: "parse", line, column },
    );
  }
  return new ConversionError(
    `${fileName} is not well-formed XML at line ${f.line}, column ${f.column}: ${f.message}`,
    { kind: "parse", line: f.line, column: f.column },
  );
}

/**
 * `root` when its local name is one of `locals` (any case); else a ConversionError naming the file,
 * what it should have been (`what`, e.g. "a Saki AOI result"), the root it has and its line.
 */
export function requireRoot(
  root: XmlElement,
  fileName: string,
  what: string,
  ...locals: string[]
): XmlElement {
  const local = root.local.toLowerCase();
  if (locals.some((l) => l.toLowerCase() === local)) return root;
  const expected = locals.map((l) => `<${l}>`);
  throw new ConversionError(
    `${fileName} is not ${what}: its root element is <${root.local}> (line ${root.line}), not ${expected.length > 1 ? `one of ${expected.join(", ")}` : expected[0]}`,
    { kind: "content", line: root.line },
  );
}

/** The first child with this local name (and namespace URI, when given). */
export function childOf(el: XmlElement | undefined, local: string, ns?: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.local === local && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}

/** Every child with this local name (and namespace URI, when given). */
export function childrenOf(el: XmlElement | undefined, local: string, ns?: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.local === local && (ns === undefined || c.ns === ns)) out.push(c);
  return out;
}

/** Follows a path of local names through first children. */
export function pathOf(el: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  let current = el;
  for (const local of locals) current = childOf(current, local);
  return current;
}

/** An attribute by its written name, else by its local name under any prefix. */
export function attrOf(el: XmlElement | undefined, local: string): string | undefined {
  if (!el) return undefined;
  const direct = el.attributes[local];
  if (direct !== undefined) return direct;
  for (const key in el.attributes) {
    const colon = key.indexOf(":");
    if (colon >= 0 && key.slice(colon + 1) === local) return el.attributes[key];
  }
  return undefined;
}

/** All text inside the element, its descendants' included. */
export function deepText(el: XmlElement): string {
  if (el.children.length === 0) return el.text;
  return el.text + el.children.map(deepText).join("");
}

/*
 * Case-insensitive lookups, for formats whose writers do not agree on the case of their names
 * (SigmaQuest, Saki, StepWize, TestExec SL).
 */

/** The first child whose local name is `local`, any case. */
export function childOfAnyCase(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  const lower = local.toLowerCase();
  return el.children.find((c) => c.local.toLowerCase() === lower);
}

/** Every child whose local name is `local`, any case. */
export function childrenOfAnyCase(el: XmlElement | undefined, local: string): XmlElement[] {
  if (!el) return [];
  const lower = local.toLowerCase();
  return el.children.filter((c) => c.local.toLowerCase() === lower);
}

/** The trimmed text of the first child whose local name is `local` (any case); undefined when there is none. */
export function childTextOfAnyCase(el: XmlElement | undefined, local: string): string | undefined {
  return childOfAnyCase(el, local)?.text.trim();
}

/** An attribute by its local name under any prefix, any case. */
export function attrOfAnyCase(el: XmlElement | undefined, local: string): string | undefined {
  if (!el) return undefined;
  const exact = attrOf(el, local);
  if (exact !== undefined) return exact;
  const lower = local.toLowerCase();
  for (const key in el.attributes) {
    const colon = key.indexOf(":");
    if ((colon >= 0 ? key.slice(colon + 1) : key).toLowerCase() === lower) return el.attributes[key];
  }
  return undefined;
}
