/**
 * Log: the daemon's recent log lines (newest first), filtered by level and by correlation id;
 * a line's correlation id links to the lines of that same call. Refreshed every 3 seconds.
 */
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { type Html, html, table } from "../html.js";
import { type ConsoleLogLevel, LOG_LEVEL_ORDER } from "../recent-log.js";

function filters(url: URL): { minLevel: ConsoleLogLevel; correlationId?: string } {
  const level = url.searchParams.get("level") ?? "info";
  const minLevel = (LOG_LEVEL_ORDER as readonly string[]).includes(level)
    ? (level as ConsoleLogLevel)
    : "info";
  const correlationId = url.searchParams.get("correlation") ?? "";
  return correlationId ? { minLevel, correlationId } : { minLevel };
}

function linesTable(deps: ConsoleDeps, url: URL): Html {
  const f = filters(url);
  const lines = deps.log.lines({ ...f, limit: 300 });
  return table(
    ["time", "level", "message", "correlation id", "details"],
    lines.map((line) => [
      html`<code>${line.time.slice(11, 23)}</code>`,
      html`<span class="${line.level === "error" || line.level === "fatal" ? "error" : line.level === "warn" ? "warn" : ""}">${line.level}</span>`,
      html`<span class="msg">${line.msg}</span>`,
      line.correlationId
        ? html`<a href="/console/log?level=trace&correlation=${encodeURIComponent(line.correlationId)}" title="${line.correlationId}"><code>${line.correlationId.slice(0, 8)}</code></a>`
        : html``,
      html`<code class="muted">${Object.keys(line.fields).length ? JSON.stringify(line.fields) : ""}</code>`,
    ]),
    "no lines at this level",
  );
}

export const logRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/log",
    async run({ deps, url }) {
      const f = filters(url);
      const query = url.searchParams.toString();
      const body = html`<form class="row" method="get" action="/console/log">
<div><label for="level">Level at least</label><select id="level" name="level">${LOG_LEVEL_ORDER.map(
        (l) => html`<option${l === f.minLevel ? html` selected` : ""}>${l}</option>`,
      )}</select></div>
<div><label for="correlation">Correlation id</label><input type="text" id="correlation" name="correlation" value="${f.correlationId ?? ""}"></div>
<button>Filter</button>${f.correlationId ? html` <a href="/console/log?level=${f.minLevel}">all lines</a>` : ""}
</form>
<p class="muted">The last ${deps.log.capacity} lines the daemon logged at its log level (${deps.config.log.level}), newest first.</p>
<div hx-get="/console/log/lines?${query}" hx-trigger="every 3s" hx-swap="innerHTML" id="log-lines">${linesTable(deps, url)}</div>`;
      return { page: { title: "Log", body } };
    },
  },
  {
    method: "GET",
    path: "/console/log/lines",
    async run({ deps, url }) {
      return { fragment: linesTable(deps, url) };
    },
  },
];
