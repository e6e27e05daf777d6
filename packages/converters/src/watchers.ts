/** `startConverterWatchers`: the converter side of the station client daemon. */
import type { WatsLogger } from "@tswats/core";
import { z } from "zod";
import { type ConverterEntry, type ConverterEntryInput, converterEntrySchema } from "./config-schema.js";
import type { EnqueueReport } from "./contract.js";
import { type ConverterEvent, FolderWatcher } from "./folder-watcher.js";
import { ConverterHost } from "./host.js";

export type { ConverterEvent } from "./folder-watcher.js";

export interface StartConverterWatchersOptions {
  /** The config file's `converters` entries (parsed or raw: they are parsed again here). */
  converters: readonly (ConverterEntryInput | ConverterEntry)[];
  /** Folders with third-party converter modules. */
  pluginFolders?: readonly string[];
  /** npm package names of third-party converters. */
  plugins?: readonly string[];
  /** Where npm plugins are looked up (default: the working directory). */
  pluginBaseDir?: string;
  enqueue: EnqueueReport;
  logger: WatsLogger;
  /** Station name for reports whose file names none. */
  station?: string;
  /**
   * Station-wide parameter values (the client's `server.location` and `server.purpose`): given to
   * every converter that declares a parameter of that name and whose entry leaves it unset.
   */
  stationParameters?: Readonly<Record<string, string>>;
  /** Conversion workers per memory limit (default 2). */
  workers?: number;
  /** How long a file whose reports could not be enqueued waits before the next try (default 30 s). */
  enqueueRetryMs?: number;
  /** Called after each file: converted, failed (moved to Error/), or enqueue failed (left in place). */
  onEvent?: (event: ConverterEvent) => void;
}

export interface ConverterWatchers {
  close(): Promise<void>;
  stats(): Record<string, unknown>;
}

/**
 * Starts one watcher per config entry. Rejects (after stopping what it started) when an entry is
 * invalid, names an unknown or refused converter, or has parameters the converter does not take.
 * Plugins that fail to load but are not used are logged as warnings.
 */
export async function startConverterWatchers(
  options: StartConverterWatchersOptions,
): Promise<ConverterWatchers> {
  const entries: ConverterEntry[] = options.converters.map((raw, i) => {
    const parsed = converterEntrySchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(`converters[${i}]: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
    return parsed.data;
  });
  const host = await ConverterHost.create({
    ...(options.pluginFolders ? { pluginFolders: options.pluginFolders } : {}),
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.pluginBaseDir ? { pluginBaseDir: options.pluginBaseDir } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  for (const f of host.failures)
    options.logger.warn({ source: f.source }, `converter plugin refused: ${f.message}`);
  const watchers: FolderWatcher[] = [];
  try {
    const labels = new Set<string>();
    entries.forEach((entry, i) => {
      try {
        const declared = host.require(entry.name).parameters;
        for (const [key, value] of Object.entries(options.stationParameters ?? {}))
          if (Object.hasOwn(declared, key) && entry.parameters[key] === undefined)
            entry.parameters[key] = value;
        host.checkParameters(entry.name, entry.parameters);
      } catch (error) {
        throw new Error(`converters[${i}]: ${(error as Error).message}`);
      }
      const w = new FolderWatcher({
        entry,
        host,
        enqueue: options.enqueue,
        logger: options.logger,
        station: options.station,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.enqueueRetryMs !== undefined ? { enqueueRetryMs: options.enqueueRetryMs } : {}),
      });
      if (labels.has(w.label + w.folder))
        throw new Error(`converters[${i}]: ${entry.name} already watches ${w.folder}`);
      labels.add(w.label + w.folder);
      watchers.push(w);
    });
    for (const w of watchers) {
      await w.start();
      options.logger.info({ converter: w.label, folder: w.folder }, "watching");
    }
  } catch (error) {
    await Promise.allSettled(watchers.map((w) => w.close()));
    await host.close();
    await Promise.allSettled(watchers.map((w) => w.drain()));
    throw error;
  }
  let closed = false;
  return {
    async close() {
      if (closed) return;
      closed = true;
      // Stop intake, stop the workers (a conversion cut short leaves its file for the next start),
      // then wait for files between conversion and post-action.
      await Promise.allSettled(watchers.map((w) => w.close()));
      await host.close();
      await Promise.allSettled(watchers.map((w) => w.drain()));
    },
    stats() {
      return {
        watchers: watchers.map((w) => ({ label: w.label, ...w.stats() })),
        workers: host.stats(),
        pluginFailures: host.failures.map((f) => ({ ...f })),
      };
    },
  };
}
