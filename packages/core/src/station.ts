import { hostname as osHostname } from "node:os";
import { readConfigFile } from "./config-file.js";
import { WatsConfigError } from "./errors.js";

/**
 * The station name reports are sent under: the explicit option, else WATS_STATION, else the
 * config file's `station`, else the host name. Each candidate is sanitised; one that is empty
 * after that falls through to the next.
 */
export interface ResolveStationOptions {
  /** The station option given in code. */
  explicit?: string | undefined;
  /** Environment to read WATS_STATION and WATS_CONFIG from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The config file: its path, or its already-parsed content. Default: WATS_CONFIG. */
  configFile?: string | Readonly<Record<string, unknown>> | undefined;
  /** Host name source (tests). */
  hostname?: () => string;
  /** Longest name kept. Default 50 (the strictest WATS limit on `machineName`). */
  maxLength?: number;
}

export const STATION_MAX_LENGTH = 50;

/** Characters never kept in a station name: control characters and path/shell-special ones. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const FORBIDDEN = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;

export function sanitiseStationName(name: string, maxLength: number = STATION_MAX_LENGTH): string {
  return name
    .replace(/[\t\n\r\v\f]+/g, " ")
    .replace(FORBIDDEN, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, maxLength)
    .trimEnd();
}

export function resolveStation(options: ResolveStationOptions = {}): string {
  const env = options.env ?? process.env;
  const maxLength = options.maxLength ?? STATION_MAX_LENGTH;
  const fromFile = () => {
    const file = options.configFile ?? (env.WATS_CONFIG || undefined);
    if (file === undefined) return undefined;
    let data: Readonly<Record<string, unknown>>;
    if (typeof file === "string") {
      const read = readConfigFile(file);
      if (!read.ok) {
        throw new WatsConfigError(`Invalid tsWATS configuration: configFile: ${read.problem}`, {
          issues: [`configFile: ${read.problem}`],
        });
      }
      data = read.data;
    } else {
      data = file;
    }
    return typeof data.station === "string" ? data.station : undefined;
  };
  const candidates: (() => string | undefined)[] = [
    () => options.explicit,
    () => env.WATS_STATION,
    fromFile,
    () => (options.hostname ?? osHostname)(),
  ];
  for (const candidate of candidates) {
    const value = candidate();
    if (typeof value !== "string") continue;
    const clean = sanitiseStationName(value, maxLength);
    if (clean !== "") return clean;
  }
  return "unknown-station";
}
