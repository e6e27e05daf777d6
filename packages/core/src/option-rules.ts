/**
 * The rules of the settings the transport and `loadConfig` accept (server address, token, time
 * limits, retry, breaker, throttle, headers), checked with plain code: importing the SDK loads no
 * schema library (zod costs a fresh process about 14 MiB of RSS and 100 ms). The zod schemas a
 * config file is read with (the station client's, `@tswats/core/schemas`) are built from these
 * same tables and messages, so both accept and refuse the same values with the same words.
 *
 * No message ever repeats a value: a token or a URL with credentials in it must not end up in an
 * error.
 */
import { LOG_LEVELS } from "./logger.js";
import { RetryBudget } from "./retry-budget.js";

/** One problem: where (a path into the checked value) and what. */
export interface OptionIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

type Path = readonly PropertyKey[];
type Check = (value: unknown, path: Path, issues: OptionIssue[]) => void;

/** A number setting: whole or not, and its bounds (`above`: strictly greater than). */
export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
}

/** A time in ms that may be 0. */
export const MS: NumberRule = { min: 0 };
/** A time in ms that must be more than 0. */
export const POSITIVE_MS: NumberRule = { above: 0 };
const COUNT: NumberRule = { integer: true, min: 1 };

export const RETRY_FIELDS = {
  maxAttempts: { integer: true, min: 1, max: 20 },
  baseDelayMs: MS,
  maxDelayMs: MS,
  maxRetryAfterMs: MS,
  attemptTimeoutMs: POSITIVE_MS,
} as const satisfies Record<string, NumberRule>;

export const RETRY_BUDGET_FIELDS = { capacity: MS, refillPerSecond: MS } as const satisfies Record<
  string,
  NumberRule
>;

export const BREAKER_FIELDS = {
  failureThreshold: COUNT,
  windowMs: POSITIVE_MS,
  minimumCalls: COUNT,
  openMs: MS,
  halfOpenProbes: COUNT,
} as const satisfies Record<string, NumberRule>;

/** The throttle fields a config file can hold (numbers; in code also a `now` clock). */
export const THROTTLE_FIELDS = { limit: COUNT, windowMs: POSITIVE_MS } as const satisfies Record<
  string,
  NumberRule
>;

export const TIMEOUT_RULE = POSITIVE_MS;
/** `maxResponseBytes`: a whole number of bytes, at least 1. */
export const MAX_RESPONSE_BYTES_RULE: NumberRule = COUNT;

/** The words of each problem a number can have (shared with the zod schemas). */
export const NUMBER_MESSAGES = {
  type: "must be a number",
  finite: "must be a finite number",
  integer: "must be a whole number",
  min: (min: number) => `must be at least ${min}`,
  max: (max: number) => `must be at most ${max}`,
  above: (above: number) => `must be more than ${above}`,
} as const;

/** What is wrong with `value` under `rule`, or undefined. */
export function numberProblem(rule: NumberRule, value: unknown): string | undefined {
  if (typeof value !== "number" || Number.isNaN(value)) return NUMBER_MESSAGES.type;
  if (!Number.isFinite(value)) return NUMBER_MESSAGES.finite;
  if (rule.integer && !Number.isInteger(value)) return NUMBER_MESSAGES.integer;
  if (rule.above !== undefined && value <= rule.above) return NUMBER_MESSAGES.above(rule.above);
  if (rule.min !== undefined && value < rule.min) return NUMBER_MESSAGES.min(rule.min);
  if (rule.max !== undefined && value > rule.max) return NUMBER_MESSAGES.max(rule.max);
  return undefined;
}

/** What is wrong with a server address, or undefined. */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "must be an absolute URL such as https://your-company.wats.com";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http or https";
  if (url.username || url.password) return "must not contain credentials; use the token setting";
  return undefined;
}

/** What is wrong with an API token, or undefined. */
export function tokenProblem(value: string): string | undefined {
  if (value.trim() === "") return "must not be empty (the API token from WATS Control Panel)";
  if (!/^[\x21-\x7e]+$/.test(value.trim()))
    return "must be the base64 token WATS issued (visible ASCII only, no spaces or line breaks)";
  return undefined;
}

export const STRING_MESSAGE = "must be a string";
export const LOG_LEVEL_MESSAGE = `must be one of ${LOG_LEVELS.map((l) => `"${l}"`).join(", ")}`;
export const OBJECT_MESSAGE = "must be an object";
export const FALSE_OR_OBJECT_MESSAGE = "must be false or an object";
export const unknownKeyMessage = (key: string) => `"${key}" is not a known setting`;

