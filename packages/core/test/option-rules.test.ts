/**
 * The settings' plain checks (option-rules.ts, what the transport and loadConfig use) and the zod
 * schemas built from them for config files (`@tswats/core/schemas`, what the station client's
 * config uses) accept and refuse the same values with the same words.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  baseUrlProblem,
  breakerCheck,
  check,
  checks,
  formatIssues,
  headersCheck,
  type OptionIssue,
  retryCheck,
  THROTTLE_FIELDS,
  TIMEOUT_RULE,
  tokenProblem,
} from "../src/option-rules.js";
import {
  baseUrlSchema,
  breakerSchema,
  logLevelSchema,
  retrySchema,
  throttleFileOptionsSchema,
  timeoutSchema,
  tokenSchema,
} from "../src/options-schema.js";
import { RetryBudget } from "../src/retry-budget.js";

const lines = (issues: readonly OptionIssue[]) => formatIssues(issues, () => undefined);
const zodLines = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : lines(result.error.issues);
};

const cases: [string, (value: unknown) => OptionIssue[], z.ZodType, unknown[]][] = [
  [
    "retry",
    (v) => check(retryCheck, v),
    retrySchema,
    [
      false,
      {},
      { maxAttempts: 3, baseDelayMs: 0, attemptTimeoutMs: 5 },
      { maxAttempts: 0 },
      { maxAttempts: 21 },
      { maxAttempts: 2.5 },
      { maxAttempts: "3" },
      { baseDelayMs: -1 },
      { attemptTimeoutMs: 0 },
      { maxDelayMs: Number.POSITIVE_INFINITY },
      { maxDelayMs: Number.NaN },
      { extra: 1 },
      { budget: false },
      { budget: new RetryBudget() },
      { budget: { capacity: -1 } },
      true,
      "yes",
      [],
    ],
  ],
  [
    "breaker",
    (v) => check(breakerCheck, v),
    breakerSchema,
    [false, {}, { failureThreshold: 0 }, { windowMs: 0 }, { openMs: 0, halfOpenProbes: 1 }, { what: 1 }, 7],
  ],
  [
    "throttle (file)",
    (v) => check(checks.object(THROTTLE_FIELDS, true), v),
    throttleFileOptionsSchema,
    [{}, { limit: 500, windowMs: 60_000 }, { limit: 0 }, { limit: 1.5 }, { windowMs: -5 }, { now: 1 }],
  ],
  ["timeoutMs", (v) => check(checks.number(TIMEOUT_RULE), v), timeoutSchema, [1, 0.5, 0, -1, "1", null]],
  [
    "baseUrl",
    (v) => check(checks.string(baseUrlProblem), v),
    baseUrlSchema,
    ["https://acme.wats.com", "acme.wats.com", "ftp://x", "https://u:p@x", 42],
  ],
  ["token", (v) => check(checks.string(tokenProblem), v), tokenSchema, ["abc=", " ", "a b", "a\nb", 1]],
  ["logLevel", (v) => check(checks.logLevel, v), logLevelSchema, ["info", "silent", "verbose", 3]],
];

describe("plain checks and the config-file schemas agree", () => {
  for (const [name, plain, schema, values] of cases) {
    it.each(values.map((value) => [value]))(`${name}: %s`, (value) => {
      expect(lines(plain(value))).toStrictEqual(zodLines(schema, value));
    });
  }

  it("refuses what it should, naming the field and never the value", () => {
    expect(lines(check(retryCheck, { maxAttempts: 0, baseDelayMs: -1 }, ["retry"]))).toStrictEqual([
      "retry.maxAttempts: must be at least 1",
      "retry.baseDelayMs: must be at least 0",
    ]);
    expect(lines(check(retryCheck, { extra: 1 }, ["retry"]))).toStrictEqual([
      'retry: "extra" is not a known setting',
    ]);
    const secretUrl = "https://user:s3cret@acme.wats.com";
    const refused = lines(check(checks.string(baseUrlProblem), secretUrl, ["baseUrl"]));
    expect(refused).toStrictEqual(["baseUrl: must not contain credentials; use the token setting"]);
    expect(refused.join("")).not.toContain("s3cret");
  });

  it("checks header records by name", () => {
    expect(
      lines(check(headersCheck, { "x-ok": "1", Authorization: "x", "bad name": "1", "x-nl": "a\nb" })),
    ).toStrictEqual([
      "Authorization: is set by the transport and cannot be replaced (use the token, correlationId or idempotencyKey options)",
      "bad name: is not a valid header name",
      "x-nl: must be printable ASCII (no line breaks)",
    ]);
  });
});
