/**
 * A safe OData `$filter` builder for report headers (`GET /api/Report/Query/Header`): field names
 * are checked against the header model (at compile time and at run time), values are written as
 * literals of their field's type (quotes doubled, dates as UTC ISO-8601 with `Z`, GUIDs in
 * canonical form, numbers finite), and expressions are parenthesised, so no value can change
 * the shape of the filter.
 *
 * ```ts
 * const f = reportFilter.and(
 *   reportFilter.eq("partNumber", "PCBA-1"),
 *   reportFilter.ge("start", new Date("2026-01-01T00:00:00Z")),
 *   reportFilter.any("subUnits", (u) => u.eq("serialNumber", "MOD-7")),
 * );
 * // (partNumber eq 'PCBA-1') and (start ge 2026-01-01T00:00:00.000Z) and (subUnits/any(x: x/serialNumber eq 'MOD-7'))
 * ```
 */

import { ODataFilter, odataString } from "@tswats/core";
import type {
  ReportHeader,
  ReportHeaderAsset,
  ReportHeaderAttachment,
  ReportHeaderMiscInfo,
  ReportHeaderSubunit,
  ReportHeaderUurAttachment,
  ReportHeaderUurMiscInfo,
  ReportHeaderUurSubunit,
} from "./generated/models.js";
import { canonicalGuid } from "./guid.js";
import { parseDateTime } from "./time.js";

export type FieldKind = "string" | "number" | "boolean" | "datetime" | "guid";

type ScalarKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? never : K }[keyof T] &
  string;
type ArrayKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? K : never }[keyof T] &
  string;

/** The filterable fields of a report header and their types (checked against the generated model). */
export const REPORT_HEADER_FIELDS = {
  uuid: "guid",
  serialNumber: "string",
  partNumber: "string",
  reportType: "string",
  start: "datetime",
  revision: "string",
  result: "string",
  batchNumber: "string",
  userName: "string",
  stationName: "string",
  location: "string",
  purpose: "string",
  measuresDeleted: "boolean",
  timeStamp: "number",
  processCode: "number",
  processName: "string",
  comment: "string",
  executionTime: "number",
  swFilename: "string",
  swVersion: "string",
  testSocketIndex: "number",
  fixtureId: "string",
  errorCode: "number",
  errorMessage: "string",
  run: "number",
  receiveCount: "number",
  reportSize: "number",
  causedUutFailure: "string",
  causedUutFailurePath: "string",
  passedInRun: "number",
  referencedUut: "guid",
} as const satisfies Record<ScalarKeys<ReportHeader>, FieldKind>;

/** The header's collections (`any`/`all`, `$expand`) and the fields of their items. */
export const REPORT_HEADER_COLLECTIONS = {
  subUnits: { partType: "string", serialNumber: "string", partNumber: "string", revision: "string" },
  miscInfo: { description: "string", value: "string" },
  assets: {
    serialNumber: "string",
    runningCount: "number",
    runningCountExceeded: "number",
    totalCount: "number",
    totalCountExceeded: "number",
    daysSinceMaintenance: "number",
    maintenanceDaysOverdue: "number",
    daysSinceCalibration: "number",
    calibrationDaysOverdue: "number",
  },
  attachments: { stepId: "number", filename: "string" },
  uurSubUnits: { serialNumber: "string", partNumber: "string", revision: "string" },
  uurMiscInfo: { description: "string", value: "string" },
  uurAttachments: { id: "guid", filename: "string" },
} as const satisfies { [C in ArrayKeys<ReportHeader>]: Record<string, FieldKind> };

// Compile-time check that the item fields match the generated item models exactly.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _itemFieldsMatch: [
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["subUnits"], ScalarKeys<ReportHeaderSubunit>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["miscInfo"], ScalarKeys<ReportHeaderMiscInfo>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["assets"], ScalarKeys<ReportHeaderAsset>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["attachments"], ScalarKeys<ReportHeaderAttachment>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["uurSubUnits"], ScalarKeys<ReportHeaderUurSubunit>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["uurMiscInfo"], ScalarKeys<ReportHeaderUurMiscInfo>>,
  Exact<keyof (typeof REPORT_HEADER_COLLECTIONS)["uurAttachments"], ScalarKeys<ReportHeaderUurAttachment>>,
] = [true, true, true, true, true, true, true];
void _itemFieldsMatch;

export type ReportHeaderField = keyof typeof REPORT_HEADER_FIELDS;
export type ReportHeaderCollection = keyof typeof REPORT_HEADER_COLLECTIONS;

