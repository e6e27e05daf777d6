/**
 * Setup and connection: station name, location, purpose and server URL, any other setting by its key (the same
 * `setConfigValue` as `tswats-client config set`: one schema, errors naming the field, nothing
 * written when invalid), the token (replaceable, never shown or sent back), and "test the
 * connection" (the `doctor` checks). Changes apply when the daemon restarts, except the token,
 * which is re-read at once.
 */
import { WatsConfigError } from "@tswats/core";
import { doctorChecks } from "../../cli/commands.js";
import { loadClientConfig, readRawConfig, SECRET_KEYS, setConfigValue } from "../../config/load.js";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";

/** The file's settings as written, secrets replaced by whether they are set. */
function shownConfig(path: string): string {
  const raw = readRawConfig(path);
  const server = raw.server as Record<string, unknown> | undefined;
  if (server && "token" in server) server.token = "(set, not shown)";
  const consoleSettings = raw.console as Record<string, unknown> | undefined;
  if (consoleSettings && "password" in consoleSettings) consoleSettings.password = "(set, not shown)";
  return JSON.stringify(raw, null, 2);
}

/** A configuration error as a list naming each field; any other error as its message. */
function problem(error: unknown): Html {
  if (WatsConfigError.is(error)) {
    const issues = (error as WatsConfigError & { issues?: readonly string[] }).issues ?? [];
    if (issues.length > 0)
      return html`<div class="error" role="status" data-testid="config-error"><p>not saved: the configuration would be invalid</p><ul>${issues.map((i) => html`<li>${i}</li>`)}</ul></div>`;
  }
  return html`<div class="error" role="status" data-testid="config-error"><p>not saved: ${(error as Error).message}</p></div>`;
}

function readonlyNote(): Html {
  return notice(false, "The daemon was not started from a config file: settings cannot be edited here.");
}

async function setupBody(deps: ConsoleDeps, message?: Html): Promise<Html> {
  const path = deps.configPath;
  if (!path) return html`${readonlyNote()}`;
  let tokenState = "not set";
  try {
    const loaded = loadClientConfig({ path });
    tokenState = loaded.token ? `set (from the ${loaded.tokenSource})` : "not set";
  } catch (error) {
    tokenState = `unknown: ${(error as Error).message}`;
  }
  const raw = readRawConfig(path);
  const server = (raw.server ?? {}) as Record<string, unknown>;
  return html`<div id="setup-result">${message ?? ""}</div>
<div class="grid">
<form class="card" hx-post="/console/setup/save" hx-target="#setup" hx-select="#setup" hx-swap="outerHTML">
<h2>Station and server</h2>
<label for="station">Station name (server.station)</label>
<input type="text" id="station" name="server.station" value="${String(server.station ?? "")}" placeholder="WATS_STATION or the host name">
<label for="location">Location (server.location)</label>
<input type="text" id="location" name="server.location" value="${String(server.location ?? "")}" placeholder="the converters' location parameter">
<label for="purpose">Purpose (server.purpose)</label>
<input type="text" id="purpose" name="server.purpose" value="${String(server.purpose ?? "")}" placeholder="the converters' purpose parameter">
<label for="baseUrl">Server URL (server.baseUrl)</label>
<input type="text" id="baseUrl" name="server.baseUrl" value="${String(server.baseUrl ?? "")}">
<div class="row"><button>Save</button></div>
<p class="muted">Applies when the daemon restarts.</p>
</form>
<form class="card" hx-post="/console/setup/token" hx-target="#setup" hx-select="#setup" hx-swap="outerHTML">
<h2>API token</h2>
<p>token: <strong data-testid="token-state">${tokenState}</strong></p>
<label for="token">New token (replaces the old one; never shown)</label>
<input type="password" id="token" name="token" autocomplete="off" required>
<div class="row"><button>Replace token</button></div>
</form>
<div class="card">
<h2>Connection</h2>
<p>${deps.config.server.baseUrl}</p>
<button class="secondary" hx-post="/console/setup/test" hx-target="#connection-test">Test the connection</button>
<div id="connection-test"></div>
</div>
</div>
<form class="card" style="margin-top:.8rem" hx-post="/console/setup/set" hx-target="#setup" hx-select="#setup" hx-swap="outerHTML">
<h2>Any setting</h2>
<div class="row">
<div><label for="key">Key (e.g. upload.concurrency)</label><input type="text" id="key" name="key" required></div>
<div><label for="value">Value (JSON or text)</label><input type="text" id="value" name="value" required></div>
<button>Set</button>
</div>
<p class="muted">Checked like <code>tswats-client config set</code>: an invalid value is refused with the field named, and the file is left as it was.</p>
</form>
<h2>Config file <span class="muted">${path}</span></h2>
<pre data-testid="config-file">${shownConfig(path)}</pre>`;
}

