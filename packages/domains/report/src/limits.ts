/**
 * Client-side length limits of WSJF text fields, in Unicode code points (format document §1.4:
 * pyWATS's limits where it has one, else the tightest one seen in real exports). The server's
 * own behaviour on overflow is not documented; `validateReport` reports longer values and the
 * builders can cut them (`textOverflow: "truncate"`).
 */
export const TEXT_LIMITS = {
  pn: 100,
  sn: 100,
  rev: 100,
  machineName: 100,
  location: 100,
  purpose: 100,
  user: 100,
  batchSN: 100,
  fixtureId: 100,
  comment: 5000,
  reportErrorMessage: 1000,
  partType: 50,
  miscDescription: 100,
  miscText: 100,
  stepName: 100,
  stepErrorMessage: 200,
  reportText: 5000,
  tsGuid: 30,
  measurementName: 100,
  unit: 20,
  stringValue: 100,
  seqCallPath: 500,
  seqCallName: 200,
  seqCallVersion: 30,
  popupResponse: 100,
  chartLabel: 100,
  chartUnit: 50,
  attachmentName: 256,
  contentType: 100,
  failureText: 100,
  failureComment: 5000,
  assetSN: 100,
  additionalName: 100,
} as const;

export type TextField = keyof typeof TEXT_LIMITS;

/** Int16 fields: processCode, testSocketIndex, misc numeric, loop counters, popup button, unit position and indexes. */
export const INT16 = { min: -32768, max: 32767 } as const;
export const INT32 = { min: -2147483648, max: 2147483647 } as const;

/** Step attachments above this many bytes are warned about (the C# client's cap). */
export const ATTACHMENT_WARN_BYTES = 100 * 1024;
/** Attachments above this many bytes are refused (pyWATS's cap). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Chart sizes WATS is documented to handle. */
export const CHART_MAX_SERIES = 10;
export const CHART_MAX_POINTS = 10_000;

/** Length in code points (what the limits count), without building an array for short texts. */
export function codePointLength(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogates++;
        i++;
      }
    }
  }
  return text.length - surrogates;
}

/** The first `max` code points of `text`. */
export function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let count = 0;
  let i = 0;
  while (i < text.length && count < max) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    count++;
  }
  return text.slice(0, i);
}

/** Characters that make a report's XML form invalid: C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF, lone surrogates. */
const XML_INVALID_SOURCE =
  "[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]";
export const XML_INVALID = new RegExp(XML_INVALID_SOURCE);
const XML_INVALID_ALL = new RegExp(XML_INVALID_SOURCE, "g");

/** `text` without the characters XML cannot hold (what the WATS C# client strips from every string). */
export function stripXmlInvalid(text: string): string {
  return XML_INVALID.test(text) ? text.replace(XML_INVALID_ALL, "") : text;
}

/** Characters that break WATS search and filters in part and serial numbers (rejected unless allowed). */
export const ID_SPECIAL_CHARACTERS = /[*%?[\]^!/\\]/;
