/**
 * What `tswats-client service install|uninstall|status` does on each service manager, as a plan
 * (files to write or remove, commands to run) that `--dry-run` prints and `runServicePlan` carries
 * out. Planning touches nothing, so tests check plans by content and never install a unit.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  launchdLabel,
  launchdPlist,
  type ServiceScope,
  type ServiceSpec,
  systemdUnit,
  winswXml,
} from "./units.js";

export type ServiceSystem = "systemd" | "launchd" | "windows";
export const SERVICE_SYSTEMS: readonly ServiceSystem[] = ["systemd", "launchd", "windows"];
export type ServiceAction = "install" | "uninstall" | "status";

export interface ServicePlan {
  system: ServiceSystem;
  /** Files to write (content) or to copy (from). */
  files: { path: string; content?: string; from?: string }[];
  /** Files to remove. */
  remove: string[];
  /** Commands, in order, after the files are written and before any is removed. */
  commands: string[][];
  /** Commands after the files are removed. */
  after: string[][];
}

export interface PlanOptions {
  scope: ServiceScope;
  home: string;
  /** The user id (launchd's gui/<uid> domain). */
  uid: number;
  /** Windows: the WinSW executable to install as the service wrapper. */
  wrapper?: string | undefined;
}

/** The service manager of this machine, if it has one we support. */
export function detectServiceSystem(
  platform: NodeJS.Platform = process.platform,
  exists: (path: string) => boolean = existsSync,
): ServiceSystem | undefined {
  if (platform === "win32") return "windows";
  if (platform === "darwin") return "launchd";
  if (platform === "linux" && exists("/run/systemd/system")) return "systemd";
  return undefined;
}

/** Where the unit / plist / service definition lives. */
export function serviceFilePath(
  system: ServiceSystem,
  spec: Pick<ServiceSpec, "name" | "workingDirectory">,
  options: PlanOptions,
): string {
  switch (system) {
    case "systemd":
      return options.scope === "system"
        ? `/etc/systemd/system/${spec.name}.service`
        : join(options.home, ".config", "systemd", "user", `${spec.name}.service`);
    case "launchd": {
      const file = `${launchdLabel(spec as ServiceSpec)}.plist`;
      return options.scope === "system"
        ? `/Library/LaunchDaemons/${file}`
        : join(options.home, "Library", "LaunchAgents", file);
    }
    case "windows":
      return join(spec.workingDirectory, `${spec.name}.xml`);
  }
}

export function planService(
  action: ServiceAction,
  system: ServiceSystem,
  spec: ServiceSpec,
  options: PlanOptions,
): ServicePlan {
  const path = serviceFilePath(system, spec, options);
  const plan: ServicePlan = { system, files: [], remove: [], commands: [], after: [] };
  switch (system) {
    case "systemd": {
      const systemctl = options.scope === "user" ? ["systemctl", "--user"] : ["systemctl"];
      if (action === "install") {
        plan.files.push({ path, content: systemdUnit(spec, options.scope) });
        plan.commands.push(
          [...systemctl, "daemon-reload"],
          [...systemctl, "enable", "--now", `${spec.name}.service`],
        );
      } else if (action === "uninstall") {
        plan.commands.push([...systemctl, "disable", "--now", `${spec.name}.service`]);
        plan.remove.push(path);
        plan.after.push([...systemctl, "daemon-reload"]);
      } else plan.commands.push([...systemctl, "status", "--no-pager", `${spec.name}.service`]);
      return plan;
    }
    case "launchd": {
      const domain = options.scope === "system" ? "system" : `gui/${options.uid}`;
      const label = launchdLabel(spec);
      if (action === "install") {
        plan.files.push({ path, content: launchdPlist(spec) });
        plan.commands.push(["launchctl", "bootstrap", domain, path]);
      } else if (action === "uninstall") {
        plan.commands.push(["launchctl", "bootout", `${domain}/${label}`]);
        plan.remove.push(path);
      } else plan.commands.push(["launchctl", "print", `${domain}/${label}`]);
      return plan;
    }
    case "windows": {
      const exe = join(spec.workingDirectory, `${spec.name}.exe`);
      if (action === "install") {
        plan.files.push({ path: exe, from: options.wrapper ?? "<WinSW.exe given with --wrapper>" });
        plan.files.push({ path, content: winswXml(spec) });
        plan.commands.push([exe, "install"], [exe, "start"]);
      } else if (action === "uninstall") {
        plan.commands.push([exe, "stop"], [exe, "uninstall"]);
        plan.remove.push(path, exe);
      } else plan.commands.push(["sc.exe", "query", spec.name]);
      return plan;
    }
  }
}

/** The plan as `--dry-run` prints it. */
export function describePlan(plan: ServicePlan): string {
  const out: string[] = [];
  for (const file of plan.files) {
    if (file.content !== undefined) out.push(`# would write ${file.path}:`, file.content.trimEnd(), "");
    else out.push(`# would copy ${file.from} to ${file.path}`);
  }
  for (const command of plan.commands) out.push(`# would run: ${command.map(shellWord).join(" ")}`);
  for (const path of plan.remove) out.push(`# would remove ${path}`);
  for (const command of plan.after) out.push(`# would run: ${command.map(shellWord).join(" ")}`);
  return `${out.join("\n")}\n`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

export type CommandRunner = (command: string[]) => number;

/** Runs a command with the terminal's stdio; its exit status. */
export const runCommand: CommandRunner = ([file, ...args]) => {
  try {
    execFileSync(file as string, args, { stdio: "inherit" });
    return 0;
  } catch (error) {
    const status = (error as { status?: number | null }).status;
    if (typeof status === "number") return status;
    throw new Error(`cannot run ${file}: ${(error as Error).message}`);
  }
};

/** Carries out a plan; stops at the first command that fails (its exit status), else 0. */
export function runServicePlan(plan: ServicePlan, run: CommandRunner = runCommand): number {
  for (const file of plan.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    if (file.from !== undefined) copyFileSync(file.from, file.path);
    else writeFileSync(file.path, file.content ?? "", { mode: 0o644 });
  }
  for (const command of plan.commands) {
    const status = run(command);
    if (status !== 0) return status;
  }
  for (const path of plan.remove) rmSync(path, { force: true });
  for (const command of plan.after) {
    const status = run(command);
    if (status !== 0) return status;
  }
  return 0;
}
