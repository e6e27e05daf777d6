// The floor of any blocking bridge on this machine: a worker that does one plain keep-alive fetch
// per request and wakes the caller the way the engine does (MessagePort + Atomics.notify), with no
// SDK on either side. The bench compares it with the same fetch awaited directly.
import { workerData } from "node:worker_threads";

const { port, signal, url, token } = workerData;
const counter = new Int32Array(signal);
const headers = { authorization: `Basic ${token}`, accept: "application/json" };

port.on("message", async () => {
  const response = await fetch(`${url}/api/Product/CBL-7`, { headers });
  port.postMessage(await response.json());
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
