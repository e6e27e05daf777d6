/**
 * Kept-alive connections close after they sit unused (or sooner when the server says so), while a
 * connection in use carries no socket timeout that Node would refresh on every read and write.
 * Real loopback server; the waits are bounded only by the test's own time limit.
 */
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { httpSender } from "../src/buffered-send.js";
import { idleClosingAgent } from "../src/idle-connections.js";
import { type LoopbackServer, startServer } from "./helpers.js";

let server: LoopbackServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server?.close();
  server = undefined;
});

/** A server answering `{}`, with the Keep-Alive header given (none by default: Node's own). */
async function answering(keepAlive?: string): Promise<LoopbackServer> {
  return startServer((_req, res) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (keepAlive !== undefined) headers["keep-alive"] = keepAlive;
    res.writeHead(200, headers);
    res.end("{}");
  });
}

/** One GET through `agent`; resolves with the socket it went out on, once the answer is read. */
function get(agent: Agent, url: string): Promise<{ socket: Socket; timeoutInUse: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/x`, { agent }, (res) => {
      const socket = res.socket as Socket;
      const timeoutInUse = socket.timeout;
      res.resume();
      res.on("end", () => resolve({ socket, timeoutInUse }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** An idleClosingAgent of node:http, destroyed after the test. */
function pooled(idleMs: number): Agent {
  const agent = idleClosingAgent(Agent, idleMs, {});
  cleanups.push(() => agent.destroy());
  return agent;
}

const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));

describe("idleClosingAgent", () => {
  it("closes a pooled connection after idleMs, and reuses one within it", async () => {
    server = await answering();
    const agent = pooled(300);
    const first = await get(agent, server.url);
    const second = await get(agent, server.url);
    expect(second.socket).toBe(first.socket);
    await closed(first.socket);
    expect(first.socket.destroyed).toBe(true);
    expect(Object.keys(agent.freeSockets)).toHaveLength(0);
    // The next request opens a new connection.
    const third = await get(agent, server.url);
    expect(third.socket).not.toBe(first.socket);
    expect(server.connections()).toBe(2);
  });

  it("a connection in use has no socket timeout (Node would refresh it on every read and write)", async () => {
    server = await answering();
    const agent = pooled(60_000);
    const first = await get(agent, server.url);
    const again = await get(agent, server.url);
    expect(again.socket).toBe(first.socket);
    expect(first.timeoutInUse ?? 0).toBe(0);
    expect(again.timeoutInUse ?? 0).toBe(0);
    // Node's own agent with a `timeout` leaves one on the socket in use (here the server's
    // hint: Node's server announces 5 s, so 4 s).
    const plain = new Agent({ keepAlive: true, timeout: 60_000 });
    cleanups.push(() => plain.destroy());
    await get(plain, server.url);
    expect((await get(plain, server.url)).timeoutInUse).toBe(4_000);
  });

  it("closes sooner when the server's Keep-Alive hint allows less (a second under it)", async () => {
    server = await answering("timeout=2");
    // An hour of its own: only the server's hint (1 s here) can close the connection in this test.
    const agent = pooled(3_600_000);
    const { socket } = await get(agent, server.url);
    await closed(socket);
    expect(server.connections()).toBe(1);
  });

  it("drops a connection the server allows under a second, as Node does", async () => {
    server = await answering("timeout=1");
    const agent = pooled(60_000);
    const { socket } = await get(agent, server.url);
    await closed(socket);
    expect(Object.keys(agent.freeSockets)).toHaveLength(0);
  });
});

describe("httpSender's requests", () => {
  it("write Host once and the body's own Content-Length, whatever the call's headers say", async () => {
    const seen: string[][] = [];
    server = await startServer((req, res) => {
      seen.push(req.rawHeaders);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    const sender = httpSender();
    cleanups.push(() => sender.close());
    const origin = server.url;
    const host = new URL(origin).host;
    const send = (method: string, headers: Record<string, string>, body?: string) =>
      sender.send(
        { origin, path: "/p?q=1" },
        { method, headers, body, onAbort: () => {}, maxResponseBytes: 1024 },
      );
    await send("GET", { accept: "application/json" });
    await send("POST", { "content-type": "application/json", "content-length": "999" }, '{"a":"ü"}');
    await send("PUT", {});
    await send("GET", { host: "wats.example" });
    /** The values of header `name` in a request's raw name/value list. */
    const values = (raw: string[] | undefined, name: string) =>
      (raw ?? []).flatMap((entry, i) => (i % 2 === 0 && entry.toLowerCase() === name ? [raw?.[i + 1]] : []));
    const named = (raw: string[] | undefined, name: string) => values(raw, name).length;
    const value = (raw: string[] | undefined, name: string) => values(raw, name)[0];
    expect(seen.map((raw) => named(raw, "host"))).toEqual([1, 1, 1, 1]);
    expect(value(seen[0], "host")).toBe(host);
    expect(value(seen[3], "host")).toBe("wats.example");
    expect(named(seen[0], "content-length")).toBe(0);
    expect(value(seen[1], "content-length")).toBe(String(Buffer.byteLength('{"a":"ü"}')));
    expect(named(seen[1], "content-length")).toBe(1);
    expect(value(seen[2], "content-length")).toBe("0");
    expect(named(seen[0], "transfer-encoding")).toBe(0);
    expect(server.requests.map((r) => r.body)).toEqual(["", '{"a":"ü"}', "", ""]);
  });

  it("refuses a header value Node would refuse, sending nothing", async () => {
    server = await answering();
    const sender = httpSender();
    cleanups.push(() => sender.close());
    const sent = sender.send(
      { origin: server.url, path: "/p" },
      {
        method: "GET",
        headers: { "x-bad": "a\r\nb" },
        body: undefined,
        onAbort: () => {},
        maxResponseBytes: 1024,
      },
    );
    await expect(sent).rejects.toMatchObject({ code: "ERR_INVALID_CHAR" });
    expect(server.requests).toHaveLength(0);
  });
});
