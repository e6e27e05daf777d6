/**
 * `tswats-client convert` and `tswats-client converters list`: parsed here with the CLI's one
 * parser, run by @tswats/converters, exit codes from the one table. They work without a config
 * file; when there is one (-c/--config, else the default location if it exists) its plugin
 * folders, npm plugins and station apply.
 */
import { existsSync } from "node:fs";
import { loadClientConfig, resolveConfigPath } from "../config/load.js";
import { parseCommandArgs, stringList, stringOption } from "./args.js";
import { EXIT } from "./exit-codes.js";
import { type CliContext, UsageError } from "./io.js";

export const CONVERT_USAGE = `tswats-client convert <file> [--converter <name>] [--json] [--param key=value]...
                     [--plugin-folder <dir>]... [--plugin <npm-name>]... [--station <name>] [--in-process]
Prints the WSJF report(s) the file would become, without submitting. Without --converter the
converter is chosen by file pattern and content. --param values are JSON when they parse as JSON.
Exit codes: 0 converted, 1 the file cannot be converted, 2 usage error (also an unknown converter).
`;

export const CONVERTERS_USAGE = `tswats-client converters list [--json] [--plugin-folder <dir>]... [--plugin <npm-name>]...
`;

interface ConfigDefaults {
  pluginFolders: readonly string[];
  plugins: readonly string[];
  station?: string | undefined;
}

function configDefaults(explicit: string | undefined, ctx: CliContext): ConfigDefaults {
  const path = resolveConfigPath(explicit, ctx.env);
  if (explicit === undefined && !existsSync(path)) return { pluginFolders: [], plugins: [] };
  const { config } = loadClientConfig({ path, env: ctx.env });
  return { pluginFolders: config.pluginFolders, plugins: config.plugins, station: config.server.station };
}

export async function convertCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    converter: { type: "string" },
    param: { type: "string", multiple: true, short: "p" },
    "plugin-folder": { type: "string", multiple: true },
    plugin: { type: "string", multiple: true },
    station: { type: "string" },
    "in-process": { type: "boolean" },
  });
  if (values.help) {
    ctx.io.out(CONVERT_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(`convert takes exactly one file (got ${positionals.length})`);
  let parameters: Record<string, unknown>;
  const { parseParameterAssignments, convertCommand: run } = await import("@tswats/converters");
  try {
    parameters = parseParameterAssignments(stringList(values, "param"));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const defaults = configDefaults(stringOption(values, "config"), ctx);
  const outcome = await run(
    {
      file: positionals[0] as string,
      converter: stringOption(values, "converter"),
      json: values.json === true,
      parameters,
      pluginFolders: [...defaults.pluginFolders, ...stringList(values, "plugin-folder")],
      plugins: [...defaults.plugins, ...stringList(values, "plugin")],
      station: stringOption(values, "station") ?? defaults.station,
      inProcess: values["in-process"] === true,
    },
    ctx.io,
  );
  return outcome === "converted" ? EXIT.ok : outcome === "unknown-converter" ? EXIT.usage : EXIT.failure;
}

export async function convertersCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    "plugin-folder": { type: "string", multiple: true },
    plugin: { type: "string", multiple: true },
  });
  if (values.help) {
    ctx.io.out(CONVERTERS_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || positionals[0] !== "list")
    throw new UsageError('expected "converters list"');
  const defaults = configDefaults(stringOption(values, "config"), ctx);
  const { convertersListCommand } = await import("@tswats/converters");
  await convertersListCommand(
    {
      json: values.json === true,
      pluginFolders: [...defaults.pluginFolders, ...stringList(values, "plugin-folder")],
      plugins: [...defaults.plugins, ...stringList(values, "plugin")],
    },
    ctx.io,
  );
  return EXIT.ok;
}
