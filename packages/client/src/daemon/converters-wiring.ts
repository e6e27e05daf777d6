/**
 * The one place the daemon touches the converters: start the watch folders after the queue,
 * close them first on shutdown. Loaded lazily so a daemon without converters never loads them.
 */

import type { EnqueueReport } from "@tswats/converters";
import type { WatsLogger } from "@tswats/core";
import type { ClientConfigFile } from "../config/schema.js";

export interface ConverterHandle {
  close(): Promise<void>;
  stats(): Record<string, unknown>;
}

export async function startConverters(
  config: ClientConfigFile,
  enqueue: EnqueueReport,
  logger: WatsLogger,
): Promise<ConverterHandle | undefined> {
  if (config.converters.length === 0) return undefined;
  const { startConverterWatchers } = await import("@tswats/converters");
  return startConverterWatchers({
    converters: config.converters,
    pluginFolders: config.pluginFolders,
    plugins: config.plugins,
    enqueue,
    logger,
    ...(config.server.station !== undefined ? { station: config.server.station } : {}),
  });
}