/** A header name (RFC 9110 token) and a printable value. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\x20-\x7e\t]*$/;

/**
 * Names the transport sets itself: no option may replace them (a caller's `Authorization` would
 * go around the token, a `X-Correlation-ID` around the call's id).
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "user-agent",
  "x-correlation-id",
  "x-attempt",
  "idempotency-key",
  "referer",
  "host",
  "content-length",
]);

// ---- plain checks, composed -------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const numberCheck =
  (rule: NumberRule): Check =>
  (value, path, issues) => {
    const problem = numberProblem(rule, value);
    if (problem !== undefined) issues.push({ path, message: problem });
  };

const stringCheck =
  (problemOf?: (value: string) => string | undefined): Check =>
  (value, path, issues) => {
    if (typeof value !== "string") issues.push({ path, message: STRING_MESSAGE });
    else {
      const problem = problemOf?.(value);
      if (problem !== undefined) issues.push({ path, message: problem });
    }
  };

const logLevelCheck: Check = (value, path, issues) => {
  if (!(LOG_LEVELS as readonly unknown[]).includes(value)) issues.push({ path, message: LOG_LEVEL_MESSAGE });
};

/**
 * An object of known fields: each checked when present; with `strict`, any other key is a
 * problem. Checks are a field's rule or its own check.
 */
function objectCheck(fields: Record<string, NumberRule | Check>, strict: boolean): Check {
  return (value, path, issues) => {
    if (!isRecord(value)) {
      issues.push({ path, message: OBJECT_MESSAGE });
      return;
    }
    for (const [key, field] of Object.entries(value)) {
      const rule = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (rule === undefined) {
        if (strict) issues.push({ path, message: unknownKeyMessage(key) });
        continue;
      }
      if (field === undefined) continue;
      const at = [...path, key];
      if (typeof rule === "function") rule(field, at, issues);
      else numberCheck(rule)(field, at, issues);
    }
  };
}

const falseOr =
  (check: Check): Check =>
  (value, path, issues) => {
    if (value === false) return;
    if (!isRecord(value)) {
      issues.push({ path, message: FALSE_OR_OBJECT_MESSAGE });
      return;
    }
    check(value, path, issues);
  };

const budgetCheck: Check = (value, path, issues) => {
  if (value === false || value instanceof RetryBudget) return;
  if (!isRecord(value)) {
    issues.push({ path, message: "must be false, a RetryBudget or { capacity, refillPerSecond }" });
    return;
  }
  objectCheck(RETRY_BUDGET_FIELDS, true)(value, path, issues);
};

/** `retry`: false or its fields. */
export const retryCheck: Check = falseOr(objectCheck({ ...RETRY_FIELDS, budget: budgetCheck }, true));
/** A call's own `retry`: the same without the budget (that stays the client's). */
export const callRetryCheck: Check = falseOr(objectCheck(RETRY_FIELDS, true));
/** `breaker`: false or its fields. */
export const breakerCheck: Check = falseOr(objectCheck(BREAKER_FIELDS, true));
/** `throttle`: false or its fields (in code also a `now` clock). */
export const throttleCheck: Check = falseOr(
  objectCheck(
    {
      ...THROTTLE_FIELDS,
      now: (value, path, issues) => {
        if (typeof value !== "function") issues.push({ path, message: "must be a function" });
      },
    },
    true,
  ),
);

/** The problems of a headers record (`defaultHeaders`, a call's `headers`). */
export const headersCheck: Check = (value, path, issues) => {
  if (!isRecord(value)) {
    issues.push({ path, message: "must be an object of header names and values" });
    return;
  }
  for (const [name, header] of Object.entries(value)) {
    const at = [...path, name];
    if (!HEADER_NAME.test(name)) issues.push({ path: at, message: "is not a valid header name" });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      issues.push({
        path: at,
        message:
          "is set by the transport and cannot be replaced (use the token, correlationId or idempotencyKey options)",
      });
    } else if (typeof header !== "string" || !HEADER_VALUE.test(header)) {
      issues.push({ path: at, message: "must be printable ASCII (no line breaks)" });
    }
  }
};

/** Checks `value` and returns its problems (empty when valid). */
export function check(rule: Check, value: unknown, path: Path = []): OptionIssue[] {
  const issues: OptionIssue[] = [];
  rule(value, path, issues);
  return issues;
}

/** The settings shared by the transport and `loadConfig`, as one object check (not strict). */
export function settingsCheck(extra: Record<string, Check>, required: readonly string[] = []): Check {
  const fields: Record<string, Check> = {
    baseUrl: stringCheck(baseUrlProblem),
    token: stringCheck(tokenProblem),
    logLevel: logLevelCheck,
    timeoutMs: numberCheck(TIMEOUT_RULE),
    retry: retryCheck,
    breaker: breakerCheck,
    throttle: throttleCheck,
    ...extra,
  };
  const object = objectCheck(fields, false);
  return (value, path, issues) => {
    object(value, path, issues);
    if (!isRecord(value)) return;
    for (const key of required) {
      if (value[key] === undefined) issues.push({ path: [...path, key], message: "required" });
    }
  };
}

export const checks = {
  number: numberCheck,
  string: stringCheck,
  logLevel: logLevelCheck,
  object: objectCheck,
};

/** One line per issue: `path (source): message`. */
export function formatIssues(
  issues: readonly OptionIssue[],
  sourceOf: (field: string) => string | undefined,
): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(root)";
    const top = String(issue.path[0] ?? "");
    const source = sourceOf(top);
    return `${path}${source ? ` (${source})` : ""}: ${issue.message}`;
  });
}
