/**
 * Zod schemas of the WSJF report model, refined by hand from the generated `Wsjf*Schema`s where
 * the format document says the server's schema is loose:
 * - codes (`type`, `result`, `group`, statuses) are checked and normalised to their letters,
 *   accepting the words WSXF and people use (`Passed`, `Failed`, `Main`, `UUT`, ...);
 * - measurement values and limits accept "NaN"/"Infinity"/"-Infinity" and numeric strings;
 * - GUIDs are put in canonical form (lower case, no braces);
 * - unknown keys are kept, so a parse -> serialise round trip loses nothing.
 * Every key stays optional and nullable, as the server exports it. These schemas check types;
 * `validateReport` checks what a submit needs.
 */
import { z } from "zod";
import { canonicalGuid } from "../guid.js";
import {
  groupCode,
  isMeasurementStatus,
  isReportResult,
  type MeasurementStatus,
  type ReportResult,
  type ReportType,
  reportTypeCode,
  type StepGroup,
  type StepStatus,
  statusCode,
} from "./codes.js";
import { numberFromText } from "./numbers.js";
import type {
  AdditionalData,
  AdditionalDataArray,
  AdditionalDataArrayIndex,
  AdditionalDataProperty,
  Asset,
  AssetStats,
  Attachment,
  BinaryData,
  BooleanMeasurement,
  CallExe,
  Chart,
  ChartSeries,
  Failure,
  LoopInfo,
  MessagePopup,
  MiscInfo,
  NumericMeasurement,
  ReferencedUur,
  Report,
  SequenceCall,
  Step,
  StringMeasurement,
  SubUnit,
  UurInfo,
  UutInfo,
} from "./types.js";

const text = z.string().nullish();
const int = z.number().int().nullish();
const double = z.number().nullish();
const bool = z.boolean().nullish();

