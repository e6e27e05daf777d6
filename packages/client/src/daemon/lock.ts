/**
 * One daemon per queue folder: `<folder>/daemon.lock` holds the owner's pid. A lock left by a
 * process that no longer runs (kill -9, power cut) is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class QueueLockedError extends Error {
  constructor(folder: string, pid: number) {
    super(
      `another tswats-client daemon (pid ${pid}) is using the queue folder ${folder}; give each instance its own queue folder and port`,
    );
    this.name = "QueueLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireQueueLock(folder: string): () => void {
  const path = join(folder, "daemon.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new QueueLockedError(folder, pid);
      unlinkSync(path); // stale
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}
