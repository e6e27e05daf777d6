/**
 * `wsjf-json`: files that already are WSJF (one report object, or an array of them). Each report
 * is normalised the way WATS accepts it (date forms and omissions of Virinco's example files,
 * fallback parameters for missing header fields: `wsjf/normalise.ts`), keys WATS would ignore are
 * named in warnings, then the report is read leniently (server exports parse) and validated by
 * the host like any other output. A report that carries a valid GUID keeps it; one without gets
 * the derived id.
 */
import { formatProblems, type Report, safeParseReport } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterPluginV1 } from "../plugin-api.js";
import { jsonErrorOffset } from "./json-error-position.js";
import { WsjfNormaliser } from "./wsjf/normalise.js";
import { unknownWsjfKeys } from "./wsjf/unknown-keys.js";

const fallback = (description: string) => ({ type: "string" as const, description });

export const wsjfJsonConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "wsjf-json",
  description: "WATS Standard JSON Format reports (one object or an array), validated and passed through",
  filePatterns: ["*.json", "*.wsjf"],
  idPolicy: "keep-valid",
  parameters: {
    timeZone: {
      type: "string",
      description: "IANA zone for start times written without UTC offset (default: this machine's)",
    },
    partNumber: fallback("Part number for a report without pn"),
    serialNumber: fallback("Serial number for a report without sn"),
    revision: fallback("Revision for a report without rev"),
    operator: fallback("Operator for a report without uut.user / uur.user"),
    processCode: {
      type: "integer",
      min: 0,
      max: 32767,
      description:
        "Test operation code for a test report without processCode (and a repair's uur.processCode)",
    },
    repairProcessCode: {
      type: "integer",
      min: 0,
      max: 32767,
      description: "Repair operation code for a repair report without processCode",
    },
    location: fallback("Location for a report without one"),
    purpose: fallback("Purpose for a report without one"),
    encoding: { type: "string", description: "Text encoding when the file has no BOM (default UTF-8)" },
  },
  detect(sample) {
    const t = sample.text.trimStart();
    if (!t.startsWith("{") && !t.startsWith("[")) return 0;
    return /"type"\s*:\s*"[TR]"/.test(t) && /"(root|uur|pn)"\s*:/.test(t) ? 0.9 : 0.1;
  },
  convert(input, context) {
    const text = input.text(context.parameters.encoding as string | undefined);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw jsonSyntaxError(text, error as Error, input.fileName);
    }
    const items = Array.isArray(data) ? data : [data];
    if (items.length === 0)
      throw new ConversionError(`${input.fileName}: the JSON array is empty`, { kind: "content" });
    const p = context.parameters;
    const fallbacks = {
      timeZone: p.timeZone as string | undefined,
      operator: p.operator as string | undefined,
      processCode: p.processCode as number | undefined,
      repairProcessCode: p.repairProcessCode as number | undefined,
      partNumber: p.partNumber as string | undefined,
      serialNumber: p.serialNumber as string | undefined,
      revision: p.revision as string | undefined,
      location: p.location as string | undefined,
      purpose: p.purpose as string | undefined,
      station: context.station,
    };
    return items.map((raw, i): Report => {
      const where = Array.isArray(data) ? `${input.fileName}, report ${i + 1} ([${i}])` : input.fileName;
      if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new ConversionError(
          `${where}: a report must be a JSON object, not ${raw === null ? "null" : Array.isArray(raw) ? "an array" : typeof raw}`,
          {
            kind: "content",
            field: Array.isArray(data) ? `$[${i}]` : "$",
          },
        );
      const unknown = unknownWsjfKeys(raw);
      if (unknown.length > 0)
        context.warn(
          `${where}: ${unknown.length} key(s) WSJF does not have, which WATS ignores: ${unknown.slice(0, 20).join(", ")}${unknown.length > 20 ? ", ..." : ""}`,
        );
      const item = new WsjfNormaliser(fallbacks, where, (m) => context.warn(m)).normalise(
        raw as Record<string, unknown>,
      );
      const parsed = safeParseReport(item);
      if (!parsed.success) {
        const where = Array.isArray(data) ? `report ${i + 1} ([${i}])` : "the report";
        const first = parsed.problems[0];
        throw new ConversionError(
          `${input.fileName}: ${where} is not WSJF (${parsed.problems.length} problem(s)):\n${formatProblems(parsed.problems, 20)}`,
          {
            kind: "content",
            ...(first ? { field: first.path } : {}),
            problems: parsed.problems.map((p) => `${p.path}: ${p.message}`),
          },
        );
      }
      return parsed.report;
    });
  },
};

/** JSON.parse's error with the line and column of its position. */
function jsonSyntaxError(text: string, error: Error, fileName: string): ConversionError {
  const m = /position (\d+)/.exec(error.message);
  const pos = m ? Number(m[1]) : jsonErrorOffset(text);
  let line: number | undefined;
  let column: number | undefined;
  if (pos >= 0) {
    const before = text.slice(0, pos);
    line = before.split("\n").length;
    column = pos - before.lastIndexOf("\n");
  }
  const at = line !== undefined ? ` at line ${line}, column ${column}` : "";
  return new ConversionError(`${fileName} is not valid JSON${at}: ${error.message}`, {
    kind: "parse",
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  });
}
