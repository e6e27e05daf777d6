/**
 * The text of an XML file in the encoding it declares. A byte order mark wins; else the
 * converter's `encoding` parameter; else the `encoding="..."` of the XML declaration (TestStand
 * writes `iso-8859-1`); else UTF-8.
 */
import type { ConverterInput } from "../../plugin-api.js";
import { bomEncoding } from "../../text-decode.js";

/** The encoding named by the XML declaration at the start of `bytes`, if any. */
export function declaredXmlEncoding(bytes: Uint8Array): string | undefined {
  if (bomEncoding(bytes)) return undefined;
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 200)));
  const m = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return m?.[1];
}

export function readXmlText(input: ConverterInput, encodingParameter: unknown): string {
  if (typeof encodingParameter === "string" && encodingParameter !== "") return input.text(encodingParameter);
  return input.text(declaredXmlEncoding(input.bytes));
}
