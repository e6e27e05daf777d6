// The floor of any blocking bridge on this machine: a worker that does one plain keep-alive request
// per request and wakes the caller the way the engine does (MessagePort + Atomics.notify), with no
// SDK on either side. The bench compares it with the same request awaited directly.
import { workerData } from "node:worker_threads";
import { Agent, request } from "undici";

const { port, signal, url, token } = workerData;
const counter = new Int32Array(signal);
const headers = { authorization: `Basic ${token}`, accept: "application/json" };
const dispatcher = new Agent({ keepAliveTimeout: 60_000 });

port.on("message", async () => {
  const { body } = await request(`${url}/api/Product/CBL-7`, { dispatcher, headers });
  port.postMessage(await body.json());
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
