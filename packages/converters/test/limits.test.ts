/**
 * Limits that hold whatever a plugin does: conversions run in child processes, so memory outside
 * the V8 heap (Buffers) counts, and a conversion blocked in native code (`execSync`) is stopped
 * at its time limit together with the command it started. Plugins live in a temp folder outside
 * any node_modules tree and import `UutReport` from `@tswats/converters` (resolved to the host's copy).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { conversionFailure, tempDir } from "./helpers.js";

const plugin = (name: string, body: string) => `import { execSync } from "node:child_process";
import { UutReport } from "@tswats/converters";
export default {
  apiVersion: 1, name: ${JSON.stringify(name)}, filePatterns: ["*.${name}"],
  convert(input) {
    ${body}
    const uut = new UutReport({ pn: "PN-1", sn: input.fileName, rev: "A", processCode: 10, operator: "op",
      station: "st", location: "l", purpose: "p", start: "2026-01-01T10:00:00+01:00" });
    uut.root.passFail("ok", true);
    return uut.build();
  },
};
`;

let tmp: Awaited<ReturnType<typeof tempDir>>;
let host: ConverterHost;
let pidFile: string;

beforeAll(async () => {
  tmp = await tempDir();
  const folder = join(tmp.dir, "plugins");
  await mkdir(folder);
  pidFile = join(tmp.dir, "sleeper.pid");
  await writeFile(join(folder, "builder.mjs"), plugin("builder", ""));
  await writeFile(
    join(folder, "buffers.mjs"),
    plugin("buffers", "const keep = []; for (;;) keep.push(Buffer.alloc(4 * 1024 * 1024, 1));"),
  );
  await writeFile(
    join(folder, "blocked.mjs"),
    plugin("blocked", `execSync("echo $$ > ${pidFile}; exec sleep 60", { shell: "/bin/sh" });`),
  );
  host = await ConverterHost.create({ pluginFolders: [folder], workers: 1 });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await tmp.cleanup();
});

async function input(name: string): Promise<string> {
  const path = join(tmp.dir, name);
  await writeFile(path, name);
  return path;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("conversion limits (child processes)", () => {
  it("a plugin in a plain folder imports UutReport from @tswats/converters and builds a valid report", async () => {
    expect(host.failures).toEqual([]);
    const r = await host.convertFile(await input("one.builder"), { converter: "builder" });
    expect(r.reports).toHaveLength(1);
    expect(r.reports[0]?.sn).toBe("one.builder");
  }, 60_000);

  it("a plugin allocating Buffers without bound is stopped at maxMemoryMb; the next file converts", async () => {
    const e = await failure(
      host.convertFile(await input("x.buffers"), { converter: "buffers", maxMemoryMb: 64 }),
    );
    expect(e.kind).toBe("memory");
    expect(e.message).toMatch(/more than 64 MB above its idle size \(setting maxMemoryMb\)/);
    const ok = await host.convertFile(await input("two.builder"), { converter: "builder", maxMemoryMb: 64 });
    expect(ok.reports).toHaveLength(1);
  }, 60_000);

  it.skipIf(process.platform === "win32")(
    "a plugin blocked in execSync is stopped at timeoutMs, with the command it started",
    async () => {
      const e = await failure(
        host.convertFile(await input("x.blocked"), { converter: "blocked", timeoutMs: 1500 }),
      );
      expect(e.kind).toBe("timeout");
      expect(e.message).toMatch(/did not finish within 1500 ms/);
      expect(existsSync(pidFile)).toBe(true);
      const sleeper = Number(readFileSync(pidFile, "utf8").trim());
      const deadline = Date.now() + 5_000;
      while (alive(sleeper) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(alive(sleeper)).toBe(false);
      const ok = await host.convertFile(await input("three.builder"), { converter: "builder" });
      expect(ok.reports).toHaveLength(1);
    },
    60_000,
  );
});

const failure = conversionFailure;
