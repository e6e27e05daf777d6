/**
 * Parameters most converters declare for what a file does not carry (process code, revision,
 * operator, location, purpose, time zone, text encoding), with one wording everywhere.
 */
import type { ParameterSpec } from "../../plugin-api.js";

export function processCodeParameter(defaultCode: number, when = "when the file names none"): ParameterSpec {
  return {
    type: "integer",
    default: defaultCode,
    min: 0,
    max: 32767,
    description: `Process (test operation) code ${when}`,
  };
}

export const textParameter = (defaultValue: string, description: string): ParameterSpec => ({
  type: "string",
  default: defaultValue,
  description,
});

export const TIME_ZONE_PARAMETER: ParameterSpec = {
  type: "string",
  description:
    "IANA time zone (e.g. Europe/Oslo) of times written without UTC offset (default: this machine's)",
};

export const ENCODING_PARAMETER: ParameterSpec = {
  type: "string",
  description: "Text encoding when the file has no BOM (default UTF-8; e.g. windows-1252)",
};

/** A parameter's value as a string, or undefined when not set. */
export const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
