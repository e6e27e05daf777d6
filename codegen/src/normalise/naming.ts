import { NameClashError } from "../errors.js";
import type { ApiScope } from "../model.js";

/** Splits an identifier into words; a run of capitals is one word (`WSJF`, `BOM`). */
export function words(identifier: string): string[] {
  return identifier.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [];
}

/** camelCase with acronyms folded: `GetReportAsWSJF` -> `getReportAsWsjf`. */
export function camelCase(identifier: string): string {
  return words(identifier)
    .map((word, i) =>
      i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
    )
    .join("");
}

export function pascalCase(identifier: string): string {
  const camel = camelCase(identifier);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/**
 * The service method name for an operationId: the tag prefix (`Product_`) and a leading or
 * trailing `Public` removed, in camelCase. `Product_PublicGetProduct` -> `getProduct`,
 * `Production_AddChildUnitPublic` -> `addChildUnit`. For the internal API, whose methods live in
 * an `internal` module already, a leading or trailing `Internal` goes the same way
 * (`Asset_GetAssetInternal` -> `getAsset`).
 */
export function methodNameFor(operationId: string, scope: ApiScope = "public"): string {
  const underscore = operationId.indexOf("_");
  let rest = underscore >= 0 ? operationId.slice(underscore + 1) : operationId;
  rest = rest.replace(/_/g, "");
  for (const qualifier of scope === "internal" ? ["Public", "Internal"] : ["Public"]) {
    if (new RegExp(`^${qualifier}[A-Z]`).test(rest)) rest = rest.slice(qualifier.length);
    if (new RegExp(`[a-z]${qualifier}$`).test(rest)) rest = rest.slice(0, -qualifier.length);
  }
  const name = camelCase(rest);
  if (name === "") throw new Error(`operationId "${operationId}" gives no method name`);
  return name;
}

const RESERVED = new Set(["constructor", "then", "toString", "valueOf", "hasOwnProperty", "__proto__"]);

/** Fails when two origins would share a name, comparing case-insensitively. */
export class NameRegistry {
  readonly #taken = new Map<string, string>();
  constructor(readonly kind: string) {}

  claim(name: string, origin: string): void {
    if (RESERVED.has(name)) throw new NameClashError(this.kind, name, "a reserved JavaScript name", origin);
    const key = name.toLowerCase();
    const other = this.#taken.get(key);
    if (other !== undefined) throw new NameClashError(this.kind, name, other, origin);
    this.#taken.set(key, origin);
  }
}
