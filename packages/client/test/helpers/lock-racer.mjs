// One contender for the queue lock, in a worker thread: loads lock.ts from the sources (tsx), waits
// at the barrier with the others, then tries to take the lock as `pid` (the `stale` pid counts as
// dead, every other as alive) and reports "got", "locked" or the error.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { acquireQueueLock } = await import(workerData.module);
const barrier = new Int32Array(workerData.barrier);
parentPort.postMessage("ready");
Atomics.wait(barrier, 0, 0);
try {
  acquireQueueLock(workerData.folder, { pid: workerData.pid, alive: (pid) => pid !== workerData.stale });
  parentPort.postMessage("got");
} catch (error) {
  parentPort.postMessage(error.name === "QueueLockedError" ? "locked" : `error: ${error.message}`);
}
