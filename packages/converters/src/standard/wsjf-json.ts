/**
 * `wsjf-json`: files that already are WSJF (one report object, or an array of them). The report
 * is read leniently (server exports parse), then validated by the host like any other output.
 * A report that carries a valid GUID keeps it; one without gets the derived id.
 */
import { formatProblems, type Report, safeParseReport } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterPluginV1 } from "../plugin-api.js";
import { jsonErrorOffset } from "./json-error-position.js";

export const wsjfJsonConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "wsjf-json",
  description: "WATS Standard JSON Format reports (one object or an array), validated and passed through",
  filePatterns: ["*.json", "*.wsjf"],
  idPolicy: "keep-valid",
  parameters: {
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
    return items.map((item, i): Report => {
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
