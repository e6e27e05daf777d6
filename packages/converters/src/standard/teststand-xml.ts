/**
 * `teststand-xml`: NI TestStand XML reports (`<TSReport>` with `<ReportInfo>` and `<Prop>` trees, as
 * the TestStand XML report generator and the WATS TestStand add-on write them).
 *
 * Header: ReportInfo ID/Start/SN/PN/Rev/PCode, then the UUT container (SerialNumber, PartNumber,
 * UUTPartRevisionNumber, UUTOperationType, BatchSerialNumber, TestSocketIndex, BatchFailCount,
 * Comment, UUT_Fixture_ID, MiscUUTResult.Misc_UUT_Info / UUT_Part_Info) and StationInfo
 * (StationID, LoginName, Location, Purpose); converter parameters fill what the file lacks.
 * Steps: MainSequenceResults is the root; each TEResult becomes a step by its payload:
 * TS.SequenceCall (sequence call with its ResultList), Numeric + Limits + Comp + Units (numeric
 * limit), Measurement[] (multiple numeric limit), String + Limits.String (string value), PassFail
 * (pass/fail), ExitCode (call executable), ButtonHit/Response (message popup), else a step
 * without payload. Statuses are taken as TestStand wrote them (import mode); step start times are
 * EngineStarted + TS.StartTime, written in the report's UTC offset; totTime is TS.TotalTime.
 */
import {
  evaluateNumeric,
  evaluateString,
  type MeasurementStatus,
  type Named,
  NUMERIC_COMP_OPS,
  type NumericInput,
  numericCompOp,
  parseDateTime,
  type Report,
  resultFromStatus,
  type SequenceBuilder,
  type SequenceOptions,
  type StepStatus,
  type StringInput,
  stringCompOp,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import {
  isObject,
  member,
  propsOf,
  propValue,
  reportInfo,
  type TsObject,
  type TsValue,
  tsParser,
} from "./teststand-props.js";
import { atOffset } from "./time-text.js";
import { checkWellFormed } from "./wsxf-xml.js";

export const testStandXmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "teststand-xml",
  description: "NI TestStand XML reports (<TSReport>): header, step tree, limits, statuses, timing",
  filePatterns: ["*.xml"],
  parameters: {
    processCode: {
      type: "integer",
      default: 10,
      min: 0,
      max: 32767,
      description:
        "Process (test operation) code when the report has neither ReportInfo PCode nor UUT.UUTOperationType",
    },
    revision: { type: "string", description: "Revision when the report has none" },
    operator: {
      type: "string",
      default: "unknown",
      description: "Operator when StationInfo.LoginName is absent",
    },
    location: {
      type: "string",
      default: "Unknown",
      description: "Location when StationInfo.Location is absent",
    },
    purpose: {
      type: "string",
      default: "Production",
      description: "Purpose when StationInfo.Purpose is absent",
    },
    timeZone: {
      type: "string",
      description: "IANA zone for a Start time written without UTC offset (default: this machine's)",
    },
    encoding: { type: "string", description: "Text encoding when the file has no BOM (default UTF-8)" },
  },
  detect(sample) {
    return /<TSReport[\s>]/.test(sample.text) ? 0.95 : 0;
  },
  convert(input, context) {
    const text = input.text(context.parameters.encoding as string | undefined);
    checkWellFormed(text, input.fileName);
    const doc = tsParser.parse(text) as Record<string, unknown>;
    const top = doc.TSReport;
    if (typeof top !== "object" || top === null) {
      const rootName = Object.keys(doc).find((k) => !k.startsWith("?")) ?? "(none)";
      throw new ConversionError(
        `${input.fileName} is not a TestStand XML report: its root element is <${rootName}>, not <TSReport>`,
        { kind: "content" },
      );
    }
    return convertTsReport(top as Record<string, unknown>, context, input.fileName);
  },
};

const STATUS: Readonly<Record<string, StepStatus>> = {
  passed: "P",
  failed: "F",
  error: "E",
  terminated: "T",
  skipped: "S",
  done: "D",
};

const str = (v: TsValue | undefined): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
const nonEmpty = (v: TsValue | undefined): string | undefined => {
  const s = str(v)?.trim();
  return s ? s : undefined;
};
const num = (v: TsValue | undefined): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : undefined;
const int16 = (v: number | undefined): number | undefined =>
  v !== undefined && Number.isInteger(v) && v >= -32768 && v <= 32767 ? v : undefined;

