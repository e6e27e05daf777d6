/**
 * OData `$filter` text without injection: the `odata` tagged template writes every interpolated
 * value as a literal of its type, so no value can change the shape of the filter.
 *
 * ```ts
 * odata`partNumber eq ${pn} and start ge ${since}`         // 'PCB''1' ... 2026-01-01T00:00:00.000Z
 * odata`uuid eq ${odata.guid(id)}`                           // 8f1c... (unquoted GUID)
 * odata`serialNumber in ${["SN-1", "SN-2"]}`                 // ('SN-1','SN-2')
 * odata`${odata.field(name)} eq ${value}`                    // a field name chosen at run time
 * ```
 *
 * Values: strings are quoted with inner quotes doubled; numbers must be finite; booleans and
 * `null` as keywords; a `Date` as UTC ISO-8601 with `Z`; `odata.guid(s)` as a canonical GUID;
 * an array as a parenthesised list for `in`; another `ODataFilter` in parentheses. Anything else
 * (undefined, objects, NaN, invalid dates) throws a TypeError naming the value's position.
 */

const BRAND = Symbol.for("tswats.odata-filter");
const GUID_BRAND = Symbol.for("tswats.odata-guid");
const FIELD_BRAND = Symbol.for("tswats.odata-field");

/** A filter expression built safely; `toString()` is the `$filter` text. Accepted by every `$filter`. */
export class ODataFilter {
  readonly [BRAND] = true;
  /** @internal Built by `odata` (and the report filter builder) only. */
  constructor(readonly expression: string) {}
  toString(): string {
    return this.expression;
  }
  toJSON(): string {
    return this.expression;
  }
  /** True for filters of any copy of this module (CJS/ESM), by brand. */
  static is(value: unknown): value is ODataFilter {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** A GUID to write unquoted (`odata.guid(id)`). */
export interface ODataGuid {
  readonly [GUID_BRAND]: string;
}

/** A field name (or path such as `subUnits/serialNumber`) chosen at run time (`odata.field(name)`). */
export interface ODataField {
  readonly [FIELD_BRAND]: string;
}

/** A value `odata` can write as a literal. */
export type ODataValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | ODataGuid
  | ODataField
  | ODataFilter
  | readonly (string | number | bigint | boolean | Date | ODataGuid)[];

const GUID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A string literal: single quotes, inner quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The canonical form of a GUID (lower case, dashed), or undefined when `value` is not one. */
export function canonicalGuidText(value: string): string | undefined {
  const match = GUID.exec(value.trim());
  return match ? match.slice(1, 6).join("-").toLowerCase() : undefined;
}

/** One value as an OData literal; `where` names it in errors. */
export function odataLiteral(value: unknown, where = "value"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return odataString(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`odata: ${where} is ${value}, not a finite number`);
      return String(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return String(value);
    case "object": {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError(`odata: ${where} is an invalid Date`);
        return value.toISOString();
      }
      const record = value as Record<symbol, unknown>;
      if (typeof record[GUID_BRAND] === "string") return record[GUID_BRAND] as string;
      if (typeof record[FIELD_BRAND] === "string") return record[FIELD_BRAND] as string;
      if (ODataFilter.is(value)) return `(${value.expression})`;
      if (Array.isArray(value)) {
        if (value.length === 0)
          throw new TypeError(`odata: ${where} is an empty list; "in" needs at least one value`);
        return `(${value
          .map((item, i) => {
            if (Array.isArray(item) || ODataFilter.is(item))
              throw new TypeError(`odata: ${where}[${i}] must be a single value`);
            return odataLiteral(item, `${where}[${i}]`);
          })
          .join(",")})`;
      }
      throw new TypeError(
        `odata: ${where} is an object; pass a string, number, boolean, Date, null, odata.guid() or a list`,
      );
    }
    default:
      throw new TypeError(
        `odata: ${where} is ${typeof value}; pass a string, number, boolean, Date, null, odata.guid() or a list`,
      );
  }
}

/** The `odata` tag and its helpers. */
export interface ODataTag {
  (strings: TemplateStringsArray, ...values: ODataValue[]): ODataFilter;
  /** A GUID written unquoted in canonical form; throws a TypeError when `value` is not a GUID. */
  guid(value: string): ODataGuid;
  /** A field name or path chosen at run time; throws a TypeError when it is not a plain name. */
  field(name: string): ODataField;
  /** Joins filters with `and` (each in parentheses). */
  and(...filters: ODataFilter[]): ODataFilter;
  /** Joins filters with `or` (each in parentheses). */
  or(...filters: ODataFilter[]): ODataFilter;
}

function join(filters: readonly ODataFilter[], op: "and" | "or"): ODataFilter {
  if (filters.length === 0) throw new TypeError(`odata.${op}() needs at least one filter`);
  filters.forEach((f, i) => {
    if (!ODataFilter.is(f)) throw new TypeError(`odata.${op}(): argument ${i + 1} is not an ODataFilter`);
  });
  if (filters.length === 1) return filters[0] as ODataFilter;
  return new ODataFilter(filters.map((f) => `(${f.expression})`).join(` ${op} `));
}

export const odata: ODataTag = Object.assign(
  (strings: TemplateStringsArray, ...values: ODataValue[]): ODataFilter => {
    if (!Array.isArray(strings) || !Array.isArray((strings as TemplateStringsArray).raw)) {
      throw new TypeError(
        "odata: use it as a tagged template, the filter in backticks right after the name (no parentheses)",
      );
    }
    let text = strings[0] ?? "";
    values.forEach((value, i) => {
      text += odataLiteral(value, `value ${i + 1}`) + (strings[i + 1] ?? "");
    });
    return new ODataFilter(text);
  },
  {
    guid(value: string): ODataGuid {
      const canonical = typeof value === "string" ? canonicalGuidText(value) : undefined;
      if (canonical === undefined) throw new TypeError(`odata.guid: ${JSON.stringify(value)} is not a GUID`);
      return { [GUID_BRAND]: canonical };
    },
    field(name: string): ODataField {
      if (typeof name !== "string" || !FIELD.test(name)) {
        throw new TypeError(
          `odata.field: ${JSON.stringify(name)} is not a field name (letters, digits, _ and /)`,
        );
      }
      return { [FIELD_BRAND]: name };
    },
    and: (...filters: ODataFilter[]) => join(filters, "and"),
    or: (...filters: ODataFilter[]) => join(filters, "or"),
  },
);

/** `$filter` as the transport sends it: the text of a filter, a string as it is. */
export function filterText(value: unknown): unknown {
  return ODataFilter.is(value) ? value.expression : value;
}
