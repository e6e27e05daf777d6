/**
 * The daemon as a real process with plugins that misbehave: one allocates Buffers without bound,
 * one blocks in `execSync`. Each is stopped at its limit (the file goes to Error/ with the reason,
 * the command it started dies), the daemon keeps working, and SIGTERM ends it within
 * shutdownTimeoutMs plus the documented slack even while a conversion is blocked, leaving that
 * file in its watch folder. On the way, a corrected report (same id, new content) submitted while
 * it runs replaces the old one on the simulator.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator } from "@tswats/simulator";
import { describe, expect, it } from "vitest";
import { SHUTDOWN_SLACK_MS } from "../src/cli/commands.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import {
  daemonState,
  exited,
  runCliCaptured,
  startDaemonProcess,
  waitFor,
} from "./helpers/daemon-process.js";
import { sampleReport, tempDir } from "./helpers/reports.js";

const SHUTDOWN_MS = 3_000;

const plugin = (name: string, body: string) => `import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
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

const readIfThere = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : "");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(process.platform === "win32")(
  "daemon with misbehaving converter plugins (real processes)",
  () => {
    it("memory and time limits hold; SIGTERM within its bound; a correction replaces the report", {
      timeout: 180_000,
    }, async () => {
      const { dir, cleanup } = await tempDir();
      const sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
      let child: ReturnType<typeof startDaemonProcess> | undefined;
      try {
        const plugins = join(dir, "plugins");
        const [hogIn, blockedIn, longIn] = ["hog-in", "blocked-in", "long-in"].map((name) =>
          join(dir, name),
        ) as [string, string, string];
        for (const folder of [plugins, hogIn, blockedIn, longIn]) mkdirSync(folder);
        writeFileSync(
          join(plugins, "buffers.mjs"),
          plugin("buffers", "const keep = []; for (;;) keep.push(Buffer.alloc(4 * 1024 * 1024, 1));"),
        );
        writeFileSync(
          join(plugins, "blocked.mjs"),
          plugin(
            "blocked",
            `writeFileSync(${JSON.stringify(dir)} + "/" + input.fileName + ".started", "");
    execSync("echo $$ > " + ${JSON.stringify(dir)} + "/" + input.fileName + ".pid; exec sleep 60", { shell: "/bin/sh" });`,
          ),
        );
        const folder = join(dir, "queue");
        const configPath = join(dir, "config.json");
        writeFileSync(
          configPath,
          JSON.stringify({
            server: { baseUrl: sim.url, timeoutMs: 5_000 },
            queue: { folder },
            upload: { concurrency: 2, pollMs: 50, throttle: false },
            health: { port: 0 },
            log: { level: "info" },
            shutdownTimeoutMs: SHUTDOWN_MS,
            pluginFolders: [plugins],
            converters: [
              {
                name: "buffers",
                watch: { folder: hogIn, settleMs: 100 },
                maxMemoryMb: 64,
                timeoutMs: 120_000,
              },
              { name: "blocked", watch: { folder: blockedIn, settleMs: 100 }, timeoutMs: 2_000 },
              {
                name: "blocked",
                label: "blocked-long",
                watch: { folder: longIn, settleMs: 100 },
                timeoutMs: 120_000,
              },
            ],
          }),
          { mode: 0o600 },
        );
        const output = { text: "" };
        child = startDaemonProcess(configPath, output, { WATS_AUTH_TOKEN: CANARY });
        await daemonState(folder, 60_000);

        // Buffers without bound: stopped at maxMemoryMb, the file in Error/ with the reason.
        writeFileSync(join(hogIn, "a.buffers"), "x");
        const hogError = join(hogIn, "Error", "a.buffers.error.txt");
        await waitFor(() => /^error: /m.test(readIfThere(hogError)), 90_000, "the memory hog's error file");
        expect(readFileSync(hogError, "utf8")).toMatch(/^kind: memory$/m);

        // Blocked in execSync: stopped at timeoutMs, with the command it started.
        writeFileSync(join(blockedIn, "b.blocked"), "x");
        const blockedError = join(blockedIn, "Error", "b.blocked.error.txt");
        await waitFor(
          () => /^error: /m.test(readIfThere(blockedError)),
          90_000,
          "the blocked plugin's error file",
        );
        expect(readFileSync(blockedError, "utf8")).toMatch(/^kind: timeout$/m);
        const sleeper = Number(readIfThere(join(dir, "b.blocked.pid")));
        expect(sleeper).toBeGreaterThan(0);
        await waitFor(() => !alive(sleeper), 10_000, "the command started by the blocked plugin to end");

        // A correction: the same id with new content replaces the report on the simulator.
        const env = { ...process.env, TSWATS_CLIENT_CONFIG: "", WATS_AUTH_TOKEN: CANARY };
        const first = sampleReport({ sn: "SN-CORRECTED" });
        const id = first.id as string;
        writeFileSync(join(dir, "first.json"), JSON.stringify(first));
        writeFileSync(join(dir, "fixed.json"), JSON.stringify({ ...first, pn: "PCBA-100-FIXED" }));
        const submitFirst = await runCliCaptured(
          ["submit", join(dir, "first.json"), "--config", configPath],
          env,
        );
        expect(submitFirst.out).toMatch(/enqueued/);
        await waitFor(() => sim.reports.get(id) !== undefined, 30_000, "the first version on the simulator");
        const submitFixed = await runCliCaptured(
          ["submit", join(dir, "fixed.json"), "--config", configPath],
          env,
        );
        expect(submitFixed.out).toMatch(new RegExp(`replaced ${id}`));
        await waitFor(
          () => sim.reports.get(id)?.pn === "PCBA-100-FIXED",
          30_000,
          "the correction on the simulator",
        );
        expect(sim.reports.replaceCount(id)).toBe(1);
        const again = await runCliCaptured(["submit", join(dir, "fixed.json"), "--config", configPath], env);
        expect(again.out).toMatch(new RegExp(`duplicate ${id}`));

        // SIGTERM while a conversion is blocked in execSync (its own limit is 2 minutes away).
        writeFileSync(join(longIn, "c.blocked"), "x");
        await waitFor(
          () => readIfThere(join(dir, "c.blocked.pid")).trim() !== "",
          90_000,
          "the long conversion to block",
        );
        const longSleeper = Number(readFileSync(join(dir, "c.blocked.pid"), "utf8"));
        const signalled = Date.now();
        child.kill("SIGTERM");
        const code = await exited(child);
        const tookMs = Date.now() - signalled;
        console.log(
          `daemon-limits: SIGTERM to exit ${tookMs} ms (shutdownTimeoutMs ${SHUTDOWN_MS}, slack ${SHUTDOWN_SLACK_MS})`,
        );
        expect(code).toBe(0);
        // The bound the README documents, with room for a loaded machine; far below the 60 s the command would take.
        expect(tookMs).toBeLessThan(SHUTDOWN_MS + SHUTDOWN_SLACK_MS + 5_000);
        expect(existsSync(join(longIn, "c.blocked"))).toBe(true); // left for the next start
        expect(existsSync(join(longIn, "Error"))).toBe(false);
        await waitFor(() => !alive(longSleeper), 10_000, "the long conversion's command to end");
        expectNoLeak([output.text, submitFirst.out, submitFixed.out]);
      } finally {
        if (child && child.exitCode === null && child.signalCode === null) {
          child.kill("SIGKILL");
          await exited(child);
        }
        await sim.close();
        await cleanup();
      }
    });
  },
);
