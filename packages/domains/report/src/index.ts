export type { MiscInfoValue, ReportBuilderBase, ReportHeaderOptions } from "./builder/header.js";
export type {
  AttachmentInput,
  ChartInput,
  ChartSeriesInput,
  Named,
  NumericInput,
  StringInput,
} from "./builder/inputs.js";
export { SequenceBuilder, type SequenceOptions, type StepOptions } from "./builder/sequence.js";
export type { TextOverflow } from "./builder/text.js";
export { type FailureInput, type PartInput, UurReport, type UurReportOptions } from "./builder/uur-report.js";
export { UutReport, type UutReportOptions } from "./builder/uut-report.js";
export {
  evaluateNumeric,
  evaluateNumericMeasurement,
  evaluateString,
  evaluateStringMeasurement,
  impliedNumericCompOp,
  missingLimits,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  numericCompOp,
  STRING_COMP_OPS,
  type StringCompOp,
  stringCompOp,
} from "./compop.js";
export * from "./generated/index.js";
export { canonicalGuid, isGuid, newReportId } from "./guid.js";
export { ID_SPECIAL_CHARACTERS, TEXT_LIMITS, type TextField } from "./limits.js";
export * from "./model/codes.js";
export { type DiffOptions, diffReports, type ReportDifference } from "./model/diff.js";
export { parseReport, type SafeParseResult, safeParseReport } from "./model/parse.js";
export {
  reportToJson,
  SERVER_ADDED_FIELDS,
  type SerialiseOptions,
  serialiseReport,
  stripServerFields,
} from "./model/serialise.js";
export type * from "./model/types.js";
export {
  type FieldKind,
  FilterBuilder,
  ODataFilter,
  type OrderBy,
  odataString,
  orderByText,
  REPORT_HEADER_COLLECTIONS,
  REPORT_HEADER_FIELDS,
  ReportFilterBuilder,
  type ReportHeaderCollection,
  type ReportHeaderField,
  type ReportHeaderOrderField,
  reportFilter,
} from "./odata-filter.js";
export { formatProblems, type ProblemRule, type ReportProblem } from "./problems.js";
export {
  type GetReportOptions,
  type HeaderQueryOptions,
  ReportClient,
  type ReportServiceSource,
  type ReportSource,
  type SubmitOptions,
  type SubmitResult,
} from "./report-client.js";
export {
  isFailing,
  measurementStepStatus,
  type PropagateOptions,
  propagateStatus,
  resultFromStatus,
} from "./status.js";
export {
  assertTimeZone,
  formatDateTime,
  formatOffset,
  parseDateTime,
  sameInstant,
  toUtcText,
  toWatsDateTime,
  zoneOffsetMinutes,
} from "./time.js";
export { type ValidateOptions, type ValidationResult, validateReport } from "./validate.js";
export { findUnsupportedXmlEntity, type UnsupportedEntity } from "./wsxf/entities.js";
export { parseWsxf, parseWsxfReports } from "./wsxf/read.js";
export { toWsxf } from "./wsxf/write.js";
