// A writer that never stops: opens the queue in argv[2], says "ready" on stdout, then enqueues new
// reports one after another until it is killed. Its disk is slow to write id markers (20 ms per
// marker), so a kill at a random moment often lands between an entry and its marker. Run on the
// sources: `node --import tsx --conditions=@tswats/source enqueue-forever.ts <folder>`.
import { sep } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FileQueue } from "../../src/queue/file-queue.js";
import { nodeQueueFs } from "../../src/queue/fs-layer.js";
import { sampleReport, sampleSource } from "./reports.js";

const folder = process.argv[2];
if (!folder) throw new Error("usage: enqueue-forever.ts <queue folder>");
const queue = await FileQueue.open({
  folder,
  fs: {
    ...nodeQueueFs,
    async link(from, to) {
      if (to.includes(`${sep}ids${sep}`)) await sleep(20);
      return nodeQueueFs.link(from, to);
    },
  },
});
process.stdout.write("ready\n");
for (;;) await queue.enqueue(sampleReport(), sampleSource());
