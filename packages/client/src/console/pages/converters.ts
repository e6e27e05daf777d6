/**
 * Converters: each watch folder with its converter and parameters, its counts, the last files
 * converted (Done/) and failed (Error/, with the reason from `<file>.error.txt`), and a preview:
 * a file picked in the browser is run through the `convert` command's path (the same converter
 * host, in a child process) and the report(s) it would become are shown; nothing is queued.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";

const SHOWN_FILES = 5;

async function newestFiles(folder: string, skip: (name: string) => boolean) {
  const names = await readdir(folder).catch(() => [] as string[]);
  const files = await Promise.all(
    names
      .filter((name) => !skip(name))
      .map(async (name) => {
        const info = await stat(join(folder, name)).catch(() => undefined);
        return info?.isFile() ? { name, mtime: info.mtimeMs } : undefined;
      }),
  );
  return files
    .filter((f): f is { name: string; mtime: number } => f !== undefined)
    .sort((a, b) => b.mtime - a.mtime)
    .slice(0, SHOWN_FILES);
}

async function errorReason(folder: string, name: string): Promise<string> {
  const text = await readFile(join(folder, `${name}.error.txt`), "utf8").catch(() => "(no .error.txt)");
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

async function watchFolders(deps: ConsoleDeps): Promise<Html> {
  const status = await deps.status();
  const stats = (status.converters?.watchers as Record<string, unknown>[] | undefined) ?? [];
  if (deps.config.converters.length === 0)
    return html`<p class="muted">No watch folders configured (add a <code>converters</code> entry to the config file).</p>`;
  const sections = await Promise.all(
    deps.config.converters.map(async (entry) => {
      const label = entry.label ?? entry.name;
      const s = stats.find((w) => w.label === label) ?? {};
      const doneFolder = entry.doneFolder ?? join(entry.watch.folder, "Done");
      const errorFolder = entry.errorFolder ?? join(entry.watch.folder, "Error");
      const done = await newestFiles(doneFolder, (n) => n.endsWith(".warnings.txt"));
      const failed = await newestFiles(
        errorFolder,
        (n) => n.endsWith(".error.txt") || n.endsWith(".warnings.txt"),
      );
      const reasons = await Promise.all(failed.map((f) => errorReason(errorFolder, f.name)));
      return html`<section class="card" style="margin-bottom:.8rem" data-testid="watcher">
<h2>${label} <span class="muted">(${entry.name})</span></h2>
<p><code>${entry.watch.folder}</code> · settle ${entry.watch.settleMs} ms · on success: ${entry.onSuccess} · limits ${entry.timeoutMs} ms, ${entry.maxMemoryMb} MB</p>
<p>parameters: <code>${JSON.stringify(entry.parameters)}</code></p>
<p>converted <strong>${s.converted ?? 0}</strong>, failed <strong>${s.failed ?? 0}</strong>, in progress ${Number(s.inFlight ?? 0) + Number(s.settling ?? 0) + Number(s.queued ?? 0)}</p>
<h3>Last converted</h3>
${table(
  ["file", "when"],
  done.map((f) => [html`${f.name}`, html`${new Date(f.mtime).toISOString()}`]),
  "none yet",
)}
<h3>Last failed</h3>
${table(
  ["file", "when", "reason (.error.txt)"],
  failed.map((f, i) => [
    html`${f.name}`,
    html`${new Date(f.mtime).toISOString()}`,
    html`<code class="error">${reasons[i]}</code>`,
  ]),
  "none",
)}
</section>`;
    }),
  );
  return html`${sections}`;
}

function previewForm(deps: ConsoleDeps): Html {
  const names = [...new Set(deps.config.converters.map((c) => c.name))];
  return html`<form class="drop" hx-post="/console/converters/preview" hx-encoding="multipart/form-data" hx-target="#preview">
<label for="preview-file">A file from the test equipment</label>
<input type="file" id="preview-file" name="file" required>
<label for="preview-converter">Converter</label>
<select id="preview-converter" name="converter"><option value="">chosen by file pattern and content</option>${names.map((n) => html`<option>${n}</option>`)}</select>
<div class="row"><button>Preview (nothing is submitted)</button></div>
</form>
<div id="preview"></div>`;
}

/** Runs the `convert` command's path on an uploaded file; the report(s) as JSON, or why not. */
async function preview(deps: ConsoleDeps, file: File, converter: string): Promise<Html> {
  const dir = await mkdtemp(join(tmpdir(), "tswats-console-preview-"));
  try {
    const name = basename(file.name || "upload").replace(/[^\w.-]/g, "_") || "upload";
    const path = join(dir, name);
    await writeFile(path, Buffer.from(await file.arrayBuffer()));
    const { convertCommand } = await import("@tswats/converters");
    let out = "";
    let err = "";
    await convertCommand(
      {
        file: path,
        json: true,
        parameters: {},
        pluginFolders: deps.config.pluginFolders,
        plugins: deps.config.plugins,
        station: deps.config.server.station,
        ...(converter ? { converter } : {}),
      },
      {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          err += t;
        },
      },
    );
    if (out.trim() === "") return notice(false, err.trim() || "the converter gave no answer");
    const result = JSON.parse(out) as {
      ok: boolean;
      converter?: string;
      reports?: unknown[];
      warnings?: string[];
      error?: { kind: string; message: string; line?: number; field?: string };
    };
    const warnings = result.warnings ?? [];
    if (!result.ok) {
      const e = result.error;
      return html`${notice(false, `${file.name}: cannot convert (${e?.kind ?? "error"}${e?.line ? `, line ${e.line}` : ""}${e?.field ? `, field ${e.field}` : ""}): ${e?.message ?? ""}`)}
${warnings.map((w) => html`<p class="warn">warning: ${w}</p>`)}`;
    }
    const reports = result.reports ?? [];
    return html`${notice(true, `${file.name}: ${reports.length} report(s) by converter ${result.converter} (not submitted)`)}
${warnings.map((w) => html`<p class="warn">warning: ${w}</p>`)}
<pre data-testid="preview-json">${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}</pre>`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const converterRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/converters",
    async run({ deps }) {
      return {
        page: {
          title: "Converters",
          body: html`${await watchFolders(deps)}<h2>Preview a file</h2>${previewForm(deps)}`,
        },
      };
    },
  },
  {
    method: "POST",
    path: "/console/converters/preview",
    async run({ deps, form }) {
      const file = form?.get("file");
      if (!(file instanceof File)) return { fragment: notice(false, "choose a file first") };
      return { fragment: await preview(deps, file, field(form, "converter")) };
    },
  },
];
