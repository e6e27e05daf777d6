import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as core from "../src/index.js";
import { CORE_VERSION, userAgent } from "../src/version.js";

describe("version and exports", () => {
  it("CORE_VERSION matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(CORE_VERSION).toBe(pkg.version);
  });

  it("builds the User-Agent", () => {
    expect(userAgent()).toBe(`tswats/${CORE_VERSION} node/${process.versions.node}`);
    expect(userAgent("station-app/2.1")).toBe(
      `tswats/${CORE_VERSION} node/${process.versions.node} station-app/2.1`,
    );
  });

  it("exports the public API from the package root", () => {
    for (const name of [
      "HttpTransport",
      "createTransport",
      "splitParams",
      "withCorrelationId",
      "currentCorrelationId",
      "createLogger",
      "paginate",
      "mapConcurrent",
      "resolveStation",
      "loadConfig",
      "CircuitBreaker",
      "CircuitBreakerRegistry",
      "Throttle",
      "RetryBudget",
      "sharedRetryBudget",
      "backoffDelay",
      "parseRetryAfter",
      "WatsError",
      "WatsCircuitOpenError",
      "WatsConfigError",
      "WatsPaginationError",
      "isWatsError",
      "normaliseBaseUrl",
      "redactUrl",
    ]) {
      expect(core, name).toHaveProperty(name);
    }
  });
});