async function respond(deps: ConsoleDeps, message?: Html) {
  return {
    page: {
      title: "Setup and connection",
      body: html`<div id="setup">${await setupBody(deps, message)}</div>`,
    },
  };
}

export const setupRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/setup",
    run: ({ deps }) => respond(deps),
  },
  {
    method: "POST",
    path: "/console/setup/save",
    async run({ deps, form }) {
      const path = deps.configPath;
      if (!path) return respond(deps, readonlyNote());
      const raw = readRawConfig(path);
      const server = (raw.server ?? {}) as Record<string, unknown>;
      const changed: string[] = [];
      try {
        for (const key of ["server.station", "server.location", "server.purpose", "server.baseUrl"]) {
          const value = field(form, key).trim();
          const current = String(server[key.slice("server.".length)] ?? "");
          if (value === current) continue;
          setConfigValue(path, key, JSON.stringify(value));
          changed.push(key);
        }
      } catch (error) {
        return respond(deps, problem(error));
      }
      if (changed.length) deps.logger.info({ keys: changed }, "console: settings changed");
      return respond(
        deps,
        notice(
          true,
          changed.length
            ? `saved ${changed.join(", ")} (applies when the daemon restarts)`
            : "nothing changed",
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/console/setup/set",
    async run({ deps, form }) {
      const path = deps.configPath;
      if (!path) return respond(deps, readonlyNote());
      const key = field(form, "key").trim();
      if (key === "server.token")
        return respond(deps, notice(false, "use the API token form to replace the token"));
      try {
        setConfigValue(path, key, field(form, "value"));
      } catch (error) {
        return respond(deps, problem(error));
      }
      deps.logger.info({ key }, "console: setting changed");
      return respond(
        deps,
        notice(
          true,
          `set ${key}${SECRET_KEYS.includes(key) ? " (not shown)" : ""} (applies when the daemon restarts)`,
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/console/setup/token",
    async run({ deps, form }) {
      const path = deps.configPath;
      if (!path) return respond(deps, readonlyNote());
      const token = field(form, "token").trim();
      try {
        setConfigValue(path, "server.token", token);
      } catch (error) {
        return respond(deps, problem(error));
      }
      deps.logger.info({}, "console: token replaced; re-reading it");
      await deps.reloadCredentials();
      const fromEnv = process.env.WATS_AUTH_TOKEN?.trim();
      return respond(
        deps,
        fromEnv
          ? notice(false, "saved, but WATS_AUTH_TOKEN is set and wins: restart the daemon without it")
          : notice(true, "token replaced and re-read"),
      );
    },
  },
  {
    method: "POST",
    path: "/console/setup/test",
    async run({ deps }) {
      const path = deps.configPath;
      const token = path ? undefined : await deps.token();
      const checks = await doctorChecks(() =>
        path
          ? loadClientConfig({ path })
          : {
              path: "(the daemon's settings)",
              config: deps.config,
              token: token || undefined,
              tokenSource: "none",
            },
      );
      return {
        fragment: html`<div data-testid="connection-checks">${table(
          ["", "check", "detail"],
          checks.map((c) => [
            html`<span class="${c.ok ? "ok" : "error"}">${c.ok ? "ok" : "FAIL"}</span>`,
            html`${c.name}`,
            html`${c.detail}`,
          ]),
        )}</div>`,
      };
    },
  },
];
