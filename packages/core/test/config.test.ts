import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { type WatsConfigError, watsErrorKind } from "../src/errors.js";
import { HttpTransport } from "../src/transport.js";
import { CANARY } from "./helpers.js";

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "tswats-config-"));
  folders.push(dir);
  const file = join(dir, "wats.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const hostname = () => "host-1";

function failure(run: () => unknown): WatsConfigError {
  try {
    run();
  } catch (error) {
    expect(watsErrorKind(error)).toBe("WatsConfigError");
    return error as WatsConfigError;
  }
  throw new Error("expected a WatsConfigError");
}

describe("loadConfig", () => {
  it("prefers explicit options over the environment over the config file", () => {
    const file = configFile({
      baseUrl: "https://file.example.com",
      token: "ZmlsZQ==",
      logLevel: "error",
      station: "FILE",
      timeoutMs: 5_000,
      retry: { maxAttempts: 5 },
    });
    const env = { WATS_BASE_URL: "https://env.example.com/api/", WATS_AUTH_TOKEN: "ZW52", WATS_CONFIG: file };

    const fromEnv = loadConfig({ env, hostname });
    expect(fromEnv).toMatchObject({
      baseUrl: "https://env.example.com",
      token: "ZW52",
      logLevel: "error",
      station: "FILE",
      timeoutMs: 5_000,
      retry: { maxAttempts: 5 },
      configFile: file,
    });
    expect(fromEnv.sources).toMatchObject({
      baseUrl: "environment",
      token: "environment",
      logLevel: "config file",
    });

    const explicit = loadConfig({
      env,
      hostname,
      baseUrl: "https://opt.example.com",
      logLevel: "debug",
      station: "OPT",
    });
    expect(explicit).toMatchObject({
      baseUrl: "https://opt.example.com",
      token: "ZW52",
      logLevel: "debug",
      station: "OPT",
    });
    expect(explicit.sources).toMatchObject({ baseUrl: "option", logLevel: "option", station: "option" });
  });

  it("uses defaults and the host name when nothing else is set", () => {
    const config = loadConfig({
      env: { WATS_BASE_URL: "http://localhost:8080", WATS_AUTH_TOKEN: "dG9r" },
      hostname,
    });
    expect(config).toMatchObject({ logLevel: "info", station: "host-1" });
    expect(config.sources.logLevel).toBe("default");
    expect(config.retry).toBeUndefined();
  });

  it("WATS_STATION beats the config file's station", () => {
    const file = configFile({ station: "FILE" });
    const env = { WATS_BASE_URL: "http://h", WATS_AUTH_TOKEN: "dG9r", WATS_STATION: "ENV" };
    expect(loadConfig({ env, configFile: file, hostname }).station).toBe("ENV");
  });

  it("lists every bad field in one error, with its source and never its value", () => {
    const file = configFile({
      token: `${CANARY} has spaces`,
      logLevel: "loud",
      retry: { maxAttempts: 0, retries: 3 },
      breaker: { failureThreshold: 1.5 },
      throttle: "fast",
    });
    const error = failure(() =>
      loadConfig({ env: { WATS_BASE_URL: "not a url", WATS_CONFIG: file }, timeoutMs: -1, hostname }),
    );
    expect(error.issues).toHaveLength(8);
    const text = error.message;
    expect(text).toMatch(/^Invalid tsWATS configuration \(8 problems\):/);
    expect(text).toContain("baseUrl (from WATS_BASE_URL): must be an absolute URL");
    expect(text).toContain(`token (from ${file}): must be the base64 token`);
    expect(text).toContain(`logLevel (from ${file})`);
    expect(text).toContain("timeoutMs (from the options)");
    expect(text).toContain("retry.maxAttempts");
    expect(text).toContain("retry (from");
    expect(text).toContain('"retries"');
    expect(text).toContain("breaker.failureThreshold");
    expect(text).toContain("throttle");
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain("not a url");
  });

  it("says which required settings are missing", () => {
    const error = failure(() => loadConfig({ env: {}, hostname }));
    expect(error.issues).toEqual([
      expect.stringContaining("baseUrl: required (pass the baseUrl option, set WATS_BASE_URL"),
      expect.stringContaining("token: required (pass the token option, set WATS_AUTH_TOKEN"),
    ]);
  });

  it("reports a missing or broken config file without quoting its content", () => {
    const missing = failure(() => loadConfig({ env: {}, configFile: "/nonexistent/wats.json", hostname }));
    expect(missing.message).toContain(
      "configFile (from configFile option): file not found: /nonexistent/wats.json",
    );
    const broken = configFile(`{ "token": "${CANARY}", }`);
    const error = failure(() => loadConfig({ env: { WATS_CONFIG: broken }, hostname }));
    expect(error.message).toContain("is not valid JSON");
    expect(error.message).toContain("configFile (from WATS_CONFIG)");
    expect(error.message).not.toContain(CANARY);
    const array = failure(() => loadConfig({ env: { WATS_CONFIG: configFile([1]) }, hostname }));
    expect(array.message).toContain("must hold a JSON object");
  });

  it("hides the token when printed, but keeps it when spread into options", async () => {
    const config = loadConfig({
      env: { WATS_BASE_URL: "http://127.0.0.1:9", WATS_AUTH_TOKEN: CANARY },
      hostname,
    });
    expect(JSON.stringify(config)).not.toContain(CANARY);
    expect(inspect(config)).not.toContain(CANARY);
    expect(JSON.stringify(config)).toContain("[REDACTED]");
    const options = { ...config };
    expect(options.token).toBe(CANARY);
    const transport = new HttpTransport({ ...options, logger: false });
    expect(transport.baseUrl).toBe("http://127.0.0.1:9");
    await transport.close();
  });
});