type ValueOf<K extends FieldKind> = K extends "string" | "guid"
  ? string
  : K extends "number"
    ? number
    : K extends "boolean"
      ? boolean
      : Date | string;

// The filter type and string quoting are core's (`odata` builds the same ODataFilter), so a
// filter from either passes wherever a `$filter` is taken.
export { ODataFilter, odataString };

function literal(kind: FieldKind, field: string, value: unknown): string {
  if (value === null) return "null";
  switch (kind) {
    case "string":
      if (typeof value !== "string") throw new TypeError(`${field}: expected a string, not ${typeof value}`);
      return odataString(value);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new TypeError(`${field}: expected a finite number, not ${String(value)}`);
      return String(value);
    case "boolean":
      if (typeof value !== "boolean")
        throw new TypeError(`${field}: expected true or false, not ${String(value)}`);
      return String(value);
    case "guid": {
      const guid = typeof value === "string" ? canonicalGuid(value) : undefined;
      if (guid === undefined) throw new TypeError(`${field}: expected a GUID, not ${JSON.stringify(value)}`);
      return guid;
    }
    case "datetime": {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError(`${field}: invalid Date`);
        return value.toISOString();
      }
      const parsed = typeof value === "string" ? parseDateTime(value) : undefined;
      if (!parsed)
        throw new TypeError(
          `${field}: expected a Date or an ISO-8601 date-time, not ${JSON.stringify(value)}`,
        );
      if (parsed.offsetMinutes === undefined) {
        throw new TypeError(
          `${field}: ${JSON.stringify(value)} has no UTC offset, so it is ambiguous; pass a Date or add Z / +01:00`,
        );
      }
      return new Date(parsed.epochMs).toISOString();
    }
  }
}

const group = (filters: readonly ODataFilter[], op: "and" | "or"): ODataFilter => {
  if (filters.length === 0) throw new TypeError(`${op}() needs at least one filter`);
  for (const f of filters)
    if (!ODataFilter.is(f)) throw new TypeError(`${op}(): every argument must be an ODataFilter`);
  return new ODataFilter(
    filters.length === 1
      ? (filters[0] as ODataFilter).expression
      : filters.map((f) => `(${f.expression})`).join(` ${op} `),
  );
};

/** Builds filters over one set of fields (the header's, or a collection item's inside `any`/`all`). */
export class FilterBuilder<F extends Readonly<Record<string, FieldKind>>> {
  readonly #fields: F;
  readonly #prefix: string;

  constructor(fields: F, prefix = "") {
    this.#fields = fields;
    this.#prefix = prefix;
  }

  #field(field: string): [string, FieldKind] {
    if (typeof field !== "string" || !Object.hasOwn(this.#fields, field)) {
      throw new TypeError(
        `unknown field ${JSON.stringify(field)}; known: ${Object.keys(this.#fields).join(", ")}`,
      );
    }
    return [`${this.#prefix}${field}`, this.#fields[field] as FieldKind];
  }

  #compare(op: string, field: string, value: unknown): ODataFilter {
    const [name, kind] = this.#field(field);
    if (value === null && op !== "eq" && op !== "ne")
      throw new TypeError(`${field}: only eq and ne compare with null`);
    return new ODataFilter(`${name} ${op} ${literal(kind, field, value)}`);
  }

  eq<K extends keyof F & string>(field: K, value: ValueOf<F[K]> | null): ODataFilter {
    return this.#compare("eq", field, value);
  }
  ne<K extends keyof F & string>(field: K, value: ValueOf<F[K]> | null): ODataFilter {
    return this.#compare("ne", field, value);
  }
  gt<K extends keyof F & string>(field: K, value: ValueOf<F[K]>): ODataFilter {
    return this.#compare("gt", field, value);
  }
  ge<K extends keyof F & string>(field: K, value: ValueOf<F[K]>): ODataFilter {
    return this.#compare("ge", field, value);
  }
  lt<K extends keyof F & string>(field: K, value: ValueOf<F[K]>): ODataFilter {
    return this.#compare("lt", field, value);
  }
  le<K extends keyof F & string>(field: K, value: ValueOf<F[K]>): ODataFilter {
    return this.#compare("le", field, value);
  }

  /** `field in (v1, v2, ...)`. */
  in<K extends keyof F & string>(field: K, values: readonly ValueOf<F[K]>[]): ODataFilter {
    const [name, kind] = this.#field(field);
    if (values.length === 0) throw new TypeError(`${field}: in() needs at least one value`);
    return new ODataFilter(`${name} in (${values.map((v) => literal(kind, field, v)).join(",")})`);
  }

