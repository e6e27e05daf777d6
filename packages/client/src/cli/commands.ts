/**
 * The tswats-client commands except `convert`/`converters` (those live with the converters).
 * Every read command takes --json. Nothing here prints the token.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statfsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createLogger, type LogLevel, redactUrl, scrubSecrets, WatsConfigError } from "@tswats/core";
import { safeParseReport } from "@tswats/report";
import {
  isTooOpen,
  type LoadedClientConfig,
  loadClientConfig,
  parseClientConfig,
  readRawConfig,
  rereadToken,
  resolveConfigPath,
  writeConfigFile,
} from "../config/load.js";
import { type DaemonStateFile, STATE_FILE, startDaemon } from "../daemon/daemon.js";
import { FileQueue, QUEUE_STATES, type QueueState } from "../queue/file-queue.js";
import { type OptionSpecs, parseCommandArgs } from "./args.js";
import { EXIT } from "./exit-codes.js";
import { type CliContext, printJson, progressPrinter, UsageError } from "./io.js";

type BooleanFlag = "json" | "help" | "all" | "done" | "force";
/** Option values: the flags above are booleans, every other option a string (as declared). */
type Values = { [K in BooleanFlag]?: boolean } & { [key: string]: string | boolean | undefined } & {
  config?: string;
  url?: string;
  state?: string;
  limit?: string;
  queue?: string;
  port?: string;
  "base-url"?: string;
};

