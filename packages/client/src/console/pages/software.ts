/**
 * Software: the station's view of WATS software packages through the SDK's software domain:
 * list them, download one's files to the download folder, verify a download.
 *
 * The download folder is `console.softwareFolder` (default `<queue>/console/software`); a package
 * goes to `<folder>/<name>/v<version>/` with its files (nested folders kept) and a manifest. The
 * files' bytes come from WATS's internal API (see ../../software/package-download.ts).
 */
import { isAbsolute, join } from "node:path";
import { redactUrl } from "@tswats/core";
import type { Package } from "@tswats/software";
import {
  type Check,
  downloadPackage,
  type PackageResult,
  verifyPackage,
} from "../../software/package-download.js";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";
import { withWats } from "../wats-session.js";

/** The download folder: `console.softwareFolder`, else `<queue>/console/software`. */
export function softwareFolder(deps: ConsoleDeps): string {
  const folder = deps.config.console.softwareFolder ?? join(deps.dataFolder, "software");
  if (!isAbsolute(folder)) {
    throw new Error(`console.softwareFolder: must be an absolute path here (got "${folder}")`);
  }
  return folder;
}

/** One download or verify at a time: two clicks must not swap folders under each other. */
let softwareLock: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(action: () => Promise<T>): Promise<T> {
  const run = softwareLock.then(action, action);
  softwareLock = run.catch(() => undefined);
  return run;
}

function checksTable(checks: readonly Check[]): Html {
  return table(
    ["", "file or check", "detail"],
    checks.map((c) => [
      html`<span class="${c.ok ? "ok" : "error"}">${c.ok ? "ok" : "FAIL"}</span>`,
      html`<code>${c.name}</code>`,
      html`${c.detail}`,
    ]),
  );
}

function resultView(action: "download" | "verify", result: PackageResult): Html {
  const { package: pkg, folder, ok, checks } = result;
  const label = `${pkg.name} v${pkg.version}`;
  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  const title = !ok
    ? `${label}: NOT verified (${failed.join(", ")})`
    : action === "download"
      ? `${label}: downloaded to ${folder} and verified`
      : `${label}: verified in ${folder}`;
  return html`<div data-testid="software-verdict" data-ok="${ok ? "true" : "false"}">${notice(ok, title)}</div>
${checksTable(checks)}`;
}

async function packageList(deps: ConsoleDeps): Promise<Html> {
  let packages: Package[];
  try {
    packages = await withWats(deps, (wats) => wats.software.getSoftwarePackages());
  } catch (error) {
    return notice(false, `cannot list the packages: ${(error as Error).message}`);
  }
  return table(
    ["name", "version", "status", "tags", "modified", ""],
    packages.map((p) => [
      html`<strong>${p.name}</strong><br><span class="muted">${p.description ?? ""}</span>`,
      html`${p.version}`,
      html`<span class="pill ${p.status === "Released" ? "ok" : p.status === "Revoked" ? "error" : "muted"}">${p.status}</span>`,
      html`${(p.tags ?? []).map((t) => `${t.key}=${t.value}`).join(", ")}`,
      html`${p.modified ?? ""}`,
      html`<form class="row" hx-post="/console/software/download" hx-target="#software-result">
<input type="hidden" name="id" value="${p.packageId}">
<button>Download</button>
<button class="secondary" hx-post="/console/software/verify" hx-target="#software-result">Verify</button>
</form>`,
    ]),
    "no software packages on the server",
  );
}

export const softwareRoutes: ConsoleRoute[] = [
  {
    method: "GET",
    path: "/console/software",
    async run({ deps }) {
      return {
        page: {
          title: "Software",
          body: html`<p class="muted">Packages on ${redactUrl(deps.config.server.baseUrl)}. Download writes every file of a package to <code>${softwareFolder(deps)}/&lt;name&gt;/v&lt;version&gt;/</code> (<code>console.softwareFolder</code>) and checks each file's size and checksum against the server's; verify checks them again on disk. The files come through WATS's internal API.</p>
<div id="software-result"></div>
${await packageList(deps)}`,
        },
      };
    },
  },
  {
    method: "POST",
    path: "/console/software/download",
    async run({ deps, form }) {
      const folder = softwareFolder(deps);
      const result = await oneAtATime(() =>
        withWats(deps, (wats) =>
          downloadPackage({
            wats,
            packageId: field(form, "id"),
            folder,
            server: redactUrl(deps.config.server.baseUrl),
            logger: deps.logger,
          }),
        ),
      );
      return { fragment: resultView("download", result) };
    },
  },
  {
    method: "POST",
    path: "/console/software/verify",
    async run({ deps, form }) {
      const folder = softwareFolder(deps);
      const result = await withWats(deps, (wats) =>
        verifyPackage({ wats, packageId: field(form, "id"), folder }),
      );
      return { fragment: resultView("verify", result) };
    },
  },
];
