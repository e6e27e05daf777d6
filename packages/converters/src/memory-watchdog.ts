/**
 * The watchdog of a conversion process: a small thread that keeps running whatever the
 * conversion does on the main thread (a tight loop, a blocking `execSync`, native code). Every
 * 20 ms it reads the process's resident memory (the V8 heap, Buffers, native allocations: all of
 * it); above the limit it reports on the watchdog pipe and kills the process (its whole process
 * group on POSIX, so commands the plugin started die with it). It also kills the process when the
 * host that started it is gone, so no conversion outlives the daemon.
 */
import { Worker } from "node:worker_threads";

const WATCHDOG = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { hostPid, hostPpidSeen, reportFd, group } = workerData;
let limit = 0;
parentPort.on("message", (m) => { limit = m.limitBytes; });
function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; }
}
function stop(line) {
  try { writeSync(reportFd, line + "\\n"); } catch {}
  if (group) { try { process.kill(-process.pid, "SIGKILL"); } catch {} }
  process.kill(process.pid, "SIGKILL");
}
let tick = 0;
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (limit > 0 && rss > limit) stop("memory " + rss);
  if (++tick % 10 === 0 && ((hostPpidSeen && process.ppid !== hostPid) || !alive(hostPid))) stop("orphaned");
}, 20);
`;

export interface WatchdogOptions {
  /** The host process (parent): when it is gone, this process ends. */
  hostPid: number;
  /** fd of the pipe the host reads the watchdog's reason from. */
  reportFd: number;
}

/** Starts the watchdog thread; resolves once it runs, with a setter for the memory limit. */
export async function startMemoryWatchdog(options: WatchdogOptions): Promise<(limitBytes: number) => void> {
  const worker = new Worker(WATCHDOG, {
    eval: true,
    workerData: {
      hostPid: options.hostPid,
      hostPpidSeen: process.platform !== "win32" && process.ppid === options.hostPid,
      reportFd: options.reportFd,
      group: process.platform !== "win32",
    },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
    stdout: false,
    stderr: false,
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", () => resolve());
    worker.once("error", reject);
  });
  worker.unref(); // it watches; it does not keep the process alive

  return (limitBytes) => worker.postMessage({ limitBytes });
}
