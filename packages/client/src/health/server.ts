/**
 * The health endpoint: node:http on 127.0.0.1 by default.
 * `/health/live`, `/health/ready`, `/metrics` (Prometheus text), `/status` (JSON), and the web
 * console under `/console` (see ../console/console-server.ts) when it is enabled.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthHandlers {
  ready(): Promise<{ ready: boolean; checks: Record<string, unknown> }>;
  metrics(): Promise<string>;
  status(): Promise<unknown>;
  /** The web console (`/` and `/console/...`), when enabled; it does its own checks. */
  console?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
}

export interface HealthServer {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(
  options: { host: string; port: number },
  handlers: HealthHandlers,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const json = (status: number, body: unknown) =>
      send(status, "application/json; charset=utf-8", `${JSON.stringify(body, null, 2)}\n`);
    const consoleHandler = handlers.console;
    if (consoleHandler && (path === "/" || path === "/console" || path?.startsWith("/console/"))) {
      if (path === "/") {
        res.writeHead(303, { location: "/console", "cache-control": "no-store" });
        res.end();
        return;
      }
      consoleHandler(req, res, path).catch((error) => {
        if (!res.headersSent) json(500, { error: (error as Error).message });
        else res.destroy();
      });
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "only GET" });
    const run = async () => {
      switch (path) {
        case "/health/live":
          return json(200, { status: "ok" });
        case "/health/ready": {
          const ready = await handlers.ready();
          return json(ready.ready ? 200 : 503, { status: ready.ready ? "ready" : "not ready", ...ready });
        }
        case "/metrics":
          return send(200, "text/plain; version=0.0.4; charset=utf-8", await handlers.metrics());
        case "/status":
          return json(200, await handlers.status());
        default:
          return json(404, {
            error: `no such endpoint: ${path}`,
            endpoints: ["/health/live", "/health/ready", "/metrics", "/status"],
          });
      }
    };
    run().catch((error) => json(500, { error: (error as Error).message }));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    host,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
