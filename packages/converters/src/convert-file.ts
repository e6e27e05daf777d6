/** `convertFile`: one file to its reports, without submitting (what `tswats-client convert` does). */
import type { Report } from "@tswats/report";
import { ConverterHost } from "./host.js";

export interface ConvertFileOptions {
  /** Converter name; default: chosen by file pattern and the converters' `detect`. */
  converter?: string;
  parameters?: Record<string, unknown>;
  pluginFolders?: readonly string[];
  /** npm package names of plugins. */
  plugins?: readonly string[];
  station?: string;
  timeoutMs?: number;
  maxMemoryMb?: number;
  maxFileMb?: number;
  /** Convert in this thread (no worker, so no time or memory limit). Default false. */
  inProcess?: boolean;
}

export interface ConvertFileResult {
  converter: string;
  /** The reports, validated, with their final ids. */
  reports: Report[];
  /** sha256 of the file. */
  sha256: string;
  /** Non-fatal problems (e.g. skipped CSV rows). */
  warnings: string[];
}

/** Converts one file; throws a ConversionError (kind, line/field, message) when it cannot. */
export async function convertFile(
  path: string,
  options: ConvertFileOptions = {},
): Promise<ConvertFileResult> {
  const host = await ConverterHost.create({
    ...(options.pluginFolders ? { pluginFolders: options.pluginFolders } : {}),
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.inProcess ? { inProcess: true } : {}),
    workers: 1,
  });
  try {
    const r = await host.convertFile(path, {
      ...(options.converter !== undefined ? { converter: options.converter } : {}),
      ...(options.parameters ? { parameters: options.parameters } : {}),
      station: options.station,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxMemoryMb !== undefined ? { maxMemoryMb: options.maxMemoryMb } : {}),
      ...(options.maxFileMb !== undefined ? { maxFileMb: options.maxFileMb } : {}),
    });
    return { converter: r.converter, reports: r.reports, sha256: r.sha256, warnings: r.warnings };
  } finally {
    await host.close();
  }
}
