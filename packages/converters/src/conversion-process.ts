/**
 * A conversion process: runs jobs from the host one at a time (see process-pool.ts). Started
 * with its memory limit in MB as the first argument; answers `ready` with its idle memory once
 * its watchdog runs, then one response per request.
 */
import { ConversionError } from "./errors.js";
import { resolvePluginImportsToHost } from "./host-resolution.js";
import { startMemoryWatchdog } from "./memory-watchdog.js";
import {
  type ProcessReady,
  type ProcessRequest,
  type ProcessResponse,
  WATCHDOG_FD,
} from "./process-protocol.js";
import { describeModule, detectScores, runConversion } from "./run-conversion.js";

const send = process.send?.bind(process);
if (!send) throw new Error("conversion-process must be started with an IPC channel");

async function answer(msg: ProcessRequest): Promise<ProcessResponse> {
  switch (msg.kind) {
    case "convert":
      return { id: msg.id, kind: "convert", outcome: await runConversion(msg.job) };
    case "describe":
      try {
        return {
          id: msg.id,
          kind: "describe",
          ok: true,
          descriptor: await describeModule(msg.module, msg.source),
        };
      } catch (error) {
        return {
          id: msg.id,
          kind: "describe",
          ok: false,
          error: ConversionError.from(error, "plugin").toJSON(),
        };
      }
    case "detect":
      return { id: msg.id, kind: "detect", scores: await detectScores(msg.modules, msg.fileName, msg.bytes) };
  }
}

/** Hook, watchdog, then `ready` with the idle memory the limit counts from. (No top-level await: there is a CommonJS build.) */
async function main(): Promise<void> {
  const limitMb = Number(process.argv[2]);
  resolvePluginImportsToHost();
  const setLimit = await startMemoryWatchdog({ hostPid: process.ppid, reportFd: WATCHDOG_FD });
  const idleRss = process.memoryUsage.rss();
  if (Number.isFinite(limitMb) && limitMb > 0) setLimit(idleRss + limitMb * 1024 * 1024);
  process.on("message", (msg: ProcessRequest) => {
    void answer(msg).then((response) => send?.(response));
  });
  // The host closed the channel (it is stopping or gone): nothing more to do.
  process.on("disconnect", () => process.exit(0));
  send?.({ kind: "ready", idleRss } satisfies ProcessReady);
}

main().catch((error) => {
  process.stderr.write(`conversion process failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(70);
});
