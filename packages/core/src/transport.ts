import createClient, { type Client } from "openapi-fetch";
import {
  errorClassForStatus,
  serverMessage,
  WatsAbortError,
  WatsConnectionError,
  WatsError,
  WatsTimeoutError,
} from "./errors.js";
import type { CallInput, CallOptions, OperationSpec, Transport } from "./operation.js";
import { normaliseBaseUrl, redactUrl } from "./url.js";

export interface TransportOptions {
  /** The WATS server address, e.g. https://your-company.wats.com */
  baseUrl: string;
  /** The API token WATS issued (already base64); sent as `Authorization: Basic <token>`. */
  token: string;
  /** Default time limit of a call in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** The fetch implementation (tests pass msw's or a wrapped one). Defaults to global fetch. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A minimal transport: openapi-fetch with the Basic token header and typed errors.
 * (Retry, breaker, throttle and logging wrap the fetch function it is given.)
 */
export class HttpTransport implements Transport {
  readonly baseUrl: string;
  readonly #client: Client<Record<string, never>>;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: TransportOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    if (typeof options.token !== "string" || options.token.trim() === "") {
      throw new TypeError("token: must be a non-empty string (the API token from WATS Control Panel)");
    }
    this.#token = options.token.trim();
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#client = createClient({ baseUrl: this.baseUrl, fetch: (request: Request) => fetchImpl(request) });
  }

  async call<T>(op: OperationSpec, input: CallInput, options: CallOptions = {}): Promise<T> {
    const params = splitParams(op, input.params);
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...options.headers,
      Authorization: `Basic ${this.#token}`,
    };
    if (op.internal) headers.Referer = `${this.baseUrl}/`;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const init: Record<string, unknown> = {
      params,
      headers,
      signal,
      parseAs: op.response === "binary" ? "arrayBuffer" : op.response === "text" ? "text" : "json",
    };
    if (op.body !== undefined && input.body !== undefined) {
      init.body = input.body;
      if (op.body.contentType !== "application/json") {
        headers["Content-Type"] = op.body.contentType;
        init.bodySerializer = (value: unknown) => value;
      }
    }
    const details = { operation: op.name, method: op.method, attempts: 1 };
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      // The operation table is generated from the same document as the types, so the path is valid.
      const request = this.#client.request as unknown as (
        method: string,
        path: string,
        init: Record<string, unknown>,
      ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
      result = await request(op.method.toLowerCase(), op.path, init);
    } catch (cause) {
      const url = redactUrl(`${this.baseUrl}${op.path}`);
      if (options.signal?.aborted) {
        throw new WatsAbortError(`${op.name}: aborted by the caller`, { ...details, url, cause });
      }
      if (timeout.aborted) {
        throw new WatsTimeoutError(`${op.name}: no answer within ${timeoutMs} ms`, {
          ...details,
          url,
          cause,
        });
      }
      throw new WatsConnectionError(`${op.name}: could not reach ${this.baseUrl} (${describeCause(cause)})`, {
        ...details,
        url,
        cause,
      });
    }
    const { response } = result;
    if (!response.ok) {
      const body = result.error;
      const ErrorClass = errorClassForStatus(response.status);
      const message = serverMessage(body);
      throw new ErrorClass(
        `${op.name}: ${response.status} ${response.statusText}${message ? `: ${message}` : ""}`,
        {
          ...details,
          url: redactUrl(response.url || `${this.baseUrl}${op.path}`),
          status: response.status,
          body,
        },
      );
    }
    return (op.response === "none" ? undefined : result.data) as T;
  }
}

/** Sorts a method's single params object into path and query values, by the operation table. */
export function splitParams(
  op: OperationSpec,
  values: object | undefined,
): { path: Record<string, unknown>; query: Record<string, unknown> } {
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const record = (values ?? {}) as Record<string, unknown>;
  for (const name of op.pathParams) {
    const value = record[name];
    if (value === undefined || value === null || value === "") {
      throw new WatsError(`${op.name}: path parameter "${name}" is required`, {
        operation: op.name,
        method: op.method,
      });
    }
    path[name] = value;
  }
  for (const name of op.queryParams) {
    const value = record[name];
    if (value !== undefined && value !== null)
      query[name] = value instanceof Date ? value.toISOString() : value;
  }
  return { path, query };
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? code : cause.message;
  }
  return String(cause);
}
