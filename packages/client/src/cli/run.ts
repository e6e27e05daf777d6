/**
 * Dispatch of `tswats-client <command> ...` with documented exit codes. Each command's module is
 * loaded when that command runs: the daemon (`start`) loads no other command's code.
 */

import { WatsConfigError } from "@tswats/core";
import { QueueLockedError } from "../daemon/lock.js";
import { CLIENT_VERSION } from "../version.js";
import { EXIT } from "./exit-codes.js";
import { type CliContext, UsageError } from "./io.js";

interface Command {
  run(argv: string[], ctx: CliContext): Promise<number>;
  /** Printed after a usage error of this command (the others point to --help). */
  usage?: string;
}

const commands = () => import("./commands.js");
const convertCommands = () => import("./convert-commands.js");

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => ({ run: (await commands()).startCommand }),
  status: async () => ({ run: (await commands()).statusCommand }),
  queue: async () => ({ run: (await commands()).queueCommand }),
  submit: async () => ({ run: (await commands()).submitCommand }),
  config: async () => ({ run: (await commands()).configCommand }),
  doctor: async () => ({ run: (await commands()).doctorCommand }),
  convert: async () => {
    const m = await convertCommands();
    return { run: m.convertCommand, usage: m.CONVERT_USAGE };
  },
  converters: async () => {
    const m = await convertCommands();
    return { run: m.convertersCommand, usage: m.CONVERTERS_USAGE };
  },
  service: async () => {
    const m = await import("../service/service-command.js");
    return { run: m.serviceCommand, usage: m.SERVICE_USAGE };
  },
};

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
  service install|uninstall|status [--dry-run] [--user]   run as a systemd/launchd/Windows service

Options: -c/--config <file> (default: TSWATS_CLIENT_CONFIG, then the per-user config), --json, -h/--help, --version
Exit codes: 0 ok, 1 failure, 2 usage, 3 config, 4 daemon not running, 5 not found
`;

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [command, ...rest] = argv;
  let found: Command | undefined;
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
      if (command !== "convert" && command !== "converters" && command !== "service") {
        ctx.io.out(HELP);
        return EXIT.ok;
      }
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command: ${command}`);
    found = await load();
    return await found.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.io.err(`usage: ${error.message}\n${found?.usage || "(run tswats-client --help)\n"}`);
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
