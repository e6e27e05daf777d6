/**
 * Applies the OData query options of one request (`$filter`, `$orderby`, `$top`, `$skip`,
 * `$select`, `$expand`, `$count`) to an in-memory collection. Every problem becomes an
 * ODataQueryError whose message follows ASP.NET's wording.
 */
import {
  compileFilter,
  compileOrderBy,
  type EntityModel,
  ODataBindError,
  resolveProperty,
} from "./evaluate.js";
import { ODataSyntaxError, parseFilter, parseOrderBy } from "./parse.js";

export class ODataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ODataQueryError";
  }
}

export interface ODataOptions {
  $filter?: string | undefined;
  $orderby?: string | undefined;
  $top?: string | undefined;
  $skip?: string | undefined;
  $select?: string | undefined;
  $expand?: string | undefined;
  $count?: string | undefined;
}

export interface CollectionSpec<T> {
  model: EntityModel;
  /** Rows returned when `$top` is absent. */
  defaultTop?: number;
  /** Largest `$top` accepted. */
  maxTop?: number;
  /** Order applied before `$orderby` (or alone when absent). */
  defaultOrder?: (a: T, b: T) => number;
  /** Properties `$orderby` may use; all when absent. */
  orderable?: readonly string[];
  /** Navigation properties `$expand` may name (case-insensitive); none when absent. */
  expandable?: readonly string[];
  /** `$count=true` is refused when false. */
  countSupported?: boolean;
}

export interface ODataResult<T> {
  rows: T[];
  /** Canonical names from `$select`, undefined for all. */
  select: string[] | undefined;
  /** Canonical names of the expanded navigation properties. */
  expand: Set<string>;
}

const INVALID = "The query specified in the URI is not valid.";

function nonNegativeInt(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new ODataQueryError(
      `${INVALID} Invalid value '${text}' for ${name} query option found. The ${name} query option requires a non-negative integer value.`,
    );
  }
  return Number(text.trim());
}

export function runODataQuery<T extends object>(
  items: readonly T[],
  options: ODataOptions,
  spec: CollectionSpec<T>,
): ODataResult<T> {
  try {
    let rows = [...items];
    if (spec.defaultOrder) rows.sort(spec.defaultOrder);
    if (options.$filter !== undefined) {
      const predicate = compileFilter(parseFilter(options.$filter), spec.model);
      rows = rows.filter((row) => predicate(row as Record<string, unknown>));
    }
    if (options.$orderby !== undefined) {
      const comparator = compileOrderBy(parseOrderBy(options.$orderby), spec.model, spec.orderable);
      rows.sort((a, b) => comparator(a as Record<string, unknown>, b as Record<string, unknown>));
    }
    if (options.$count !== undefined) {
      const value = options.$count.trim().toLowerCase();
      if (value !== "true" && value !== "false") {
        throw new ODataQueryError(`${INVALID} '${options.$count}' is not a valid value for $count.`);
      }
      if (value === "true" && spec.countSupported === false) {
        throw new ODataQueryError(`${INVALID} The query parameter '$count' is not supported.`);
      }
    }
    const skip = options.$skip === undefined ? 0 : nonNegativeInt("$skip", options.$skip);
    let top = options.$top === undefined ? spec.defaultTop : nonNegativeInt("$top", options.$top);
    if (top !== undefined && spec.maxTop !== undefined && options.$top !== undefined && top > spec.maxTop) {
      throw new ODataQueryError(
        `The limit of '${spec.maxTop}' for Top query has been exceeded. The value from the incoming request is '${top}'.`,
      );
    }
    if (top === undefined) top = Number.POSITIVE_INFINITY;
    rows = rows.slice(skip, skip + top);

    let select: string[] | undefined;
    if (options.$select !== undefined && options.$select.trim() !== "" && options.$select.trim() !== "*") {
      select = options.$select.split(",").map((name) => resolveProperty(spec.model, name.trim()));
    }
    const expand = new Set<string>();
    if (options.$expand !== undefined && options.$expand.trim() !== "") {
      for (const raw of options.$expand.split(",")) {
        const name = raw.trim();
        const found = spec.expandable?.find((e) => e.toLowerCase() === name.toLowerCase());
        if (!found) {
          throw new ODataQueryError(
            `${INVALID} Property '${name}' on type '${spec.model.name}' is not a navigation property or complex property. Only navigation properties can be expanded.`,
          );
        }
        expand.add(found);
      }
    }
    return { rows, select, expand };
  } catch (error) {
    if (error instanceof ODataSyntaxError || error instanceof ODataBindError) {
      throw new ODataQueryError(`${INVALID} ${error.message}`);
    }
    throw error;
  }
}

/** Keeps only the selected keys (plus any always-kept keys) of a row. */
export function project<T extends object>(
  row: T,
  select: readonly string[] | undefined,
  keep: readonly string[] = [],
): Partial<T> {
  if (!select) return row;
  const out: Record<string, unknown> = {};
  for (const key of [...select, ...keep]) {
    if (key in row) out[key] = (row as Record<string, unknown>)[key];
  }
  return out as Partial<T>;
}
