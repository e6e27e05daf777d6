/**
 * `@tswats/converters/config`: what a station client needs to read its config file without
 * loading any converter: the `converters` entry schema and its defaults, the seam types between
 * the converters and a queue, and `jsonErrorOffset` for config files that are not valid JSON.
 * The converters themselves (and their parsers) load only when watch folders start or a file is
 * converted, from the package's main entry.
 */
export {
  type ConverterEntry,
  type ConverterEntryInput,
  converterEntrySchema,
  DEFAULT_MAX_FILE_MB,
  DEFAULT_MAX_MEMORY_MB,
  DEFAULT_SETTLE_MS,
  DEFAULT_TIMEOUT_MS,
} from "./config-schema.js";
export type { CommandIo, EnqueueReport, EnqueueResult, ReportSource } from "./contract.js";
/** Where JSON text first goes wrong (a character offset), without quoting the text (it may hold a secret). */
export { jsonErrorOffset } from "./standard/json-error-position.js";
