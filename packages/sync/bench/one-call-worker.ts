/** The naive sync wrapper's worker: builds a Wats, makes one call, reports it, and ends. */
import { parentPort, workerData } from "node:worker_threads";
import { Wats } from "@tswats/sdk";

const { url, token } = workerData as { url: string; token: string };
const wats = new Wats({ baseUrl: url, token, logger: false, throttle: false });
wats.product.getProduct({ partNumber: "CBL-7" }).then(
  async (product) => {
    await wats.close();
    parentPort?.postMessage(product);
  },
  (error: unknown) => {
    throw error;
  },
);
