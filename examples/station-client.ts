/**
 * The station client from code: a durable queue and the uploader, as the daemon runs them.
 * Reports are on disk before `enqueue` resolves; the uploader sends each once (the report id
 * makes a re-send replace, never duplicate), retrying through outages.
 * (From a shell the same is `tswats-client start` with a config file; see packages/client.)
 * Run: npx -y pnpm@10 --filter @tswats/examples run example station-client.ts   (after `npx -y pnpm@10 build`)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseClientConfig, startDaemon } from "@tswats/client";
import { UutReport } from "@tswats/report";
import { startSimulator } from "@tswats/simulator";

await using sim = await startSimulator({ port: 0, seed: 1, data: "empty" });
const folder = mkdtempSync(join(tmpdir(), "tswats-station-"));
const config = parseClientConfig({
  server: { baseUrl: sim.url },
  queue: { folder },
  upload: { concurrency: 2, baseDelayMs: 100 },
  health: { port: 0 },
});
const daemon = await startDaemon({ config, token: () => sim.token });
try {
  // The server is down for the first reports: they wait in the queue, nothing is lost.
  sim.faults.down({ mode: "503", retryAfter: 1 });
  let last: ReturnType<UutReport["build"]> | undefined;
  for (let unit = 1; unit <= 5; unit++) {
    const uut = new UutReport({
      pn: "PCBA-100",
      sn: `SN-${unit}`,
      rev: "A",
      processCode: 10,
      operator: "jane",
      station: "ICT-01",
      location: "Line 1",
      purpose: "Production",
    });
    uut.root.numericLimit("3V3 rail", { value: 3.3, low: 3.2, high: 3.4, unit: "V" });
    last = uut.build();
    const { id, status } = await daemon.queue.enqueueReport(last);
    console.log(`${status} ${id}`);
  }
  // The same report again is a no-op: its id is already queued.
  if (last) console.log(`again: ${(await daemon.queue.enqueueReport(last)).status}`);
  console.log(`queue while WATS is down: ${JSON.stringify(await daemon.queue.refreshCounts())}`);
  sim.faults.up();

  const deadline = Date.now() + 30_000;
  while (sim.reports.size < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const status = await daemon.status();
  console.log(
    `on WATS: ${sim.reports.size} reports; uploads ok ${status.uploader.uploadsOk}, retried ${status.uploader.uploadsRetried}`,
  );
  console.log(
    `health: ${daemon.health.url}/health/ready -> ${(await fetch(`${daemon.health.url}/health/ready`)).status}`,
  );
} finally {
  await daemon.stop();
  rmSync(folder, { recursive: true, force: true });
}
console.log("example finished");
