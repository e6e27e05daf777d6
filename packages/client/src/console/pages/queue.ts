/**
 * Queue: pending and failed reports (part number, serial, result, attempts, next attempt,
 * failure reason), a report's WSJF, retry (one or all failed) and purge of done/ (confirmed).
 * Entries are read straight from their files (the list gives their names), never found by id.
 */
import { join } from "node:path";
import type { FailureReason, QueueEntry } from "../../queue/entry.js";
import type { QueueListItem, QueueState } from "../../queue/file-queue.js";
import { reasonFileName } from "../../queue/naming.js";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";

const LIMIT = 50;

/** WSJF result codes as words. */
const RESULTS: Record<string, string> = { P: "Passed", F: "Failed", E: "Error", T: "Terminated" };

interface Row {
  item: QueueListItem;
  entry: QueueEntry | null;
  reason: FailureReason | null;
  readError: string | null;
}

async function readJson<T>(deps: ConsoleDeps, path: string): Promise<T> {
  return JSON.parse((await deps.queue.fs.readFile(path)).toString("utf8")) as T;
}

async function rows(deps: ConsoleDeps, state: QueueState): Promise<Row[]> {
  const items = await deps.queue.list(state, { limit: LIMIT });
  return Promise.all(
    items.map(async (item): Promise<Row> => {
      const dir = deps.queue.dir(state);
      let entry: QueueEntry | null = null;
      let readError: string | null = null;
      try {
        entry = await readJson<QueueEntry>(deps, join(dir, item.name));
      } catch (error) {
        readError = (error as Error).message;
      }
      const reason =
        state === "failed"
          ? await readJson<FailureReason>(deps, join(dir, reasonFileName(item.name))).catch(() => null)
          : null;
      return { item, entry, reason, readError };
    }),
  );
}

function reportCells(row: Row): Html[] {
  const r = row.entry?.report as { pn?: string; sn?: string; result?: string; type?: string } | undefined;
  return [
    html`<a href="/console/queue/report?id=${encodeURIComponent(row.item.id)}"><code>${row.item.id.slice(0, 8)}</code></a>`,
    html`${r?.pn ?? "?"}`,
    html`${r?.sn ?? "?"}`,
    html`<span class="${r?.result === "P" ? "ok" : "error"}">${RESULTS[r?.result ?? ""] ?? r?.result ?? ""}</span>`,
    html`${row.entry?.attempts ?? ""}`,
  ];
}

export async function queueFragment(deps: ConsoleDeps, message?: Html): Promise<Html> {
  const counts = await deps.queue.refreshCounts();
  const [pending, failed] = await Promise.all([rows(deps, "pending"), rows(deps, "failed")]);
  return html`${message ?? ""}
<p data-testid="queue-counts">pending <strong>${counts.pending}</strong>, sending <strong>${counts.sending}</strong>, failed <strong>${counts.failed}</strong>, done <strong>${counts.done}</strong></p>
<div class="row">
<button hx-post="/console/queue/retry" hx-vals='{"all":"1"}' hx-target="#queue" ${counts.failed === 0 ? html`disabled` : ""}>Retry all failed</button>
<button class="danger" hx-post="/console/queue/purge" hx-target="#queue" hx-confirm="Remove all ${counts.done} uploaded report(s) from done/? They are on the server already; this only frees disk space.">Purge done (${counts.done})</button>
</div>
<h2>Pending (oldest first, at most ${LIMIT})</h2>
${table(
  ["report", "part number", "serial", "result", "attempts", "next attempt", "last error"],
  pending.map((row) => [
    ...reportCells(row),
    html`${row.entry?.nextAttemptAt ?? "now"}`,
    html`${row.entry?.lastError ? `${row.entry.lastError.status ?? ""} ${row.entry.lastError.kind}: ${row.entry.lastError.message}` : (row.readError ?? "")}`,
  ]),
  "nothing pending",
)}
<h2>Failed</h2>
${table(
  ["report", "part number", "serial", "result", "attempts", "failed at", "reason", ""],
  failed.map((row) => [
    ...reportCells(row),
    html`${row.reason?.failedAt ?? row.item.stamp}`,
    html`<span class="error">${row.reason ? `${row.reason.reason}${row.reason.status ? ` (HTTP ${row.reason.status})` : ""}: ${row.reason.message}` : (row.readError ?? "")}</span>`,
    html`<button class="secondary" hx-post="/console/queue/retry" hx-vals='${JSON.stringify({ id: row.item.id })}' hx-target="#queue">Retry</button>`,
  ]),
  "no failed reports",
)}`;
}

export const queueRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/queue",
    async run({ deps }) {
      return { page: { title: "Queue", body: html`<div id="queue">${await queueFragment(deps)}</div>` } };
    },
  },
  {
    method: "POST",
    path: "/console/queue/retry",
    async run({ deps, form }) {
      if (field(form, "all") === "1") {
        const result = await deps.queue.retryAll();
        deps.logger.info({ ...result }, "console: retry all failed");
        return {
          fragment: await queueFragment(
            deps,
            notice(true, `requeued ${result.requeued}, superseded ${result.superseded}`),
          ),
        };
      }
      const id = field(form, "id");
      if (!id) return { fragment: await queueFragment(deps, notice(false, "no report id given")) };
      const outcome = await deps.queue.retry(id);
      deps.logger.info({ id, outcome }, "console: retry");
      return {
        fragment: await queueFragment(deps, notice(outcome !== "not-found", `${id}: ${outcome}`)),
      };
    },
  },
  {
    method: "POST",
    path: "/console/queue/purge",
    async run({ deps }) {
      const removed = await deps.queue.purgeDone();
      deps.logger.info({ removed }, "console: purged done/");
      return { fragment: await queueFragment(deps, notice(true, `removed ${removed} done report(s)`)) };
    },
  },
  {
    method: "GET",
    path: "/console/queue/report",
    async run({ deps, url }) {
      const id = url.searchParams.get("id") ?? "";
      const shown = await deps.queue.show(id);
      if (!shown) return { page: { title: "Report", body: notice(false, `no report ${id} in the queue`) } };
      const e = shown.entry;
      return {
        page: {
          title: `Report ${shown.id}`,
          body: html`<p><a href="/console/queue">&larr; Queue</a></p>
<p>state <strong>${shown.state}</strong>, enqueued ${shown.enqueuedAt}${e ? `, attempts ${e.attempts}` : ""}${e?.source ? `, from ${e.source.path} (${e.source.converter})` : ""}</p>
${shown.reason ? notice(false, `${shown.reason.reason}: ${shown.reason.message}`) : ""}
${shown.readError ? notice(false, shown.readError) : ""}
<h2>WSJF</h2>
<pre data-testid="wsjf">${e ? JSON.stringify(e.report, null, 2) : ""}</pre>`,
        },
      };
    },
  },
];
