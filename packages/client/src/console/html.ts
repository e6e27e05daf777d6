/**
 * Server-rendered HTML for the console: escaping, the page frame (navigation, the CSRF token for
 * htmx requests) and a few helpers every page uses. Values from files, the queue or the server
 * always pass through `esc`.
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A template literal that escapes its values unless they are `Html` (already rendered). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return esc(value);
}

export const PAGES = [
  { path: "/console", label: "Dashboard" },
  { path: "/console/queue", label: "Queue" },
  { path: "/console/converters", label: "Converters" },
  { path: "/console/setup", label: "Setup" },
  { path: "/console/software", label: "Software" },
  { path: "/console/serials", label: "Serial numbers" },
  { path: "/console/log", label: "Log" },
] as const;

export interface FrameOptions {
  title: string;
  /** Path of the page (highlighted in the navigation). */
  path: string;
  csrf: string;
  station: string;
  /** Show "log out" (only when a password is configured). */
  logout: boolean;
  body: Html;
}

/** The whole document: head, navigation, the page. htmx sends the CSRF token with every request. */
export function frame(options: FrameOptions): string {
  const nav = PAGES.map(
    (p) =>
      html`<a href="${p.path}"${p.path === options.path ? new Html(' aria-current="page"') : ""}>${p.label}</a>`,
  );
  return `<!doctype html>${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · tswats-client</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/htmx.min.js"></script>
</head>
<body hx-headers='${JSON.stringify({ "x-csrf-token": options.csrf })}'>
<header><strong>tswats-client</strong> <span class="muted">${options.station}</span>
<nav>${nav}</nav>
${options.logout ? html`<form method="post" action="/console/logout" class="logout"><input type="hidden" name="_csrf" value="${options.csrf}"><button class="link">log out</button></form>` : ""}
</header>
<main>
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>`.text
  }`;
}

/** A table from rows; an empty list gives one line saying so. */
export function table(headers: readonly string[], rows: readonly Html[][], empty = "nothing here"): Html {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (cells) => html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

export function cell(value: unknown): Html {
  return html`${value}`;
}

/** A result message after an action (`ok` green, else red). */
export function notice(ok: boolean, text: string | Html): Html {
  return html`<p class="${ok ? "ok" : "error"}" role="status">${text}</p>`;
}
