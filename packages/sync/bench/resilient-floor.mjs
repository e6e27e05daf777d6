// The floor of a client that does what issue 20 asks of every call, and nothing more: the least
// per-call work that still gives each call a correlation id (sent as a header, with the attempt
// number), one timer bounding the call, a retry of safe methods after a connection error or a
// 5xx, a circuit breaker's failure count, a typed error for a status that is not a success, and
// the answer decoded as JSON. Written directly on Node's HTTP client (what tsWATS sends on), with
// none of the SDK's structure: no operation tables, hooks, throttle, logging, metrics, signals or
// byte limit. The fresh-process bench runs it as `resilient-http` and, behind the minimal blocking
// worker (bridge-floor-worker.mjs), as `resilient-sync`: what any client with these features
// reaches on this machine, to set tsWATS's time against.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";

const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;
const BREAKER_FAILURES = 5;
const BREAKER_OPEN_MS = 30_000;

class FloorError extends Error {}

/** `send(method, path, body?)` -> parsed JSON answer; `close()` drops the connections. */
export function resilientFloorClient(baseUrl, token) {
  const origin = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true });
  const fixedHeaders = [
    "authorization",
    `Basic ${token}`,
    "accept",
    "application/json",
    "user-agent",
    "resilient-floor/1",
    "host",
    origin.host,
  ];
  let failures = 0;
  let openUntil = 0;

  /** One attempt: resolves with { status, text }, rejects on a connection error or the deadline. */
  const attempt = (method, path, body, headers, deadline) =>
    new Promise((resolve, reject) => {
      const req = request(
        { agent, hostname: origin.hostname, port: origin.port, method, path, headers },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      deadline.req = req;
      req.on("error", reject);
      req.end(body);
    });

  const send = async (method, path, body) => {
    if (Date.now() < openUntil) throw new FloorError("circuit open");
    const correlationId = randomUUID();
    const safe = method === "GET";
    const deadline = { req: undefined };
    const timer = setTimeout(() => deadline.req?.destroy(new FloorError("timed out")), TIMEOUT_MS);
    try {
      for (let n = 1; ; n++) {
        const headers = [...fixedHeaders, "x-correlation-id", correlationId, "x-attempt", String(n)];
        if (body !== undefined) {
          headers.push("content-type", "application/json", "content-length", String(Buffer.byteLength(body)));
        }
        let answer;
        try {
          answer = await attempt(method, path, body, headers, deadline);
        } catch (cause) {
          if (safe && n < ATTEMPTS) continue;
          if (++failures >= BREAKER_FAILURES) openUntil = Date.now() + BREAKER_OPEN_MS;
          throw new FloorError("connection failed", { cause });
        }
        if (answer.status >= 500) {
          if (safe && n < ATTEMPTS) continue;
          if (++failures >= BREAKER_FAILURES) openUntil = Date.now() + BREAKER_OPEN_MS;
        } else {
          failures = 0;
        }
        if (answer.status < 200 || answer.status >= 300) throw new FloorError(`HTTP ${answer.status}`);
        return JSON.parse(answer.text);
      }
    } finally {
      clearTimeout(timer);
    }
  };
  return { send, close: () => agent.destroy() };
}
