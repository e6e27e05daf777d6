/**
 * Software: the station's view of WATS software packages through the SDK's software domain:
 * list them, download one to a folder, verify a downloaded one.
 *
 * What "download" holds: WATS's public API describes a package (its definition and its file list)
 * but does not serve file contents, so a download is `<folder>/<name>/v<version>/` with
 * `tswats-package.json` (definition, files, server, when) and `tswats-package.sha256`. Verify checks
 * that the manifest is intact (sha256) and still matches the server: same version, same files,
 * not revoked.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { redactUrl } from "@tswats/core";
import type { Wats } from "@tswats/sdk";
import type { ConsoleDeps, ConsoleRoute } from "../context.js";
import { field } from "../context.js";
import { type Html, html, notice, table } from "../html.js";
import { withWats } from "../wats-session.js";

type Package = Awaited<ReturnType<Wats["software"]["getSoftwarePackage"]>>;
type PackageFile = Awaited<ReturnType<Wats["software"]["getSoftwareFiles"]>>[number];

export const MANIFEST = "tswats-package.json";

interface Manifest {
  server: string;
  downloadedAt: string;
  package: Package;
  files: PackageFile[];
}

function defaultFolder(deps: ConsoleDeps): string {
  return join(dirname(deps.config.queue.folder), "software");
}

/** Where a package goes inside `folder` (its name made safe for a path). */
export function packageFolder(folder: string, pkg: Package): string {
  const name = String(pkg.name ?? pkg.packageId ?? "package").replace(/[^\w.-]/g, "_");
  return join(folder, name, `v${pkg.version ?? 0}`);
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const fileKey = (f: PackageFile) => `${f.packageFolderName ?? ""}/${f.name ?? ""}`;

function checkFolder(folder: string): string {
  if (!isAbsolute(folder)) throw new Error(`folder: must be an absolute path (got "${folder}")`);
  return folder;
}

async function download(deps: ConsoleDeps, id: string, folder: string): Promise<Html> {
  const { pkg, files } = await withWats(deps, async (wats) => ({
    pkg: await wats.software.getSoftwarePackage({ id }),
    files: await wats.software.getSoftwareFiles({ id }),
  }));
  const target = packageFolder(checkFolder(folder), pkg);
  await mkdir(target, { recursive: true });
  const manifest: Manifest = {
    server: redactUrl(deps.config.server.baseUrl),
    downloadedAt: new Date().toISOString(),
    package: pkg,
    files,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(target, MANIFEST), text);
  await writeFile(join(target, "tswats-package.sha256"), `${sha256(text)}  ${MANIFEST}\n`);
  deps.logger.info(
    { package: pkg.name, version: pkg.version, folder: target },
    "console: software package downloaded",
  );
  return notice(true, `downloaded ${pkg.name} v${pkg.version} (${files.length} file(s) listed) to ${target}`);
}

async function verify(deps: ConsoleDeps, id: string, folder: string): Promise<Html> {
  const pkg = await withWats(deps, (wats) => wats.software.getSoftwarePackage({ id }));
  const target = packageFolder(checkFolder(folder), pkg);
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  let manifest: Manifest | undefined;
  try {
    const text = await readFile(join(target, MANIFEST), "utf8");
    const expected = (await readFile(join(target, "tswats-package.sha256"), "utf8")).split(/\s+/)[0];
    const ok = expected === sha256(text);
    checks.push({
      name: "manifest intact",
      ok,
      detail: ok ? `sha256 ${expected?.slice(0, 16)}…` : "sha256 differs: the download was changed",
    });
    // Only an intact manifest is compared with the server.
    if (ok) manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    checks.push({
      name: "downloaded",
      ok: false,
      detail: `not found in ${target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    });
  }
  if (manifest) {
    const files = await withWats(deps, (wats) => wats.software.getSoftwareFiles({ id }));
    checks.push({
      name: "version",
      ok: manifest.package.version === pkg.version,
      detail: `local v${manifest.package.version}, server v${pkg.version}`,
    });
    checks.push({ name: "status", ok: pkg.status !== "Revoked", detail: `${pkg.status} on the server` });
    const local = manifest.files.map(fileKey).sort().join("\n");
    const remote = files.map(fileKey).sort().join("\n");
    checks.push({
      name: "files",
      ok: local === remote,
      detail:
        local === remote
          ? `${files.length} file(s), same as the server`
          : `local ${manifest.files.length}, server ${files.length}: the lists differ`,
    });
  }
  const ok = checks.every((c) => c.ok);
  return html`${notice(ok, `${pkg.name} v${pkg.version}: ${ok ? "verified" : "NOT verified"}`)}
${table(
  ["", "check", "detail"],
  checks.map((c) => [
    html`<span class="${c.ok ? "ok" : "error"}">${c.ok ? "ok" : "FAIL"}</span>`,
    html`${c.name}`,
    html`${c.detail}`,
  ]),
)}`;
}

async function packageList(deps: ConsoleDeps): Promise<Html> {
  let packages: Package[];
  try {
    packages = await withWats(deps, (wats) => wats.software.getSoftwarePackages());
  } catch (error) {
    return notice(false, `cannot list the packages: ${(error as Error).message}`);
  }
  const folder = defaultFolder(deps);
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
<input type="text" name="folder" value="${folder}" aria-label="folder">
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
          body: html`<p class="muted">Packages on ${redactUrl(deps.config.server.baseUrl)}. A download writes the package's definition and file list (WATS's public API does not serve file contents) to <code>&lt;folder&gt;/&lt;name&gt;/v&lt;version&gt;/</code>; verify compares it with the server.</p>
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
      return { fragment: await download(deps, field(form, "id"), field(form, "folder").trim()) };
    },
  },
  {
    method: "POST",
    path: "/console/software/verify",
    async run({ deps, form }) {
      return { fragment: await verify(deps, field(form, "id"), field(form, "folder").trim()) };
    },
  },
];
