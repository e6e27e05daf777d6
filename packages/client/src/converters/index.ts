/**
 * Converters: files written by test equipment -> validated WSJF reports handed to the queue.
 * The rest of the station client imports only from this file (and ./contract.js).
 */

export { type ConverterCommandDefaults, convertCommand, convertersCommand } from "./cli.js";
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
export { type ConvertFileOptions, type ConvertFileResult, convertFile } from "./convert-file.js";
export { ConversionError, type ConversionErrorKind } from "./errors.js";
export {
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterInput,
  type ConverterPluginV1,
  type ConvertOutput,
  type DetectSample,
  defineConverter,
  type ParameterSpec,
  type ParameterSpecs,
  type ParameterType,
} from "./plugin-api.js";
export { deriveReportId } from "./report-id.js";
export {
  type ConverterEvent,
  type ConverterWatchers,
  type StartConverterWatchersOptions,
  startConverterWatchers,
} from "./watchers.js";
