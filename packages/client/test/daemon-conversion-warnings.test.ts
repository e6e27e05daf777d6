/**
 * Conversion warnings reach the user of the daemon: a file that converts only partly is moved to
 * Done/ with `<file>.warnings.txt` beside it, its report is uploaded, and `/status` counts the
 * warnings (converters.warnings), while a clean file adds nothing to that count.
 */
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@tswats/core";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseClientConfig } from "../src/config/load.js";
import { type Daemon, startDaemon } from "../src/daemon/daemon.js";
import { CANARY } from "./helpers/canary.js";
import { waitFor } from "./helpers/daemon-process.js";
import { tempDir } from "./helpers/reports.js";

const FIXTURES = resolve(fileURLToPath(import.meta.url), "../../../../fixtures");

let dir: string;
let cleanup: () => Promise<void>;
let sim: Simulator;
let daemon: Daemon;
let inbox: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  sim = await startSimulator({ port: 0, seed: 1, data: "empty", tokens: [{ token: CANARY }] });
  inbox = join(dir, "inbox");
  await mkdir(inbox);
  const config = parseClientConfig({
    server: { baseUrl: sim.url, timeoutMs: 3_000 },
    queue: { folder: join(dir, "queue") },
    upload: { concurrency: 1, baseDelayMs: 20, maxDelayMs: 100, pollMs: 20, throttle: false, breaker: false },
    health: { port: 0 },
    shutdownTimeoutMs: 2_000,
    converters: [{ name: "teststand-xml", label: "line-1", watch: { folder: inbox, settleMs: 200 } }],
  });
  daemon = await startDaemon({ config, token: () => CANARY, logger: silentLogger });
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  await sim?.close();
  await cleanup?.();
});

const status = async () => {
  const response = await fetch(`${daemon.health.url}/status`);
  return (await response.json()) as { converters: { warnings: Record<string, unknown> } };
};

it("a partly converted file: Done/ with its warnings file, uploaded, and counted in /status", async () => {
  await copyFile(join(FIXTURES, "converters/teststand/TsWithoutWats.xml"), join(inbox, "plain.xml"));
  await waitFor(() => sim.reports.size === 1, 20_000, "the report uploaded");
  const warningsFile = join(inbox, "Done", "plain.xml.warnings.txt");
  await waitFor(
    async () => (await readFile(warningsFile, "utf8").catch(() => "")) !== "",
    10_000,
    "the warnings file",
  );
  expect(await readFile(warningsFile, "utf8")).toMatch(/plain\.xml line 5: the report has no part number/);
  const s = await status();
  expect(s.converters.warnings).toMatchObject({
    filesWithWarnings: 1,
    warnings: 1,
    failedFilesWithWarnings: 0,
    byWatcher: { "line-1": { filesWithWarnings: 1, warnings: 1 } },
    last: { file: join(inbox, "plain.xml"), warnings: 1, first: [expect.stringMatching(/no part number/)] },
  });

  // a clean file converts and uploads without changing the count
  await copyFile(join(FIXTURES, "teststand/TSWithWats.xml"), join(inbox, "clean.xml"));
  await waitFor(() => sim.reports.size === 2, 20_000, "the second report uploaded");
  expect((await status()).converters.warnings).toMatchObject({ filesWithWarnings: 1, warnings: 1 });
}, 60_000);
