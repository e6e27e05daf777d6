/**
 * The synchronous surface, derived from the async one by mapped types: nothing here lists a
 * domain or a method, so a regenerated SDK changes the sync facade with it.
 *
 * - a method returning `Promise<T>` returns `T`;
 * - a method returning `Paginated<T>` (the `paginateX()` helpers) returns a `SyncPaginated<T>`,
 *   a plain iterable that fetches one page at a time;
 * - the last parameter (the per-call options of every generated method) loses `signal`: an
 *   AbortSignal cannot cross to the engine worker. `timeoutMs` bounds the call instead.
 */
import type { CallOptions, CallResponse, Paginated, TransportMetrics } from "@tswats/core";
import type { DomainName, DomainServices, WatsOptions } from "@tswats/sdk";

/** Per-call options of a sync method: the async ones without `signal`. */
export type SyncCallOptions = Omit<CallOptions, "signal">;

/** A listing walked one page at a time, synchronously. */
export interface SyncPaginated<T> extends Iterable<T> {
  /** The pages, each a non-empty array, fetched as the loop asks for them. */
  pages(): IterableIterator<T[]>;
  /** Every item, collected. */
  toArray(): T[];
}

type SyncOptionsOf<O> = O extends object ? Omit<O, "signal"> : O;

/** The index (as a string key) of the last element of a parameter tuple. */
type LastIndex<A extends readonly unknown[]> =
  Required<A> extends readonly [...infer Head, unknown] ? `${Head["length"]}` : never;

/** The parameters with the last one (the options) made crossable. */
export type SyncArgs<A extends readonly unknown[]> = {
  [I in keyof A]: I extends LastIndex<A> ? SyncOptionsOf<A[I]> : A[I];
};

/** What a sync method returns for an async method's return type. */
export type SyncResult<R> =
  R extends Paginated<infer T>
    ? SyncPaginated<T>
    : R extends PromiseLike<infer T>
      ? T
      : R extends AsyncIterable<infer T>
        ? Iterable<T>
        : R;

/** A sync call's data with the HTTP answer it came from (headers rebuilt from plain data). */
export interface SyncDataWithResponse<T> {
  data: T;
  response: CallResponse;
}

/** One method, made synchronous; a call (not a listing) also has `.withResponse(...)`. */
export type SyncMethod<F> = F extends (...args: infer A) => infer R
  ? R extends Paginated<unknown>
    ? (...args: SyncArgs<A>) => SyncResult<R>
    : ((...args: SyncArgs<A>) => SyncResult<R>) & {
        /** The same call, answering `{ data, response }` (status, headers, attempts, correlation id). */
        withResponse(...args: SyncArgs<A>): SyncDataWithResponse<SyncResult<R>>;
      }
  : never;

/** A domain service with every method made synchronous. */
export type SyncService<S> = {
  readonly [M in keyof S as S[M] extends (...args: never[]) => unknown ? M : never]: SyncMethod<S[M]>;
};

/** `wats.<domain>` with synchronous methods, for every domain of the SDK. */
export type SyncDomains = { readonly [K in DomainName]: SyncService<DomainServices[K]> };

/** Facts about the engine worker, for diagnostics. */
export interface SyncEngineInfo {
  /** Thread id of the current engine worker (undefined while none runs). */
  readonly threadId: number | undefined;
  /** How many engine workers this facade has started (1 + restarts after a hang or crash). */
  readonly starts: number;
}

/** The object `createSyncWats()` returns. */
export interface SyncWats extends SyncDomains {
  /** The station name reports built with this client are sent under (resolved in the engine). */
  readonly station: string;
  /** The engine's transport metrics (counts, retries, latency, breaker and throttle state). */
  metrics(): TransportMetrics;
  /** Closes the engine's connections and ends the engine worker. Further calls throw. */
  close(): void;
  [Symbol.dispose](): void;
  /** The engine worker behind this facade. */
  readonly engine: SyncEngineInfo;
}

/**
 * Options of `createSyncWats()`: those of `new Wats()`, except `fetch` (a function cannot cross to
 * the engine worker), plus how long the facade waits for the engine. A `logger` given here stays
 * on the caller's thread: the engine sends each call's log lines back with its result and they
 * are written to this logger once, in order.
 */
export interface SyncWatsOptions extends Omit<WatsOptions, "fetch" | "hooks" | "token"> {
  /**
   * The API token (a string). A token function cannot cross to the engine worker and is refused
   * here: export it from `engineModule`. Required unless `engineModule` gives one.
   */
  token?: WatsOptions["token"];
  /**
   * A module the engine worker imports for the options that are functions: `hooks` and a `token`
   * function. Its default export is `{ hooks?, token? }`, or a function (sync or async) returning
   * it. The functions run on the engine thread, once per attempt like in the async client: they
   * see every call with its operation and correlation id, but not the caller's variables, and
   * what they write to the console comes from the worker. A path or a `file:` URL.
   */
  engineModule?: string | URL;
  /**
   * Time the caller waits beyond a call's `timeoutMs` for the engine to answer before it treats
   * the engine as hung, stops it and starts a new one for the next call. Default 2 000 ms.
   */
  engineGraceMs?: number;
  /** Time allowed for the engine worker to start and build its `Wats`. Default 30 000 ms. */
  startupTimeoutMs?: number;
}
