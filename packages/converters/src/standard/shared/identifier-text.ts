/**
 * Part and serial numbers as WATS can search them: the characters that break WATS search and
 * filters (`* % ? [ ] ^ ! / \`, which validation refuses) are replaced, with a warning that
 * names the original, so a file whose serial number is written `S/N 13` still uploads.
 */
import { ID_SPECIAL_CHARACTERS } from "@tswats/report";
import type { ConverterContext } from "../../plugin-api.js";

const ALL = new RegExp(ID_SPECIAL_CHARACTERS.source, "g");

/** `text` with every search-breaking character replaced by `-`; warns (once per distinct text) when it changed anything. */
export function searchableIdentifier(
  text: string,
  what: "part number" | "serial number",
  context: ConverterContext,
  line?: number,
): string {
  if (!ID_SPECIAL_CHARACTERS.test(text)) return text;
  const safe = text.replace(ALL, "-");
  let seen = warned.get(context);
  if (!seen) {
    seen = new Set();
    warned.set(context, seen);
  }
  if (!seen.has(`${what}\u0000${text}`)) {
    seen.add(`${what}\u0000${text}`);
    context.warn(
      `${line !== undefined ? `line ${line}: ` : ""}${what} ${JSON.stringify(text)} holds characters that break WATS search (${[...new Set(text.match(ALL))].join(" ")}); sent as ${JSON.stringify(safe)}`,
    );
  }
  return safe;
}

const warned = new WeakMap<ConverterContext, Set<string>>();
