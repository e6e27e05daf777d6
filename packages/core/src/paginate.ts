import { WatsAbortError, WatsPaginationError } from "./errors.js";

/**
 * Paging through OData `$top/$skip` listings (report headers, products, assets, asset log...).
 * `for await (const item of paginate(...))` walks the items; `.pages()` walks whole pages. The
 * walk ends at the first page shorter than the page size, after `maxPages` pages, or once
 * `maxItems` items were given (the last page is cut to fit). It fails with a WatsPaginationError
 * when the server sends the same page twice (it ignores $skip) or when a walk without `maxPages`
 * passes the runaway guard (`runawayPages`, default 10 000 pages).
 */
export interface PageRequest {
  /** The `$top` to send: the page size. */
  top: number;
  /** The `$skip` to send. */
  skip: number;
  /** 0 for the first page. */
  pageIndex: number;
  /** The caller's signal, to pass on to the call. */
  signal: AbortSignal | undefined;
}

/** A page: the items, or an OData envelope holding them in `value`. */
export type PageResult<T> = readonly T[] | { readonly value: readonly T[] };

export interface PaginateOptions<T> {
  /** Items per page (`$top`). Default 100. */
  pageSize?: number;
  /** Checked before each page and passed to `fetchPage`. */
  signal?: AbortSignal;
  /** Stop (without error) after this many pages. Default: no limit but the runaway guard. */
  maxPages?: number;
  /** Stop (without error) once this many items were given; a page is cut to fit. Default: no limit. */
  maxItems?: number;
  /**
   * The runaway guard: a walk that reaches this many pages without an end fails with a
   * WatsPaginationError (the server may not honour $top/$skip). Default 10 000.
   */
  runawayPages?: number;
  /** `$skip` of the first page. Default 0. */
  startSkip?: number;
  /** What identifies an item when comparing pages. Default: the whole item, as JSON. */
  key?: (item: T) => unknown;
}

export interface Paginated<T> extends AsyncIterable<T> {
  /** The pages, each a non-empty array. Each call starts again from the first page. */
  pages(): AsyncIterableIterator<T[]>;
  /** Every item, collected. */
  toArray(): Promise<T[]>;
}

export function paginate<T>(
  fetchPage: (page: PageRequest) => Promise<PageResult<T>>,
  options: PaginateOptions<T> = {},
): Paginated<T> {
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  const runawayPages = options.runawayPages ?? 10_000;
  const positiveInteger = (name: string, value: number) => {
    if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < 1))
      throw new RangeError(`${name}: must be an integer >= 1`);
  };
  positiveInteger("pageSize", pageSize);
  positiveInteger("maxPages", maxPages);
  positiveInteger("maxItems", maxItems);
  positiveInteger("runawayPages", runawayPages);
  const { signal, key } = options;

  async function* pages(): AsyncGenerator<T[]> {
    let skip = options.startSkip ?? 0;
    let previous: string | undefined;
    let given = 0;
    for (let pageIndex = 0; pageIndex < maxPages && given < maxItems; pageIndex++) {
      if (signal?.aborted) {
        throw new WatsAbortError(`paginate: aborted by the caller before page ${pageIndex + 1}`, {
          cause: signal.reason,
        });
      }
      if (pageIndex >= runawayPages) {
        throw new WatsPaginationError(
          `paginate: ${runawayPages} pages of ${pageSize} without reaching the end; the server may not ` +
            "honour $top/$skip (set maxPages or maxItems to stop earlier, or raise runawayPages if the listing really is that long)",
        );
      }
      // The last page asks only for what is still wanted.
      const top = Math.min(pageSize, maxItems - given);
      const result = await fetchPage({ top, skip, pageIndex, signal });
      const items = Array.isArray(result) ? result : (result as { value?: unknown } | null)?.value;
      if (!Array.isArray(items)) {
        throw new WatsPaginationError(
          `paginate: page ${pageIndex + 1} is neither an array nor an object with a "value" array`,
        );
      }
      if (items.length > 0) {
        const fingerprint = JSON.stringify(key ? items.map((item) => key(item as T)) : items);
        if (fingerprint === previous) {
          throw new WatsPaginationError(
            `paginate: page ${pageIndex + 1} ($skip=${skip}) repeats the previous page; ` +
              "the server ignores $skip, so the listing would never end",
          );
        }
        previous = fingerprint;
        const wanted = (items as T[]).slice(0, maxItems - given);
        given += wanted.length;
        yield wanted;
      }
      if (items.length < top) return;
      skip += items.length;
    }
  }

  return {
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
    async toArray() {
      const all: T[] = [];
      for await (const page of pages()) all.push(...page);
      return all;
    },
  };
}
