/**
 * The simulator in its own process (so on its own core) for the capacity part of the benchmark:
 * prints `{ url, token }` as one JSON line, answers "cpu" IPC messages with its CPU time in
 * microseconds, stops on SIGTERM.
 */
import { startSimulator } from "../src/index.js";

const sim = await startSimulator({ seed: 1, maxRecordedRequests: 1000 });
process.stdout.write(`${JSON.stringify({ url: sim.url, token: sim.token })}\n`);
process.on("message", (message) => {
  if (message === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});
process.on("SIGTERM", () => {
  sim.close().then(() => process.exit(0));
});
