// The cheapest possible worker per call: no SDK, one fetch on a fresh connection, then exit.
import { parentPort, workerData } from "node:worker_threads";

const { url, token } = workerData;
const response = await fetch(`${url}/api/Product/CBL-7`, {
  headers: { authorization: `Basic ${token}`, accept: "application/json" },
});
parentPort.postMessage(await response.json());
