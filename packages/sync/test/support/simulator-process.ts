/**
 * The simulator in a child process. A sync call blocks its thread in Atomics.wait, so a
 * simulator on the same thread could never answer: tests and the benchmark run it apart, start
 * it with the CLI, and steer faults through its `/_sim` control routes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const cli = fileURLToPath(new URL("../../../simulator/src/cli.ts", import.meta.url));

export interface SimulatorProcess {
  readonly url: string;
  readonly token: string;
  /** POST /_sim/faults: adds a fault (same shape as `sim.faults.add`). */
  addFault(spec: Record<string, unknown>): Promise<void>;
  /** DELETE /_sim/faults */
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatorProcess(args: string[] = []): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@tswats/source", cli, "--port", "0", "--seed", "1", ...args],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (\S+)/.exec(output)?.[1];
      const token = /token:\s+(\S+)/.exec(output)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}:\n${output}`));
    });
  });
  const control = async (method: string, body?: unknown) => {
    const response = await fetch(`${url}/_sim/faults`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`simulator control ${method}: ${response.status} ${await response.text()}`);
  };
  return {
    url,
    token,
    addFault: (spec) => control("POST", spec),
    clearFaults: () => control("DELETE"),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
