/**
 * `testConverter`: what a plugin author runs in their own tests. It runs the plugin (the object,
 * or the module that exports it) on a sample file in this thread, exactly as the host would
 * (parameters checked against the declarations, text decoding, report ids), and returns every
 * report with its validation problems instead of failing on the first: a test can assert on
 * the reports, on the problems and on the warnings.
 */
import { readFile } from "node:fs/promises";
import { type Report, type ReportProblem, serialiseReport, validateReport } from "@tswats/report";
import { ConversionError } from "./errors.js";
import type { ConverterPluginV1 } from "./plugin-api.js";
import { checkPlugin, pluginFromModule } from "./plugin-check.js";
import { sha256Hex } from "./report-id.js";
import { callConverter, withIds } from "./run-conversion.js";

export interface TestConverterOptions {
  /** Parameter values as a config entry would give them (checked against the declarations). */
  parameters?: Record<string, unknown>;
  /** Station name passed to the converter (context.station). */
  station?: string;
}

export interface TestedReport {
  /** The report as the queue would get it (final id set). */
  report: Report;
  /** True when it is a valid WSJF report (what the host requires before queueing). */
  valid: boolean;
  /** Every validation error, with its JSON path (`$.pn`, `$.root.steps[0].numericMeas[0].unit`...). */
  problems: readonly ReportProblem[];
}

export interface TestConverterResult {
  converter: string;
  reports: TestedReport[];
  /** What the converter reported with `context.warn` (the daemon writes these beside the Done file). */
  warnings: string[];
  /** True when every report is valid: the host would queue them all. */
  ok: boolean;
}

/**
 * Runs `plugin` on `samplePath`. Throws a ConversionError when the plugin is not a valid API v1
 * converter, its parameters do not fit its declarations, or `convert` throws (with the plugin's
 * message, line and field).
 */
export async function testConverter(
  plugin: ConverterPluginV1 | { default: unknown } | { converter: unknown },
  samplePath: string,
  options: TestConverterOptions = {},
): Promise<TestConverterResult> {
  const candidate = "apiVersion" in plugin ? plugin : pluginFromModule(plugin);
  let converter: ConverterPluginV1;
  try {
    converter = checkPlugin(candidate, "the plugin under test");
  } catch (error) {
    throw new ConversionError((error as Error).message, { kind: "plugin" });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(samplePath));
  } catch (error) {
    throw new ConversionError(`cannot read ${samplePath}: ${(error as Error).message}`, { kind: "io" });
  }
  const job = {
    module: "test",
    converterName: converter.name,
    path: samplePath,
    bytes,
    sha256: sha256Hex(bytes),
    parameters: options.parameters ?? {},
    station: options.station,
  };
  const warnings: string[] = [];
  const output = await callConverter(converter, job, warnings);
  const reports = withIds(output, job, converter.idPolicy ?? "derive").map((report) => {
    const result = validateReport(serialiseReport(report));
    return { report, valid: result.valid, problems: result.errors };
  });
  return { converter: converter.name, reports, warnings, ok: reports.every((r) => r.valid) };
}
