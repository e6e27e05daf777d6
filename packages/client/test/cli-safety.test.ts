/**
 * The CLI's one parser and exit-code table (also for `convert` and `converters`), config errors
 * that never echo a secret, and a daemon that is intentionally offline without a token.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { runCli } from "../src/cli/run.js";
import { loadClientConfig } from "../src/config/load.js";
import { startDaemon } from "../src/daemon/daemon.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { tempDir } from "./helpers/reports.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = { out: "", err: "" };
  const code = await runCli(args, {
    io: { out: (t) => (out.out += t), err: (t) => (out.err += t) },
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, "xdg"), ...env },
    progress: false,
    readStdin: async () => "",
  });
  return { code, ...out };
}

function writeConfig(text: string): string {
  const path = join(dir, "client.json");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe("one parser, one exit-code table", () => {
  it("convert and converters take usage errors like every command (exit 2, with their usage)", async () => {
    const none = await cli(["convert"]);
    expect(none.code).toBe(EXIT.usage);
    expect(none.err).toMatch(/usage: convert takes exactly one file \(got 0\)\ntswats-client convert <file>/);
    const bogus = await cli(["convert", "x.xml", "--bogus"]);
    expect(bogus.code).toBe(EXIT.usage);
    expect(bogus.err).toMatch(/Unknown option '--bogus'/);
    const param = await cli(["convert", "x.xml", "--param", "novalue"]);
    expect(param.code).toBe(EXIT.usage);
    expect(param.err).toMatch(/--param "novalue": expected key=value/);
    const list = await cli(["converters"]);
    expect(list.code).toBe(EXIT.usage);
    expect(list.err).toMatch(/expected "converters list"/);
    expect((await cli(["convert", "--help"])).out).toMatch(/^tswats-client convert <file>/);
  });

  it("convert: an unknown converter is a usage error, a file that cannot be converted a failure", async () => {
    const file = join(dir, "x.csv");
    writeFileSync(file, "SerialNumber,PartNumber,TestDate,StepName\nS,P,2026-01-01 10:00:00,V,extra\n");
    const unknown = await cli(["convert", file, "--converter", "nope", "--in-process"]);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toMatch(/unknown converter "nope"/);
    const bad = await cli(["convert", file, "--in-process"]);
    expect(bad.code).toBe(EXIT.failure);
    expect(bad.err).toMatch(/cannot convert \(content, line 2\)/);
  });
});

describe("secrets in config errors and output", () => {
  it("an unquoted token: line and column, no text of the file", async () => {
    const path = writeConfig(
      `{\n  "server": {\n    "baseUrl": "https://x.example",\n    "token": ${CANARY}\n  }\n}\n`,
    );
    const shown = await cli(["config", "show", "--config", path]);
    expect(shown.code).toBe(EXIT.config);
    expect(shown.err).toMatch(/is not valid JSON at line 4, column 14/);
    const doctor = await cli(["doctor", "--config", path]);
    expect(doctor.code).toBe(EXIT.failure);
    expectNoLeak([shown.out, shown.err, doctor.out, doctor.err], [CANARY, CANARY.slice(0, 10)]);
  });

  it("a password in server.baseUrl is refused by name and never printed (config show, doctor, start)", async () => {
    const path = writeConfig(JSON.stringify({ server: { baseUrl: "https://op:Pa55w0rd-secret@x.example" } }));
    const outputs: string[] = [];
    for (const args of [["config", "show"], ["doctor"], ["start"], ["submit", "x.json"]]) {
      const r = await cli([...args, "--config", path]);
      outputs.push(r.out, r.err);
      expect(r.code, args.join(" ")).toBe(args[0] === "doctor" ? EXIT.failure : EXIT.config);
    }
    expect(outputs.join("")).toMatch(/server\.baseUrl: must not contain credentials; use the token setting/);
    expect(outputs.join("")).not.toContain("Pa55w0rd-secret");
    expect(outputs.join("")).not.toContain("op:");
  });

  it("every settings error is one WatsConfigError listing the fields (core's vocabulary)", async () => {
    const path = writeConfig(
      JSON.stringify({
        server: { baseUrl: "https://x.example", token: "has space" },
        upload: { breaker: { failureThreshold: 0 }, throttle: { limit: "many" }, baseDelayMs: -1 },
        log: { level: "loud" },
      }),
    );
    const r = await cli(["config", "show", "--config", path]);
    expect(r.code).toBe(EXIT.config);
    expect(r.err).toMatch(/server\.token: must be the base64 token WATS issued/);
    expect(r.err).toMatch(/upload\.breaker\.failureThreshold: /);
    expect(r.err).toMatch(/upload\.throttle\.limit: /);
    expect(r.err).toMatch(/upload\.baseDelayMs: /);
    expect(r.err).toMatch(/log\.level: /);
    expect(r.err).not.toContain("has space");
  });
});

describe("upload.enabled: false", () => {
  it("starts without a token (queue only)", async () => {
    const path = writeConfig(
      JSON.stringify({
        server: { baseUrl: "https://x.example" },
        queue: { folder: join(dir, "queue") },
        upload: { enabled: false },
        health: { port: 0 },
      }),
    );
    const { config, token } = loadClientConfig({ path, env: {} });
    expect(token).toBeUndefined();
    const daemon = await startDaemon({ config, configPath: path, token: () => "" });
    try {
      expect((await daemon.ready()).ready).toBe(true);
    } finally {
      await daemon.stop();
    }
  });
});
