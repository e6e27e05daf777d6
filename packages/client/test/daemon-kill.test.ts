/**
 * Reliability against real processes and real files: the daemon is killed with SIGKILL 20 times
 * while it uploads 500 reports; afterwards every report is on the simulator exactly once by id and
 * nothing is left in sending/. The run also checks that a canary token appears nowhere in the
 * daemon's output, log file, `status` or `/status`.
 *
 * The kill moments do not depend on the machine's speed: every fifth round kills the daemon as
 * soon as it is started (before it could upload); the other rounds let a seeded number of
 * uploads complete, then hold the next upload on the simulator (a hang fault) and kill the daemon
 * while the simulator holds it, so each of those kills lands mid-upload. The seed is printed
 * (TSWATS_TEST_SEED repeats a run).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FaultSpec, startSimulator } from "@tswats/simulator";
import { describe, expect, it } from "vitest";
import { FileQueue } from "../src/queue/file-queue.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import {
  exited,
  runCliCaptured,
  startDaemonProcess as startProcess,
  waitFor,
} from "./helpers/daemon-process.js";
import { sampleReport, sampleSource, tempDir } from "./helpers/reports.js";
import { seededRandom } from "./helpers/seed.js";

const REPORTS = 500;
const KILLS = 20;

const startDaemonProcess = (configPath: string, output: { text: string }) =>
  startProcess(configPath, output, { WATS_AUTH_TOKEN: CANARY });

describe("daemon killed with SIGKILL while uploading (real processes)", () => {
  it(`delivers ${REPORTS} reports exactly once by id after ${KILLS} kills; the token leaks nowhere`, {
    timeout: 300_000,
  }, async () => {
    const { dir, cleanup } = await tempDir();
    const sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
    try {
      // Each upload takes a little while, so several are in flight at any moment.
      const WSJF = { path: "/api/Report/WSJF" };
      const latency: FaultSpec = { kind: "latency", ms: 30, times: "always", match: WSJF };
      sim.faults.add(latency);
      const uploadsAnswered = () =>
        sim.requests.filter((r) => r.path === WSJF.path && r.status !== undefined).length;
      const folder = join(dir, "queue");
      const configPath = join(dir, "config.json");
      const logFile = join(dir, "logs", "client.log");
      writeFileSync(
        configPath,
        JSON.stringify({
          server: { baseUrl: sim.url, timeoutMs: 5_000 },
          queue: { folder },
          upload: {
            concurrency: 4,
            baseDelayMs: 50,
            maxDelayMs: 200,
            pollMs: 50,
            throttle: false,
            authRetryMs: 200,
          },
          health: { port: 0 },
          log: { level: "debug", file: logFile },
          shutdownTimeoutMs: 5_000,
        }),
        { mode: 0o600 },
      );
      const queue = await FileQueue.open({ folder });
      const ids = new Set<string>();
      for (let i = 0; i < REPORTS; i++)
        ids.add((await queue.enqueue(sampleReport(), sampleSource(`/in/${i}.csv`))).id);

      const { seed, random } = seededRandom("daemon-kill");
      const output = { text: "" };
      let killsMidUpload = 0;
      let midUploadRounds = 0;
      for (let round = 0; round < KILLS; round++) {
        const child = startDaemonProcess(configPath, output);
        const running = () => child.exitCode === null && child.signalCode === null;
        if (round % 5 !== 0) {
          midUploadRounds++;
          // Let a seeded number of uploads complete, then hold the next one and kill meanwhile.
          const target = uploadsAnswered() + random.int(0, 15);
          await waitFor(() => uploadsAnswered() >= target || !running(), 60_000, `seed ${seed}: uploads`);
          sim.faults.clear();
          const hold = sim.faults.add({ kind: "hang", times: 1, match: WSJF });
          sim.faults.add(latency);
          await waitFor(
            () => !sim.faults.list().some((f) => f.id === hold) || !running(),
            60_000,
            `seed ${seed}: an upload held`,
          );
          expect(running(), `seed ${seed}, round ${round}: the daemon exited\n${output.text}`).toBe(true);
          if (readdirSync(join(folder, "sending")).length > 0) killsMidUpload++;
        }
        child.kill("SIGKILL");
        await exited(child);
      }
      // The held upload was claimed (renamed into sending/) before it was sent.
      expect(killsMidUpload, `seed ${seed}`).toBe(midUploadRounds);
      expect(sim.reports.size, `seed ${seed}`).toBeLessThan(REPORTS); // the final run still had work to do

      const child = startDaemonProcess(configPath, output);
      await waitFor(() => sim.reports.size === REPORTS, 120_000);
      await waitFor(() => existsSync(join(folder, "daemon.json")));
      const state = JSON.parse(readFileSync(join(folder, "daemon.json"), "utf8")) as { url: string };
      await waitFor(() => readdirSync(join(folder, "done")).length === REPORTS);

      // status (over HTTP), /status and /metrics while it runs
      const statusOut = await runCliCaptured(["status", "--json", "--config", configPath], {
        ...process.env,
        WATS_AUTH_TOKEN: CANARY,
      });
      expect(statusOut.code).toBe(0);
      const status = JSON.parse(statusOut.out);
      expect(status.queue).toMatchObject({ pending: 0, sending: 0, done: REPORTS });
      expect(status.uploader.auth).toBe("ok");
      const httpStatus = await (await fetch(`${state.url}/status`)).text();
      const metrics = await (await fetch(`${state.url}/metrics`)).text();
      expect(metrics).toContain(`tswats_client_queue_reports{state="done"} ${REPORTS}`);
      expect((await fetch(`${state.url}/health/live`)).status).toBe(200);

      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);

      expect(new Set(sim.reports.ids())).toEqual(ids);
      expect(readdirSync(join(folder, "sending"))).toEqual([]);
      expect(readdirSync(join(folder, "pending"))).toEqual([]);
      expect(readdirSync(join(folder, "failed"))).toEqual([]);
      expect(existsSync(join(folder, "daemon.json"))).toBe(false);

      const logText = readFileSync(logFile, "utf8");
      expect(logText.length).toBeGreaterThan(0);
      expectNoLeak([output.text, logText, statusOut.out, statusOut.err, httpStatus, metrics]);
    } finally {
      await sim.close();
      await cleanup();
    }
  });
});
