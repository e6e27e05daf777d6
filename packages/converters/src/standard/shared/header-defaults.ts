/**
 * Header parameters the ICT / flying-probe / boundary-scan converters share: defaults for what a
 * tester's file does not carry (part number, revision, process code, operator, location,
 * purpose) and how to read its dates (time zone) and text (encoding).
 */
import { ConversionError } from "../../errors.js";
import type { ConverterContext, ParameterSpecs } from "../../plugin-api.js";

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
    revision: {
      type: "string",
      default: defaults.revision,
      description: "Revision when the file has none",
    },
    processCode: {
      type: "integer",
      default: defaults.processCode,
      min: 0,
      max: 32767,
      description: "Process (test operation) code of the reports",
    },
    operator: {
      type: "string",
      default: defaults.operator,
      description: "Operator when the file names none",
    },
    location: { type: "string", default: "Unknown", description: "Report location" },
    purpose: { type: "string", default: "Production", description: "Report purpose" },
    timeZone: {
      type: "string",
      description: "IANA time zone the tester's clock runs in (default: this machine's zone)",
    },
    encoding: {
      type: "string",
      description: "Text encoding when the file has no byte order mark (default UTF-8)",
    },
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

const nonEmpty = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** The shared header parameters of a conversion; an unknown `timeZone` is refused naming the parameter. */
export function headerParameters(context: ConverterContext): HeaderParameters {
  const p = context.parameters;
  const timeZone = nonEmpty(p.timeZone);
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
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
