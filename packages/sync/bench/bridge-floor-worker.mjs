// The floor of any blocking bridge on this machine: a worker that sends one plain keep-alive
// request per message with Node's HTTP client (what the SDK's calls use) and wakes the caller the
// way the engine does (MessagePort + Atomics.notify), with no SDK on either side. A message is
// `{ method, path, body }` (body: a JSON string or undefined); the answer is the parsed JSON.
// Used by sync.bench.ts (against the same request awaited directly) and by the fresh-process
// bench's `raw-sync` client (fresh/scenario.mjs).
import { Agent, request } from "node:http";
import { workerData } from "node:worker_threads";

const { port, signal, url, token } = workerData;
const counter = new Int32Array(signal);
const origin = new URL(url);
const headers = { authorization: `Basic ${token}`, accept: "application/json" };
const agent = new Agent({ keepAlive: true });

function send({ method, path, body }) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname: origin.hostname,
        port: origin.port,
        method,
        path,
        headers:
          body === undefined
            ? headers
            : { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

port.on("message", async (message) => {
  port.postMessage(await send(message ?? { method: "GET", path: "/api/Product/CBL-7" }));
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
port.on("close", () => agent.destroy());
