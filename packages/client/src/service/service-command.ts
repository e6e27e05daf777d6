/**
 * `tswats-client service install|uninstall|status [--dry-run] [--user] [--system S] [--name N]
 * [--run-as USER] [--wrapper WinSW.exe]`: the client as an OS service (systemd, launchd, or
 * Windows through the WinSW wrapper). `--dry-run` prints the generated file and the commands and
 * changes nothing. Parsed by the CLI's one parser; config errors exit 3 like every command.
 */
import { realpathSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandArgs, stringOption } from "../cli/args.js";
import { SHUTDOWN_SLACK_MS } from "../cli/commands.js";
import { EXIT } from "../cli/exit-codes.js";
import { type CliContext, UsageError } from "../cli/io.js";
import { loadClientConfig } from "../config/load.js";
import {
  type CommandRunner,
  describePlan,
  detectServiceSystem,
  planService,
  runCommand,
  runServicePlan,
  SERVICE_SYSTEMS,
  type ServiceAction,
  type ServiceSystem,
} from "./plan.js";
import { type ServiceSpec, stopTimeoutSeconds } from "./units.js";

export const SERVICE_USAGE = `tswats-client service install|uninstall|status [--dry-run] [--user] [--system systemd|launchd|windows]
                     [--name tswats-client] [--run-as <user>] [--wrapper <WinSW.exe>] [-c <config>]
install: writes the unit (systemd), property list (launchd) or WinSW definition (Windows) for
\`tswats-client start --config <file>\` and starts it; --dry-run prints them and changes nothing.
--user: a per-user service (systemd --user, a LaunchAgent) instead of a system one.
`;

/** The tswats-client script this process runs from (bin/tswats-client.js of this package). */
export function clientScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "bin", "tswats-client.js");
    try {
      return realpathSync(candidate);
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error("cannot find bin/tswats-client.js of @tswats/client");
}

export async function serviceCommand(
  argv: string[],
  ctx: CliContext,
  run: CommandRunner = runCommand,
): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    "dry-run": { type: "boolean" },
    user: { type: "boolean" },
    system: { type: "string" },
    name: { type: "string" },
    "run-as": { type: "string" },
    wrapper: { type: "string" },
  });
  if (values.help) {
    ctx.io.out(SERVICE_USAGE);
    return EXIT.ok;
  }
  const [action, ...extra] = positionals;
  if (action !== "install" && action !== "uninstall" && action !== "status")
    throw new UsageError("service install | uninstall | status");
  if (extra.length > 0) throw new UsageError(`service ${action} takes no arguments (got ${extra.join(" ")})`);
  const systemOption = stringOption(values, "system");
  if (systemOption !== undefined && !(SERVICE_SYSTEMS as readonly string[]).includes(systemOption))
    throw new UsageError(`--system must be one of ${SERVICE_SYSTEMS.join(", ")}`);
  const system = (systemOption as ServiceSystem | undefined) ?? detectServiceSystem();
  if (!system) {
    ctx.io.err(
      "no supported service manager here (systemd, launchd or Windows); --system <name> --dry-run shows the files\n",
    );
    return EXIT.failure;
  }
  const name = stringOption(values, "name") ?? "tswats-client";
  if (!/^[A-Za-z0-9][\w.-]{0,63}$/.test(name))
    throw new UsageError("--name: letters, digits, '.', '_' and '-' (at most 64)");
  const dryRun = values["dry-run"] === true;
  const scope = values.user === true ? "user" : "system";
  const spec = serviceSpec(action, name, ctx, stringOption(values, "config"), stringOption(values, "run-as"));
  const wrapper = stringOption(values, "wrapper");
  if (system === "windows" && action === "install" && !dryRun && wrapper === undefined)
    throw new UsageError(
      "--wrapper <WinSW.exe>: Windows runs Node through a service wrapper (see the README)",
    );
  const plan = planService(action, system, spec, {
    scope,
    home: ctx.env.HOME ?? homedir(),
    uid: process.getuid?.() ?? 0,
    wrapper,
  });
  if (dryRun) {
    ctx.io.out(describePlan(plan));
    return EXIT.ok;
  }
  const status = runServicePlan(plan, run);
  if (action !== "status") {
    ctx.io.out(
      status === 0 ? `${action}ed ${name} (${system}${system === "windows" ? "" : `, ${scope}`})\n` : "",
    );
    if (status !== 0) ctx.io.err(`service ${action} failed (exit ${status})\n`);
  }
  return status === 0 ? EXIT.ok : EXIT.failure;
}

function serviceSpec(
  action: ServiceAction,
  name: string,
  ctx: CliContext,
  config: string | undefined,
  runAs: string | undefined,
): ServiceSpec {
  // install needs the config (its shutdown bound, and it must be valid); the others only the name.
  const loaded =
    action === "install"
      ? loadClientConfig({ ...(config ? { path: config } : {}), env: ctx.env })
      : undefined;
  const configPath = loaded?.path ?? config ?? "";
  const user = runAs ?? ctx.env.SUDO_USER ?? (process.getuid?.() === 0 ? undefined : safeUserName());
  return {
    name,
    node: process.execPath,
    cli: clientScript(),
    configPath,
    workingDirectory: configPath ? dirname(configPath) : process.cwd(),
    user,
    stopTimeoutSeconds: stopTimeoutSeconds(loaded?.config.shutdownTimeoutMs ?? 10_000, SHUTDOWN_SLACK_MS),
  };
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
