/**
 * The daemon's recent log lines for the console's Log page: a bounded ring of entries, filled by
 * a logger that forwards every line to the daemon's own logger and keeps a copy. Fields named like
 * secrets are dropped from the copy (the SDK never logs the token; this is a second fence).
 */
import { isLevelEnabled, type LogLevel, type WatsLogger } from "@tswats/core";

export const LOG_LEVEL_ORDER = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type ConsoleLogLevel = (typeof LOG_LEVEL_ORDER)[number];

export interface LogLine {
  seq: number;
  time: string;
  level: ConsoleLogLevel;
  msg: string;
  correlationId: string | null;
  fields: Record<string, unknown>;
}

const HIDDEN_FIELDS = /token|password|authorization|secret|cookie/i;

export class RecentLog {
  readonly #lines: LogLine[] = [];
  #seq = 0;

  constructor(readonly capacity = 1000) {}

  add(level: ConsoleLogLevel, obj: object, msg?: string): void {
    const fields: Record<string, unknown> = {};
    let correlationId: string | null = null;
    for (const [key, value] of Object.entries(obj ?? {})) {
      if (HIDDEN_FIELDS.test(key) || value === undefined) continue;
      if (key === "correlationId" && typeof value === "string") correlationId = value;
      else fields[key] = value;
    }
    this.#lines.push({
      seq: ++this.#seq,
      time: new Date().toISOString(),
      level,
      msg: msg ?? "",
      correlationId,
      fields,
    });
    if (this.#lines.length > this.capacity) this.#lines.shift();
  }

  /** Newest first: at least `minLevel`, with `correlationId` when given, at most `limit`. */
  lines(filter: { minLevel?: ConsoleLogLevel; correlationId?: string; limit?: number } = {}): LogLine[] {
    const min = LOG_LEVEL_ORDER.indexOf(filter.minLevel ?? "trace");
    const out: LogLine[] = [];
    for (let i = this.#lines.length - 1; i >= 0 && out.length < (filter.limit ?? 200); i--) {
      const line = this.#lines[i] as LogLine;
      if (LOG_LEVEL_ORDER.indexOf(line.level) < min) continue;
      if (filter.correlationId !== undefined && line.correlationId !== filter.correlationId) continue;
      out.push(line);
    }
    return out;
  }
}

/**
 * A logger that writes through `inner` and keeps a copy of each line at `level` or above in
 * `recent` (the daemon's configured level, whatever `inner` itself drops).
 */
export function teeLogger(inner: WatsLogger, recent: RecentLog, level: string): WatsLogger {
  const min = LOG_LEVEL_ORDER.indexOf(level as ConsoleLogLevel);
  const kept = (l: ConsoleLogLevel) => min >= 0 && LOG_LEVEL_ORDER.indexOf(l) >= min;
  const forwarded = (l: string) => isLevelEnabled(inner, l as Exclude<LogLevel, "silent">);
  const method = (l: ConsoleLogLevel) => (obj: object, msg?: string) => {
    if (kept(l)) recent.add(l, obj, msg);
    if (forwarded(l)) inner[l as Exclude<ConsoleLogLevel, "fatal">](obj, msg);
  };
  const tee: WatsLogger = {
    trace: method("trace"),
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    isLevelEnabled: (l) => kept(l as ConsoleLogLevel) || forwarded(l),
  };
  return tee;
}