/** The CLI's one parser (args.ts), typed for these commands' options. */
function parse(
  argv: string[],
  options: OptionSpecs,
  allowPositionals = true,
): { values: Values; positionals: string[] } {
  const parsed = parseCommandArgs(argv, options, allowPositionals);
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

function load(ctx: CliContext, path: string | undefined, requireToken = false): LoadedClientConfig {
  return loadClientConfig({ ...(path ? { path } : {}), env: ctx.env, requireToken });
}

async function openQueueFor(ctx: CliContext, path: string | undefined): Promise<FileQueue> {
  const { config } = load(ctx, path);
  return FileQueue.open({ folder: config.queue.folder });
}

// ------------------------------------------------------------------ start

/** SIGTERM/SIGINT: the process ends within shutdownTimeoutMs plus this (documented in the README). */
export const SHUTDOWN_SLACK_MS = 2_000;

export async function startCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(argv, {}, false);
  const loaded = load(ctx, values.config);
  const { config, path } = loaded;
  if (config.upload.enabled && loaded.token === undefined) {
    throw new WatsConfigError(`no API token: set WATS_AUTH_TOKEN or server.token in ${path}`);
  }
  const logger = makeLogger(config.log.level as LogLevel, config.log.file);
  let token = loaded.token ?? "";
  const daemon = await startDaemon({
    config,
    configPath: path,
    logger,
    token: () => {
      try {
        token = rereadToken(path, ctx.env) ?? token;
      } catch (error) {
        logger.error({ err: (error as Error).message }, "cannot re-read the token; keeping the previous one");
      }
      return token;
    },
  });
  ctx.io.err(
    `tswats-client running (pid ${process.pid}); health on ${daemon.health.url}; queue ${config.queue.folder}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "signal received; draining");
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      // Bounded in every case: what is still running after the drain time plus the slack is cut
      // off by the exit (uploads in sending/ are requeued on the next start; files being
      // converted stay in their watch folder).
      const limit = config.shutdownTimeoutMs + SHUTDOWN_SLACK_MS;
      const cutOff = setTimeout(() => {
        logger.error({ limitMs: limit }, "did not stop within shutdownTimeoutMs + slack; exiting now");
        resolve();
      }, limit);
      cutOff.unref();
      daemon.stop().then(resolve, resolve);
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
    if (process.platform !== "win32") {
      process.on("SIGHUP", () => {
        logger.info({}, "SIGHUP: re-reading the token");
        void daemon.reloadCredentials();
      });
    }
  });
  return EXIT.ok;
}

function makeLogger(level: LogLevel, file: string | undefined) {
  if (!file) return createLogger({ level, name: "tswats-client" });
  mkdirSync(dirname(file), { recursive: true });
  // Lines go to stdout and are appended to the file.
  const destination = {
    write(line: string) {
      process.stdout.write(line);
      try {
        appendFileSync(file, line);
      } catch {
        // a log file that cannot be written must not stop uploads
      }
    },
  };
  return createLogger({ level, name: "tswats-client", destination });
}

// ------------------------------------------------------------------ status

export async function statusCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(argv, { url: { type: "string" } }, false);
  let url = values.url;
  if (!url) {
    const { config } = load(ctx, values.config);
    const statePath = join(config.queue.folder, STATE_FILE);
    if (!existsSync(statePath)) {
      ctx.io.err(`no daemon is running for the queue ${config.queue.folder} (no ${STATE_FILE})\n`);
      return EXIT.notRunning;
    }
    url = (JSON.parse(readFileSync(statePath, "utf8")) as DaemonStateFile).url;
  }
  let body: Record<string, unknown>;
  try {
    const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(5_000) });
    body = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    ctx.io.err(
      `the daemon at ${url} does not answer (${(error as Error).message}); it is probably not running\n`,
    );
    return EXIT.notRunning;
  }
  if (values.json) {
    printJson(ctx.io, body);
    return EXIT.ok;
  }
  const q = body.queue as Record<string, number>;
  const u = body.uploader as Record<string, unknown>;
  const r = body.ready as { ready: boolean; checks: Record<string, unknown> };
  const lines = [
    `daemon      pid ${body.pid}, up ${body.uptimeSeconds}s, version ${body.version}`,
    `queue       ${body.queueFolder}`,
    `            pending ${q.pending}, sending ${q.sending}, done ${q.done}, failed ${q.failed}`,
    `uploads     ok ${u.uploadsOk}, failed ${u.uploadsFailed}, retried ${u.uploadsRetried}, in flight ${u.inFlight}; last success ${u.lastSuccessAt ?? "never"}`,
    `breaker     ${u.breaker}${u.holdUntil ? ` (holding until ${u.holdUntil})` : ""}`,
    `auth        ${u.auth}${u.authMessage ? ` - ${u.authMessage} (fix the token; it is re-read every few seconds, or send SIGHUP)` : ""}`,
    `ready       ${r.ready ? "yes" : "no"} ${JSON.stringify(r.checks)}`,
  ];
  ctx.io.out(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

// ------------------------------------------------------------------ queue

export async function queueCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "list": {
      const { values } = parse(rest, { state: { type: "string" }, limit: { type: "string" } }, false);
      const states: QueueState[] = values.state ? [checkState(values.state)] : [...QUEUE_STATES];
      const limit = values.limit ? Number(values.limit) : 50;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive integer");
      const queue = await openQueueFor(ctx, values.config);
      const counts = await queue.refreshCounts();
      const result: Record<string, unknown> = { counts };
      for (const state of states) result[state] = await queue.list(state, { limit });
      if (values.json) printJson(ctx.io, result);
      else {
        ctx.io.out(
          `pending ${counts.pending}, sending ${counts.sending}, done ${counts.done}, failed ${counts.failed}\n`,
        );
        for (const state of states) {
          for (const item of result[state] as { id: string; enqueuedAt: string; stamp: string }[]) {
            ctx.io.out(
              `${state.padEnd(8)} ${item.id}  enqueued ${item.enqueuedAt}  ${state === "pending" ? "due" : "at"} ${item.stamp}\n`,
            );
          }
        }
      }
      return EXIT.ok;
    }
    case "show": {
      const { values, positionals } = parse(rest, {});
      const id = positionals[0];
      if (!id) throw new UsageError("queue show <report id>");
      const queue = await openQueueFor(ctx, values.config);
      const shown = await queue.show(id);
      if (!shown) {
        ctx.io.err(`no report ${id} in the queue\n`);
        return EXIT.notFound;
      }
      if (values.json) printJson(ctx.io, shown);
      else {
        ctx.io.out(`${shown.id}: ${shown.state} (enqueued ${shown.enqueuedAt})\n`);
        if (shown.entry) {
          const e = shown.entry;
          ctx.io.out(
            `  ${e.report.type} ${e.report.pn} / ${e.report.sn} rev ${e.report.rev}, result ${e.report.result}\n`,
          );
          ctx.io.out(`  attempts ${e.attempts}${e.nextAttemptAt ? `, next ${e.nextAttemptAt}` : ""}\n`);
          if (e.lastError)
            ctx.io.out(
              `  last error ${e.lastError.status ?? ""} ${e.lastError.kind}: ${e.lastError.message}\n`,
            );
          if (e.source) ctx.io.out(`  source ${e.source.path} (${e.source.converter})\n`);
        }
        if (shown.readError) ctx.io.out(`  unreadable: ${shown.readError}\n`);
        if (shown.reason)
          ctx.io.out(
            `  failed ${shown.reason.failedAt}: ${shown.reason.reason} ${shown.reason.status ?? ""} ${shown.reason.message}\n`,
          );
      }
      return EXIT.ok;
    }
    case "retry": {
      const { values, positionals } = parse(rest, { all: { type: "boolean" } });
      const queue = await openQueueFor(ctx, values.config);
      if (values.all) {
        const result = await queue.retryAll(progressPrinter(ctx, "retrying"));
        if (values.json) printJson(ctx.io, result);
        else ctx.io.out(`requeued ${result.requeued}, superseded ${result.superseded}\n`);
        return EXIT.ok;
      }
      const id = positionals[0];
      if (!id) throw new UsageError("queue retry <report id> | --all");
      const outcome = await queue.retry(id);
      if (values.json) printJson(ctx.io, { id, outcome });
      else ctx.io.out(`${id}: ${outcome}\n`);
      return outcome === "not-found" ? EXIT.notFound : EXIT.ok;
    }
    case "purge": {
      const { values } = parse(rest, { done: { type: "boolean" } }, false);
      if (!values.done) throw new UsageError("queue purge --done (only done/ can be purged)");
      const queue = await openQueueFor(ctx, values.config);
      const removed = await queue.purgeDone(progressPrinter(ctx, "purging"));
      if (values.json) printJson(ctx.io, { removed });
      else ctx.io.out(`removed ${removed} done report(s)\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError("queue list | show <id> | retry <id>|--all | purge --done");
  }
}

