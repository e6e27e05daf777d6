import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

describe("CLI (pnpm simulator)", () => {
  it("prints its URL and token, serves requests, and stops on SIGINT", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@tswats/source",
        join(repoRoot, "packages/simulator/src/cli.ts"),
        "--port",
        "0",
        "--seed",
        "5",
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const printed = new Promise<{ url: string; token: string }>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        const token = /token:\s+(\S+)/.exec(output)?.[1];
        if (url && token) resolve({ url, token });
      });
      child.on("exit", (code) => reject(new Error(`exited early (${code}): ${errors}`)));
    });
    try {
      const { url, token } = await printed;
      const response = await fetch(`${url}/api/Product/PWR-1000`, {
        headers: { authorization: `Basic ${token}` },
      });
      expect(response.status).toBe(200);
      const exited = once(child, "exit");
      child.kill("SIGINT");
      const [code] = await exited;
      expect(code).toBe(0);
      expect(output).toContain("SIGINT: stopping the simulator");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("refuses a malformed --port", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@tswats/source",
        join(repoRoot, "packages/simulator/src/cli.ts"),
        "--port",
        "eighty",
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(errors).toContain("--port must be a non-negative integer");
  });
});
