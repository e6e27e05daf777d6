/**
 * The WSJF report model: the generated wire types (from the server's own
 * `Virinco.WATS.Schemas.WSJF.*` schema), refined where the format document says the server's
 * schema is loose: codes are unions of their letters, the tree and payloads use the refined
 * types, numeric values may be NaN or +-Infinity in memory. Every key is optional and nullable,
 * exactly as on the wire, because reads below detail level 7 leave parts out; `validateReport`
 * says what a submit needs. Unknown keys are kept (not typed) so nothing is lost on a round trip.
 */
import type {
  WsjfAdditionalData,
  WsjfAdditionalDataArray,
  WsjfAdditionalDataArrayIndex,
  WsjfAdditionalDataProperty,
  WsjfAsset,
  WsjfAssetStats,
  WsjfAttachment,
  WsjfBinaryData,
  WsjfBooleanMeasurement,
  WsjfCallExe,
  WsjfChart,
  WsjfChartSeries,
  WsjfFailure,
  WsjfLoopInfo,
  WsjfMessagePopup,
  WsjfMiscInfo,
  WsjfNumericMeasurement,
  WsjfReferencedByUur,
  WsjfReport,
  WsjfSequenceCall,
  WsjfStep,
  WsjfStringMeasurement,
  WsjfSubUnit,
  WsjfUur,
  WsjfUut,
} from "../generated/models.js";
import type { MeasurementStatus, ReportResult, ReportType, StepGroup, StepStatus } from "./codes.js";

export type LoopInfo = WsjfLoopInfo;
export type SequenceCall = WsjfSequenceCall;
export type CallExe = WsjfCallExe;
export type MessagePopup = WsjfMessagePopup;
export type Chart = WsjfChart;
export type ChartSeries = WsjfChartSeries;
export type Attachment = WsjfAttachment;
export type BinaryData = WsjfBinaryData;
export type AdditionalData = WsjfAdditionalData;
export type AdditionalDataProperty = WsjfAdditionalDataProperty;
export type AdditionalDataArray = WsjfAdditionalDataArray;
export type AdditionalDataArrayIndex = WsjfAdditionalDataArrayIndex;
export type MiscInfo = WsjfMiscInfo;
export type Asset = WsjfAsset;
export type AssetStats = WsjfAssetStats;
export type ReferencedUur = WsjfReferencedByUur;
/** The `uut` block of a test report. */
export type UutInfo = WsjfUut;
/** The `uur` block of a repair report. */
export type UurInfo = WsjfUur;

/**
 * A numeric limit measurement. `lowLimit` is the only limit of the one-limit operators (EQ, NE,
 * GT, GE, LT, LE); `highLimit` is used by the two-limit ones only. See `evaluateNumeric`.
 */
export interface NumericMeasurement
  extends Omit<WsjfNumericMeasurement, "status" | "value" | "lowLimit" | "highLimit"> {
  status?: MeasurementStatus | null;
  /** The measured value; NaN and +-Infinity are allowed in memory (JSON cannot carry them). */
  value?: number | null;
  lowLimit?: number | null;
  highLimit?: number | null;
}

export interface StringMeasurement extends Omit<WsjfStringMeasurement, "status"> {
  status?: MeasurementStatus | null;
}

/** A pass/fail measurement: the outcome is its `status`. */
export interface BooleanMeasurement extends Omit<WsjfBooleanMeasurement, "status"> {
  status?: MeasurementStatus | null;
}

type StepRefined =
  | "group"
  | "status"
  | "steps"
  | "numericMeas"
  | "stringMeas"
  | "booleanMeas"
  | "loop"
  | "seqCall"
  | "callExe"
  | "messagePopup"
  | "chart"
  | "attachment"
  | "additionalResults";

/** One step of the tree. Containers carry `seqCall` and `steps`; test steps a measurement array. */
export interface Step extends Omit<WsjfStep, StepRefined> {
  group?: StepGroup | null;
  status?: StepStatus | null;
  loop?: LoopInfo | null;
  steps?: Step[] | null;
  numericMeas?: NumericMeasurement[] | null;
  stringMeas?: StringMeasurement[] | null;
  booleanMeas?: BooleanMeasurement[] | null;
  seqCall?: SequenceCall | null;
  callExe?: CallExe | null;
  messagePopup?: MessagePopup | null;
  chart?: Chart | null;
  attachment?: Attachment | null;
  additionalResults?: AdditionalData[] | null;
}

/** A repair failure, found on a sub-unit of a repair report. */
export interface Failure extends Omit<WsjfFailure, "attachments"> {
  attachments?: BinaryData[] | null;
}

export interface SubUnit extends Omit<WsjfSubUnit, "failures"> {
  failures?: Failure[] | null;
}

type ReportRefined =
  | "type"
  | "result"
  | "root"
  | "uut"
  | "uur"
  | "miscInfos"
  | "subUnits"
  | "assets"
  | "assetStats"
  | "binaryData"
  | "additionalData";

/** A WSJF report: a test (`type: "T"`, with `uut` and `root`) or a repair (`type: "R"`, with `uur`). */
export interface Report extends Omit<WsjfReport, ReportRefined> {
  type?: ReportType | null;
  result?: ReportResult | null;
  root?: Step | null;
  uut?: UutInfo | null;
  uur?: UurInfo | null;
  miscInfos?: MiscInfo[] | null;
  subUnits?: SubUnit[] | null;
  assets?: Asset[] | null;
  assetStats?: AssetStats[] | null;
  binaryData?: BinaryData[] | null;
  additionalData?: AdditionalData[] | null;
}
