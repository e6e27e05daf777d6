/**
 * @tswats/converters: files written by test equipment -> validated WSJF reports.
 *
 * - The plugin API v1 (`defineConverter`, the plugin and context types) and what a plugin needs to
 *   build its reports (the `@tswats/report` builders, re-exported below).
 * - `convertFile()`: run a converter on one file outside the daemon.
 * - The standard converters and the conversion host (isolated workers with time and memory
 *   limits) and folder watchers the station client (`@tswats/client`) runs.
 */

// The report builders and model a plugin builds its reports with (one import for plugin authors).
export {
  type AttachmentInput,
  type ChartInput,
  type ChartSeriesInput,
  canonicalGuid,
  evaluateNumeric,
  evaluateString,
  isGuid,
  type NumericCompOp,
  type NumericInput,
  type Report,
  type ReportProblem,
  resultFromStatus,
  SequenceBuilder,
  type SequenceOptions,
  type Step,
  type StepOptions,
  type StringCompOp,
  type StringInput,
  UurReport,
  type UurReportOptions,
  UutReport,
  type UutReportOptions,
  validateReport,
} from "@tswats/report";
export {
  type ConvertCommandOptions,
  type ConvertOutcome,
  convertCommand,
  convertersListCommand,
  type ListCommandOptions,
  parseParameterAssignments,
} from "./cli.js";
// The config entry schema, the seam types and jsonErrorOffset (also the `./config` entry).
export * from "./config.js";
export { type ConvertFileOptions, type ConvertFileResult, convertFile } from "./convert-file.js";
export { ConversionError, type ConversionErrorKind } from "./errors.js";
export {
  type ConversionSuccess,
  ConverterHost,
  type ConverterHostOptions,
  type ConvertOptions,
  type PluginLoadFailure,
} from "./host.js";
export {
  CONVERTER_API_VERSION,
  type ConverterContext,
  type ConverterDescriptor,
  type ConverterInput,
  type ConverterPluginV1,
  type ConvertOutput,
  DEFAULT_INCOMPLETE_RETRY_MS,
  type DetectSample,
  defineConverter,
  notYetComplete,
  type ParameterSpec,
  type ParameterSpecs,
  type ParameterType,
} from "./plugin-api.js";
export { deriveReportId } from "./report-id.js";
export { STANDARD_CONVERTERS, standardConverter } from "./standard/index.js";
export {
  type TestConverterOptions,
  type TestConverterResult,
  type TestedReport,
  testConverter,
} from "./test-converter.js";
export {
  type ConverterEvent,
  type ConverterWatchers,
  type StartConverterWatchersOptions,
  startConverterWatchers,
} from "./watchers.js";
