/** Dispatch of `tswats-client <command> ...` with documented exit codes. */

import { WatsConfigError } from "@tswats/core";
import { QueueLockedError } from "../daemon/lock.js";
import { CLIENT_VERSION } from "../version.js";
import {
  configCommand,
  doctorCommand,
  queueCommand,
  startCommand,
  statusCommand,
  submitCommand,
} from "./commands.js";
import { CONVERT_USAGE, CONVERTERS_USAGE, convertCommand, convertersCommand } from "./convert-commands.js";
import { EXIT } from "./exit-codes.js";
import { type CliContext, UsageError } from "./io.js";

export const HELP = `tswats-client <command> [options]

  start                         run the daemon in the foreground (SIGTERM/SIGINT drain, SIGHUP re-reads the token)
  status [--json] [--url U]     state of the running daemon (asks it over HTTP)
  queue list [--state S] [--limit N] [--json]
  queue show <id> [--json]
  queue retry <id> | --all [--json]
  queue purge --done [--json]
  submit <report.json>... [--json]   validate and enqueue WSJF files
  convert ...                   run a converter on files (see \`convert --help\`)
  converters list               the converters configured and available
  config init [--base-url U] [--queue DIR] [--port P] [--force]
  config show [--json]          the settings (token never shown)
  config set <key> <value|->    e.g. upload.concurrency 4; server.token - (reads stdin)
  doctor [--json]               config, token, connectivity, clock skew, disk space

Options: -c/--config <file> (default: TSWATS_CLIENT_CONFIG, then the per-user config), --json, -h/--help, --version
Exit codes: 0 ok, 1 failure, 2 usage, 3 config, 4 daemon not running, 5 not found
`;

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--version" || command === "-V") {
      ctx.io.out(`${CLIENT_VERSION}\n`);
      return EXIT.ok;
    }
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      ctx.io.out(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      if (command !== "convert" && command !== "converters") {
        ctx.io.out(HELP);
        return EXIT.ok;
      }
    }
    switch (command) {
      case "start":
        return await startCommand(rest, ctx);
      case "status":
        return await statusCommand(rest, ctx);
      case "queue":
        return await queueCommand(rest, ctx);
      case "submit":
        return await submitCommand(rest, ctx);
      case "config":
        return await configCommand(rest, ctx);
      case "doctor":
        return await doctorCommand(rest, ctx);
      case "convert":
        return await convertCommand(rest, ctx);
      case "converters":
        return await convertersCommand(rest, ctx);
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = command === "convert" ? CONVERT_USAGE : command === "converters" ? CONVERTERS_USAGE : "";
      ctx.io.err(`usage: ${error.message}\n${usage || "(run tswats-client --help)\n"}`);
      return EXIT.usage;
    }
    if (WatsConfigError.is(error)) {
      ctx.io.err(`config error: ${(error as Error).message}\n`);
      return EXIT.config;
    }
    if (error instanceof QueueLockedError) {
      ctx.io.err(`${error.message}\n`);
      return EXIT.failure;
    }
    ctx.io.err(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.failure;
  }
}
