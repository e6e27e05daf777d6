/**
 * `@tswats/core/schemas`: zod schemas of the settings the SDK shares with a config file that is
 * read with zod (the station client's), built from the rules in option-rules.ts: the same bounds
 * and the same words as the transport's and `loadConfig`'s own checks. Not part of the main entry,
 * so importing the SDK does not load zod.
 */
import { z } from "zod";
import { LOG_LEVELS, type LogLevel } from "./logger.js";
import {
  BREAKER_FIELDS,
  baseUrlProblem,
  FALSE_OR_OBJECT_MESSAGE,
  LOG_LEVEL_MESSAGE,
  MAX_RESPONSE_BYTES_RULE,
  NUMBER_MESSAGES,
  type NumberRule,
  OBJECT_MESSAGE,
  RETRY_BUDGET_FIELDS,
  RETRY_FIELDS,
  STRING_MESSAGE,
  THROTTLE_FIELDS,
  TIMEOUT_RULE,
  tokenProblem,
  unknownKeyMessage,
} from "./option-rules.js";
import { RetryBudget } from "./retry-budget.js";

/** A number schema of `rule`, with the rule's words. */
export function numberSchema(rule: NumberRule): z.ZodNumber {
  let schema = z.number({
    error: (issue) =>
      issue.input === undefined
        ? "required"
        : typeof issue.input === "number" && !Number.isNaN(issue.input)
          ? NUMBER_MESSAGES.finite
          : NUMBER_MESSAGES.type,
  });
  schema = schema.refine(Number.isFinite, { error: NUMBER_MESSAGES.finite, abort: true });
  if (rule.integer) schema = schema.refine(Number.isInteger, { error: NUMBER_MESSAGES.integer, abort: true });
  if (rule.above !== undefined) schema = schema.gt(rule.above, { error: NUMBER_MESSAGES.above(rule.above) });
  if (rule.min !== undefined) schema = schema.min(rule.min, { error: NUMBER_MESSAGES.min(rule.min) });
  if (rule.max !== undefined) schema = schema.max(rule.max, { error: NUMBER_MESSAGES.max(rule.max) });
  return schema;
}

type OptionalNumbers<F> = { [K in keyof F]: z.ZodOptional<z.ZodNumber> };

/** Each field of a rule table as an optional number schema. */
function optionalNumbers<F extends Record<string, NumberRule>>(fields: F): OptionalNumbers<F> {
  const shape: Record<string, z.ZodOptional<z.ZodNumber>> = {};
  for (const [key, rule] of Object.entries(fields)) shape[key] = numberSchema(rule).optional();
  return shape as OptionalNumbers<F>;
}

/** An object that refuses keys it does not know, in the rules' words. */
function strictObject<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => unknownKeyMessage(key)).join("; ")
        : OBJECT_MESSAGE,
  });
}

/** `false`, or a value the schema accepts (issue paths stay precise, unlike a zod union). */
function falseOr<T extends z.ZodType>(schema: T) {
  return z.unknown().transform((value, ctx): false | z.output<T> => {
    if (value === false) return false;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: FALSE_OR_OBJECT_MESSAGE });
      return z.NEVER;
    }
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

const stringWith = (problemOf: (value: string) => string | undefined) =>
  z.string({ error: STRING_MESSAGE }).superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

export const baseUrlSchema = stringWith(baseUrlProblem);
export const tokenSchema = stringWith(tokenProblem);
export const logLevelSchema = z.enum(LOG_LEVELS as [LogLevel, ...LogLevel[]], { error: LOG_LEVEL_MESSAGE });
export const timeoutSchema = numberSchema(TIMEOUT_RULE);
export const maxResponseBytesSchema = numberSchema(MAX_RESPONSE_BYTES_RULE);

/** The fields of the `retry` option (as an object). */
export const retryOptionsSchema = strictObject({
  ...optionalNumbers(RETRY_FIELDS),
  budget: z
    .union([z.literal(false), z.instanceof(RetryBudget), strictObject(optionalNumbers(RETRY_BUDGET_FIELDS))])
    .optional(),
});

/** The `retry` option: `false` or its fields. */
export const retrySchema = falseOr(retryOptionsSchema);

/** The fields of the `breaker` option. */
export const breakerOptionsSchema = strictObject(optionalNumbers(BREAKER_FIELDS));

/** The `breaker` option: `false` or its fields. */
export const breakerSchema = falseOr(breakerOptionsSchema);

/** The fields of the `throttle` option that a config file can hold (numbers). */
export const throttleFileOptionsSchema = strictObject(optionalNumbers(THROTTLE_FIELDS));

/** The `throttle` option in a config file: `false` or its fields. */
export const throttleSchema = falseOr(throttleFileOptionsSchema);

/** `false` or an object of `fields` (as `breaker` and `throttle` are), for config files built on these. */
export function falseOrObject<T extends z.ZodType>(fields: T) {
  return falseOr(fields);
}

export { formatIssues } from "./option-rules.js";