function fail(message: string, field: string): never {
  throw new ConversionError(message, { kind: "content", field });
}

function convertTsReport(top: Record<string, unknown>, context: ConverterContext, fileName: string): Report {
  const info = reportInfo(top);
  const props = propsOf(top);
  const uutProp = props.UUT;
  const uut: TsObject = uutProp ? (propValue(uutProp) as TsObject) : {};
  const station: TsObject = props.StationInfo ? (propValue(props.StationInfo) as TsObject) : {};
  const mainProp = props.MainSequenceResults;
  if (!mainProp)
    fail(`${fileName}: no MainSequenceResults property (the step results)`, "MainSequenceResults");
  const main = propValue(mainProp);
  if (!isObject(main)) fail(`${fileName}: MainSequenceResults is not a result object`, "MainSequenceResults");
  const p = context.parameters;

  const sn = info.get("sn")?.trim() || nonEmpty(member(uut, "SerialNumber"));
  if (!sn) fail(`${fileName}: no serial number (ReportInfo SN or UUT.SerialNumber)`, "UUT.SerialNumber");
  const pn =
    info.get("pn")?.trim() || nonEmpty(member(uut, "UUTPartNumber")) || nonEmpty(member(uut, "PartNumber"));
  if (!pn) fail(`${fileName}: no part number (ReportInfo PN or UUT.PartNumber)`, "UUT.PartNumber");
  const rev =
    info.get("rev")?.trim() ||
    nonEmpty(member(uut, "UUTPartRevisionNumber")) ||
    (p.revision as string | undefined);
  if (!rev)
    fail(
      `${fileName}: no revision (ReportInfo Rev or UUT.UUTPartRevisionNumber); set the converter parameter "revision"`,
      "UUT.UUTPartRevisionNumber",
    );
  const processCode = processCodeOf(
    info.get("pcode"),
    num(member(uut, "UUTOperationType")),
    p.processCode as number,
  );

  // Start: ReportInfo Start (with offset), else EngineStarted + the root's start time.
  const mainTs = member(main, "TS");
  const engineStarted = info.get("enginestarted");
  const engineMs = engineStarted ? parseDateTime(engineStarted)?.epochMs : undefined;
  let start = info.get("start")?.trim();
  const startParsed = start ? parseDateTime(start) : undefined;
  if (start && !startParsed)
    fail(`${fileName}: ReportInfo Start ${JSON.stringify(start)} is not a date-time`, "ReportInfo.Start");
  const offset = startParsed?.offsetMinutes ?? 0;
  const rootStartSec = num(member(mainTs, "StartTime"));
  if (!start) {
    if (engineMs === undefined || rootStartSec === undefined)
      fail(
        `${fileName}: no start time (ReportInfo Start, or EngineStarted and TS.StartTime)`,
        "ReportInfo.Start",
      );
    start = atOffset(engineMs + rootStartSec * 1000, 0);
    context.warn("no ReportInfo Start: start time computed from EngineStarted + TS.StartTime (UTC)");
  }
  const stepStart = (seconds: number | undefined): string | undefined =>
    engineMs !== undefined &&
    seconds !== undefined &&
    Number.isFinite(seconds) &&
    startParsed?.offsetMinutes !== undefined
      ? atOffset(engineMs + seconds * 1000, offset)
      : undefined;

  const seqCall = member(mainTs, "SequenceCall");
  const rootStatus = statusOf(member(main, "Status") ?? member(seqCall, "Status"), "MainSequenceResults");
  const execTime = num(member(mainTs, "TotalTime"));
  const comment = nonEmpty(member(uut, "Comment"));
  const batchSN = nonEmpty(member(uut, "BatchSerialNumber"));
  const fixtureId = nonEmpty(member(uut, "UUT_Fixture_ID"));
  const socket = int16(num(member(uut, "TestSocketIndex")));
  const batchFailCount = num(member(uut, "BatchFailCount"));
  const rootError = errorOf(member(main, "Error"));
  const builder = new UutReport({
    id: context.reportId(0),
    pn,
    sn,
    rev,
    processCode,
    operator: nonEmpty(member(station, "LoginName")) ?? (p.operator as string),
    station:
      nonEmpty(member(station, "StationID")) ??
      nonEmpty(member(station, "StationComputerName")) ??
      context.station,
    location: nonEmpty(member(station, "Location")) ?? (p.location as string),
    purpose: nonEmpty(member(station, "Purpose")) ?? (p.purpose as string),
    start,
    ...(p.timeZone !== undefined ? { timeZone: p.timeZone as string } : {}),
    ...(execTime !== undefined && Number.isFinite(execTime) ? { execTime } : {}),
    ...(comment ? { comment } : {}),
    ...(batchSN ? { batchSN } : {}),
    ...(fixtureId ? { fixtureId } : {}),
    ...(socket !== undefined ? { testSocketIndex: socket } : {}),
    ...(batchFailCount !== undefined && Number.isInteger(batchFailCount) ? { batchFailCount } : {}),
    ...(rootError.errorCode !== undefined ? { errorCode: rootError.errorCode } : {}),
    ...(rootError.errorMessage !== undefined ? { errorMessage: rootError.errorMessage } : {}),
    rootName: nonEmpty(member(mainTs, "StepName")) ?? "MainSequence Callback",
    ...(nonEmpty(member(seqCall, "SequenceFile"))
      ? { sequenceFile: str(member(seqCall, "SequenceFile")) as string }
      : {}),
    ...(nonEmpty(member(seqCall, "SequenceFileVersion"))
      ? { sequenceVersion: str(member(seqCall, "SequenceFileVersion")) as string }
      : {}),
    mode: "import",
    result: resultFromStatus(rootStatus),
  });
  const rootStep = builder.root.step;
  rootStep.status = rootStatus;
  const sequenceName = nonEmpty(member(seqCall, "Sequence"));
  if (sequenceName && rootStep.seqCall) rootStep.seqCall.name = sequenceName;
  const rs = stepStart(rootStartSec);
  if (rs) rootStep.start = rs;
  const guid = tsGuidOf(member(mainTs, "StepId"));
  if (guid) rootStep.tsGuid = guid;

  addMiscInfo(builder, member(member(uut, "MiscUUTResult"), "Misc_UUT_Info"));
  addSubUnits(builder, member(member(uut, "MiscUUTResult"), "UUT_Part_Info"));

  const results = member(seqCall, "ResultList");
  const walker = new StepWalker(stepStart, context);
  walker.addResults(builder.root, Array.isArray(results) ? results : [], rootStep.name ?? "root");
  return builder.build();
}

