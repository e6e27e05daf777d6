// Answers each request the three ways a sync answer body could cross (see body-crossing.bench.ts):
// the body is held as the transport holds it, UTF-8 JSON bytes from the wire.
import { workerData } from "node:worker_threads";

const { port, signal, bodies } = workerData;
const counter = new Int32Array(signal);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

port.on("message", ({ mode, body }) => {
  const wire = bodies[body];
  if (mode === "clone") {
    // Today: the transport parses the body, the object graph is structured-cloned.
    port.postMessage({ value: JSON.parse(decoder.decode(wire)) });
  } else if (mode === "reencoded") {
    // Parsed by the transport, then serialised to UTF-8 JSON and transferred.
    const bytes = encoder.encode(JSON.stringify(JSON.parse(decoder.decode(wire))));
    port.postMessage({ json: bytes.buffer }, [bytes.buffer]);
  } else {
    // The wire bytes themselves, transferred unparsed (a copy: the transport keeps its own).
    const copy = wire.slice(0);
    port.postMessage({ json: copy }, [copy]);
  }
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
});
