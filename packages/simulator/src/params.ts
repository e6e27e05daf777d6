/**
 * Query-string access for handlers. Names are matched case-insensitively (as ASP.NET binds them)
 * and an empty value counts as absent. Typed getters answer 400 naming the parameter.
 */
import { badRequest } from "./errors.js";
import type { ODataOptions } from "./odata/query.js";
import { parseInstant } from "./time.js";

export class QueryParams {
  readonly #values = new Map<string, string[]>();

  constructor(search: URLSearchParams) {
    for (const [key, value] of search) {
      const lower = key.toLowerCase();
      const list = this.#values.get(lower);
      if (list) list.push(value);
      else this.#values.set(lower, [value]);
    }
  }

  /** The first value, undefined when absent or empty. */
  string(name: string): string | undefined {
    const value = this.#values.get(name.toLowerCase())?.[0];
    return value === undefined || value === "" ? undefined : value;
  }

  requireString(name: string): string {
    const value = this.string(name);
    if (value === undefined)
      throw badRequest(`The request is invalid: the query parameter '${name}' is required.`);
    return value;
  }

  /** Every non-empty value (repeated parameters). */
  all(name: string): string[] {
    return (this.#values.get(name.toLowerCase()) ?? []).filter((v) => v !== "");
  }

  int(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value.trim()) || Math.abs(Number(value)) > 2 ** 31) {
      throw badRequest(
        `The request is invalid: the value '${value}' is not valid for the integer parameter '${name}'.`,
      );
    }
    return Number(value);
  }

  requireInt(name: string): number {
    const value = this.int(name);
    if (value === undefined)
      throw badRequest(`The request is invalid: the query parameter '${name}' is required.`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const lower = value.trim().toLowerCase();
    if (lower !== "true" && lower !== "false") {
      throw badRequest(
        `The request is invalid: the value '${value}' is not valid for the boolean parameter '${name}'.`,
      );
    }
    return lower === "true";
  }

  /** A date-time parameter as epoch milliseconds (text without offset is read as UTC). */
  date(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const parsed = parseInstant(value);
    if (!parsed)
      throw badRequest(`The request is invalid: the value '${value}' is not a valid date for '${name}'.`);
    return parsed.epochMs;
  }

  odata(): ODataOptions {
    const raw = (name: string) => this.#values.get(name.toLowerCase())?.[0];
    return {
      $filter: raw("$filter"),
      $orderby: raw("$orderby"),
      $top: raw("$top"),
      $skip: raw("$skip"),
      $select: raw("$select"),
      $expand: raw("$expand"),
      $count: raw("$count"),
    };
  }
}