/** A code given as a letter or a word, normalised to the letter; `allowed` limits the letters. */
function code<T extends string>(
  what: string,
  read: (value: string) => string | undefined,
  allowed: (letter: string) => letter is T,
) {
  return z
    .string()
    .transform((value, ctx): T => {
      const letter = read(value);
      if (letter !== undefined && allowed(letter)) return letter;
      ctx.issues.push({
        code: "custom",
        message: `not a valid ${what}: ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    })
    .nullish();
}

const anyLetter = <T extends string>(_letter: string): _letter is T => true;

const reportType = code<ReportType>("report type (T or R)", reportTypeCode, anyLetter);
const reportResult = code<ReportResult>("report result (P, F, E, T)", statusCode, isReportResult);
const stepStatus = code<StepStatus>("step status (P, F, D, S, E, T, U)", statusCode, anyLetter);
const measurementStatus = code<MeasurementStatus>(
  "measurement status (P, F, S)",
  statusCode,
  isMeasurementStatus,
);
const stepGroup = code<StepGroup>("step group (S, M, C)", groupCode, anyLetter);

/** A GUID in canonical form; a text that is no GUID is kept as written (validateReport flags it). */
const guid = z
  .string()
  .transform((value) => canonicalGuid(value) ?? value)
  .nullish();

/** A measurement value or limit: a number, or a text denoting one (NaN and +-Infinity included). */
const measuredNumber = z
  .union([
    z.custom<number>((value) => typeof value === "number", { message: "must be a number" }),
    z.string().transform((value, ctx) => {
      const n = numberFromText(value);
      if (n !== undefined) return n;
      ctx.issues.push({ code: "custom", message: `not a number: ${JSON.stringify(value)}`, input: value });
      return z.NEVER;
    }),
  ])
  .nullish();

export const LoopInfoSchema: z.ZodType<LoopInfo> = z.looseObject({
  idx: int,
  num: int,
  endingIndex: int,
  passed: int,
  failed: int,
});

export const SequenceCallSchema: z.ZodType<SequenceCall> = z.looseObject({
  path: text,
  name: text,
  version: text,
});

export const CallExeSchema: z.ZodType<CallExe> = z.looseObject({ exitCode: double, exitCodeFormat: text });

export const MessagePopupSchema: z.ZodType<MessagePopup> = z.looseObject({
  response: text,
  button: int,
  buttonFormat: text,
});

export const ChartSeriesSchema: z.ZodType<ChartSeries> = z.looseObject({
  dataType: text,
  name: text,
  xdata: text,
  ydata: text,
});

export const ChartSchema: z.ZodType<Chart> = z.looseObject({
  chartType: text,
  label: text,
  xLabel: text,
  xUnit: text,
  yLabel: text,
  yUnit: text,
  series: z.array(ChartSeriesSchema).nullish(),
});

export const AttachmentSchema: z.ZodType<Attachment> = z.looseObject({
  name: text,
  contentType: text,
  data: text,
});

export const BinaryDataSchema: z.ZodType<BinaryData> = z.looseObject({
  contentType: text,
  data: text,
  name: text,
  id: guid,
});

export const AdditionalDataPropertySchema: z.ZodType<AdditionalDataProperty> = z.looseObject({
  name: text,
  type: text,
  flags: int,
  value: text,
  numFormat: text,
  comment: text,
  get props() {
    return z.array(AdditionalDataPropertySchema).nullish();
  },
  get array() {
    return AdditionalDataArraySchema.nullish();
  },
});

export const AdditionalDataArrayIndexSchema: z.ZodType<AdditionalDataArrayIndex> = z.looseObject({
  text,
  indexes: z.array(z.number().int()).nullish(),
  get value() {
    return AdditionalDataPropertySchema.nullish();
  },
});

export const AdditionalDataArraySchema: z.ZodType<AdditionalDataArray> = z.looseObject({
  dimension: int,
  type: text,
  indexes: z.array(AdditionalDataArrayIndexSchema).nullish(),
});

export const AdditionalDataSchema: z.ZodType<AdditionalData> = z.looseObject({
  name: text,
  props: z.array(AdditionalDataPropertySchema).nullish(),
});

export const NumericMeasurementSchema: z.ZodType<NumericMeasurement> = z.looseObject({
  compOp: text,
  name: text,
  status: measurementStatus,
  unit: text,
  value: measuredNumber,
  valueFormat: text,
  highLimit: measuredNumber,
  highLimitFormat: text,
  lowLimit: measuredNumber,
  lowLimitFormat: text,
});

export const StringMeasurementSchema: z.ZodType<StringMeasurement> = z.looseObject({
  compOp: text,
  name: text,
  status: measurementStatus,
  value: text,
  limit: text,
});

export const BooleanMeasurementSchema: z.ZodType<BooleanMeasurement> = z.looseObject({
  name: text,
  status: measurementStatus,
});

export const StepSchema: z.ZodType<Step> = z.looseObject({
  id: int,
  group: stepGroup,
  stepType: text,
  interactiveExeNum: int,
  interactiveExeNumFormat: text,
  loop: LoopInfoSchema.nullish(),
  name: text,
  start: text,
  status: stepStatus,
  errorCode: int,
  errorCodeFormat: text,
  errorMessage: text,
  tsGuid: text,
  totTime: double,
  totTimeFormat: text,
  causedSeqFailure: bool,
  causedUUTFailure: bool,
  reportText: text,
  get steps() {
    return z.array(StepSchema).nullish();
  },
  numericMeas: z.array(NumericMeasurementSchema).nullish(),
  stringMeas: z.array(StringMeasurementSchema).nullish(),
  booleanMeas: z.array(BooleanMeasurementSchema).nullish(),
  additionalResults: z.array(AdditionalDataSchema).nullish(),
  seqCall: SequenceCallSchema.nullish(),
  callExe: CallExeSchema.nullish(),
  messagePopup: MessagePopupSchema.nullish(),
  chart: ChartSchema.nullish(),
  attachment: AttachmentSchema.nullish(),
});

export const ReferencedUurSchema: z.ZodType<ReferencedUur> = z.looseObject({ id: guid, start: text });

export const UutInfoSchema: z.ZodType<UutInfo> = z.looseObject({
  execTime: double,
  execTimeFormat: text,
  testSocketIndex: int,
  testSocketIndexFormat: text,
  batchSN: text,
  comment: text,
  errorCode: int,
  errorCodeFormat: text,
  errorMessage: text,
  fixtureId: text,
  user: text,
  batchFailCount: int,
  batchFailCountFormat: text,
  batchLoopIndex: int,
  batchLoopIndexFormat: text,
  stepIdCausedUUTFailure: int,
  refUURs: z.array(ReferencedUurSchema).nullish(),
});

export const UurInfoSchema: z.ZodType<UurInfo> = z.looseObject({
  comment: text,
  user: text,
  processCode: int,
  processCodeFormat: text,
  processName: text,
  refUUT: guid,
  confirmDate: text,
  finalizeDate: text,
  execTime: double,
  parent: guid,
  children: z.array(z.string().transform((value) => canonicalGuid(value) ?? value)).nullish(),
});

export const MiscInfoSchema: z.ZodType<MiscInfo> = z.looseObject({
  description: text,
  typedef: text,
  text,
  numeric: int,
  numericFormat: text,
  id: guid,
});

export const FailureSchema: z.ZodType<Failure> = z.looseObject({
  artNumber: text,
  artRev: text,
  artVendor: text,
  artDescription: text,
  category: text,
  code: text,
  comment: text,
  comRef: text,
  funcBlock: text,
  refStepId: int,
  refStepName: text,
  attachments: z.array(BinaryDataSchema).nullish(),
});

export const SubUnitSchema: z.ZodType<SubUnit> = z.looseObject({
  partType: text,
  pn: text,
  rev: text,
  sn: text,
  idx: int,
  parentIdx: int,
  position: int,
  replacedIdx: int,
  failures: z.array(FailureSchema).nullish(),
});

export const AssetSchema: z.ZodType<Asset> = z.looseObject({
  assetSN: text,
  usageCount: int,
  usageCountFormat: text,
});

export const AssetStatsSchema: z.ZodType<AssetStats> = z.looseObject({
  assetSN: text,
  runningCount: int,
  runningCountExceeded: int,
  totalCount: int,
  totalCountExceeded: int,
  daysSinceCalibration: double,
  isDaysSinceCalibrationUnknown: bool,
  calibrationDaysOverdue: double,
  daysSinceMaintenance: double,
  isDaysSinceMaintenanceUnknown: bool,
  maintenanceDaysOverdue: double,
  message: text,
});

export const ReportSchema: z.ZodType<Report> = z.looseObject({
  type: reportType,
  id: guid,
  pn: text,
  sn: text,
  rev: text,
  productName: text,
  processCode: int,
  processCodeFormat: text,
  processName: text,
  result: reportResult,
  machineName: text,
  location: text,
  purpose: text,
  origin: text,
  start: text,
  startUTC: text,
  root: StepSchema.nullish(),
  uut: UutInfoSchema.nullish(),
  uur: UurInfoSchema.nullish(),
  miscInfos: z.array(MiscInfoSchema).nullish(),
  subUnits: z.array(SubUnitSchema).nullish(),
  assets: z.array(AssetSchema).nullish(),
  assetStats: z.array(AssetStatsSchema).nullish(),
  binaryData: z.array(BinaryDataSchema).nullish(),
  additionalData: z.array(AdditionalDataSchema).nullish(),
});