function processCodeOf(
  pcode: string | undefined,
  operationType: number | undefined,
  fallback: number,
): number {
  const fromInfo = pcode !== undefined && /^\s*\d+\s*$/.test(pcode) ? Number(pcode) : undefined;
  const code =
    fromInfo ??
    (operationType !== undefined && Number.isInteger(operationType) && operationType > 0
      ? operationType
      : undefined);
  return int16(code) ?? fallback;
}

function statusOf(v: TsValue | undefined, where: string): StepStatus {
  const s = str(v)?.trim().toLowerCase();
  if (s === undefined || s === "") return "D";
  const code = STATUS[s];
  if (code === undefined)
    fail(`step ${where}: unknown TestStand status ${JSON.stringify(str(v))}`, `${where}.Status`);
  return code;
}

function errorOf(v: TsValue | undefined): { errorCode?: number; errorMessage?: string } {
  const code = num(member(v, "Code"));
  const msg = nonEmpty(member(v, "Msg"));
  const occurred = member(v, "Occurred") === true;
  const out: { errorCode?: number; errorMessage?: string } = {};
  if (code !== undefined && Number.isInteger(code) && (occurred || code !== 0)) out.errorCode = code;
  if (msg !== undefined) out.errorMessage = msg;
  return out;
}

function tsGuidOf(v: TsValue | undefined): string | undefined {
  const s = nonEmpty(v);
  return s !== undefined && s.length <= 30 ? s : undefined;
}

function addMiscInfo(builder: UutReport, items: TsValue | undefined): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const description = nonEmpty(member(item, "Description", "Name"));
    if (!description) continue;
    const text = nonEmpty(member(item, "Data_String", "DataString", "String", "Text", "Data"));
    const numeric = num(member(item, "Data_Numeric", "DataNumeric", "Numeric"));
    builder.miscInfo(description, {
      ...(text !== undefined ? { text } : {}),
      ...(numeric !== undefined && Number.isFinite(numeric) ? { numeric } : {}),
    });
  }
}

function addSubUnits(builder: UutReport, items: TsValue | undefined): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    const pn = nonEmpty(member(item, "Part_Number", "PartNumber", "PN"));
    const sn = nonEmpty(member(item, "Part_Serial_Number", "SerialNumber", "SN"));
    const rev = nonEmpty(member(item, "Part_Revision_Number", "Revision", "Rev")) ?? "";
    if (!pn || !sn) continue;
    const partType = nonEmpty(member(item, "Part_Type", "PartType"));
    builder.subUnit({ pn, sn, rev, ...(partType ? { partType } : {}) });
  }
}

