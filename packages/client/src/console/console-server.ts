/**
 * The console's request handler, mounted on the health server under `/console`. Order of checks:
 * Host/Origin (DNS rebinding) -> static assets -> session (cookie) -> login when a password is
 * configured -> CSRF token on every POST -> the page's route. No response contains the WATS token
 * or the console password: pages never read them, and error texts are scrubbed of both.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { scrubSecrets } from "@tswats/core";
import { CONSOLE_CSS } from "./assets/console-css.js";
import type { ConsoleDeps, ConsoleRequest, ConsoleResult, ConsoleRoute } from "./context.js";
import { field } from "./context.js";
import { ConsoleGuard } from "./guard.js";
import { esc, frame, html } from "./html.js";
import { converterRoutes } from "./pages/converters.js";
import { dashboardRoutes } from "./pages/dashboard.js";
import { logRoutes } from "./pages/log.js";
import { queueRoutes } from "./pages/queue.js";
import { serialRoutes } from "./pages/serials.js";
import { setupRoutes } from "./pages/setup.js";
import { softwareRoutes } from "./pages/software.js";

/** Uploads for the converter preview are refused above this size. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

let htmxSource: string | undefined;
function htmx(): string {
  htmxSource ??= readFileSync(createRequire(import.meta.url).resolve("htmx.org/dist/htmx.min.js"), "utf8");
  return htmxSource;
}

export function createConsoleHandler(
  deps: ConsoleDeps,
  address: { host: string; port: number },
): ConsoleHandler {
  const guard = new ConsoleGuard({
    host: address.host,
    port: address.port,
    allowedHosts: deps.config.console.allowedHosts,
    password: deps.config.console.password,
  });
  const routes = new Map<string, ConsoleRoute>();
  for (const route of [
    ...dashboardRoutes,
    ...queueRoutes,
    ...converterRoutes,
    ...setupRoutes,
    ...softwareRoutes,
    ...serialRoutes,
    ...logRoutes,
  ]) {
    routes.set(`${route.method} ${route.path}`, route);
  }
  const station = deps.config.server.station ?? process.env.WATS_STATION ?? "";

  return async (req, res, path) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "content-security-policy":
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
        ...headers,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const text = (status: number, body: string) => send(status, "text/plain; charset=utf-8", `${body}\n`);

    const refused = guard.checkOrigin(req);
    if (refused) return text(refused.status, refused.message);
    if (req.method === "GET" && path === "/console/assets/console.css")
      return send(200, "text/css; charset=utf-8", CONSOLE_CSS, { "cache-control": "max-age=3600" });
    if (req.method === "GET" && path === "/console/assets/htmx.min.js")
      return send(200, "text/javascript; charset=utf-8", htmx(), { "cache-control": "max-age=3600" });

    const { session, isNew } = guard.session(req);
    const cookie: Record<string, string> = isNew ? { "set-cookie": guard.cookieHeader(session) } : {};
    const redirect = (to: string) => send(303, "text/plain; charset=utf-8", "", { location: to, ...cookie });
    const page = (status: number, title: string, body: ReturnType<typeof html>) =>
      send(
        status,
        "text/html; charset=utf-8",
        frame({ title, path, csrf: session.csrf, station, logout: guard.passwordRequired, body }),
        cookie,
      );

    let form: FormData | undefined;
    if (req.method === "POST") {
      try {
        form = await readForm(req);
      } catch (error) {
        return text(400, `bad request: ${(error as Error).message}`);
      }
      const header = req.headers["x-csrf-token"];
      const sent = typeof header === "string" ? header : field(form, "_csrf");
      const csrfRefused = guard.checkCsrf(session, sent);
      if (csrfRefused) return text(csrfRefused.status, csrfRefused.message);
    } else if (req.method !== "GET" && req.method !== "HEAD") {
      return text(405, "only GET and POST");
    }

    if (path === "/console/login") {
      if (!guard.passwordRequired) return redirect("/console");
      if (req.method === "POST") {
        if (guard.login(session, field(form, "password"))) return redirect("/console");
        deps.logger.warn({ from: req.socket.remoteAddress }, "console: wrong password");
        return send(401, "text/html; charset=utf-8", loginPage(session.csrf, "wrong password"), cookie);
      }
      return send(200, "text/html; charset=utf-8", loginPage(session.csrf), cookie);
    }
    if (!session.loggedIn) {
      if (req.method === "GET" && !req.headers["hx-request"]) return redirect("/console/login");
      return text(401, "log in first");
    }
    if (path === "/console/logout" && req.method === "POST") {
      guard.logout(session);
      return redirect(guard.passwordRequired ? "/console/login" : "/console");
    }

    const route = routes.get(`${req.method === "HEAD" ? "GET" : req.method} ${path}`);
    if (!route) return text(404, `no such console page: ${path}`);
    const request: ConsoleRequest = {
      deps,
      url: new URL(req.url ?? "/", "http://console.invalid"),
      session,
      form,
      htmx: req.headers["hx-request"] === "true",
    };
    let result: ConsoleResult;
    try {
      result = await route.run(request);
    } catch (error) {
      const secrets = [
        await Promise.resolve(deps.token()).catch(() => ""),
        deps.config.console.password ?? "",
      ];
      const message = scrubSecrets(String((error as Error)?.message ?? error), secrets.filter(Boolean));
      deps.logger.error({ path, err: message }, "console: request failed");
      return request.htmx
        ? send(
            200,
            "text/html; charset=utf-8",
            html`<p class="error" role="status">${message}</p>`.text,
            cookie,
          )
        : page(500, "Error", html`<p class="error">${message}</p>`);
    }
    if ("page" in result) return page(200, result.page.title, result.page.body);
    if ("fragment" in result)
      return send(result.status ?? 200, "text/html; charset=utf-8", result.fragment.text, cookie);
    if ("redirect" in result) return redirect(result.redirect);
    return text(result.status, result.text);
  };
}

async function readForm(req: IncomingMessage): Promise<FormData> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new Error(`the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    chunks.push(chunk as Buffer);
  }
  const type = req.headers["content-type"] ?? "application/x-www-form-urlencoded";
  if (size === 0) return new FormData();
  return new Response(Buffer.concat(chunks), { headers: { "content-type": type } }).formData();
}

function loginPage(csrf: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in · tswats-client</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css"></head><body><main>
<h1>tswats-client console</h1>
${error ? `<p class="error" role="status">${esc(error)}</p>` : ""}
<form method="post" action="/console/login" class="card" style="max-width:28rem">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="password">Console password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="row"><button>Log in</button></div>
</form></main></body></html>`;
}
