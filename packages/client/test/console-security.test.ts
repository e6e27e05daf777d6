/**
 * The console's guards over plain HTTP (no browser): a foreign Host or Origin is refused, every
 * POST needs the session's CSRF token, a non-loopback bind needs a console password (a config
 * error naming console.password), and no page contains the token. Also the recent-log copy and
 * the per-minute upload counts the pages show.
 */

import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { silentLogger, WatsConfigError } from "@tswats/core";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadClientConfig, parseClientConfig } from "../src/config/load.js";
import { ConsoleGuard } from "../src/console/guard.js";
import { PAGES } from "../src/console/html.js";
import { RecentLog, teeLogger } from "../src/console/recent-log.js";
import { UploadActivity } from "../src/console/upload-activity.js";
import { type Daemon, startDaemon } from "../src/daemon/daemon.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { tempDir } from "./helpers/reports.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request (fetch cannot send a Host header of its own choosing). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; noHost?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers ?? {}, setHost: options.noHost !== true },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the console over HTTP (loopback, no password)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sim: Simulator;
  let daemon: Daemon;
  let base: string;
  let port: number;
  const bodies: string[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("tswats-console-http-"));
    sim = await startSimulator({ port: 0, seed: 3, tokens: [{ token: CANARY }] });
    const configPath = join(dir, "config.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        server: { baseUrl: sim.url, token: CANARY, timeoutMs: 3_000 },
        queue: { folder: "./queue" },
        upload: { pollMs: 20, throttle: false, breaker: false },
        health: { port: 0 },
      }),
      { mode: 0o600 },
    );
    const loaded = loadClientConfig({ path: configPath, env: {} });
    daemon = await startDaemon({
      config: loaded.config,
      configPath,
      token: () => CANARY,
      logger: silentLogger,
    });
    base = daemon.health.url;
    port = daemon.health.port;
  }, 30_000);

  afterAll(async () => {
    await daemon?.stop();
    await sim?.close();
    await cleanup?.();
  });

  /** GET a page as a browser on this machine would; returns the cookie and CSRF token of the session. */
  async function session(): Promise<{ cookie: string; csrf: string }> {
    const page = await raw(`${base}/console/queue`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers["set-cookie"]).split(";")[0] as string;
    const csrf = /x-csrf-token&quot;:&quot;([\w-]+)&quot;/.exec(page.body)?.[1] ?? "";
    expect(csrf.length).toBeGreaterThan(20);
    return { cookie, csrf };
  }

  it("answers its own addresses and refuses any other Host (DNS rebinding)", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const page = await raw(`${base}/console`, { headers: { host } });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain("<h1>Dashboard</h1>");
      bodies.push(page.body);
    }
    for (const host of [`evil.example:${port}`, "127.0.0.1:80", `127.0.0.1.evil.example:${port}`]) {
      const page = await raw(`${base}/console`, { headers: { host } });
      expect(page.status, JSON.stringify(host)).toBe(403);
      expect(page.body).toMatch(/not this console's address/);
    }
    // Without a Host header Node's server itself answers 400.
    expect([400, 403]).toContain((await raw(`${base}/console`, { noHost: true })).status);
    const asset = await raw(`${base}/console/assets/htmx.min.js`, {
      headers: { host: `evil.example:${port}` },
    });
    expect(asset.status).toBe(403);
  });

  it("a POST needs the session's CSRF token and an Origin of its own (when sent)", async () => {
    const { cookie, csrf } = await session();
    const post = (headers: Record<string, string>, body = "") =>
      raw(`${base}/console/queue/purge`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
    expect((await post({ cookie })).status).toBe(403);
    expect((await post({ cookie, "x-csrf-token": "x".repeat(32) })).status).toBe(403);
    expect((await post({ "x-csrf-token": csrf })).status).toBe(403);
    expect((await post({ cookie, "x-csrf-token": csrf, origin: "http://evil.example" })).status).toBe(403);
    expect((await post({ cookie, "x-csrf-token": csrf, origin: "null" })).status).toBe(403);
    const ok = await post({ cookie, "x-csrf-token": csrf, origin: `http://127.0.0.1:${port}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("removed 0 done report(s)");
    const form = await post({ cookie }, `_csrf=${encodeURIComponent(csrf)}`);
    expect(form.status).toBe(200);
  });

  it("leaves the health endpoints alone and sends / to the console", async () => {
    expect((await raw(`${base}/health/live`)).status).toBe(200);
    expect((await raw(`${base}/status`)).status).toBe(200);
    const root = await raw(`${base}/`);
    expect(root.status).toBe(303);
    expect(root.headers.location).toBe("/console");
  });

  it("serves its assets from the package (no CDN) and no page holds the token", async () => {
    const htmx = await raw(`${base}/console/assets/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect(htmx.body).toContain("htmx");
    for (const page of PAGES) {
      const answer = await raw(`${base}${page.path}`);
      expect(answer.status, page.path).toBe(200);
      // Every script and style sheet comes from the console itself.
      expect(answer.body).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//i);
      expect(answer.body).toContain('<script src="/console/assets/htmx.min.js">');
      bodies.push(answer.body);
    }
    expectNoLeak(bodies);
  });
});

describe("console settings", () => {
  const base = { server: { baseUrl: "http://127.0.0.1:1" } };

  it("a non-loopback bind needs a console password, named in the error", () => {
    let error: unknown;
    try {
      parseClientConfig({ ...base, health: { host: "0.0.0.0" } });
    } catch (e) {
      error = e;
    }
    expect(WatsConfigError.is(error)).toBe(true);
    expect((error as WatsConfigError & { issues: string[] }).issues.join("\n")).toMatch(
      /^console\.password: required/m,
    );
    expect(() =>
      parseClientConfig({ ...base, health: { host: "0.0.0.0" }, console: { enabled: false } }),
    ).not.toThrow();
    expect(() =>
      parseClientConfig({ ...base, health: { host: "0.0.0.0" }, console: { password: "long enough" } }),
    ).not.toThrow();
    expect(() => parseClientConfig({ ...base, health: { host: "127.0.0.5" } })).not.toThrow();
    expect(() => parseClientConfig({ ...base, console: { password: "short" } })).toThrow(/console\.password/);
  });

  it("a config file holding the console password must not be readable by others", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = join(dir, "config.json");
      writeFileSync(path, JSON.stringify({ ...base, console: { password: "long enough" } }), { mode: 0o644 });
      expect(() => loadClientConfig({ path, env: {} })).toThrow(
        /console\.password but other users can read it/,
      );
    } finally {
      await cleanup();
    }
  });

  it("the guard of a wildcard bind accepts this machine's addresses and the configured names only", () => {
    const guard = new ConsoleGuard({
      host: "0.0.0.0",
      port: 8787,
      allowedHosts: ["station-12.example:8787"],
      password: "x".repeat(8),
    });
    const ask = (host: string) => guard.checkOrigin({ headers: { host } } as never);
    expect(ask("127.0.0.1:8787")).toBeUndefined();
    expect(ask("station-12.example:8787")).toBeUndefined();
    expect(ask("evil.example:8787")?.status).toBe(403);
    expect(guard.passwordRequired).toBe(true);
  });
});

