/**
 * What every SDK call returns: a promise of the typed data that can also give the HTTP answer
 * the data came from. `await wats.product.getProduct(...)` is the data;
 * `await wats.product.getProduct(...).withResponse()` is `{ data, response }`.
 */

/**
 * The HTTP answer of a call (its last attempt). The transport's response makes `headers` and
 * `url` when they are read (getters on its class): a spread or structuredClone of it copies the
 * other fields only; `JSON.stringify` keeps all of them.
 */
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
    // Whoever asks for the answer handles the failure there: the data promise, which nobody
    // awaits then, must not reject unhandled (that ends a Node process, or a worker thread).
    Promise.prototype.catch.call(this, noop);
    return this.#full;
  }
}

/**
 * A CallPromise of data that did not come from an HTTP call (a test double, a cache, a
 * `Transport` of your own). Its `withResponse()` answers `response` over status 200 and no headers.
 */
export function callPromiseOf<T>(
  data: T | PromiseLike<T> | (() => T | PromiseLike<T>),
  response: Partial<CallResponse> = {},
): CallPromise<T> {
  const full = Promise.resolve()
    .then(() => (typeof data === "function" ? (data as () => T | PromiseLike<T>)() : data))
    .then((value) => ({
      data: value,
      response: {
        status: 200,
        statusText: "",
        headers: new Headers(),
        url: "",
        correlationId: "",
        attempts: 1,
        ...response,
      },
    }));
  return new CallPromise(full);
}
