/**
 * How an answer body should cross from the sync engine to the blocked caller, measured in one
 * run (item 3 of issue 20): a worker holds the body as UTF-8 JSON bytes, as the transport reads it
 * from the wire, and answers a blocked caller (MessagePort + Atomics.wait, as the engine does):
 *
 * - clone: parsed in the worker, the object graph structured-cloned (what the engine does);
 * - reencoded: parsed in the worker, serialised to UTF-8 JSON, transferred, parsed by the caller
 *   (bytes across the boundary when the engine only has the parsed value);
 * - raw: the wire bytes transferred unparsed, parsed once by the caller (needs the transport to
 *   hand over the body before decoding it).
 *
 * Round trip per call, median of rounds, for a small answer (a product), 2 KB, 8 KB, 50 KB and 1 MB.
 * Writes bench-results/sync-body-crossing.json. Not a test: nothing fails on time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;

const product = {
  partNumber: "CBL-7",
  revision: "A",
  name: "Kabelsett ÆØÅ",
  description: "Cable assembly, 7 conductors",
  state: 1,
  productId: "3f2c1e7a-1111-2222-3333-444455556666",
  tags: [{ key: "family", value: "cables" }],
};
const rows = (count: number) => ({
  rows: Array.from({ length: count }, (_, i) => ({
    ...product,
    serialNumber: `SN-${i}`,
    measured: i * 0.125,
  })),
});
const encoder = new TextEncoder();
const wire = (value: unknown) => encoder.encode(JSON.stringify(value)).buffer as ArrayBuffer;
const bodies = {
  small: wire(product),
  "2KB": wire(rows(8)),
  "8KB": wire(rows(32)),
  "50KB": wire(rows(180)),
  "1MB": wire(rows(3600)),
};
const sizes = Object.fromEntries(Object.entries(bodies).map(([name, bytes]) => [name, bytes.byteLength]));

const signal = new Int32Array(new SharedArrayBuffer(4));
const { port1, port2 } = new MessageChannel();
const worker = new Worker(new URL("./body-crossing-worker.mjs", import.meta.url), {
  workerData: { port: port2, signal: signal.buffer, bodies },
  transferList: [port2],
  execArgv: [],
});
const decoder = new TextDecoder();

type Mode = "clone" | "reencoded" | "raw";
function call(mode: Mode, body: keyof typeof bodies): unknown {
  port1.postMessage({ mode, body });
  for (;;) {
    const seen = Atomics.load(signal, 0);
    const received = receiveMessageOnPort(port1);
    if (received !== undefined) {
      const message = received.message as { value?: unknown; json?: ArrayBuffer };
      return message.json === undefined ? message.value : JSON.parse(decoder.decode(message.json));
    }
    if (Atomics.wait(signal, 0, seen, 10_000) === "timed-out") throw new Error("worker hung");
  }
}

const modes: Mode[] = ["clone", "reencoded", "raw"];
const iterations = { small: 4000, "2KB": 2000, "8KB": 1000, "50KB": 400, "1MB": 20 } as const;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const perRound: Record<string, Record<Mode, number[]>> = {};
for (const body of Object.keys(bodies) as (keyof typeof bodies)[]) {
  perRound[body] = { clone: [], reencoded: [], raw: [] };
  for (const mode of modes) for (let i = 0; i < iterations[body] / 4; i++) call(mode, body);
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) {
      const started = performance.now();
      for (let i = 0; i < iterations[body]; i++) call(mode, body);
      perRound[body]![mode].push(((performance.now() - started) * 1000) / iterations[body]);
    }
  }
}
await worker.terminate();

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const results = {
  benchmark: "sync-body-crossing",
  date: new Date().toISOString(),
  node: process.version,
  unit: "µs per round trip (median of rounds)",
  bodyBytes: sizes,
  perCall: Object.fromEntries(
    Object.entries(perRound).map(([body, byMode]) => [
      body,
      Object.fromEntries(modes.map((mode) => [mode, round1(median(byMode[mode]))])),
    ]),
  ),
  ratios: Object.fromEntries(
    Object.entries(perRound).map(([body, byMode]) => [
      body,
      {
        reencodedOverClone: round3(median(byMode.reencoded) / median(byMode.clone)),
        rawOverClone: round3(median(byMode.raw) / median(byMode.clone)),
      },
    ]),
  ),
  rounds: ROUNDS,
  loadAverage: loadavg().map((n) => Math.round(n * 10) / 10),
  cpus: cpus().length,
};
mkdirSync(join(repoRoot, "bench-results"), { recursive: true });
writeFileSync(
  join(repoRoot, "bench-results/sync-body-crossing.json"),
  `${JSON.stringify(results, null, 2)}\n`,
);
console.log(JSON.stringify(results, null, 2));
