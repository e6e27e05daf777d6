/**
 * Finding, reading, validating and writing the config file. The token is read from
 * `WATS_AUTH_TOKEN` or from the file, and only when the file is not readable by others (0600).
 * No error or output ever contains the token.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { jsonErrorOffset } from "@tswats/converters/config";
import { WatsConfigError } from "@tswats/core";
import { type ClientConfigFile, clientConfigSchema } from "./schema.js";

/** The one configuration error of tsWATS (@tswats/core's), with one issue per bad field. */
function configError(message: string, issues: readonly string[] = []): WatsConfigError {
  return new WatsConfigError(
    issues.length ? `${message}\n${issues.map((p) => `  - ${p}`).join("\n")}` : message,
    { issues },
  );
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

export type TokenSource = "environment" | "config file" | "none";

export interface LoadedClientConfig {
  /** Absolute path of the file. */
  path: string;
  /**
   * The validated settings; queue.folder, log.file, console.softwareFolder, pluginFolders and
   * converter folders made absolute.
   */
  config: ClientConfigFile;
  token: string | undefined;
  tokenSource: TokenSource;
}

/** `--config` > `TSWATS_CLIENT_CONFIG` > the per-user default. */
export function resolveConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.TSWATS_CLIENT_CONFIG) return resolve(env.TSWATS_CLIENT_CONFIG);
  return defaultConfigPath(env);
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === "win32") {
    return join(env.PROGRAMDATA ?? env.APPDATA ?? homedir(), "tswats-client", "config.json");
  }
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "tswats-client", "config.json");
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw configError(`config file not found: ${path} (create one with \`tswats-client config init\`)`);
    }
    throw configError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be the token: only the position.
    const body = text.replace(/^\uFEFF/, "");
    const { line, column } = lineColumn(body, jsonErrorOffset(body));
    throw configError(
      `the config file ${path} is not valid JSON at line ${line}, column ${column} (a string value needs double quotes)`,
    );
  }
}

/** Validates raw config data; problems name the field, never its value. */
export function parseClientConfig(data: unknown, path = "config"): ClientConfigFile {
  const result = clientConfigSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = issue.path.map(String).join(".") || "(root)";
      const message =
        issue.code === "unrecognized_keys" ? `unknown setting(s) ${issue.keys.join(", ")}` : issue.message;
      return `${field}: ${message}`;
    });
    throw configError(`the config file ${path} is invalid:`, problems);
  }
  return result.data;
}

export function isTooOpen(path: string): boolean {
  if (process.platform === "win32") return false;
  return (statSync(path).mode & 0o077) !== 0;
}

export function loadClientConfig(
  options: { path?: string; env?: NodeJS.ProcessEnv; requireToken?: boolean } = {},
): LoadedClientConfig {
  const env = options.env ?? process.env;
  const path = resolveConfigPath(options.path, env);
  const config = parseClientConfig(readJson(path), path);
  const base = dirname(path);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  config.queue.folder = abs(config.queue.folder);
  if (config.log.file) config.log.file = abs(config.log.file);
  if (config.console.softwareFolder) config.console.softwareFolder = abs(config.console.softwareFolder);
  config.pluginFolders = config.pluginFolders.map(abs);
  for (const entry of config.converters) {
    entry.watch.folder = abs(entry.watch.folder);
    if (entry.doneFolder !== undefined) entry.doneFolder = abs(entry.doneFolder);
    if (entry.errorFolder !== undefined) entry.errorFolder = abs(entry.errorFolder);
  }
  const { token, tokenSource } = readToken(path, config, env);
  if (config.console.password !== undefined && isTooOpen(path)) {
    throw configError(
      `the config file ${path} holds console.password but other users can read it; run \`chmod 600 ${path}\``,
    );
  }
  if (options.requireToken && token === undefined) {
    throw configError(
      `no API token: set WATS_AUTH_TOKEN or server.token in ${path} (\`tswats-client config set server.token -\` reads it from stdin)`,
    );
  }
  return { path, config, token, tokenSource };
}

function readToken(
  path: string,
  config: ClientConfigFile,
  env: NodeJS.ProcessEnv,
): { token: string | undefined; tokenSource: TokenSource } {
  const fromEnv = env.WATS_AUTH_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, tokenSource: "environment" };
  const fromFile = config.server.token?.trim();
  if (!fromFile) return { token: undefined, tokenSource: "none" };
  if (isTooOpen(path)) {
    throw configError(
      `the config file ${path} holds server.token but other users can read it; run \`chmod 600 ${path}\` (or use WATS_AUTH_TOKEN)`,
    );
  }
  return { token: fromFile, tokenSource: "config file" };
}

/** Re-reads only the token (after a 401/403: the user may have fixed it in the file or the environment). */
export function rereadToken(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const config = parseClientConfig(readJson(path), path);
  return readToken(path, config, env).token;
}

/** Writes the raw config object atomically with mode 0600. */
export function writeConfigFile(path: string, data: unknown): void {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function readRawConfig(path: string): Record<string, unknown> {
  const data = readJson(path);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw configError(`the config file ${path} must hold a JSON object`);
  }
  return data as Record<string, unknown>;
}

/**
 * `config set <key> <value>`: sets one dotted key in the raw file, validates the whole file with
 * the one schema (a WatsConfigError naming the field when it is wrong; nothing is written then)
 * and writes it atomically with mode 0600. The value is JSON when it parses as JSON, else text;
 * `server.token` and `console.password` are always text. Used by the CLI and the console.
 */
export function setConfigValue(path: string, key: string, text: string): void {
  const data = readRawConfig(path);
  let value: unknown = text;
  if (!SECRET_KEYS.includes(key)) {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  setPath(data, key.split("."), value);
  parseClientConfig(data, path);
  writeConfigFile(path, data);
}

/** Settings whose values are secrets: never shown, never parsed as JSON. */
export const SECRET_KEYS: readonly string[] = ["server.token", "console.password"];

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
