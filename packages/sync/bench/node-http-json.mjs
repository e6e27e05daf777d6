// The plain floor client of the benches: one keep-alive `node:http` agent (the client the SDK's
// calls go out on), the token in an Authorization header, answers parsed as JSON. Used by
// bridge-floor-worker.mjs, fresh/scenario.mjs (`raw-http`) and sync.bench.ts.
import { Agent, request } from "node:http";

/** `send(method, path, body?)` -> parsed JSON answer; `close()` drops the connections. */
export function nodeHttpJson(baseUrl, token) {
  const origin = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true });
  const headers = { authorization: `Basic ${token}`, accept: "application/json" };
  const send = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname: origin.hostname,
          port: origin.port,
          method,
          path,
          headers:
            body === undefined
              ? headers
              : { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () => {
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
            else resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
