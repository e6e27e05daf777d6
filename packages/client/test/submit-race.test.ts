/**
 * Several writers on one queue folder, as real processes: `tswats-client submit` processes start
 * at seeded random moments around a daemon's start-up (whose recovery has real work to do: a
 * queue with marker-less entries and temp files of crashed writers). No report may be lost and no
 * new report may be answered "duplicate"; every one reaches the simulator. The seed is printed;
 * TSWATS_TEST_SEED=<seed> replays a schedule.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulator } from "@tswats/simulator";
import { describe, expect, it } from "vitest";
import { formatEntryName } from "../src/queue/naming.js";
import { CANARY } from "./helpers/canary.js";
import {
  daemonState,
  exited,
  runCliCaptured,
  runCliProcess,
  startDaemonProcess,
  waitFor,
} from "./helpers/daemon-process.js";
import { sampleReport, tempDir } from "./helpers/reports.js";
import { seededRandom } from "./helpers/seeded.js";

const ROUNDS = 3;
const SUBMITTERS = 4;
const FILES_PER_SUBMIT = 20;
const BACKLOG = 60;

/**
 * A queue left by a crash: pending entries without id markers, written by a process that is gone,
 * and its temp files. Start-up recovery reads and repairs each, so it runs while the submits write.
 */
function leaveCrashedQueue(folder: string, deadWriter: string): void {
  for (const state of ["pending", "sending", "done", "failed", "ids", "tmp"])
    mkdirSync(join(folder, state), { recursive: true });
  const at = Date.now() - 60_000;
  for (let i = 0; i < BACKLOG; i++) {
    const report = sampleReport();
    const name = formatEntryName({ stamp: at + i, enqueuedMs: at + i, seq: i, id: report.id as string });
    writeFileSync(
      join(folder, "pending", name),
      JSON.stringify({
        format: "tswats-queue-entry/1",
        id: report.id,
        enqueuedAt: new Date(at + i).toISOString(),
        attempts: 1,
        nextAttemptAt: null,
        lastError: null,
        source: null,
        writer: deadWriter,
        report,
      }),
    );
  }
  for (let i = 0; i < 20; i++) writeFileSync(join(folder, "tmp", `${deadWriter}-${i}.tmp`), '{"half');
}

describe("submit processes racing a daemon start (real processes, seeded schedule)", () => {
  it(`${ROUNDS} rounds of ${SUBMITTERS + 2} submit processes around a daemon start: 0 lost, 0 wrongly duplicate`, {
    timeout: 240_000,
  }, async () => {
    const random = seededRandom("submit-race");
    const deadWriter = `${spawnSync(process.execPath, ["-e", ""]).pid}-deadbeef`;
    const sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const { dir, cleanup } = await tempDir();
        let daemonChild: ReturnType<typeof startDaemonProcess> | undefined;
        try {
          const folder = join(dir, "queue");
          const configPath = join(dir, "config.json");
          writeFileSync(
            configPath,
            JSON.stringify({
              server: { baseUrl: sim.url, timeoutMs: 5_000 },
              queue: { folder },
              upload: { concurrency: 4, pollMs: 50, throttle: false, baseDelayMs: 50, maxDelayMs: 200 },
              health: { port: 0 },
              log: { level: "warn" },
            }),
            { mode: 0o600 },
          );
          leaveCrashedQueue(folder, deadWriter);
          const batches = Array.from({ length: SUBMITTERS }, () =>
            Array.from({ length: FILES_PER_SUBMIT }, () => sampleReport()),
          );
          const twice = sampleReport(); // submitted by two processes at about the same moment
          const files: string[][] = batches.map((batch, b) =>
            batch.map((report, i) => {
              const file = join(dir, `report-${b}-${i}.json`);
              writeFileSync(file, JSON.stringify(report));
              return file;
            }),
          );
          const twiceFile = join(dir, "twice.json");
          writeFileSync(twiceFile, JSON.stringify(twice));

          const env = { WATS_AUTH_TOKEN: CANARY };
          const output = { text: "" };
          // Submits start around the daemon's start, so their writes meet its start-up recovery.
          const daemonDelay = random.int(0, 600);
          const schedule = [...files, [twiceFile], [twiceFile]].map((list) => ({
            list,
            delayMs: Math.max(0, daemonDelay + random.int(-300, 900)),
          }));
          const where = `seed ${random.seed}, round ${round}: daemon at ${daemonDelay} ms, submits at ${schedule.map((s) => s.delayMs).join(", ")} ms`;
          const daemon = new Promise<ReturnType<typeof startDaemonProcess>>((resolve) =>
            setTimeout(() => resolve(startDaemonProcess(configPath, output, env)), daemonDelay),
          );
          const results = await Promise.all(
            schedule.map(
              ({ list, delayMs }) =>
                new Promise<Awaited<ReturnType<typeof runCliProcess>>>((resolve, reject) =>
                  setTimeout(
                    () =>
                      runCliProcess(["submit", ...list, "--json", "--config", configPath], env).then(
                        resolve,
                        reject,
                      ),
                    delayMs,
                  ),
                ),
            ),
          );
          const child = await daemon;
          daemonChild = child;
          const statuses = (i: number) => {
            const r = results[i] as { code: number; out: string; err: string };
            expect(r.code, `${where}: submit ${i} exit code; output ${r.out} ${r.err}`).toBe(0);
            return (JSON.parse(r.out) as { status: string; id: string }[]).map((x) => x.status);
          };
          for (let i = 0; i < SUBMITTERS; i++) {
            expect(statuses(i), `${where}: submit ${i}`).toEqual(Array(FILES_PER_SUBMIT).fill("enqueued"));
          }
          expect([...statuses(SUBMITTERS), ...statuses(SUBMITTERS + 1)].sort(), where).toEqual([
            "duplicate",
            "enqueued",
          ]);

          const ids = [...batches.flat(), twice].map((r) => r.id as string);
          await waitFor(
            () => ids.every((id) => sim.reports.ids().includes(id)),
            60_000,
            `${where}: all uploaded`,
          );
          await waitFor(
            () => readdirSync(join(folder, "pending")).length === 0,
            30_000,
            `${where}: pending empty`,
          );
          await daemonState(folder);
          child.kill("SIGTERM");
          expect(await exited(child), `${where}: daemon exit; output ${output.text}`).toBe(0);
          // The markers are right afterwards: a new submit of a delivered report is a duplicate.
          const again = await runCliCaptured(
            ["submit", files[0]?.[0] as string, "--json", "--config", configPath],
            {
              ...process.env,
              TSWATS_CLIENT_CONFIG: "",
            },
          );
          expect(JSON.parse(again.out)[0].status, where).toBe("duplicate");
          expect(readdirSync(join(folder, "tmp")), `${where}: tmp/`).toEqual([]);
          expect(readdirSync(join(folder, "ids")).length, where).toBe(
            BACKLOG + SUBMITTERS * FILES_PER_SUBMIT + 1,
          );
        } finally {
          if (daemonChild && daemonChild.exitCode === null && daemonChild.signalCode === null) {
            daemonChild.kill("SIGKILL");
            await exited(daemonChild);
          }
          await cleanup();
        }
      }
    } finally {
      await sim.close();
    }
  });
});
