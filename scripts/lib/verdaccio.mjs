// The private npm registry of `pnpm release:rehearse`: Verdaccio 6.8.0 on 127.0.0.1.
//
// Verdaccio (327 packages, 58 MB) is not a workspace dependency: nothing else needs it, and every
// `pnpm install` (CI's included) would fetch it. Its exact version and full dependency tree are
// pinned by scripts/release-rehearsal/verdaccio/package-lock.json and installed with `npm ci` into
// node_modules/.cache/tswats/verdaccio-<lock hash>/ on first use, then reused. TSWATS_REHEARSAL_CACHE
// names another folder for it (CI keeps it outside the clone, so a fresh clone need not install it).
//
// Our packages are never looked up on the internet: only other packages ("**") have the npmjs
// uplink, so a missing @tswats package is a 404 here, not a download of someone else's.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { root } from "./workspace.mjs";

const pinned = fileURLToPath(new URL("../release-rehearsal/verdaccio/", import.meta.url));
const serveScript = fileURLToPath(new URL("../release-rehearsal/serve-registry.mjs", import.meta.url));
export const VERDACCIO_VERSION = JSON.parse(readFileSync(join(pinned, "package.json"), "utf8")).dependencies
  .verdaccio;

/**
 * Installs the pinned Verdaccio unless the cache already has it.
 * @param {(command: string, args: string[], cwd: string) => Promise<void>} run
 * @param {Record<string, string | undefined>} [env]  TSWATS_REHEARSAL_CACHE: the cache folder
 * @returns {Promise<{ dir: string, installed: boolean }>}
 */
export async function ensureVerdaccio(run, env = process.env) {
  const lock = readFileSync(join(pinned, "package-lock.json"));
  const cache = env.TSWATS_REHEARSAL_CACHE || join(root, "node_modules/.cache/tswats");
  const dir = join(cache, `verdaccio-${createHash("sha256").update(lock).digest("hex").slice(0, 12)}`);
  const marker = join(dir, "node_modules/verdaccio/package.json");
  if (existsSync(marker) && JSON.parse(readFileSync(marker, "utf8")).version === VERDACCIO_VERSION)
    return { dir, installed: false };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(pinned, "package.json"), join(dir, "package.json"));
  copyFileSync(join(pinned, "package-lock.json"), join(dir, "package-lock.json"));
  await run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], dir);
  return { dir, installed: true };
}

/**
 * Starts Verdaccio on 127.0.0.1 with its storage in `workDir`, and a user that may publish.
 * The returned token goes only into the .npmrc files the rehearsal writes; never print it.
 * @returns {Promise<{ url: string, token: string, output: () => string, close: () => Promise<void> }>}
 */
export async function startRegistry(installDir, workDir) {
  mkdirSync(workDir, { recursive: true });
  const config = join(workDir, "config.yaml");
  writeFileSync(
    config,
    [
      "storage: ./storage",
      "auth:",
      "  htpasswd:",
      "    file: ./htpasswd",
      "    max_users: 1",
      "uplinks:",
      "  npmjs:",
      "    url: https://registry.npmjs.org/",
      "    timeout: 60s",
      "packages:",
      "  '@tswats/*':",
      "    access: $all",
      "    publish: $authenticated",
      "    unpublish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "    proxy: npmjs",
      "web:",
      "  enable: false",
      "max_body_size: 100mb",
      "log: { type: stdout, format: json, level: warn }",
      "",
    ].join("\n"),
  );
  const child = spawn(process.execPath, [serveScript, installDir, config], {
    cwd: workDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Verdaccio did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Verdaccio exited (${code}) before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}/`;
  const close = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await once(child, "exit");
  };
  try {
    const token = await addUser(url);
    return { url, token, output: () => output, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** npm's adduser call: a new user with a random password; the answer carries its token. */
async function addUser(url) {
  const name = "rehearsal";
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password: randomBytes(18).toString("base64url"),
      type: "user",
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== "string")
    throw new Error(`the registry refused to create the publishing user: HTTP ${response.status}`);
  return body.token;
}
