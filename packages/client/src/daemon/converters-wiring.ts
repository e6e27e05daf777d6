/**
 * The one place the daemon touches the converters: start the watch folders after the queue,
 * close them first on shutdown. Loaded lazily so a daemon without converters never loads them.
 * It also counts the warnings conversions report (content a converter could not map), so that
 * `/status` shows files that converted only partly, not just the log and `<file>.warnings.txt`.
 */

import type { ConverterEvent, EnqueueReport } from "@tswats/converters";
import type { WatsLogger } from "@tswats/core";
import type { ClientConfigFile } from "../config/schema.js";

export interface ConverterHandle {
  close(): Promise<void>;
  stats(): Record<string, unknown>;
}

/** Conversion warnings since the daemon started, in `/status` under `converters.warnings`. */
export interface ConversionWarningStats {
  /** Files converted (reports queued) that came with warnings. */
  filesWithWarnings: number;
  /** Warnings of those files, in all. */
  warnings: number;
  /** Files that failed (moved to Error/) and had warnings before they failed. */
  failedFilesWithWarnings: number;
  /** Per watch folder (its label): files with warnings and warnings. */
  byWatcher: Record<string, { filesWithWarnings: number; warnings: number }>;
  /** The latest file with warnings: its path, when, how many, and the first few. */
  last: { file: string; at: string; warnings: number; first: string[] } | null;
}

/** Counts the warnings of converter events. */
export class ConversionWarningCounter {
  readonly #stats: ConversionWarningStats = {
    filesWithWarnings: 0,
    warnings: 0,
    failedFilesWithWarnings: 0,
    byWatcher: {},
    last: null,
  };

  readonly onEvent = (event: ConverterEvent): void => {
    const warnings =
      event.type === "converted"
        ? event.warnings
        : event.type === "failed"
          ? ((event.error as { warnings?: unknown }).warnings as string[] | undefined)
          : undefined;
    if (!Array.isArray(warnings) || warnings.length === 0) return;
    const s = this.#stats;
    if (event.type === "failed") s.failedFilesWithWarnings++;
    else {
      s.filesWithWarnings++;
      s.warnings += warnings.length;
      const w = s.byWatcher[event.watcher] ?? { filesWithWarnings: 0, warnings: 0 };
      s.byWatcher[event.watcher] = w;
      w.filesWithWarnings++;
      w.warnings += warnings.length;
    }
    s.last = {
      file: event.path,
      at: new Date().toISOString(),
      warnings: warnings.length,
      first: warnings.slice(0, 5),
    };
  };

  stats(): ConversionWarningStats {
    return structuredClone(this.#stats);
  }
}

export async function startConverters(
  config: ClientConfigFile,
  enqueue: EnqueueReport,
  logger: WatsLogger,
): Promise<ConverterHandle | undefined> {
  if (config.converters.length === 0) return undefined;
  const { startConverterWatchers } = await import("@tswats/converters");
  const counter = new ConversionWarningCounter();
  const watchers = await startConverterWatchers({
    converters: config.converters,
    pluginFolders: config.pluginFolders,
    plugins: config.plugins,
    enqueue,
    logger,
    onEvent: counter.onEvent,
    ...(config.server.station !== undefined ? { station: config.server.station } : {}),
  });
  return {
    close: () => watchers.close(),
    stats: () => ({ ...watchers.stats(), warnings: counter.stats() }),
  };
}
