/**
 * What the transport does when WATS misbehaves: retries with Retry-After, typed errors with the
 * server's message, the circuit breaker failing fast during an outage, and the metrics.
 * Run: npx -y pnpm@10 --filter @tswats/examples run example resilience.ts   (after `npx -y pnpm@10 build`)
 */
import { isWatsError, WatsCircuitOpenError, WatsNotFoundError } from "@tswats/core";
import { Wats } from "@tswats/sdk";
import { startSimulator } from "@tswats/simulator";

await using sim = await startSimulator({ port: 0, seed: 1 });
await using wats = new Wats({
  baseUrl: sim.url,
  token: sim.token,
  logger: false,
  retry: { maxAttempts: 3, baseDelayMs: 50 },
  breaker: { failureThreshold: 5, minimumCalls: 5, openMs: 60_000 },
});
await wats.product.putProduct({ partNumber: "PCB-1", name: "Board", state: 1 });

// Two 503 answers with Retry-After: 0, then the real answer: the caller sees only the product.
sim.faults.add({
  kind: "status",
  status: 503,
  retryAfter: 0,
  times: 2,
  match: { path: "/api/Product/{partNumber}" },
});
const product = await wats.product.getProduct({ partNumber: "PCB-1" });
const attempts = sim.requests.filter((r) => r.path === "/api/Product/PCB-1").length;
console.log(`got ${product.partNumber} after ${attempts} attempts`);

// A 404 is not retried; it arrives as a typed error carrying the server's message.
try {
  await wats.product.getProduct({ partNumber: "NOPE" });
} catch (error) {
  if (!(error instanceof WatsNotFoundError)) throw error;
  console.log(
    `not found: status ${error.status}, attempts ${error.attempts}, correlation ${error.correlationId}`,
  );
}

// An outage: the first call gives up after its attempts; with five failures in the window the
// breaker opens and the next calls fail at once, without reaching the server.
sim.faults.down({ mode: "503" });
for (let call = 1; call <= 3; call++) {
  try {
    await wats.product.getProduct({ partNumber: "PCB-1" }, { timeoutMs: 2_000 });
  } catch (error) {
    if (!isWatsError(error)) throw error;
    const extra =
      error instanceof WatsCircuitOpenError
        ? ` (retry in ${error.retryAfterMs} ms)`
        : ` (status ${error.status}, ${error.attempts} attempts)`;
    console.log(`call ${call}: ${error.name}${extra}`);
  }
}
sim.faults.up();

const metrics = wats.metrics();
console.log(`breaker: ${metrics.breakers.map((b) => `${b.origin} ${b.state}`).join(", ")}`);
console.log(`calls ${metrics.totals.calls}, retries ${metrics.totals.retries}`);
console.log("example finished");
