/**
 * A small, strict XML reader and an escaping helper: enough for WSXF reports, WSBF BOMs and
 * serial-number files. Namespaces are kept in names but `localName` strips the prefix. DTDs and
 * processing instructions are skipped; entities other than the five predefined ones and
 * character references are rejected.
 */
export interface XmlElement {
  readonly name: string;
  readonly localName: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  /** Concatenated text directly inside this element (not its descendants). */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, position: number) {
    super(`${message} (at character ${position})`);
    this.name = "XmlError";
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string, position: number): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new XmlError("unescaped '&'", position);
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    const value = PREDEFINED[entity];
    if (value === undefined) throw new XmlError(`unknown entity '${match}'`, position);
    return value;
  });
}

function localNameOf(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Parses a document and returns its root element; throws XmlError when it is not well formed. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) throw new XmlError("expected a name", pos);
    pos += match[0].length;
    return match[0];
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos] ?? "")) pos++;
  };

  while (pos < text.length) {
    const lt = text.indexOf("<", pos);
    const chunk = lt < 0 ? text.slice(pos) : text.slice(pos, lt);
    if (chunk.length > 0) {
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decodeEntities(chunk, pos);
      else if (chunk.trim() !== "") throw new XmlError("text outside the root element", pos);
    }
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith("<?", pos)) {
      const end = text.indexOf("?>", pos);
      if (end < 0) throw new XmlError("unterminated processing instruction", pos);
      pos = end + 2;
    } else if (text.startsWith("<!--", pos)) {
      const end = text.indexOf("-->", pos);
      if (end < 0) throw new XmlError("unterminated comment", pos);
      pos = end + 3;
    } else if (text.startsWith("<![CDATA[", pos)) {
      const end = text.indexOf("]]>", pos);
      if (end < 0) throw new XmlError("unterminated CDATA section", pos);
      const parent = stack[stack.length - 1];
      if (!parent) throw new XmlError("CDATA outside the root element", pos);
      parent.text += text.slice(pos + 9, end);
      pos = end + 3;
    } else if (text.startsWith("<!", pos)) {
      const end = text.indexOf(">", pos);
      if (end < 0) throw new XmlError("unterminated declaration", pos);
      pos = end + 1;
    } else if (text.startsWith("</", pos)) {
      pos += 2;
      const name = readName();
      skipSpace();
      if (text[pos] !== ">") throw new XmlError(`expected '>' after </${name}`, pos);
      pos++;
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new XmlError(`closing tag </${name}> does not match <${open?.name ?? "(none)"}>`, pos);
      }
    } else {
      pos++;
      const name = readName();
      const attributes: Record<string, string> = {};
      for (;;) {
        skipSpace();
        const c = text[pos];
        if (c === ">" || c === "/") break;
        if (c === undefined) throw new XmlError(`unterminated tag <${name}>`, pos);
        const attr = readName();
        skipSpace();
        if (text[pos] !== "=") throw new XmlError(`expected '=' after attribute ${attr}`, pos);
        pos++;
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") throw new XmlError(`expected a quoted value for ${attr}`, pos);
        const end = text.indexOf(quote, pos + 1);
        if (end < 0) throw new XmlError(`unterminated value of ${attr}`, pos);
        if (attr in attributes) throw new XmlError(`duplicate attribute ${attr}`, pos);
        attributes[attr] = decodeEntities(text.slice(pos + 1, end), pos);
        pos = end + 1;
      }
      const element: XmlElement = { name, localName: localNameOf(name), attributes, children: [], text: "" };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw new XmlError("more than one root element", pos);
      else root = element;
      if (text[pos] === "/") {
        if (text[pos + 1] !== ">") throw new XmlError("expected '/>'", pos);
        pos += 2;
      } else {
        pos++;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new XmlError(`unclosed element <${stack[stack.length - 1]?.name}>`, pos);
  if (!root) throw new XmlError("no root element", pos);
  return root;
}

/** Escapes text for an attribute value or element content. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) =>
    c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === '"' ? "&quot;" : "&apos;",
  );
}

/** The first child with the given local name (case-insensitive). */
export function child(element: XmlElement, localName: string): XmlElement | undefined {
  const wanted = localName.toLowerCase();
  return element.children.find((c) => c.localName.toLowerCase() === wanted);
}

/** All children with the given local name (case-insensitive). */
export function childrenNamed(element: XmlElement, localName: string): XmlElement[] {
  const wanted = localName.toLowerCase();
  return element.children.filter((c) => c.localName.toLowerCase() === wanted);
}

/** An attribute by name, case-insensitive. */
export function attr(element: XmlElement, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(element.attributes)) {
    if (localNameOf(key).toLowerCase() === wanted) return value;
  }
  return undefined;
}
