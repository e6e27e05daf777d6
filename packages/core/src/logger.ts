import { createRequire } from "node:module";
import type { DestinationStream, LoggerOptions, pino as PinoFunction } from "pino";

import { loadOnFirstUse } from "./load-on-first-use.js";
import { findPinoPretty } from "./pretty-output.js";

/**
 * pino, loaded when the first logger is created: a script that passes its own logger (or
 * `logger: false`) never loads it. pino is CommonJS, so require() gives the
 * same instance an import would.
 */
const pino = loadOnFirstUse(
  () => (createRequire(import.meta.url)("pino") as { pino: typeof PinoFunction }).pino,
);

/**
 * Logging: pino by default (JSON; pretty when stdout is a terminal and the optional pino-pretty is
 * installed, see pretty-output.ts), or any
 * pino-compatible logger the caller passes. Secrets are redacted by path in loggers we create, and
 * the transport never puts the token, the Authorization header or a body above debug into a line.
 */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

type LogMethod = (obj: object, msg?: string) => void;

/** What the SDK needs from a logger: pino's method shape. `isLevelEnabled` is used when present. */
export interface WatsLogger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  level?: string;
  isLevelEnabled?: (level: string) => boolean;
}

const SECRET_KEYS = [
  "authorization",
  "Authorization",
  "token",
  "authToken",
  "password",
  "secret",
  "apiKey",
  "api_key",
  "cookie",
  "Cookie",
];

/** pino redaction paths: the secret keys at the top level and up to three levels down. */
export const LOG_REDACT_PATHS: readonly string[] = ["", "*.", "*.*.", "*.*.*."].flatMap((prefix) =>
  SECRET_KEYS.map((key) => `${prefix}${key}`),
);

export interface CreateLoggerOptions {
  /** Default "info". */
  level?: LogLevel;
  /**
   * Pretty output via pino-pretty (an optional peer dependency: JSON when it is not installed).
   * Default: only when stdout is a TTY and no destination is given.
   */
  pretty?: boolean;
  /** Where lines go (default stdout). Tests pass a stream to capture them. */
  destination?: DestinationStream;
  /** The `name` field of each line (default "tswats"). */
  name?: string;
}

/** A pino logger with the SDK's redaction. */
export function createLogger(options: CreateLoggerOptions = {}): WatsLogger {
  const config: LoggerOptions = {
    name: options.name ?? "tswats",
    level: options.level ?? "info",
    redact: { paths: [...LOG_REDACT_PATHS], censor: "[REDACTED]" },
  };
  if (options.destination) return pino()(config, options.destination);
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  // pino-pretty is only looked for here, when pretty output is wanted; it runs in pino's
  // transport worker. Not installed (or unloadable): plain JSON is still correct output.
  const prettyTarget = pretty ? findPinoPretty() : undefined;
  if (prettyTarget) {
    try {
      const target = pino().transport({
        target: prettyTarget,
        options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" },
      });
      return pino()(config, target);
    } catch {
      // fall through to JSON
    }
  }
  return pino()(config);
}

const defaults = new Map<LogLevel, WatsLogger>();

/**
 * The logger a transport uses when given none: one per level, shared by every transport in the
 * process (so a pretty terminal logger starts one pino-pretty worker, not one per client).
 */
export function defaultLogger(level: LogLevel = "info"): WatsLogger {
  let logger = defaults.get(level);
  if (!logger) {
    logger = createLogger({ level });
    defaults.set(level, logger);
  }
  return logger;
}

const noop = () => {};

/** A logger that drops everything (`logger: false`). */
export const silentLogger: WatsLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  level: "silent",
  isLevelEnabled: () => false,
};

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Whether `logger` would write a line at `level` (so we can skip building it). */
export function isLevelEnabled(logger: WatsLogger, level: Exclude<LogLevel, "silent">): boolean {
  if (typeof logger.isLevelEnabled === "function") return logger.isLevelEnabled(level);
  if (typeof logger.level === "string") {
    if (logger.level === "silent") return false;
    const threshold = RANK[logger.level];
    return threshold === undefined || (RANK[level] ?? 0) >= threshold;
  }
  return true;
}

/**
 * The log of one call: every line carries the call's correlation id and operation. Builds
 * nothing for levels that are off.
 */
export class CallLog {
  readonly #logger: WatsLogger;
  readonly #bindings: Record<string, unknown>;

  constructor(logger: WatsLogger, bindings: Record<string, unknown>) {
    this.#logger = logger;
    this.#bindings = bindings;
  }

  enabled(level: Exclude<LogLevel, "silent" | "fatal">): boolean {
    return isLevelEnabled(this.#logger, level);
  }

  write(
    level: Exclude<LogLevel, "silent" | "fatal">,
    fields: () => Record<string, unknown>,
    msg: string,
  ): void {
    if (!this.enabled(level)) return;
    this.#logger[level]({ ...this.#bindings, ...fields() }, msg);
  }
}