const GROUPS: Readonly<Record<string, "S" | "M" | "C">> = { setup: "S", main: "M", cleanup: "C" };

class StepWalker {
  constructor(
    private readonly stepStart: (seconds: number | undefined) => string | undefined,
    private readonly context: ConverterContext,
  ) {}

  addResults(seq: SequenceBuilder, results: readonly TsValue[], path: string): void {
    results.forEach((r, i) => {
      if (!isObject(r)) return;
      this.addResult(seq, r, `${path}/${nonEmpty(member(member(r, "TS"), "StepName")) ?? `[${i}]`}`);
    });
  }

  private addResult(seq: SequenceBuilder, r: TsObject, path: string): void {
    const ts = member(r, "TS");
    const name = nonEmpty(member(ts, "StepName")) ?? "(unnamed step)";
    const stepType = nonEmpty(member(ts, "StepType")) ?? "Action";
    const status = statusOf(member(r, "Status"), JSON.stringify(path));
    const options: SequenceOptions = {
      status,
      stepType,
      group: GROUPS[nonEmpty(member(ts, "StepGroup"))?.toLowerCase() ?? "main"] ?? "M",
    };
    const start = this.stepStart(num(member(ts, "StartTime")));
    if (start) options.start = start;
    const total = num(member(ts, "TotalTime"));
    if (total !== undefined && Number.isFinite(total)) options.totTime = total;
    const guid = tsGuidOf(member(ts, "StepId"));
    if (guid) options.tsGuid = guid;
    const error = errorOf(member(r, "Error"));
    if (error.errorCode !== undefined) options.errorCode = error.errorCode;
    if (error.errorMessage !== undefined) options.errorMessage = error.errorMessage;
    const reportText = nonEmpty(member(r, "ReportText"));
    if (reportText) options.reportText = reportText;
    const loop = loopOf(ts);
    if (loop) options.loop = loop;

    const seqCall = member(ts, "SequenceCall");
    if (isObject(seqCall)) {
      const child = seq.addSequence(name, {
        ...options,
        ...(nonEmpty(member(seqCall, "SequenceFile"))
          ? { path: str(member(seqCall, "SequenceFile")) as string }
          : {}),
        ...(nonEmpty(member(seqCall, "Sequence"))
          ? { sequenceName: str(member(seqCall, "Sequence")) as string }
          : {}),
        ...(nonEmpty(member(seqCall, "SequenceFileVersion"))
          ? { version: str(member(seqCall, "SequenceFileVersion")) as string }
          : {}),
      });
      const list = member(seqCall, "ResultList");
      this.addResults(child, Array.isArray(list) ? list : [], path);
      return;
    }
    const measurements = member(r, "Measurement");
    const numeric = member(r, "Numeric");
    if (numeric !== undefined && typeof numeric !== "object") {
      const input = this.numericInput(r, member(r, "Numeric"), status, path);
      if (input) seq.numericLimit(name, input, options);
      else seq.generic(stepType, name, options);
      return;
    }
    if (Array.isArray(measurements) && measurements.some((m) => member(m, "Data") !== undefined)) {
      const inputs: Named<NumericInput>[] = [];
      measurements.forEach((m, i) => {
        if (!isObject(m)) return;
        const mName = nonEmpty(member(m, "#name", "Name")) ?? `Measurement ${i}`;
        const mStatus =
          member(m, "Status") !== undefined
            ? statusOf(member(m, "Status"), `${path}.Measurement[${i}]`)
            : status;
        const input = this.numericInput(m, member(m, "Data"), mStatus, `${path}.Measurement[${i}]`);
        if (input) inputs.push({ ...input, name: mName });
      });
      if (inputs.length > 0) seq.multiNumericLimit(name, inputs, options);
      else seq.generic(stepType, name, options);
      return;
    }
    const stringValue = member(r, "String");
    if (typeof stringValue === "string") {
      seq.stringValue(name, this.stringInput(r, stringValue, status, path), options);
      return;
    }
    const passFail = member(r, "PassFail");
    if (typeof passFail === "boolean") {
      seq.passFail(name, passFail, options);
      return;
    }
    const exitCode = num(member(r, "ExitCode"));
    if (exitCode !== undefined && Number.isFinite(exitCode)) {
      seq.callExecutable(name, exitCode, options);
      return;
    }
    const button = num(member(r, "ButtonHit"));
    if (button !== undefined) {
      const response = str(member(r, "Response"));
      seq.messagePopup(
        name,
        { ...(int16(button) !== undefined ? { button } : {}), ...(response ? { response } : {}) },
        options,
      );
      return;
    }
    seq.generic(stepType, name, options);
  }

