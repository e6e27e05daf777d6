/**
 * The daemon: queue (owner mode) + uploader + health endpoint + converter watch folders.
 * `startDaemon` returns once everything runs; `stop()` drains (bounded) and releases the folder.
 * The health port actually bound is written to `<queue>/daemon.json`, which is how
 * `tswats-client status` finds the running daemon.
 */
import { closeSync, constants, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  isWatsError,
  loadOnFirstUse,
  silentLogger,
  type ThrottleStats,
  type WatsLogger,
  watsErrorKind,
} from "@tswats/core";
import type { ClientConfigFile } from "../config/schema.js";
import type { ConsoleHandler } from "../console/console-server.js";
import { RecentLog, teeLogger } from "../console/recent-log.js";
import { UploadActivity } from "../console/upload-activity.js";
import { metricsText } from "../health/metrics.js";
import { type HealthServer, startHealthServer } from "../health/server.js";
import { FileQueue } from "../queue/file-queue.js";
import type { QueueFs } from "../queue/fs-layer.js";
import { Uploader, type UploaderStats } from "../upload/uploader.js";
import { createWatsTarget, offlineTarget, type UploadTarget } from "../upload/wats-target.js";
import { CLIENT_VERSION } from "../version.js";
import { type ConverterHandle, startConverters } from "./converters-wiring.js";
import { acquireQueueLock } from "./lock.js";

export { CLIENT_VERSION };

export interface DaemonOptions {
  /** Validated settings with absolute paths (see loadClientConfig). */
  config: ClientConfigFile;
  /** Where the settings came from (shown in status). */
  configPath?: string;
  /** The current token; called again when credentials are re-checked after a 401/403. */
  token: () => string | Promise<string>;
  logger?: WatsLogger;
  /** File-system layer of the queue (tests). */
  fs?: QueueFs;
  /** Use this target instead of WATS via the SDK (tests). */
  target?: UploadTarget;
}

export interface DaemonStateFile {
  pid: number;
  url: string;
  host: string;
  port: number;
  startedAt: string;
  version: string;
}

export interface DaemonStatus {
  version: string;
  pid: number;
  startedAt: string;
  uptimeSeconds: number;
  configPath: string | null;
  queueFolder: string;
  upload: { enabled: boolean; concurrency: number };
  queue: Record<string, number>;
  uploader: UploaderStats;
  /** The client-side rate limit (upload.throttle) now; null when off or offline. */
  throttle: ThrottleStats | null;
  ready: { ready: boolean; checks: Record<string, unknown> };
  converters: Record<string, unknown> | null;
}

export interface Daemon {
  readonly queue: FileQueue;
  /** The recent log lines (the console's Log page). */
  readonly recentLog: RecentLog;
  readonly uploader: Uploader;
  readonly health: HealthServer;
  status(): Promise<DaemonStatus>;
  ready(): Promise<{ ready: boolean; checks: Record<string, unknown> }>;
  metrics(): Promise<string>;
  /** Re-read the token now (SIGHUP) and retry at once if authentication was required. */
  reloadCredentials(): Promise<void>;
  /** Drains within config.shutdownTimeoutMs; safe to call twice. */
  stop(): Promise<void>;
}

export const STATE_FILE = "daemon.json";

