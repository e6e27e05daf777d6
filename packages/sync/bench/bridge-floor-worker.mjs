// The floor of any blocking bridge on this machine: a worker that sends one plain keep-alive
// request per message with Node's HTTP client (what the SDK's calls use) and wakes the caller the
// way the engine does (MessagePort + Atomics.notify), with no SDK on either side. A message is
// `{ method, path, body }` (body: a JSON string or undefined); the answer is the parsed JSON.
// Used by sync.bench.ts (against the same request awaited directly) and by the fresh-process
// bench's `raw-sync` client (fresh/scenario.mjs); with `resilient: true` in its workerData it
// sends through resilient-floor.mjs instead (the bench's `resilient-sync`). It bumps the counter
// once when its client is loaded, so a caller can start timing only then, as the sync facade does
// (`createSyncWats()` returns once its engine is ready).
import { workerData } from "node:worker_threads";

const { port, signal, url, token, resilient } = workerData;
const counter = new Int32Array(signal);
// Only the client in use is loaded (resilient-floor.mjs loads node:crypto).
const client = resilient
  ? (await import("./resilient-floor.mjs")).resilientFloorClient(url, token)
  : (await import("./node-http-json.mjs")).nodeHttpJson(url, token);

port.on("message", async (message) => {
  const { method, path, body } = message ?? { method: "GET", path: "/api/Product/CBL-7" };
  port.postMessage(await client.send(method, path, body));
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
port.on("close", () => client.close());
Atomics.add(counter, 0, 1);
Atomics.notify(counter, 0);
