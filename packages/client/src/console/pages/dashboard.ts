/**
 * Dashboard: connection and authentication, breaker and throttle, queue counts (done today
 * included), uploads per minute over the last hour, converter activity and the last errors.
 * The live part is re-fetched by htmx every 2 seconds.
 */
import { redactUrl } from "@tswats/core";
import { parseEntryName } from "../../queue/naming.js";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { type Html, html, table } from "../html.js";

/** Per queue: the last count of done/ today (streaming done/ every 2 s would be wasteful). */
const doneToday = new WeakMap<object, { at: number; day: number; count: number }>();

/** Reports that reached done/ since local midnight (file-name stamps; cached 10 s). */
async function countDoneToday(deps: ConsoleDeps): Promise<number> {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const day = midnight.getTime();
  const cached = doneToday.get(deps.queue);
  if (cached && cached.day === day && Date.now() - cached.at < 10_000) return cached.count;
  let count = 0;
  for await (const entry of deps.queue.fs.entries(deps.queue.dir("done"))) {
    const parsed = entry.isFile ? parseEntryName(entry.name) : undefined;
    if (parsed && parsed.stamp >= day) count++;
  }
  doneToday.set(deps.queue, { at: Date.now(), day, count });
  return count;
}

function chart(deps: ConsoleDeps): Html {
  const minutes = deps.activity.lastHour();
  const max = Math.max(1, ...minutes.map((m) => m.ok + m.failed));
  const total = minutes.reduce((sum, m) => sum + m.ok, 0);
  const failed = minutes.reduce((sum, m) => sum + m.failed, 0);
  const bars = minutes.map((m) => {
    const at = new Date(m.minute).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const pct = Math.round(((m.ok + m.failed) / max) * 100);
    return html`<span class="${m.failed > m.ok ? "failed" : ""}" style="height:${pct}%" title="${at}: ${m.ok} uploaded, ${m.failed} failed or retried"></span>`;
  });
  return html`<div class="chart" role="img" aria-label="uploads per minute, last hour">${bars}</div>
<p class="muted">${total} uploaded in the last hour, ${failed} failed or retried; the tallest bar is ${max} in a minute (red: more failed than uploaded)</p>`;
}

export async function liveFragment(deps: ConsoleDeps): Promise<Html> {
  const status = await deps.status();
  const u = status.uploader;
  const q = status.queue;
  const checks = status.ready.checks;
  const server = String(checks.server ?? "");
  const throttle = deps.config.upload.throttle;
  const t = status.throttle;
  const converters = (status.converters?.watchers as Record<string, unknown>[] | undefined) ?? [];
  const errors = deps.log.lines({ minLevel: "warn", limit: 6 });
  return html`<div class="grid">
<section class="card"><h2>Connection</h2>
<p class="big ${status.ready.ready ? "ok" : "error"}" data-testid="ready">${status.ready.ready ? "ready" : "not ready"}</p>
<p>${redactUrl(deps.config.server.baseUrl)}<br><span class="muted">${server}</span></p>
<p>authentication: <span class="pill ${u.auth === "ok" ? "ok" : "error"}">${u.auth}</span>${u.authMessage ? html` <span class="error">${u.authMessage}</span>` : ""}</p>
</section>
<section class="card"><h2>Breaker and throttle</h2>
<p>circuit breaker: <span class="pill ${u.breaker === "closed" ? "ok" : "error"}" data-testid="breaker">${u.breaker}</span></p>
<p>${u.holdUntil ? html`<span class="warn">holding until ${u.holdUntil}</span>` : "not holding"}</p>
<p data-testid="throttle">${
    t
      ? `rate limit: ${t.inWindow} of ${t.limit} requests in the current ${Math.round(t.windowMs / 1000)} s window, ${t.waiting} waiting (${t.delayed} of ${t.granted} delayed so far)`
      : throttle === false
        ? "no client-side rate limit"
        : "rate limit: not in use (uploads off)"
  }</p>
<p class="muted">${u.inFlight}/${u.concurrency} uploads in flight</p>
</section>
<section class="card"><h2>Queue</h2>
<table><tbody>
<tr><th>pending</th><td data-testid="count-pending">${q.pending}</td></tr>
<tr><th>sending</th><td data-testid="count-sending">${q.sending}</td></tr>
<tr><th>failed</th><td data-testid="count-failed" class="${q.failed ? "error" : ""}">${q.failed}</td></tr>
<tr><th>done today</th><td data-testid="count-done-today">${await countDoneToday(deps)}</td></tr>
</tbody></table>
<p class="muted">uploaded ${u.uploadsOk}, failed ${u.uploadsFailed}, retried ${u.uploadsRetried} since start; last success ${u.lastSuccessAt ?? "never"}</p>
</section>
</div>
<section class="card" style="margin-top:.8rem"><h2>Uploads per minute, last hour</h2>${chart(deps)}</section>
<h2>Converters</h2>
${table(
  ["watch folder", "converter", "converted", "failed", "in progress"],
  converters.map((w) => [
    html`${w.label}<br><span class="muted">${w.folder}</span>`,
    html`${w.converter}`,
    html`${w.converted ?? 0}`,
    html`${w.failed ?? 0}`,
    html`${Number(w.inFlight ?? 0) + Number(w.settling ?? 0) + Number(w.queued ?? 0)}`,
  ]),
  "no watch folders configured",
)}
<h2>Last errors and warnings</h2>
${table(
  ["time", "level", "message"],
  errors.map((line) => [
    html`${line.time.slice(11, 19)}`,
    html`<span class="${line.level === "warn" ? "warn" : "error"}">${line.level}</span>`,
    html`${line.msg} <span class="muted">${JSON.stringify(line.fields)}</span>`,
  ]),
  "no errors since the daemon started",
)}`;
}

export const dashboardRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console",
    async run({ deps }) {
      const body = html`<div hx-get="/console/dashboard/live" hx-trigger="every 2s" hx-swap="innerHTML" id="live">${await liveFragment(deps)}</div>`;
      return { page: { title: "Dashboard", body } };
    },
  },
  {
    method: "GET",
    path: "/console/dashboard/live",
    async run({ deps }) {
      return { fragment: await liveFragment(deps) };
    },
  },
];
