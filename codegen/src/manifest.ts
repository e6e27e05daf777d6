import { MANAGED_PACKAGE_FIELDS } from "./emit/scaffold.js";

type Json = Record<string, unknown>;

/**
 * A domain package's package.json with codegen's fields (MANAGED_PACKAGE_FIELDS: how it is built
 * and what it exports) taken from the scaffold and everything else as the package has it.
 * Existing keys keep their place; a managed key the package lacks goes where the scaffold has it.
 */
export function mergeManifest(existingText: string, scaffoldText: string, file: string): string {
  let existing: Json;
  try {
    existing = JSON.parse(existingText) as Json;
  } catch (cause) {
    throw new Error(`${file}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const scaffold = JSON.parse(scaffoldText) as Json;
  let result = existing;
  for (const field of MANAGED_PACKAGE_FIELDS) {
    const [key, sub] = field.split(".") as [string, string | undefined];
    if (sub === undefined) {
      result = setKey(result, key, scaffold[key], Object.keys(scaffold));
    } else {
      const inner = (result[key] ?? {}) as Json;
      const wanted = (scaffold[key] as Json | undefined)?.[sub];
      result = setKey(
        result,
        key,
        setKey(inner, sub, wanted, Object.keys(scaffold[key] as Json)),
        Object.keys(scaffold),
      );
    }
  }
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** `record` with `key` set to `value` (removed when undefined), keeping the order of keys. */
function setKey(record: Json, key: string, value: unknown, order: string[]): Json {
  if (value === undefined) {
    const { [key]: _, ...rest } = record;
    return rest;
  }
  if (key in record)
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, k === key ? value : v]));
  // Insert before the first key that follows `key` in the scaffold's order and exists here.
  const after = order.slice(order.indexOf(key) + 1).find((k) => k in record);
  const entries = Object.entries(record);
  const at = after === undefined ? entries.length : entries.findIndex(([k]) => k === after);
  entries.splice(at, 0, [key, value]);
  return Object.fromEntries(entries);
}
