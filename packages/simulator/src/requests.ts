/**
 * The log of API requests the simulator received, for assertions in tests. Credentials never
 * reach it: Authorization (and cookies and API-key headers) are redacted. Control routes
 * (`/_sim/...`) are not logged.
 */
export interface RecordedRequest {
  /** 1, 2, 3, ... in arrival order. */
  seq: number;
  method: string;
  /** The path as sent (still percent-encoded), without the query string. */
  path: string;
  /** Query parameters; repeated names give arrays. */
  query: Record<string, string | string[]>;
  /** Lower-case header names; secrets replaced by "[REDACTED]". */
  headers: Record<string, string>;
  /** Parsed JSON, text for textual content types, a Buffer otherwise; undefined when empty. */
  body: unknown;
  /** `domain.operationName` of the matched route, when one matched. */
  operation: string | undefined;
  /** The answer's status, once sent (undefined for hung or reset requests). */
  status: number | undefined;
  /** ISO time of arrival on the simulator's clock. */
  receivedAt: string;
}

export type RequestLog = RecordedRequest[] & {
  /** Forgets every recorded request. */
  clear(): void;
};

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]);

/** A header value with credentials removed (`Basic [REDACTED]` keeps the scheme visible). */
export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name)) return value;
  const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
  return scheme && name.endsWith("authorization") ? `${scheme} [REDACTED]` : "[REDACTED]";
}

export function createRequestLog(): RequestLog {
  const log = [] as unknown as RequestLog;
  Object.defineProperty(log, "clear", {
    value(this: RecordedRequest[]) {
      this.length = 0;
    },
    enumerable: false,
  });
  return log;
}

/** Appends to the log, dropping the oldest tenth when it grows past `max`. */
export function record(log: RequestLog, entry: RecordedRequest, max: number): void {
  if (max <= 0) return;
  if (log.length >= max) log.splice(0, Math.max(1, Math.floor(max / 10)));
  log.push(entry);
}

/** What gets recorded as the body. */
export function recordableBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("json")) {
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      return raw.toString("utf8");
    }
  }
  if (type.startsWith("text/") || type.includes("xml") || type.includes("x-www-form-urlencoded"))
    return raw.toString("utf8");
  return Buffer.from(raw);
}