function checkState(value: string): QueueState {
  if ((QUEUE_STATES as readonly string[]).includes(value)) return value as QueueState;
  throw new UsageError(`--state must be one of ${QUEUE_STATES.join(", ")}`);
}

// ------------------------------------------------------------------ submit

export async function submitCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (positionals.length === 0) throw new UsageError("submit <report.json> [...]");
  const queue = await openQueueFor(ctx, values.config);
  const results: unknown[] = [];
  let failed = 0;
  for (const file of positionals) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      failed++;
      results.push({ file, error: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const parsed = safeParseReport(text);
    if (!parsed.success) {
      failed++;
      results.push({
        file,
        error: parsed.problems
          .slice(0, 10)
          .map((p) => `${p.path}: ${p.message}`)
          .join("; "),
      });
      continue;
    }
    try {
      const result = await queue.enqueueReport(parsed.report, null);
      results.push({ file, ...result });
    } catch (error) {
      failed++;
      results.push({ file, error: (error as Error).message });
    }
  }
  if (values.json) printJson(ctx.io, results);
  else {
    for (const r of results as Record<string, unknown>[]) {
      if (r.error) ctx.io.err(`${r.file}: not queued: ${r.error}\n`);
      else ctx.io.out(`${r.file}: ${r.status} ${r.id}\n`);
    }
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

// ------------------------------------------------------------------ config

export async function configCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "init": {
      const { values } = parse(
        rest,
        {
          "base-url": { type: "string" },
          queue: { type: "string" },
          force: { type: "boolean" },
          port: { type: "string" },
        },
        false,
      );
      const path = resolveConfigPath(values.config, ctx.env);
      if (existsSync(path) && !values.force) {
        ctx.io.err(`${path} exists (use --force to overwrite)\n`);
        return EXIT.failure;
      }
      const data = {
        server: { baseUrl: values["base-url"] ?? "https://your-company.wats.com" },
        queue: { folder: values.queue ?? "./queue" },
        upload: { concurrency: 2 },
        health: { host: "127.0.0.1", port: values.port ? Number(values.port) : 8787 },
        converters: [],
      };
      parseClientConfig(data, path);
      mkdirSync(dirname(path), { recursive: true });
      writeConfigFile(path, data);
      ctx.io.out(
        `wrote ${path} (mode 0600). Set the token with WATS_AUTH_TOKEN or \`tswats-client config set server.token -\` (reads stdin).\n`,
      );
      return EXIT.ok;
    }
    case "show": {
      const { values } = parse(rest, {}, false);
      const loaded = load(ctx, values.config);
      const shown = {
        ...loaded.config,
        server: { ...loaded.config.server, token: loaded.token ? "[REDACTED]" : undefined },
      };
      const out = { path: loaded.path, tokenSource: loaded.tokenSource, config: shown };
      if (values.json) printJson(ctx.io, out);
      else {
        ctx.io.out(
          `# ${loaded.path} (token: ${loaded.tokenSource === "none" ? "not set" : `set, from the ${loaded.tokenSource}`})\n`,
        );
        ctx.io.out(`${JSON.stringify(shown, null, 2)}\n`);
      }
      return EXIT.ok;
    }
    case "set": {
      const { values, positionals } = parse(rest, {});
      const [key, rawValue] = positionals;
      if (!key || rawValue === undefined)
        throw new UsageError("config set <key.path> <value|-> (- reads the value from stdin)");
      const path = resolveConfigPath(values.config, ctx.env);
      const data = readRawConfig(path);
      const text = rawValue === "-" ? (await ctx.readStdin()).trim() : rawValue;
      let value: unknown = text;
      if (key !== "server.token") {
        try {
          value = JSON.parse(text);
        } catch {
          value = text;
        }
      }
      setPath(data, key.split("."), value);
      parseClientConfig(data, path);
      writeConfigFile(path, data);
      ctx.io.out(`set ${key}${key === "server.token" ? " (not shown)" : ""} in ${path}\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError("config init | show | set <key> <value>");
  }
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

// ------------------------------------------------------------------ doctor

/** "fetch failed" says nothing: name the network error (ECONNREFUSED, ENOTFOUND...) or the time limit. */
function describeFetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer within 10 s";
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return `cannot connect (${code})`;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A URL as printed: credentials and secret query values replaced (the config refuses them anyway). */
function shownUrl(url: string): string {
  const redacted = redactUrl(url);
  return !url.endsWith("/") && redacted.endsWith("/") ? redacted.slice(0, -1) : redacted;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function doctorCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parse(argv, {}, false);
  const checks: Check[] = [];
  let loaded: LoadedClientConfig | undefined;
  try {
    loaded = load(ctx, values.config);
    checks.push({ name: "config", ok: true, detail: loaded.path });
  } catch (error) {
    checks.push({ name: "config", ok: false, detail: (error as Error).message });
  }
  if (loaded) {
    const { config } = loaded;
    checks.push({
      name: "token",
      ok: loaded.token !== undefined,
      detail: loaded.token
        ? `set (from the ${loaded.tokenSource})${loaded.tokenSource === "config file" && isTooOpen(loaded.path) ? "; file readable by others" : ""}`
        : "not set: WATS_AUTH_TOKEN or server.token",
    });
    try {
      const queue = await FileQueue.open({ folder: config.queue.folder });
      const writable = await queue.checkWritable();
      checks.push({
        name: "queue folder",
        ok: writable.ok,
        detail: writable.ok ? config.queue.folder : writable.error,
      });
    } catch (error) {
      checks.push({ name: "queue folder", ok: false, detail: (error as Error).message });
    }
    try {
      const fsStats = statfsSync(config.queue.folder);
      const freeMb = Math.floor((fsStats.bavail * fsStats.bsize) / 1024 / 1024);
      checks.push({
        name: "disk space",
        ok: freeMb >= 100,
        detail: `${freeMb} MiB free${freeMb < 100 ? " (below 100 MiB)" : ""}`,
      });
    } catch (error) {
      checks.push({ name: "disk space", ok: false, detail: (error as Error).message });
    }
    const secrets = loaded.token ? [loaded.token] : [];
    try {
      const started = Date.now();
      const response = await fetch(`${config.server.baseUrl.replace(/\/$/, "")}/api/App/Version`, {
        headers: loaded.token ? { authorization: `Basic ${loaded.token}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      const rtt = Date.now() - started;
      checks.push({
        name: "connectivity",
        ok: true,
        detail: `${shownUrl(config.server.baseUrl)} answered HTTP ${response.status} in ${rtt} ms`,
      });
      checks.push({
        name: "token accepted",
        ok: response.ok,
        detail: response.ok
          ? "yes"
          : response.status === 401 || response.status === 403
            ? `no: HTTP ${response.status}`
            : `unclear: HTTP ${response.status}`,
      });
      const date = response.headers.get("date");
      if (date) {
        const skewS = Math.round((Date.parse(date) - (started + rtt / 2)) / 1000);
        checks.push({
          name: "clock skew",
          ok: Math.abs(skewS) <= 60,
          detail: `${skewS} s against the server${Math.abs(skewS) > 60 ? " (more than 60 s: report times will be off)" : ""}`,
        });
      } else checks.push({ name: "clock skew", ok: true, detail: "the server sent no Date header" });
    } catch (error) {
      checks.push({
        name: "connectivity",
        ok: false,
        detail: scrubSecrets(`${shownUrl(config.server.baseUrl)}: ${describeFetchFailure(error)}`, secrets),
      });
    }
  }
  const ok = checks.every((c) => c.ok);
  if (values.json) printJson(ctx.io, { ok, checks });
  else for (const c of checks) ctx.io.out(`${c.ok ? "ok  " : "FAIL"} ${c.name.padEnd(15)} ${c.detail}\n`);
  return ok ? EXIT.ok : EXIT.failure;
}
