/**
 * Parameters the converters declare for what a file does not carry (part number, process code,
 * revision, operator, location, purpose, time zone, text encoding), with one wording everywhere:
 * the single specs, the set the ICT / flying-probe / boundary-scan converters share, and reading
 * that set from a conversion's parameters.
 */
import { assertTimeZone } from "@tswats/report";
import { ConversionError } from "../../errors.js";
import type { ConverterContext, ParameterSpec, ParameterSpecs } from "../../plugin-api.js";

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

/** A parameter's value trimmed, or undefined when not set or blank. */
const nonEmpty = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

export interface HeaderDefaults {
  processCode: number;
  revision: string;
  operator: string;
  /** How the converter finds the part number when the parameter is not set (shown in its description). */
  partNumberSource: string;
}

export function headerParameterSpecs(defaults: HeaderDefaults): ParameterSpecs {
  return {
    partNumber: {
      type: "string",
      description: `Part number for every report of the file (default: ${defaults.partNumberSource})`,
    },
    revision: textParameter(defaults.revision, "Revision when the file has none"),
    processCode: processCodeParameter(defaults.processCode, "of the reports"),
    operator: textParameter(defaults.operator, "Operator when the file names none"),
    location: textParameter("Unknown", "Report location"),
    purpose: textParameter("Production", "Report purpose"),
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  };
}

export interface HeaderParameters {
  partNumber: string | undefined;
  revision: string;
  processCode: number;
  operator: string;
  location: string;
  purpose: string;
  timeZone: string | undefined;
  encoding: string | undefined;
}

/** The shared header parameters of a conversion; an unknown `timeZone` is refused naming the parameter. */
export function headerParameters(context: ConverterContext): HeaderParameters {
  const p = context.parameters;
  const timeZone = nonEmpty(p.timeZone);
  if (timeZone !== undefined) {
    try {
      assertTimeZone(timeZone);
    } catch {
      throw new ConversionError(
        `parameter "timeZone": ${JSON.stringify(timeZone)} is not an IANA time zone (e.g. "Europe/Oslo")`,
        { kind: "content", field: "timeZone" },
      );
    }
  }
  return {
    partNumber: nonEmpty(p.partNumber),
    revision: nonEmpty(p.revision) ?? "1",
    processCode: typeof p.processCode === "number" ? p.processCode : 10,
    operator: nonEmpty(p.operator) ?? "unknown",
    location: nonEmpty(p.location) ?? "Unknown",
    purpose: nonEmpty(p.purpose) ?? "Production",
    timeZone,
    encoding: nonEmpty(p.encoding),
  };
}