/** `daemon.json` through a new temp file (never through a link planted at its name) renamed into place. */
function writeStateFile(path: string, state: DaemonStateFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const noFollow = constants.O_NOFOLLOW ?? 0;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, 0o644);
  try {
    writeFileSync(fd, `${JSON.stringify(state, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config } = options;
  const recentLog = new RecentLog();
  const logger = teeLogger(options.logger ?? silentLogger, recentLog, config.log.level);
  const folder = config.queue.folder;
  mkdirSync(folder, { recursive: true });
  const releaseLock = acquireQueueLock(folder);
  const cleanups: (() => Promise<void> | void)[] = [releaseLock];
  try {
    // Now that this process owns the folder: recover interrupted uploads and repair the index.
    const owned = await FileQueue.open({
      folder,
      recover: true,
      logger,
      done: { maxAgeMs: config.queue.doneMaxAgeMs, maxCount: config.queue.doneMaxCount },
      ...(options.fs ? { fs: options.fs } : {}),
    });
    // Runs just before the lock is released, after everything that writes through the queue has
    // stopped: the note that lets the next start skip re-reading every id marker.
    cleanups.push(async () => {
      await owned.recordCleanStop();
    });
    const target =
      options.target ??
      (!config.upload.enabled
        ? offlineTarget()
        : await createWatsTarget({
            baseUrl: config.server.baseUrl,
            token: options.token,
            timeoutMs: config.server.timeoutMs,
            breaker: config.upload.breaker,
            throttle: config.upload.throttle,
            logger,
            ...(config.server.station !== undefined ? { station: config.server.station } : {}),
          }));
    cleanups.push(() => target.close());
    const uploader = new Uploader({
      queue: owned,
      target,
      concurrency: config.upload.concurrency,
      retry: {
        baseDelayMs: config.upload.baseDelayMs,
        maxDelayMs: config.upload.maxDelayMs,
        maxRetryAfterMs: config.upload.maxRetryAfterMs,
        maxAttempts: config.upload.maxAttempts,
      },
      authRetryMs: config.upload.authRetryMs,
      idlePollMs: config.upload.pollMs,
      logger,
    });
    const activity = new UploadActivity();
    uploader.on(activity.onEvent);
    if (config.upload.enabled) uploader.start();
    else logger.info({}, "uploads are disabled (upload.enabled=false): reports are only queued");
    cleanups.push(() => uploader.stop(config.shutdownTimeoutMs));

    const pruneTimer = setInterval(() => {
      owned
        .prune()
        .then(() => owned.refreshCounts())
        .catch((error) => logger.error({ err: String(error) }, "queue: pruning done/ failed"));
    }, 60_000);
    pruneTimer.unref();
    cleanups.push(() => clearInterval(pruneTimer));
    await owned.prune().catch((error) => logger.error({ err: String(error) }, "queue: pruning done/ failed"));

    const startedAt = new Date();
    let lastPing: { at: number; result: Record<string, unknown> } | undefined;
    const serverCheck = async (): Promise<{ ok: boolean; detail: Record<string, unknown> }> => {
      if (!config.upload.enabled) return { ok: true, detail: { server: "offline (upload.enabled=false)" } };
      const stats = uploader.stats();
      if (stats.breaker === "open")
        return { ok: false, detail: { server: "unreachable (circuit breaker open)" } };
      if (stats.lastSuccessAt && Date.now() - Date.parse(stats.lastSuccessAt) < 60_000) {
        return { ok: true, detail: { server: "reachable (recent upload)" } };
      }
      if (!lastPing || Date.now() - lastPing.at > 10_000) {
        let result: Record<string, unknown>;
        try {
          await target.ping();
          result = { server: "reachable" };
        } catch (error) {
          const status = isWatsError(error) ? error.status : undefined;
          // An answer of any status means the server is there (auth is reported separately).
          result =
            status !== undefined && status < 500
              ? { server: `reachable (HTTP ${status})` }
              : { server: `unreachable (${watsErrorKind(error) ?? "error"})`, error: true };
        }
        lastPing = { at: Date.now(), result };
      }
      return { ok: lastPing.result.error !== true, detail: { ...lastPing.result, error: undefined } };
    };
    const ready = async () => {
      const writable = await owned.checkWritable();
      const server = await serverCheck();
      return {
        ready: writable.ok && server.ok,
        checks: {
          queueWritable: writable.ok ? true : writable.error,
          ...server.detail,
          auth: uploader.stats().auth,
        },
      };
    };
    let converters: ConverterHandle | undefined;
    const status = async (): Promise<DaemonStatus> => ({
      version: CLIENT_VERSION,
      pid: process.pid,
      startedAt: startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      configPath: options.configPath ?? null,
      queueFolder: folder,
      upload: { enabled: config.upload.enabled, concurrency: config.upload.concurrency },
      queue: owned.counts(),
      uploader: uploader.stats(),
      throttle: target.throttleStats?.() ?? null,
      ready: await ready(),
      converters: converters?.stats() ?? null,
    });
    const metrics = async () => metricsText(owned.counts(), uploader.stats());
    // The console's pages are loaded with its first request: a daemon nobody looks at never loads them.
    let consoleHandler: (() => Promise<ConsoleHandler>) | undefined;
    const health = await startHealthServer(config.health, {
      ready,
      metrics,
      status,
      ...(config.console.enabled
        ? {
            console: async (req, res, path) => {
              if (consoleHandler) return (await consoleHandler())(req, res, path);
              res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
              res.end("the console is starting\n");
            },
          }
        : {}),
    });
    cleanups.push(() => health.close());
    if (config.console.enabled) {
      consoleHandler = loadOnFirstUse(async () => {
        const { createConsoleHandler } = await import("../console/console-server.js");
        return createConsoleHandler(
          {
            config,
            configPath: options.configPath ?? null,
            queue: owned,
            uploader,
            status,
            token: options.token,
            reloadCredentials: () => uploader.recheckAuth(),
            log: recentLog,
            activity,
            logger,
            dataFolder: join(folder, "console"),
          },
          { host: health.host, port: health.port },
        );
      });
    }
    if (health.host !== "127.0.0.1" && health.host !== "::1" && health.host !== "localhost") {
      logger.warn(
        { host: health.host },
        "the health endpoint listens beyond loopback: /status is visible on the network",
      );
    }
    const statePath = join(folder, STATE_FILE);
    const state: DaemonStateFile = {
      pid: process.pid,
      url: health.url,
      host: health.host,
      port: health.port,
      startedAt: startedAt.toISOString(),
      version: CLIENT_VERSION,
    };
    writeStateFile(statePath, state);
    cleanups.push(() => {
      try {
        unlinkSync(statePath);
      } catch {
        // gone already
      }
    });
    converters = await startConverters(config, owned.enqueue, logger);
    if (converters) {
      const handle = converters;
      cleanups.push(() => handle.close());
    }
    logger.info(
      {
        queue: folder,
        health: health.url,
        ...(config.console.enabled ? { console: `${health.url}/console` } : {}),
        concurrency: config.upload.concurrency,
        counts: owned.counts(),
      },
      "tswats-client daemon started",
    );

    let stopping: Promise<void> | undefined;
    return {
      queue: owned,
      recentLog,
      uploader,
      health,
      status,
      ready,
      metrics,
      reloadCredentials: () => uploader.recheckAuth(),
      stop() {
        stopping ??= (async () => {
          logger.info({ inFlight: uploader.stats().inFlight }, "tswats-client daemon stopping");
          // Reverse order: converters first, then the uploader drain, health, transport, lock.
          for (const cleanup of cleanups.reverse()) {
            try {
              await cleanup();
            } catch (error) {
              logger.error({ err: String(error) }, "error while stopping");
            }
          }
          logger.info({}, "tswats-client daemon stopped");
        })();
        return stopping;
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}
