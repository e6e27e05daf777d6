#!/usr/bin/env node
/**
 * `pnpm simulator [--port N] [--seed N] [--host H] [--token T] [--empty]`: starts the simulator,
 * prints its URL and token, and runs until interrupted (Ctrl+C / SIGTERM).
 */
import { parseArgs } from "node:util";
import { startSimulator } from "./simulator.js";

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`--${name} must be a non-negative integer, not '${value}'\n`);
    process.exit(2);
  }
  return Number(value);
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    seed: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    empty: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    "Usage: pnpm simulator [--port N] [--seed N] [--host 127.0.0.1] [--token T] [--empty]\n" +
      "Starts a simulated WATS server and prints its URL and API token.\n",
  );
  process.exit(0);
}

const sim = await startSimulator({
  port: integer("port", values.port) ?? 0,
  seed: integer("seed", values.seed) ?? 1,
  ...(values.host === undefined ? {} : { host: values.host }),
  ...(values.token === undefined ? {} : { token: values.token }),
  data: values.empty ? "empty" : "seeded",
});

process.stdout.write(
  `WATS simulator listening on ${sim.url}\n` +
    `  token:  ${sim.token}\n` +
    `  use:    WATS_BASE_URL=${sim.url} WATS_AUTH_TOKEN=${sim.token}\n` +
    `  faults: ${sim.url}/_sim/faults   (Ctrl+C to stop)\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the simulator\n`);
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
