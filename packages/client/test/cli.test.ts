import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { runCli } from "../src/cli/run.js";
import { CLIENT_VERSION } from "../src/version.js";
import { sampleReport, tempDir } from "./helpers/reports.js";

const CANARY = "Q0FOQVJZLWNsaS10b2tlbi05OTpzZWNyZXQtdmFsdWU=";
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

async function cli(args: string[], stdin = "", env: NodeJS.ProcessEnv = {}) {
  const out = { out: "", err: "" };
  const code = await runCli(args, {
    io: { out: (t) => (out.out += t), err: (t) => (out.err += t) },
    env: { HOME: dir, ...env },
    progress: false,
    readStdin: async () => stdin,
  });
  return { code, ...out };
}

describe("tswats-client CLI", () => {
  it("config init/set/show: 0600 file, token from stdin, never printed", async () => {
    const config = join(dir, "client.json");
    expect((await cli(["config", "init", "--config", config, "--base-url", "http://127.0.0.1:9"])).code).toBe(
      EXIT.ok,
    );
    if (process.platform !== "win32") expect(statSync(config).mode & 0o777).toBe(0o600);
    const set = await cli(["config", "set", "server.token", "-", "--config", config], `${CANARY}\n`);
    expect(set.code).toBe(EXIT.ok);
    expect(set.out + set.err).not.toContain(CANARY);
    expect(JSON.parse(readFileSync(config, "utf8")).server.token).toBe(CANARY);
    expect((await cli(["config", "set", "upload.concurrency", "4", "--config", config])).code).toBe(EXIT.ok);
    const shown = await cli(["config", "show", "--json", "--config", config]);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.out).not.toContain(CANARY);
    expect(JSON.parse(shown.out)).toMatchObject({
      tokenSource: "config file",
      config: { upload: { concurrency: 4 }, server: { token: "[REDACTED]" } },
    });
    const bad = await cli(["config", "set", "upload.concurrency", "0", "--config", config]);
    expect(bad.code).toBe(EXIT.config);
    expect(bad.err).toMatch(/upload\.concurrency/);
  });

  it("refuses a token in a file others can read (exit 3, the token not echoed)", async () => {
    const config = join(dir, "client.json");
    writeFileSync(config, JSON.stringify({ server: { baseUrl: "http://127.0.0.1:9", token: CANARY } }));
    chmodSync(config, 0o644);
    const result = await cli(["config", "show", "--config", config]);
    expect(result.code).toBe(EXIT.config);
    expect(result.err).toMatch(/chmod 600/);
    expect(result.err).not.toContain(CANARY);
  });

  it("submit validates and enqueues; a second submit says duplicate; queue list/show read it", async () => {
    const config = join(dir, "client.json");
    await cli(["config", "init", "--config", config, "--base-url", "http://127.0.0.1:9"]);
    const report = sampleReport();
    const file = join(dir, "r.json");
    writeFileSync(file, JSON.stringify(report));
    const first = await cli(["submit", file, "--config", config]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toContain(`enqueued ${report.id}`);
    expect((await cli(["submit", file, "--config", config])).out).toContain("duplicate");
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...report, id: undefined, pn: 5 }));
    const bad = await cli(["submit", join(dir, "bad.json"), "--config", config]);
    expect(bad.code).toBe(EXIT.failure);
    expect(bad.err).toMatch(/pn/);
    const list = JSON.parse((await cli(["queue", "list", "--json", "--config", config])).out);
    expect(list.counts.pending).toBe(1);
    const show = await cli(["queue", "show", report.id as string, "--json", "--config", config]);
    expect(JSON.parse(show.out)).toMatchObject({ state: "pending", entry: { attempts: 0 } });
    expect(
      (await cli(["queue", "show", "00000000-0000-4000-8000-000000000000", "--config", config])).code,
    ).toBe(EXIT.notFound);
    expect(readdirSync(join(dir, "queue", "pending"))).toHaveLength(1);
  });

  it("--version prints the version of package.json", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(CLIENT_VERSION).toBe(pkg.version);
    const result = await cli(["--version"]);
    expect(result).toMatchObject({ code: EXIT.ok, out: `${pkg.version}\n`, err: "" });
  });

  it("exit codes: usage 2, status without a daemon 4, missing config 3", async () => {
    expect((await cli(["frobnicate"])).code).toBe(EXIT.usage);
    expect((await cli(["queue", "list", "--bogus"])).code).toBe(EXIT.usage);
    expect((await cli(["status", "--config", join(dir, "missing.json")])).code).toBe(EXIT.config);
    const config = join(dir, "client.json");
    await cli(["config", "init", "--config", config, "--base-url", "http://127.0.0.1:9"]);
    expect((await cli(["status", "--config", config])).code).toBe(EXIT.notRunning);
  });
});
