import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Every example in examples/ runs as a user would run it: its own Node process, the packages'
 * built entry points (as installed from npm; `pnpm verify` builds first), against the simulator
 * it starts. Each must end with its "finished" line and exit 0.
 */
const folder = join(dirname(fileURLToPath(import.meta.url)), "..");
const examples = readdirSync(folder).filter((name) => name.endsWith(".ts") || name.endsWith(".cjs"));

describe("examples", () => {
  it("finds the examples", () => {
    expect(examples).toContain("quick-start.ts");
    expect(examples).toContain("commonjs.cjs");
  });

  it.each(examples)(
    "%s runs to the end against the simulator",
    (name) => {
      const args = name.endsWith(".cjs") ? [name] : ["--import", "tsx", name];
      const run = spawnSync(process.execPath, args, {
        cwd: folder,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, NO_COLOR: "1" },
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout.trim().split("\n").at(-1)).toMatch(/finished$/);
    },
    90_000,
  ); // a Node process under tsx: its own limit (60 s) applies first
});

describe("the demo (pnpm demo)", () => {
  it("converts, queues and uploads every file once, survives a kill -9 of the daemon, and prints the yields", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", join("demo", "main.ts")], {
      cwd: folder,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1", TSWATS_DEMO_UNITS: "8" },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("kill -9 of the daemon");
    expect(run.stdout).toMatch(/all (\d+) reports arrived exactly once/);
    for (const pn of ["CTRL-7", "PCBA-100", "PSU-20"])
      expect(run.stdout).toMatch(new RegExp(`^  ${pn}\\s+\\d+`, "m"));
    expect(run.stdout.trim().split("\n").at(-1)).toMatch(/^demo finished in/);
  }, 150_000); // its own limit (120 s) applies first
});
