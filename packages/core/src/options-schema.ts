import { z } from "zod";
import { LOG_LEVELS } from "./logger.js";
import { RetryBudget } from "./retry-budget.js";

/**
 * The zod schemas of the settings shared by `loadConfig` and the transport's constructor, and the
 * formatting of their issues into one message. No message ever repeats a value: a token or a URL
 * with credentials in it must not end up in an error.
 */

/** `false`, or a value the schema accepts (issue paths stay precise, unlike a zod union). */
function falseOr<T extends z.ZodType>(schema: T) {
  return z.unknown().transform((value, ctx): false | z.output<T> => {
    if (value === false) return false;
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      }
      return z.NEVER;
    }
    return result.data;
  });
}

const ms = () => z.number().nonnegative();
const positiveMs = () => z.number().positive();

export const baseUrlSchema = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    ctx.addIssue({
      code: "custom",
      message: "must be an absolute URL such as https://your-company.wats.com",
    });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: "must use http or https" });
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: "custom", message: "must not contain credentials; use the token setting" });
  }
});

export const tokenSchema = z.string().superRefine((value, ctx) => {
  if (value.trim() === "") {
    ctx.addIssue({ code: "custom", message: "must not be empty (the API token from WATS Control Panel)" });
  } else if (!/^[\x21-\x7e]+$/.test(value.trim())) {
    ctx.addIssue({
      code: "custom",
      message: "must be the base64 token WATS issued (visible ASCII only, no spaces or line breaks)",
    });
  }
});

export const logLevelSchema = z.enum(LOG_LEVELS as [string, ...string[]]);

/** The fields of the `retry` option (as an object). */
export const retryOptionsSchema = z.strictObject({
  maxAttempts: z.int().min(1).max(20).optional(),
  baseDelayMs: ms().optional(),
  maxDelayMs: ms().optional(),
  maxRetryAfterMs: ms().optional(),
  attemptTimeoutMs: positiveMs().optional(),
  budget: z
    .union([
      z.literal(false),
      z.instanceof(RetryBudget),
      z.strictObject({ capacity: ms().optional(), refillPerSecond: ms().optional() }),
    ])
    .optional(),
});

/** The `retry` option: `false` or its fields. */
export const retrySchema = falseOr(retryOptionsSchema);

/** The fields of the `breaker` option. */
export const breakerOptionsSchema = z.strictObject({
  failureThreshold: z.int().min(1).optional(),
  windowMs: positiveMs().optional(),
  minimumCalls: z.int().min(1).optional(),
  openMs: ms().optional(),
  halfOpenProbes: z.int().min(1).optional(),
});

/** The `breaker` option: `false` or its fields. */
export const breakerSchema = falseOr(breakerOptionsSchema);

/** The fields of the `throttle` option that a config file can hold (numbers). */
export const throttleFileOptionsSchema = z.strictObject({
  limit: z.int().min(1).optional(),
  windowMs: positiveMs().optional(),
});

/** The `throttle` option: `false` or its fields (in code also a `now` clock). */
export const throttleSchema = falseOr(
  throttleFileOptionsSchema.extend({
    now: z.custom<() => number>((value) => typeof value === "function").optional(),
  }),
);

/** `false` or an object of `fields` (as `breaker` and `throttle` are), for config files built on these. */
export function falseOrObject<T extends z.ZodType>(fields: T) {
  return falseOr(fields);
}

export const timeoutSchema = positiveMs();

/** A call's own retry limits (the budget stays the client's). */
export const callRetrySchema = falseOr(
  z.strictObject({
    maxAttempts: z.int().min(1).max(20).optional(),
    baseDelayMs: ms().optional(),
    maxDelayMs: ms().optional(),
    maxRetryAfterMs: ms().optional(),
    attemptTimeoutMs: positiveMs().optional(),
  }),
);

/** `maxResponseBytes`: a whole number of bytes, at least 1. */
export const maxResponseBytesSchema = z.int().min(1);

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

/** `defaultHeaders` and a call's `headers`: valid names, printable values, none of the reserved names. */
export const headersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "is not a valid header name" });
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message:
          "is set by the transport and cannot be replaced (use the token, correlationId or idempotencyKey options)",
      });
    } else if (typeof value !== "string" || !HEADER_VALUE.test(value)) {
      ctx.addIssue({ code: "custom", path: [name], message: "must be printable ASCII (no line breaks)" });
    }
  }
});

/** One line per issue: `path (source): message`. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  sourceOf: (field: string) => string | undefined,
): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(root)";
    const top = String(issue.path[0] ?? "");
    const source = sourceOf(top);
    return `${path}${source ? ` (${source})` : ""}: ${issue.message}`;
  });
}
