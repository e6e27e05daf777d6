/**
 * CLI commands of the converters:
 *   tswats-client convert <file> [--converter <name>] [--json] [--param key=value]... [--plugin-folder <dir>]...
 *                                [--plugin <npm-name>]... [--station <name>] [--in-process]
 *   tswats-client converters list [--json] [--plugin-folder <dir>]... [--plugin <npm-name>]...
 * `convert` prints the WSJF the file would become, without submitting anything.
 * Exit codes: 0 ok, 1 conversion error, 2 usage error.
 */
import { parseArgs } from "node:util";
import { serialiseReport } from "@tswats/report";
import type { CommandIo } from "./contract.js";
import { ConversionError, locationText } from "./errors.js";
import { ConverterHost } from "./host.js";

/** Defaults the CLI main may pass from the client config file. */
export interface ConverterCommandDefaults {
  pluginFolders?: readonly string[];
  plugins?: readonly string[];
  station?: string;
}

const CONVERT_USAGE = `usage: tswats-client convert <file> [--converter <name>] [--json] [--param key=value]...
                             [--plugin-folder <dir>]... [--plugin <npm-name>]... [--station <name>] [--in-process]
Prints the WSJF report(s) the file would become, without submitting. Without --converter the
converter is chosen by file pattern and content. --param values are JSON when they parse as JSON.
Exit codes: 0 converted, 1 the file cannot be converted, 2 usage error.
`;

const LIST_USAGE = `usage: tswats-client converters list [--json] [--plugin-folder <dir>]... [--plugin <npm-name>]...
`;

function parse(
  argv: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>["options"],
  io: CommandIo,
  usage: string,
) {
  try {
    return parseArgs({ args: argv, options: options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n${usage}`);
    return undefined;
  }
}

function parseParams(list: readonly string[]): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) return `--param ${JSON.stringify(item)}: expected key=value`;
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

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export async function convertCommand(
  argv: string[],
  io: CommandIo,
  defaults: ConverterCommandDefaults = {},
): Promise<number> {
  const args = argv[0] === "convert" ? argv.slice(1) : argv;
  const parsed = parse(
    args,
    {
      converter: { type: "string", short: "c" },
      json: { type: "boolean" },
      param: { type: "string", multiple: true, short: "p" },
      "plugin-folder": { type: "string", multiple: true },
      plugin: { type: "string", multiple: true },
      station: { type: "string" },
      "in-process": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    io,
    CONVERT_USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values as Record<string, unknown>;
  if (v.help) {
    io.out(CONVERT_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`convert takes exactly one file (got ${parsed.positionals.length})\n${CONVERT_USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0] as string;
  const parameters = parseParams(strings(v.param));
  if (typeof parameters === "string") {
    io.err(`${parameters}\n${CONVERT_USAGE}`);
    return 2;
  }
  const json = v.json === true;
  const host = await ConverterHost.create({
    pluginFolders: [...(defaults.pluginFolders ?? []), ...strings(v["plugin-folder"])],
    plugins: [...(defaults.plugins ?? []), ...strings(v.plugin)],
    workers: 1,
    ...(v["in-process"] === true ? { inProcess: true } : {}),
  });
  try {
    for (const f of host.failures) io.err(`warning: plugin refused: ${f.message}\n`);
    if (typeof v.converter === "string" && !host.get(v.converter)) {
      io.err(
        `unknown converter "${v.converter}" (available: ${host
          .list()
          .map((d) => d.name)
          .join(", ")})\n`,
      );
      return 2;
    }
    try {
      const station = typeof v.station === "string" ? v.station : defaults.station;
      const r = await host.convertFile(file, {
        ...(typeof v.converter === "string" ? { converter: v.converter } : {}),
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
      return 0;
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
      return 1;
    }
  } finally {
    await host.close();
  }
}

export async function convertersCommand(
  argv: string[],
  io: CommandIo,
  defaults: ConverterCommandDefaults = {},
): Promise<number> {
  const args = argv[0] === "converters" ? argv.slice(1) : argv;
  const parsed = parse(
    args,
    {
      json: { type: "boolean" },
      "plugin-folder": { type: "string", multiple: true },
      plugin: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    io,
    LIST_USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values as Record<string, unknown>;
  if (v.help) {
    io.out(LIST_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== "list") {
    io.err(`expected "converters list"\n${LIST_USAGE}`);
    return 2;
  }
  const host = await ConverterHost.create({
    pluginFolders: [...(defaults.pluginFolders ?? []), ...strings(v["plugin-folder"])],
    plugins: [...(defaults.plugins ?? []), ...strings(v.plugin)],
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
    return 0;
  } finally {
    await host.close();
  }
}
