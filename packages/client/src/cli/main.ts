#!/usr/bin/env node
/** The `tswats-client` executable. */
import { runCli } from "./run.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const code = await runCli(process.argv.slice(2), {
  io: { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  env: process.env,
  progress: process.stderr.isTTY === true,
  readStdin,
});
process.exitCode = code;
// The daemon has drained (or hit its shutdown bound): end now, whatever handle is still open.
if (process.argv[2] === "start") process.exit(code);