  #text(fn: string, field: string, text: string, ignoreCase: boolean): ODataFilter {
    const [name, kind] = this.#field(field);
    if (kind !== "string") throw new TypeError(`${field}: ${fn}() works on text fields only`);
    if (typeof text !== "string") throw new TypeError(`${field}: ${fn}() needs a string`);
    return ignoreCase
      ? new ODataFilter(`${fn}(tolower(${name}),${odataString(text.toLowerCase())})`)
      : new ODataFilter(`${fn}(${name},${odataString(text)})`);
  }

  contains(field: keyof F & string, text: string, options: { ignoreCase?: boolean } = {}): ODataFilter {
    return this.#text("contains", field, text, options.ignoreCase === true);
  }
  startsWith(field: keyof F & string, text: string, options: { ignoreCase?: boolean } = {}): ODataFilter {
    return this.#text("startswith", field, text, options.ignoreCase === true);
  }
  endsWith(field: keyof F & string, text: string, options: { ignoreCase?: boolean } = {}): ODataFilter {
    return this.#text("endswith", field, text, options.ignoreCase === true);
  }

  and(...filters: ODataFilter[]): ODataFilter {
    return group(filters, "and");
  }
  or(...filters: ODataFilter[]): ODataFilter {
    return group(filters, "or");
  }
  not(filter: ODataFilter): ODataFilter {
    if (!ODataFilter.is(filter)) throw new TypeError("not(): the argument must be an ODataFilter");
    return new ODataFilter(`not (${filter.expression})`);
  }
}

type CollectionBuilder<C extends ReportHeaderCollection> = FilterBuilder<
  (typeof REPORT_HEADER_COLLECTIONS)[C]
>;

/** The filter builder for report headers, with `any`/`all` over the header's collections. */
export class ReportFilterBuilder extends FilterBuilder<typeof REPORT_HEADER_FIELDS> {
  constructor() {
    super(REPORT_HEADER_FIELDS);
  }

  #lambda<C extends ReportHeaderCollection>(
    fn: "any" | "all",
    collection: C,
    predicate?: (item: CollectionBuilder<C>) => ODataFilter,
  ): ODataFilter {
    if (!Object.hasOwn(REPORT_HEADER_COLLECTIONS, collection)) {
      throw new TypeError(
        `unknown collection ${JSON.stringify(collection)}; known: ${Object.keys(REPORT_HEADER_COLLECTIONS).join(", ")}`,
      );
    }
    if (predicate === undefined) {
      if (fn === "all") throw new TypeError("all() needs a predicate");
      return new ODataFilter(`${collection}/any()`);
    }
    const inner = predicate(
      new FilterBuilder(REPORT_HEADER_COLLECTIONS[collection], "x/") as CollectionBuilder<C>,
    );
    if (!ODataFilter.is(inner)) throw new TypeError(`${fn}(): the predicate must return an ODataFilter`);
    return new ODataFilter(`${collection}/${fn}(x: ${inner.expression})`);
  }

  /** Headers where some item of `collection` matches (or that have any item, without a predicate). */
  any<C extends ReportHeaderCollection>(
    collection: C,
    predicate?: (item: CollectionBuilder<C>) => ODataFilter,
  ): ODataFilter {
    return this.#lambda("any", collection, predicate);
  }

  /** Headers where every item of `collection` matches. */
  all<C extends ReportHeaderCollection>(
    collection: C,
    predicate: (item: CollectionBuilder<C>) => ODataFilter,
  ): ODataFilter {
    return this.#lambda("all", collection, predicate);
  }
}

/** `reportFilter.eq("serialNumber", "SN1")`, `reportFilter.and(...)`, ... */
export const reportFilter: ReportFilterBuilder = new ReportFilterBuilder();

/** Fields `$orderby` accepts on report headers (WATS documents these four). */
export type ReportHeaderOrderField = "start" | "uuid" | "serialNumber" | "timeStamp";

export interface OrderBy {
  field: ReportHeaderOrderField;
  descending?: boolean;
}

const ORDER_FIELDS: readonly string[] = ["start", "uuid", "serialNumber", "timeStamp"];

/** The `$orderby` text for one or more orderings. */
export function orderByText(order: OrderBy | readonly OrderBy[]): string {
  const list = Array.isArray(order) ? order : [order as OrderBy];
  return list
    .map((o) => {
      if (!ORDER_FIELDS.includes(o.field)) {
        throw new TypeError(
          `$orderby: WATS orders report headers by ${ORDER_FIELDS.join(", ")} only, not ${JSON.stringify(o.field)}`,
        );
      }
      return o.descending === true ? `${o.field} desc` : o.field;
    })
    .join(",");
}