describe("what the pages show", () => {
  it("the recent log keeps lines at the daemon's level, drops secret fields and filters by correlation id", () => {
    const recent = new RecentLog(3);
    const written: string[] = [];
    const inner = { ...silentLogger, info: (_: object, msg?: string) => void written.push(msg ?? "") };
    const logger = teeLogger(
      { ...inner, isLevelEnabled: (l: string) => l !== "debug" && l !== "trace" },
      recent,
      "debug",
    );
    logger.debug({ correlationId: "c-1", token: CANARY, authorization: `Basic ${CANARY}` }, "request");
    logger.info({ correlationId: "c-2" }, "other");
    logger.trace({}, "not kept");
    expect(written).toEqual(["other"]);
    expect(recent.lines().map((l) => l.msg)).toEqual(["other", "request"]);
    expect(JSON.stringify(recent.lines())).not.toContain(CANARY);
    expect(recent.lines({ correlationId: "c-1" }).map((l) => l.msg)).toEqual(["request"]);
    expect(recent.lines({ minLevel: "info" }).map((l) => l.msg)).toEqual(["other"]);
    for (let i = 0; i < 5; i++) logger.info({}, `line ${i}`);
    expect(recent.lines()).toHaveLength(3);
  });

  it("uploads per minute: sixty buckets, the newest last, older than an hour forgotten", () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const activity = new UploadActivity(() => now);
    activity.onEvent({ type: "ok", id: "a" });
    activity.onEvent({ type: "failed", id: "b", status: 400, message: "no" });
    now += 60_000;
    activity.onEvent({ type: "ok", id: "c" });
    activity.onEvent({ type: "auth-ok" });
    const hour = activity.lastHour();
    expect(hour).toHaveLength(60);
    expect(hour.slice(-2).map((m) => [m.ok, m.failed])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    now += 60 * 60_000;
    expect(activity.lastHour().every((m) => m.ok === 0 && m.failed === 0)).toBe(true);
  });
});
