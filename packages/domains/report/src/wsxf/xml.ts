/** Small XML helpers for WSXF: entity decoding and escaping, and access to fast-xml-parser's element objects. */

/** An element as fast-xml-parser returns it: `@name` attributes, `#text`, child elements by tag. */
export type XmlNode = Record<string, unknown>;

const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the predefined and numeric character references of raw XML text. */
export function decodeXml(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name] ?? whole;
  });
}

/** Escapes text content: `&`, `<`, `>` and CR (which XML parsers would turn into LF). */
export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#xD;",
  );
}

/** Escapes an attribute value, including the whitespace that attribute normalisation would change. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"\r\n\t]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "\r":
        return "&#xD;";
      case "\n":
        return "&#xA;";
      default:
        return "&#x9;";
    }
  });
}

/** An attribute's decoded value, or undefined when absent. */
export function attr(node: XmlNode, name: string): string | undefined {
  const v = node[`@${name}`];
  return typeof v === "string" ? decodeXml(v) : undefined;
}

/** The decoded text content of an element ("" when empty). */
export function textOf(node: unknown): string {
  if (typeof node === "string") return decodeXml(node);
  if (typeof node === "object" && node !== null) {
    const t = (node as XmlNode)["#text"];
    if (typeof t === "string") return decodeXml(t);
  }
  return "";
}

/** The child elements with a tag (always an array). */
export function children(node: XmlNode, tag: string): XmlNode[] {
  const v = node[tag];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((c) =>
    typeof c === "object" && c !== null ? (c as XmlNode) : { "#text": c },
  );
}

/** The first child element with a tag, if any. */
export function first(node: XmlNode, tag: string): XmlNode | undefined {
  return children(node, tag)[0];
}
