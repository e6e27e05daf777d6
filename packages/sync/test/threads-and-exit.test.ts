/**
 * The facade from several worker threads at once (each with its own facade and engine), and a
 * script that never calls close() still exits by itself.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModuleWorker } from "../src/launch.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

interface ThreadReport {
  threadId: number;
  engineThreadId: number;
  products: unknown[];
  errors: string[];
}

function runThread(workerData: Record<string, unknown>): Promise<ThreadReport> {
  const worker = startModuleWorker(new URL("./fixtures/thread-caller.ts", import.meta.url), { workerData });
  return new Promise((resolve, reject) => {
    let report: ThreadReport | undefined;
    worker.once("message", (message: ThreadReport) => {
      report = message;
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      report !== undefined && code === 0 ? resolve(report) : reject(new Error(`thread exited with ${code}`)),
    );
  });
}

describe("sync facade from threads and processes", () => {
  let sim: SimulatorProcess;

  beforeAll(async () => {
    sim = await startSimulatorProcess();
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("works from several worker threads at once, each with its own facade", async () => {
    const rounds = 5;
    const reports = await Promise.all(
      [1, 2, 3].map(() => runThread({ url: sim.url, token: sim.token, rounds })),
    );
    const threadIds = new Set(reports.map((r) => r.threadId));
    const engines = new Set(reports.map((r) => r.engineThreadId));
    expect(threadIds.size).toBe(3);
    expect(engines.size).toBe(3);
    for (const report of reports) {
      expect(report.products).toHaveLength(rounds);
      for (const product of report.products) expect(product).toMatchObject({ partNumber: "CBL-7" });
      expect(report.errors).toEqual(Array.from({ length: rounds }, () => "WatsNotFoundError"));
    }
  }, 60_000);

  it("a script that never calls close() still exits, with its output", async () => {
    const script = fileURLToPath(new URL("./fixtures/no-close.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@tswats/source", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: { ...process.env, SIM_URL: sim.url, SIM_TOKEN: sim.token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 40_000);
      child.once("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "got CBL-7 station=true\n", stderr: "" });
  }, 60_000);
});
