/**
 * createSyncWats() under every way Node can start a script: a file, `--input-type=module -e`,
 * stdin, a `-r` preload and an `--import` loader that registers hooks. The engine worker must
 * start with none of the flags that break a worker or run the script's loaders again, and an
 * engine that cannot load must fail the call at once with its own error as the cause.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineClient } from "../src/engine-client.js";
import { WatsEngineError } from "../src/index.js";
import { workerExecArgv } from "../src/launch.js";
import { type SimulatorProcess, startSimulatorProcess } from "./support/simulator-process.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/start-modes/${name}`, import.meta.url));
const callScript = readFileSync(fixture("call.mjs"), "utf8");
/** Flags that let a spawned script load this package from its TypeScript sources. */
const FROM_SOURCE = ["--import", "tsx", "--conditions=@tswats/source"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(stdin ?? "");
  return new Promise((resolve) => {
    // A guard against a hang (the bug this file tests for), not a speed check.
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("the engine worker's execArgv", () => {
  const script = ["--input-type=module", "-e", "console.log(1)"];

  it("drops what only fits the main script and what loads code; keeps conditions and harmless flags", () => {
    const parent = [
      ...script,
      "--import",
      "tsx",
      "-r",
      "./preload.cjs",
      "--require=./other.cjs",
      "--enable-source-maps",
      "--conditions",
      "custom",
      "-C=other",
      "--max-old-space-size=64",
    ];
    expect(workerExecArgv(false, parent)).toEqual([
      "--enable-source-maps",
      "--conditions=custom",
      "--conditions=other",
    ]);
    expect(workerExecArgv(true, script)).toEqual(["--conditions=@tswats/source"]);
  });
});

describe("createSyncWats under every way Node starts a script", () => {
  let sim: SimulatorProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    env = { SIM_URL: sim.url, SIM_TOKEN: sim.token };
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
  });

  it("a script file", async () => {
    const run = await runNode([...FROM_SOURCE, fixture("call.mjs")], env);
    expect(run).toEqual({ code: 0, stdout: "got CBL-7\n", stderr: "" });
  }, 60_000);

  it("node --input-type=module -e", async () => {
    const run = await runNode([...FROM_SOURCE, "--input-type=module", "-e", callScript], env);
    expect(run).toEqual({ code: 0, stdout: "got CBL-7\n", stderr: "" });
  }, 60_000);

  it("a script read from stdin", async () => {
    const run = await runNode([...FROM_SOURCE, "--input-type=module"], env, callScript);
    expect(run).toEqual({ code: 0, stdout: "got CBL-7\n", stderr: "" });
  }, 60_000);

  it("a -r preload", async () => {
    const run = await runNode([...FROM_SOURCE, "-r", fixture("preload.cjs"), fixture("call.mjs")], env);
    // Node runs -r preloads in every worker of the process whatever its execArgv says: the
    // engine sees it too, and still starts.
    expect(run.stdout.split("\n").sort()).toEqual(
      ["", "got CBL-7", "preload ran on main thread", "preload ran on worker thread"].sort(),
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  }, 60_000);

  it("an --import loader that registers hooks runs once, on the script's thread only", async () => {
    const run = await runNode([...FROM_SOURCE, "--import", fixture("loader.mjs"), fixture("call.mjs")], env);
    expect(run).toEqual({ code: 0, stdout: "loader ran on main thread\ngot CBL-7\n", stderr: "" });
  }, 60_000);
});

describe("an engine that cannot load", () => {
  for (const entry of ["fails-on-load.ts", "fails-on-load.mjs"]) {
    it(`fails the start at once with the load error as the cause (${entry})`, () => {
      let caught: unknown;
      try {
        new EngineClient({
          watsOptions: { baseUrl: "http://127.0.0.1:1", token: "dGVzdA==" },
          engineModule: undefined,
          logger: undefined,
          loggerLevels: undefined,
          engineGraceMs: 1_000,
          // Far beyond the test's own timeout: only the reported failure can end the wait in time.
          startupTimeoutMs: 120_000,
          engineEntry: new URL(`./fixtures/start-modes/${entry}`, import.meta.url),
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WatsEngineError);
      const error = caught as WatsEngineError;
      expect(error.reason).toBe("startup");
      expect(error.message).toContain("engine module failed on load (test)");
      expect(error.cause).toBeInstanceOf(RangeError);
      expect((error.cause as Error).message).toBe("engine module failed on load (test)");
    }, 30_000);
  }
});
