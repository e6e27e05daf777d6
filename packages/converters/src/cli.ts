/**
 * What `tswats-client convert` and `tswats-client converters list` do, once the command line is
 * parsed (the client's CLI owns the one argument parser and the one exit-code table):
 * `convert` prints the WSJF the file would become, without submitting anything; `list` prints
 * the converters and the refused plugins.
 */
import { serialiseReport } from "@tswats/report";
import type { CommandIo } from "./contract.js";
import { ConversionError, locationText } from "./errors.js";
import { ConverterHost } from "./host.js";

export interface ConvertCommandOptions {
  file: string;
  /** Converter name; default: chosen by file pattern and content. */
  converter?: string | undefined;
  /** `{ ok, file, converter, sha256, reports, warnings }` or `{ ok: false, file, error }` on stdout. */
  json?: boolean | undefined;
  parameters?: Record<string, unknown> | undefined;
  pluginFolders?: readonly string[] | undefined;
  plugins?: readonly string[] | undefined;
  station?: string | undefined;
  /** Convert in this thread (no conversion process, so no time or memory limit). */
  inProcess?: boolean | undefined;
}

/** How a `convert` ended; the CLI maps it to its exit code. */
export type ConvertOutcome = "converted" | "not-converted" | "unknown-converter";

/** `--param key=value` items as parameters; values are JSON when they parse as JSON. Throws naming the bad item. */
export function parseParameterAssignments(list: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`--param ${JSON.stringify(item)}: expected key=value`);
    const key = item.slice(0, eq);
    const text = item.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a plain string
    }
    out[key] = value;
  }
  return out;
}

export async function convertCommand(options: ConvertCommandOptions, io: CommandIo): Promise<ConvertOutcome> {
  const file = options.file;
  const parameters = options.parameters ?? {};
  const host = await ConverterHost.create({
    pluginFolders: [...(options.pluginFolders ?? [])],
    plugins: [...(options.plugins ?? [])],
    workers: 1,
    ...(options.inProcess === true ? { inProcess: true } : {}),
  });
  try {
    for (const f of host.failures) io.err(`warning: plugin refused: ${f.message}\n`);
    if (options.converter !== undefined && !host.get(options.converter)) {
      io.err(
        `unknown converter "${options.converter}" (available: ${host
          .list()
          .map((d) => d.name)
          .join(", ")})\n`,
      );
      return "unknown-converter";
    }
    const v = { converter: options.converter, station: options.station };
    const json = options.json === true;
    try {
      const station = v.station;
      const r = await host.convertFile(file, {
        ...(v.converter !== undefined ? { converter: v.converter } : {}),
        parameters,
        station,
      });
      const wire = r.reports.map((report) => serialiseReport(report));
      if (json) {
        io.out(
          `${JSON.stringify({ ok: true, complete: r.warnings.length === 0, file, converter: r.converter, sha256: r.sha256, reports: wire, warnings: r.warnings }, null, 2)}\n`,
        );
      } else {
        io.out(`${JSON.stringify(wire.length === 1 ? wire[0] : wire, null, 2)}\n`);
        for (const w of r.warnings) io.err(`warning: ${w}\n`);
        io.err(
          `${file}: ${wire.length} report(s) by converter ${r.converter} (not submitted)${
            r.warnings.length > 0
              ? `, with ${r.warnings.length} warning(s): content that could not be carried as written, see above`
              : ""
          }\n`,
        );
      }
      return "converted";
    } catch (error) {
      const e = ConversionError.from(error, "crash");
      // Warnings the converter gave before it failed say what else was wrong with the file.
      const warnings = (error as { warnings?: unknown }).warnings;
      const before = Array.isArray(warnings) ? warnings.map(String) : [];
      if (json) {
        io.out(`${JSON.stringify({ ok: false, file, error: e.toJSON(), warnings: before }, null, 2)}\n`);
      } else {
        for (const w of before) io.err(`warning: ${w}\n`);
        const where = locationText(e);
        io.err(`${file}: cannot convert (${e.kind}${where ? `, ${where}` : ""}): ${e.message}\n`);
      }
      return "not-converted";
    }
  } finally {
    await host.close();
  }
}

export interface ListCommandOptions {
  json?: boolean | undefined;
  pluginFolders?: readonly string[] | undefined;
  plugins?: readonly string[] | undefined;
}

/** `converters list`: every usable converter with its parameters, and the refused plugins. */
export async function convertersListCommand(options: ListCommandOptions, io: CommandIo): Promise<void> {
  const v = { json: options.json };
  const host = await ConverterHost.create({
    pluginFolders: [...(options.pluginFolders ?? [])],
    plugins: [...(options.plugins ?? [])],
    workers: 1,
  });
  try {
    const list = host.list().map((d) => ({
      name: d.name,
      source: d.source,
      description: d.description,
      filePatterns: d.filePatterns,
      parameters: d.parameters,
    }));
    if (v.json === true) {
      io.out(`${JSON.stringify({ converters: list, refused: host.failures }, null, 2)}\n`);
    } else {
      for (const c of list) {
        io.out(`${c.name}  (${c.source})  ${c.filePatterns.join(" ")}\n`);
        if (c.description) io.out(`    ${c.description}\n`);
        for (const [key, spec] of Object.entries(c.parameters)) {
          const def = spec.default === undefined ? "" : ` = ${JSON.stringify(spec.default)}`;
          io.out(
            `    --param ${key} (${spec.type}${spec.type === "enum" ? `: ${(spec.values ?? []).join("|")}` : ""})${def}${spec.description ? `  ${spec.description}` : ""}\n`,
          );
        }
      }
      for (const f of host.failures) io.out(`refused: ${f.message}\n`);
    }
  } finally {
    await host.close();
  }
}
