/**
 * The rate limit is per WATS server and token, not per client object: every `Wats` of the same
 * origin and token in a process draws from one throttle. The clock is frozen, so no slot ever
 * frees: what is counted is admissions (requests that reached fetch) and waiters.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { Wats } from "../src/from-sources.js";

const TOKEN = "c2VjcmV0LXRva2VuLWZvci10aHJvdHRsZS10ZXN0";
const frozen = () => 1_000;

/** A fetch that answers every request at once and counts them. */
function countingFetch(): { fetch: typeof fetch; sent: () => number } {
  let sent = 0;
  const fetchImpl = (async () => {
    sent++;
    return new Response(JSON.stringify({ partNumber: "PN-1" }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, sent: () => sent };
}

/** Lets queued promise jobs and immediate callbacks run (no real time passes for the throttle). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function client(baseUrl: string, token: string, fetchImpl: typeof fetch, limit = 3): Wats {
  return new Wats({
    baseUrl,
    token,
    fetch: fetchImpl,
    logger: false,
    retry: false,
    throttle: { limit, windowMs: 60_000, now: frozen },
  });
}

const open: Wats[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

describe("one rate limit per server and token in a process", () => {
  it("two Wats of the same server and token together stay within the limit", async () => {
    const counter = countingFetch();
    const a = client("http://127.0.0.1:9/", TOKEN, counter.fetch);
    const b = client("http://127.0.0.1:9", TOKEN, counter.fetch);
    open.push(a, b);
    expect(a.transport.throttle).toBe(b.transport.throttle);
    const calls = [a, b, a, b, a, b].map((w) =>
      w.product.getProduct({ partNumber: "PN-1" }).then(() => "done"),
    );
    for (const call of calls) call.catch(() => {});
    await settle();
    await settle();
    expect(counter.sent()).toBe(3);
    expect(a.transport.throttle?.stats()).toMatchObject({ granted: 3, waiting: 3 });
  });

  it("closing one client cancels only its own waiting calls; the other's keep waiting", async () => {
    const counter = countingFetch();
    const a = client("http://127.0.0.1:9", TOKEN, counter.fetch, 1);
    const b = client("http://127.0.0.1:9", TOKEN, counter.fetch, 1);
    open.push(b);
    await a.product.getProduct({ partNumber: "PN-1" });
    const outcomes: string[] = [];
    const waitingA = a.product.getProduct({ partNumber: "PN-1" }).then(
      () => outcomes.push("a done"),
      (error: Error) => outcomes.push(`a: ${error.message}`),
    );
    void b.product.getProduct({ partNumber: "PN-1" }).then(
      () => outcomes.push("b done"),
      () => outcomes.push("b failed"),
    );
    await settle();
    expect(a.transport.throttle?.stats().waiting).toBe(2);
    await a.close();
    await waitingA;
    await settle();
    expect(outcomes).toEqual(["a: getProduct: the client is closed"]);
    expect(b.transport.throttle?.stats().waiting).toBe(1);
    expect(counter.sent()).toBe(1);
  });

  it("another token or another server has its own limit", () => {
    const counter = countingFetch();
    const a = client("http://127.0.0.1:9", TOKEN, counter.fetch);
    const otherToken = client("http://127.0.0.1:9", "b3RoZXItdG9rZW4=", counter.fetch);
    const otherServer = client("http://127.0.0.1:10", TOKEN, counter.fetch);
    open.push(a, otherToken, otherServer);
    expect(otherToken.transport.throttle).not.toBe(a.transport.throttle);
    expect(otherServer.transport.throttle).not.toBe(a.transport.throttle);
  });

  it("nothing inspectable holds the token in clear; the limit goes with its last client", async () => {
    const counter = countingFetch();
    const a = client("http://127.0.0.1:11", TOKEN, counter.fetch);
    const b = client("http://127.0.0.1:11", TOKEN, counter.fetch);
    expect(inspect(a.transport.throttle, { depth: 8, showHidden: true })).not.toContain(TOKEN);
    const shared = a.transport.throttle;
    await a.close();
    const c = client("http://127.0.0.1:11", TOKEN, counter.fetch);
    expect(c.transport.throttle).toBe(shared);
    await b.close();
    await c.close();
    const d = client("http://127.0.0.1:11", TOKEN, counter.fetch);
    open.push(d);
    expect(d.transport.throttle).not.toBe(shared);
  });

  it("a second client asking for other settings shares the limit in use and says so", () => {
    const counter = countingFetch();
    const warnings: string[] = [];
    const logger = {
      trace() {},
      debug() {},
      info() {},
      warn(_obj: object, msg?: string) {
        warnings.push(msg ?? "");
      },
      error() {},
      isLevelEnabled: () => true,
    };
    const a = client("http://127.0.0.1:9", TOKEN, counter.fetch, 3);
    const b = new Wats({
      baseUrl: "http://127.0.0.1:9",
      token: TOKEN,
      fetch: counter.fetch,
      logger,
      throttle: { limit: 100, windowMs: 60_000 },
    });
    open.push(a, b);
    expect(b.transport.throttle).toBe(a.transport.throttle);
    expect(b.transport.throttle?.limit).toBe(3);
    expect(warnings).toEqual([
      "throttle: another client of this server and token already limits requests to 3 per 60000 ms; " +
        "this client shares that limit (it asked for 100 per 60000 ms)",
    ]);
  });
});
