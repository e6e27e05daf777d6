import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const coreDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs an ES module snippet in a fresh Node process from the core package's folder, from sources.
 * NODE_PATH is cleared: package-manager shims set it to the whole store, which would find
 * pino-pretty anywhere.
 */
function node(script: string) {
  const { NODE_PATH: _ignored, ...env } = process.env;
  return run(
    process.execPath,
    ["--import", "tsx", "--conditions=@tswats/source", "--input-type=module", "-e", script],
    { cwd: coreDir, env },
  );
}

describe("pino-pretty, an optional peer dependency", () => {
  it("is found beside @tswats/core when installed, and not where nothing has it", async () => {
    const empty = await mkdtemp(join(tmpdir(), "tswats-no-pretty-"));
    try {
      const module = pathToFileURL(join(coreDir, "src/pretty-output.ts")).href;
      const { stdout } = await node(
        `import { findPinoPretty } from ${JSON.stringify(module)};\n` +
          `console.log(JSON.stringify({ beside: findPinoPretty() ?? null, ` +
          `empty: findPinoPretty([${JSON.stringify(join(empty, "package.json"))}]) ?? null }));\n`,
      );
      const found = JSON.parse(stdout) as { beside: string | null; empty: string | null };
      // In this workspace it is a devDependency of @tswats/core.
      expect(found.beside).toMatch(/pino-pretty/);
      expect(found.empty).toBeNull();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("gives pretty lines when asked for and installed; JSON when pretty is off", async () => {
    const script = (pretty: boolean) =>
      `import { createLogger } from "@tswats/core";\n` +
      `createLogger({ pretty: ${pretty}, name: "demo" }).info({ part: "PCB-1" }, "hello there");\n`;
    const [pretty, json] = await Promise.all([node(script(true)), node(script(false))]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal colour codes
    const text = pretty.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    expect(text).toContain("INFO (demo): hello there");
    expect(text).toContain('part: "PCB-1"');
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ level: 30, name: "demo", msg: "hello there" });
  });
});
