/**
 * The one argument parser of `tswats-client` (node:util parseArgs, strict): every command
 * declares its options here-style and gets a UsageError (exit 2) for anything it does not take.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./io.js";

export type OptionSpecs = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpecs;

export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export function parseCommandArgs(
  argv: string[],
  options: OptionSpecs,
  allowPositionals = true,
): { values: ParsedValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals,
      strict: true,
    });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value (undefined when absent). */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable string option's values. */
export function stringList(values: ParsedValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