  private numericInput(
    r: TsValue,
    valueIn: TsValue | undefined,
    stepStatus: StepStatus,
    path: string,
  ): NumericInput | undefined {
    const value = num(valueIn);
    if (value === undefined || !Number.isFinite(value)) {
      if (stepStatus === "P" || stepStatus === "F")
        fail(
          `step ${path}: numeric value ${JSON.stringify(str(valueIn) ?? null)} is not a finite number`,
          `${path}.Numeric`,
        );
      this.context.warn(
        `step ${path}: no finite measured value (status ${stepStatus}); kept without measurement`,
      );
      return undefined;
    }
    const limits = member(r, "Limits");
    const low = num(member(limits, "Low"));
    const high = num(member(limits, "High"));
    const compText = nonEmpty(member(r, "Comp"));
    const op = compText
      ? numericCompOp(compText)
      : low !== undefined && high !== undefined
        ? "GELE"
        : low !== undefined
          ? "GE"
          : "LOG";
    if (op === undefined)
      fail(`step ${path}: unknown comparison operator ${JSON.stringify(compText)}`, `${path}.Comp`);
    const units = nonEmpty(member(r, "Units"));
    const input: NumericInput = { value, compOp: op };
    if (units) input.unit = units;
    const needs = NUMERIC_COMP_OPS[op];
    const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : undefined);
    if (needs === 1) {
      const limit = finite(low) ?? finite(high);
      if (limit === undefined)
        fail(`step ${path}: operator ${op} needs a limit (Limits.Low)`, `${path}.Limits.Low`);
      input.limit = limit;
    } else if (needs === 2) {
      const lo = finite(low);
      const hi = finite(high);
      if (lo === undefined || hi === undefined)
        fail(`step ${path}: operator ${op} needs Limits.Low and Limits.High`, `${path}.Limits`);
      input.low = lo;
      input.high = hi;
    }
    input.status = measurementStatus(stepStatus, () =>
      evaluateNumeric(op, value, input.limit ?? input.low ?? null, input.high ?? null),
    );
    return input;
  }

  private stringInput(r: TsValue, value: string, stepStatus: StepStatus, path: string): StringInput {
    const limit = str(member(member(r, "Limits"), "String"));
    const compText = nonEmpty(member(r, "Comp"));
    let op = compText
      ? /ignore/i.test(compText)
        ? "IGNORECASE"
        : /^case ?sensitive$/i.test(compText)
          ? "CASESENSIT"
          : stringCompOp(compText)
      : limit !== undefined
        ? "CASESENSIT"
        : "LOG";
    if (op === undefined)
      fail(`step ${path}: unknown string comparison ${JSON.stringify(compText)}`, `${path}.Comp`);
    if (op !== "LOG" && limit === undefined) op = "LOG";
    const input: StringInput = { value, compOp: op };
    if (op !== "LOG" && limit !== undefined) input.limit = limit;
    const finalOp = op;
    input.status = measurementStatus(stepStatus, () => evaluateString(finalOp, value, limit ?? null));
    return input;
  }
}

/** A measurement's status from its step's (P/F/S), else evaluated from the limits. */
function measurementStatus(step: StepStatus, evaluate: () => "P" | "F" | undefined): MeasurementStatus {
  if (step === "P" || step === "F" || step === "S") return step;
  return evaluate() ?? (step === "E" || step === "T" ? "F" : "P");
}

function loopOf(ts: TsValue | undefined) {
  const numLoops = int16(num(member(ts, "NumLoops")));
  const loopIndex = int16(num(member(ts, "LoopIndex")));
  if (numLoops !== undefined) {
    return {
      idx: null,
      num: numLoops,
      endingIndex: int16(num(member(ts, "EndingLoopIndex"))) ?? null,
      passed: int16(num(member(ts, "NumPassed"))) ?? null,
      failed: int16(num(member(ts, "NumFailed"))) ?? null,
    };
  }
  if (loopIndex !== undefined)
    return { idx: loopIndex, num: null, endingIndex: null, passed: null, failed: null };
  return undefined;
}
