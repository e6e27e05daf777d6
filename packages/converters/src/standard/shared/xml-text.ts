/**
 * XML files as text, read the way an XML parser reads them. The encoding is, in this order:
 * a byte order mark; the converter's `encoding` parameter when it is set (to override a wrong
 * declaration); UTF-16 recognised by its first bytes (`<?` as 16-bit units) without a BOM; the
 * encoding the XML declaration names (`<?xml version="1.0" encoding="iso-8859-1"?>`, as NI
 * TestStand writes it); else UTF-8.
 */
import { ConversionError } from "../../errors.js";
import type { ConverterInput } from "../../plugin-api.js";
import { bomEncoding } from "../../text-decode.js";

export interface XmlTextOptions {
  /** The converter's `encoding` parameter (wins over the declaration). */
  encoding?: string | undefined;
  /** Where notes about the encoding go (e.g. a declaration that contradicts the bytes). */
  warn(message: string): void;
}

/** A converter's `encoding` parameter as an encoding name (an unset or empty one is none). */
export function encodingParameter(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The encoding named by the XML declaration at the start of `bytes`, if any. */
export function declaredXmlEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    "latin1",
  );
  const m = /^\s*<\?xml\s[^?]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._:-]*)\1/.exec(head);
  return m?.[2];
}

/** UTF-16 without a byte order mark, recognised by `<?` (or `<` + letter) as 16-bit units. */
function unmarkedUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return "utf-16le";
  if (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] !== 0) return "utf-16be";
  return undefined;
}

function decoderExists(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** The file's text in the encoding it is written in (see the module comment). */
export function readXmlText(input: ConverterInput, options: XmlTextOptions): string {
  const bytes = input.bytes;
  if (bomEncoding(bytes)) return input.text();
  if (options.encoding !== undefined) return input.text(options.encoding);
  const utf16 = unmarkedUtf16(bytes);
  if (utf16) return input.text(utf16);
  const declared = declaredXmlEncoding(bytes);
  if (declared === undefined || /^utf-?8$/i.test(declared)) return input.text();
  if (/^(utf-?16(le|be)?|ucs-?2|unicode)$/i.test(declared)) {
    options.warn(
      `${input.fileName} line 1: the XML declaration names ${declared}, but the file has no byte order mark and its bytes are 8-bit text; read as UTF-8`,
    );
    return input.text();
  }
  if (!decoderExists(declared))
    throw new ConversionError(
      `${input.fileName} line 1: the XML declaration names the encoding "${declared}", which cannot be decoded here; set the converter parameter "encoding"`,
      { kind: "encoding", line: 1, field: "encoding" },
    );
  return input.text(declared);
}

/**
 * The text with the obsolete `<?xml:stylesheet ...?>` processing instruction (an old Internet
 * Explorer form some report generators still write, and which XML parsers reject) blanked out.
 * Blanks keep every other character at its offset, so line numbers stay right.
 */
export function blankLegacyStylesheet(text: string): string {
  const head = text.slice(0, 4096);
  if (!head.includes("<?xml:stylesheet")) return text;
  return text.replace(/<\?xml:stylesheet[\s\S]*?\?>/g, (pi) => pi.replace(/[^\n]/g, " "));
}
