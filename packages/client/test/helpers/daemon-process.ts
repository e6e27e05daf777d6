/**
 * Running the real `tswats-client` executable and the CLI in-process, for the tests that need real
 * processes, real files and the simulator.
 *
 * The executable runs on the TypeScript sources under tsx, so a test never runs stale code. With
 * TSWATS_TEST_BUILT=1 (set for `pnpm verify`, which builds every package just before the tests) it
 * runs the built `dist/cli/main.js` instead: the same code, started without compiling it again in
 * every process (about 1 s of CPU less per start, and the crash tests start dozens).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run.js";
import type { DaemonStateFile } from "../../src/daemon/daemon.js";

export const packageDir = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const builtCli = join(packageDir, "dist/cli/main.js");

/** Node arguments that run `tswats-client <args>`: the build when asked for (see above), else the sources. */
function cliArgs(args: string[]): string[] {
  if (process.env.TSWATS_TEST_BUILT === "1") {
    if (!existsSync(builtCli))
      throw new Error(`TSWATS_TEST_BUILT=1 but ${builtCli} does not exist: run pnpm build first`);
    return [builtCli, ...args];
  }
  return ["--import", "tsx", "--conditions=@tswats/source", "src/cli/main.ts", ...args];
}

/** Everything the daemon wrote to stdout and stderr, appended as it arrives. */
export interface ProcessOutput {
  text: string;
}

/**
 * Spawns `tswats-client start --config <configPath>`. `env` is laid over process.env (a key set
 * to undefined is removed); TSWATS_CLIENT_CONFIG is always cleared.
 */
export function startDaemonProcess(
  configPath: string,
  output: ProcessOutput,
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  const child = spawn(process.execPath, cliArgs(["start", "--config", configPath]), {
    cwd: packageDir,
    env: { ...process.env, TSWATS_CLIENT_CONFIG: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    output.text += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output.text += chunk;
  });
  return child;
}

/** Runs `tswats-client <args>` as its own process; resolves with its exit code and output. */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: packageDir,
    env: { ...process.env, TSWATS_CLIENT_CONFIG: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = { out: "", err: "" };
  child.stdout?.on("data", (chunk) => {
    result.out += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    result.err += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, ...result }));
  });
}

/** Resolves with the exit code once the process has exited (null when a signal ended it). */
export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

/** Polls `condition` (sync or async) every 10 ms; throws after `limitMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  limitMs = 30_000,
  what = "condition",
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`${what} not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `<queue>/daemon.json` of the running daemon, once it exists. */
export async function daemonState(folder: string, limitMs = 30_000): Promise<DaemonStateFile> {
  const path = join(folder, "daemon.json");
  await waitFor(() => existsSync(path), limitMs, `${path}`);
  return JSON.parse(readFileSync(path, "utf8")) as DaemonStateFile;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `tswats-client <args>` in this process, capturing its output. */
export async function runCliCaptured(args: string[], env: NodeJS.ProcessEnv, stdin = ""): Promise<CliResult> {
  const result = { out: "", err: "" };
  const code = await runCli(args, {
    io: { out: (t) => (result.out += t), err: (t) => (result.err += t) },
    env,
    progress: false,
    readStdin: async () => stdin,
  });
  return { code, ...result };
}

/** The pino JSON lines of a log text (other lines skipped). */
export function logLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by the pipe or a non-JSON line
    }
  }
  return lines;
}

/** Prometheus text -> { 'name{labels}': value }. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}
