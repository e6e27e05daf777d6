/**
 * One conversion, as a worker (or the CLI in-thread) runs it: load the converter, decode the
 * file, call `convert`, give every report its id, and validate each report's wire form. Returns
 * the reports or a serialisable error; never throws.
 */
import { basename } from "node:path";
import { canonicalGuid, formatProblems, type Report, serialiseReport, validateReport } from "@tswats/report";
import { ConversionError, type SerializedConversionError } from "./errors.js";
import { resolvePluginImportsToHost } from "./host-resolution.js";
import { resolveParameters } from "./parameters.js";
import type {
  ConverterContext,
  ConverterDescriptor,
  ConverterInput,
  ConverterPluginV1,
} from "./plugin-api.js";
import { checkPlugin, describePlugin, pluginFromModule } from "./plugin-check.js";
import { deriveReportId } from "./report-id.js";
import { standardConverter } from "./standard/index.js";
import { decodeText, sampleText } from "./text-decode.js";

export interface ConversionJob {
  /** `standard:<name>` or a plugin's file URL. */
  module: string;
  /** Configured converter name (the id derivation uses it). */
  converterName: string;
  path: string;
  bytes: Uint8Array;
  sha256: string;
  parameters: Record<string, unknown>;
  station: string | undefined;
}

export type ConversionOutcome =
  | { ok: true; reports: Report[]; warnings: string[] }
  | { ok: false; error: SerializedConversionError; warnings: string[] };

const modules = new Map<string, Promise<ConverterPluginV1>>();

/** The converter of a module specifier (cached per thread). */
export function loadConverter(module: string): Promise<ConverterPluginV1> {
  let p = modules.get(module);
  if (!p) {
    p = (async () => {
      if (module.startsWith("standard:")) {
        const c = standardConverter(module.slice("standard:".length));
        if (!c) throw new ConversionError(`no standard converter ${module}`, { kind: "no-converter" });
        return c;
      }
      resolvePluginImportsToHost();
      const mod: unknown = await import(module);
      return checkPlugin(pluginFromModule(mod), module);
    })();
    modules.set(module, p);
    p.catch(() => modules.delete(module));
  }
  return p;
}

export async function describeModule(module: string, source: string): Promise<ConverterDescriptor> {
  return describePlugin(await loadConverter(module), source, module);
}

export async function detectScores(
  modulesToTry: readonly string[],
  fileName: string,
  bytes: Uint8Array,
): Promise<(number | undefined)[]> {
  const sample = { fileName, bytes, text: sampleText(bytes) };
  const out: (number | undefined)[] = [];
  for (const m of modulesToTry) {
    try {
      const c = await loadConverter(m);
      const score = c.detect ? Number(c.detect(sample)) : undefined;
      out.push(score === undefined || Number.isNaN(score) ? undefined : Math.max(0, Math.min(1, score)));
    } catch {
      out.push(0);
    }
  }
  return out;
}

export async function runConversion(job: ConversionJob): Promise<ConversionOutcome> {
  const warnings: string[] = [];
  try {
    const converter = await loadConverter(job.module);
    const output = await callConverter(converter, job, warnings);
    const reports = withIds(output, job, converter.idPolicy ?? "derive");
    reports.forEach((report, i) => {
      const result = validateReport(serialiseReport(report));
      if (!result.valid) {
        const where = reports.length > 1 ? `report ${i + 1} of ${reports.length}` : "the report";
        const first = result.errors[0];
        throw new ConversionError(
          `${where} is not a valid WSJF report (${result.errors.length} error(s)):\n${formatProblems(result.errors, 20)}`,
          {
            kind: "validation",
            ...(first ? { field: first.path } : {}),
            problems: result.errors.map((p) => `${p.path}: ${p.message}`),
          },
        );
      }
    });
    return { ok: true, reports, warnings };
  } catch (error) {
    return { ok: false, error: ConversionError.from(error, "plugin").toJSON(), warnings };
  }
}

/** Runs the converter's `convert` on the job's file (parameters checked, text decoding offered). */
export async function callConverter(
  converter: ConverterPluginV1,
  job: ConversionJob,
  warnings: string[],
): Promise<unknown> {
  const parameters = resolveParameters(converter.parameters ?? {}, job.parameters, job.converterName);
  const fileName = basename(job.path);
  const input: ConverterInput = {
    path: job.path,
    fileName,
    bytes: job.bytes,
    text: (encoding?: string) => decodeText(job.bytes, fileName, encoding),
  };
  const context: ConverterContext = {
    parameters,
    converterName: job.converterName,
    station: job.station,
    reportId: (index) => deriveReportId(job.converterName, job.sha256, index),
    warn: (message) => {
      if (warnings.length < 1000) warnings.push(String(message));
    },
  };
  try {
    return await converter.convert(input, context);
  } catch (error) {
    throw ConversionError.from(error, "plugin");
  }
}

/** The converter's output as a list of report objects with their final ids (per `idPolicy`). */
export function withIds(output: unknown, job: ConversionJob, idPolicy: "derive" | "keep-valid"): Report[] {
  const list = Array.isArray(output) ? output : [output];
  if (list.length === 0 || output === undefined || output === null)
    throw new ConversionError(`converter "${job.converterName}" returned no report`, { kind: "plugin" });
  const seen = new Set<string>();
  return list.map((item, i) => {
    const where = list.length > 1 ? `report ${i + 1} of ${list.length}` : "the report";
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new ConversionError(
        `converter "${job.converterName}" returned ${where} as ${item === null ? "null" : typeof item}, not an object`,
        {
          kind: "plugin",
        },
      );
    const report = { ...(item as Report) };
    const own = typeof report.id === "string" ? canonicalGuid(report.id) : undefined;
    report.id =
      idPolicy === "keep-valid" && own !== undefined ? own : deriveReportId(job.converterName, job.sha256, i);
    if (seen.has(report.id))
      throw new ConversionError(`${where} has the id ${report.id} of an earlier report in the same file`, {
        kind: "validation",
        field: "$.id",
      });
    seen.add(report.id);
    return report;
  });
}
