/** The conversion worker: runs jobs from the host one at a time (see worker-pool.ts). */
import { parentPort } from "node:worker_threads";
import { ConversionError } from "./errors.js";
import { describeModule, detectScores, runConversion } from "./run-conversion.js";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("worker-entry.ts must run in a worker thread");

port.on("message", async (msg: WorkerRequest) => {
  let response: WorkerResponse;
  switch (msg.kind) {
    case "convert":
      response = { id: msg.id, kind: "convert", outcome: await runConversion(msg.job) };
      break;
    case "describe":
      try {
        response = {
          id: msg.id,
          kind: "describe",
          ok: true,
          descriptor: await describeModule(msg.module, msg.source),
        };
      } catch (error) {
        response = {
          id: msg.id,
          kind: "describe",
          ok: false,
          error: ConversionError.from(error, "plugin").toJSON(),
        };
      }
      break;
    case "detect":
      response = {
        id: msg.id,
        kind: "detect",
        scores: await detectScores(msg.modules, msg.fileName, msg.bytes),
      };
      break;
  }
  port.postMessage(response);
});
