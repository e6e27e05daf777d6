/**
 * What every SDK call returns: a promise of the typed data that can also give the HTTP answer
 * the data came from. `await wats.product.getProduct(...)` is the data;
 * `await wats.product.getProduct(...).withResponse()` is `{ data, response }`.
 */

/** The HTTP answer of a call (its last attempt), as plain fields. */
export interface CallResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The request URL without credentials or secret query values. */
  url: string;
  correlationId: string;
  /** Attempts the call took, the first included. */
  attempts: number;
}

export interface DataWithResponse<T> {
  data: T;
  response: CallResponse;
}

const noop = () => {};

export class CallPromise<T> extends Promise<T> {
  // `then`/`catch`/`finally` return plain promises: only the call itself has `withResponse()`.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #full: Promise<DataWithResponse<T>>;

  /** @internal `full` is the transport's promise of the data and its answer. */
  constructor(full: Promise<DataWithResponse<T>>) {
    let settle: ((value: T) => void) | undefined;
    let fail: ((reason: unknown) => void) | undefined;
    super((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    full.then((result) => settle?.(result.data), fail);
    // A caller who awaits only the data must not see an unhandled rejection of `full`.
    full.catch(noop);
    this.#full = full;
  }

  /** The data and the HTTP answer it came from (status, headers, attempts, correlation id). */
  withResponse(): Promise<DataWithResponse<T>> {
    return this.#full;
  }
}
