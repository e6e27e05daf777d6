import { inspect } from "node:util";
import type { BreakerOptions } from "./breaker.js";
import { readConfigFile } from "./config-file.js";
import { WatsConfigError } from "./errors.js";
import type { LogLevel } from "./logger.js";
import { check, checks, formatIssues, settingsCheck } from "./option-rules.js";
import type { RetryOptions } from "./retry.js";
import { resolveStation } from "./station.js";
import type { ThrottleOptions } from "./throttle.js";
import { normaliseBaseUrl } from "./url.js";

/**
 * Configuration: explicit options > environment (WATS_BASE_URL, WATS_AUTH_TOKEN, WATS_LOG_LEVEL,
 * WATS_STATION) > the JSON config file (the `configFile` option or WATS_CONFIG). Every bad field is
 * reported in one `WatsConfigError`, by name and source, never by value.
 */
export interface ConfigInput {
  baseUrl?: string | undefined;
  token?: string | undefined;
  logLevel?: LogLevel | undefined;
  station?: string | undefined;
  timeoutMs?: number | undefined;
  retry?: RetryOptions | false | undefined;
  breaker?: BreakerOptions | false | undefined;
  throttle?: ThrottleOptions | false | undefined;
}

export interface LoadConfigOptions extends ConfigInput {
  /** Path of a JSON config file (overrides WATS_CONFIG). */
  configFile?: string | undefined;
  /** Environment to read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Base for a relative config file path (default the working directory). */
  cwd?: string;
  /** Host name source for the station fallback (tests). */
  hostname?: () => string;
}

export type ConfigSource = "option" | "environment" | "config file" | "default";

export interface WatsConfig {
  /** Normalised (no trailing slash or /api). */
  baseUrl: string;
  token: string;
  logLevel: LogLevel;
  station: string;
  timeoutMs?: number;
  retry?: RetryOptions | false;
  breaker?: BreakerOptions | false;
  throttle?: ThrottleOptions | false;
  /** The config file that was read, if any. */
  configFile?: string;
  /** Where each setting came from. */
  sources: Record<string, ConfigSource>;
}

const FIELDS = [
  "baseUrl",
  "token",
  "logLevel",
  "station",
  "timeoutMs",
  "retry",
  "breaker",
  "throttle",
] as const;
type Field = (typeof FIELDS)[number];

const ENV_NAMES: Partial<Record<Field, string>> = {
  baseUrl: "WATS_BASE_URL",
  token: "WATS_AUTH_TOKEN",
  logLevel: "WATS_LOG_LEVEL",
  station: "WATS_STATION",
};

/** The settings, each checked when present (a missing baseUrl or token is reported on its own). */
const configCheck = settingsCheck({ station: checks.string() });

/** Loads and checks the configuration; throws one WatsConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): WatsConfig {
  const env = options.env ?? process.env;
  const problems: string[] = [];

  const filePath = options.configFile ?? (env.WATS_CONFIG || undefined);
  const fileSource = options.configFile !== undefined ? "configFile option" : "WATS_CONFIG";
  let fileData: Record<string, unknown> = {};
  let configFile: string | undefined;
  if (filePath !== undefined) {
    const read = readConfigFile(filePath, options.cwd);
    if (read.ok) {
      fileData = read.data;
      configFile = read.path;
    } else {
      problems.push(`configFile (from ${fileSource}): ${read.problem}`);
    }
  }

  const merged: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  const sourceLabel: Record<string, string> = {};
  for (const field of FIELDS) {
    const explicit = options[field];
    const envName = ENV_NAMES[field];
    const fromEnv = envName ? env[envName] : undefined;
    if (explicit !== undefined) {
      merged[field] = explicit;
      sources[field] = "option";
      sourceLabel[field] = "from the options";
    } else if (envName && fromEnv !== undefined && fromEnv !== "") {
      merged[field] = fromEnv;
      sources[field] = "environment";
      sourceLabel[field] = `from ${envName}`;
    } else if (fileData[field] !== undefined) {
      merged[field] = fileData[field];
      sources[field] = "config file";
      sourceLabel[field] = `from ${configFile}`;
    }
  }
  for (const field of ["baseUrl", "token"] as const) {
    if (merged[field] === undefined) {
      problems.push(
        `${field}: required (pass the ${field} option, set ${ENV_NAMES[field]} or put "${field}" in the config file)`,
      );
    }
  }
  if (merged.logLevel === undefined) {
    merged.logLevel = "info";
    sources.logLevel = "default";
  }

  // Required fields already reported above are not required again here, so each problem shows once.
  problems.push(...formatIssues(check(configCheck, merged), (field) => sourceLabel[field]));

  let station = "";
  try {
    station = resolveStation({
      explicit:
        typeof merged.station === "string" && sources.station !== "config file" ? merged.station : undefined,
      env: {},
      configFile: fileData,
      ...(options.hostname ? { hostname: options.hostname } : {}),
    });
  } catch (error) {
    problems.push(`station: ${(error as Error).message}`);
  }

  if (problems.length > 0) throw configError(problems);
  const config: WatsConfig = {
    baseUrl: normaliseBaseUrl(merged.baseUrl as string),
    token: (merged.token as string).trim(),
    logLevel: merged.logLevel as LogLevel,
    station,
    sources,
  };
  if (merged.timeoutMs !== undefined) config.timeoutMs = merged.timeoutMs as number;
  if (merged.retry !== undefined) config.retry = merged.retry as RetryOptions | false;
  if (merged.breaker !== undefined) config.breaker = merged.breaker as BreakerOptions | false;
  if (merged.throttle !== undefined) config.throttle = merged.throttle as ThrottleOptions | false;
  if (configFile !== undefined) config.configFile = configFile;
  return hideToken(config);
}

/** One error for all problems, each on its own line. */
export function configError(problems: readonly string[]): WatsConfigError {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return new WatsConfigError(
    `Invalid tsWATS configuration (${count}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    {
      issues: problems,
    },
  );
}

/**
 * Printing or serialising the config shows the token as "[REDACTED]"; spreading it into
 * options still copies the real token (the helpers are not enumerable).
 */
function hideToken<T extends { token: string }>(config: T): T {
  const shown = () => ({ ...config, token: "[REDACTED]" });
  Object.defineProperty(config, "toJSON", { value: shown, enumerable: false });
  Object.defineProperty(config, inspect.custom, { value: () => shown(), enumerable: false });
  return config;
}
