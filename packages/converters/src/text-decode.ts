/**
 * Bytes -> text for converters. Honours a UTF-8 / UTF-16 LE / UTF-16 BE byte order mark; without
 * one, the bytes must be valid UTF-8 (or the caller names another encoding). Empty and binary
 * files are refused with a clear reason instead of turning into garbage reports.
 */
import { ConversionError } from "./errors.js";

export type DetectedEncoding = "utf-8" | "utf-16le" | "utf-16be";

export function bomEncoding(
  bytes: Uint8Array,
): { encoding: DetectedEncoding; bomLength: number } | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { encoding: "utf-8", bomLength: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return { encoding: "utf-16le", bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return { encoding: "utf-16be", bomLength: 2 };
  return undefined;
}

/** Line (1-based) and column of a byte offset in UTF-8-ish bytes (counts LF). */
function lineOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8 (overlong, surrogate, truncated or stray continuation). */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0): number {
  let i = start;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else return i;
    if (i + need >= n) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The file's text. `encoding` (a WHATWG label such as "windows-1252", "latin1", "utf-16le") is
 * used only when the file has no BOM. Throws ConversionError kinds "empty", "encoding", "binary".
 */
export function decodeText(bytes: Uint8Array, fileName: string, encoding?: string): string {
  if (bytes.length === 0) throw new ConversionError(`${fileName} is empty (0 bytes)`, { kind: "empty" });
  const bom = bomEncoding(bytes);
  let text: string;
  if (bom) {
    try {
      text = new TextDecoder(bom.encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch (error) {
      if (bom.encoding === "utf-8")
        throw invalidUtf8(bytes, Math.max(0, firstInvalidUtf8(bytes, 3)), fileName);
      throw new ConversionError(
        `${fileName} starts with a ${bom.encoding.toUpperCase()} byte order mark but is not valid ${bom.encoding.toUpperCase()} (${(error as Error).message})`,
        { kind: "encoding" },
      );
    }
  } else if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch {
      throw new ConversionError(`unknown encoding ${JSON.stringify(encoding)} (parameter "encoding")`, {
        kind: "encoding",
        field: "encoding",
      });
    }
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw new ConversionError(`${fileName} is not valid ${encoding}: ${(error as Error).message}`, {
        kind: "encoding",
      });
    }
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw invalidUtf8(bytes, Math.max(0, firstInvalidUtf8(bytes)), fileName);
    }
  }
  if (text.trim().length === 0)
    throw new ConversionError(`${fileName} holds only white space`, { kind: "empty" });
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const line = countLines(text, nul);
    throw new ConversionError(
      `${fileName} looks binary, not text: NUL character at line ${line} (character ${nul + 1})`,
      { kind: "binary", line },
    );
  }
  return text;
}

function invalidUtf8(bytes: Uint8Array, offset: number, fileName: string): ConversionError {
  const { line, column } = lineOfByte(bytes, offset);
  const hex = Array.from(bytes.subarray(offset, offset + 4), (b) => b.toString(16).padStart(2, "0")).join(
    " ",
  );
  const binary = looksBinary(bytes);
  return new ConversionError(
    binary
      ? `${fileName} looks binary, not text (invalid UTF-8 at byte ${offset}, line ${line}: ${hex})`
      : `${fileName} is not valid UTF-8: byte ${offset} (line ${line}, column ${column}) is 0x${hex.split(" ")[0]} ` +
          `(${hex}). Save the file as UTF-8, or set the converter parameter "encoding" (e.g. "windows-1252")`,
    { kind: binary ? "binary" : "encoding", line, column },
  );
}

/** Many control bytes in the first 4 KiB: not a text file. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === 0 || b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return n > 0 && control / n > 0.05;
}

function countLines(text: string, upTo: number): number {
  let line = 1;
  for (let i = 0; i < upTo; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Lenient decoding for `detect` samples (never throws). */
export function sampleText(bytes: Uint8Array): string {
  const bom = bomEncoding(bytes);
  try {
    return new TextDecoder(bom?.encoding ?? "utf-8", { fatal: false }).decode(bytes);
  } catch {
    return "";
  }
}
