/**
 * Header lines of the form `Key=Value`, `Key: Value` or `Key<TAB>Value` that test equipment
 * writes before (or instead of) a table, with the line each came from.
 */

export interface KeyValueLine {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
}

/**
 * The key and value of one line split at the first of `separators` found in it (whichever comes
 * first in the line); undefined when the line holds none or the key is empty. Key and value are
 * trimmed; a trailing `:` of the key is dropped (`Serial #:` -> `Serial #`).
 */
export function splitKeyValue(
  text: string,
  separators: readonly string[],
): { key: string; value: string } | undefined {
  let at = -1;
  let length = 0;
  for (const s of separators) {
    const i = text.indexOf(s);
    if (i > 0 && (at < 0 || i < at)) {
      at = i;
      length = s.length;
    }
  }
  if (at < 0) return undefined;
  const key = text.slice(0, at).trim().replace(/:$/, "").trim();
  if (key === "") return undefined;
  return { key, value: text.slice(at + length).trim() };
}

/**
 * Every `key<separator>value` line of `text`. Blank lines and lines starting with one of
 * `commentPrefixes` are skipped; other lines without a separator are returned in `other` so the
 * caller can warn about them.
 */
export function readKeyValueLines(
  text: string,
  separators: readonly string[],
  commentPrefixes: readonly string[] = [],
): { pairs: KeyValueLine[]; other: { line: number; text: string }[] } {
  const pairs: KeyValueLine[] = [];
  const other: { line: number; text: string }[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const t = raw.replace(/^\uFEFF/, "");
    if (t.trim() === "" || commentPrefixes.some((p) => t.trimStart().startsWith(p))) return;
    const kv = splitKeyValue(t, separators);
    if (kv) pairs.push({ ...kv, line: i + 1 });
    else other.push({ line: i + 1, text: t });
  });
  return { pairs, other };
}

/** A key reduced to letters and digits, lower case: `Serial Number:` and `serial_number` compare equal. */
export function normalKey(key: string): string {
  return key.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}
