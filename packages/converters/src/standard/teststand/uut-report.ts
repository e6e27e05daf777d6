/**
 * One TestStand UUT report (a `<TSReport>` written with the WATS add-on, or one `<Report>` of a
 * plain TestStand `<Reports>` file) -> one WSJF test report.
 *
 * Header: ReportInfo (ID, Start, StartUTC, EngineStarted, SN, PN, Rev, PCode) where the WATS
 * add-on wrote it; the UUT container (SerialNumber, UUTPartNumber / PartNumber,
 * UUTPartRevisionNumber, UUTOperationType, BatchSerialNumber, TestSocketIndex, BatchFailCount,
 * UUTLoopIndex, Comment, UUT_Fixture_ID, MiscUUTResult, AdditionalData, CriticalFailureStack);
 * StationInfo (StationID, LoginName, Location, Purpose, AdditionalData); the start time from
 * ReportInfo, else the StartDate/StartTime containers plain TestStand writes, else EngineStarted
 * plus the main sequence's start. Fallback parameters fill what the file lacks.
 */
import {
  type AdditionalData,
  canonicalGuid,
  parseDateTime,
  type Report,
  type ReportResult,
  type Step,
  type StepStatus,
  toWatsDateTime,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../../errors.js";
import type { ConverterContext } from "../../plugin-api.js";
import { fitText } from "../shared/text-fit.js";
import { childrenNamed, type XmlElement } from "../shared/xml-sax-tree.js";
import { atOffset } from "../time-text.js";
import { additionalEntry, dataProperty } from "./additional-data.js";
import { Prop, type PropDocument } from "./props.js";
import { StepMapper } from "./steps.js";

/** Top-level properties of a report this mapping reads (others become additional data). */
const REPORT_MEMBERS = new Set([
  "UUT",
  "StationInfo",
  "MainSequenceResults",
  "ReportOptions",
  "StartTime",
  "StartDate",
]);
const REPORT_INFO_KEYS = new Set([
  "id",
  "start",
  "startutc",
  "enginestarted",
  "reportwritten",
  "sn",
  "pn",
  "rev",
  "pcode",
]);
const UUT_MEMBERS = new Set([
  "SerialNumber",
  "UUTLoopIndex",
  "BatchLoopIndex",
  "BatchFailCount",
  "CriticalFailureStack",
  "BatchSerialNumber",
  "TestSocketIndex",
  "PartNumber",
  "AdditionalData",
  "UUTPartNumber",
  "UUTPartRevisionNumber",
  "UUTOperationType",
  "UUTOperationTypeDetails",
  "Comment",
  "UUT_Fixture_ID",
  "MiscUUTResult",
  "UnitRef",
]);
const STATION_MEMBERS = new Set([
  "StationID",
  "LoginName",
  "AdditionalData",
  "Location",
  "Purpose",
  "StationComputerName",
  "StationGuid",
]);
const MISC_MEMBERS = new Set(["UUT_Part_Info", "Misc_UUT_Info", "SPC_Data", "Asset_Info"]);

/** Where the report sits in the file. */
export interface ReportElement {
  node: XmlElement;
  /** `TSReport` (WATS add-on) or `Report` (plain TestStand). */
  kind: "TSReport" | "Report";
}

export interface UutMappingOptions {
  fileName: string;
  context: ConverterContext;
  doc: PropDocument;
  /** The id the report gets when it carries none (the host derives it from the file). */
  derivedId: string;
}

const int16 = (n: number | undefined) =>
  n !== undefined && Number.isInteger(n) && n >= -32768 && n <= 32767 ? n : undefined;

function fail(message: string, field: string, line: number): never {
  throw new ConversionError(message, { kind: "content", field, ...(line > 0 ? { line } : {}) });
}

/** ReportInfo key/value pairs (keys lower-cased) with their lines. */
function reportInfo(node: XmlElement): Map<string, { key: string; value: string; line: number }> {
  const out = new Map<string, { key: string; value: string; line: number }>();
  for (const r of childrenNamed(node, "ReportInfo")) {
    const key = r.attributes.key;
    if (key === undefined) continue;
    out.set(key.toLowerCase(), { key, value: r.attributes.value ?? r.text, line: r.line });
  }
  return out;
}

/** The main sequence's result: `MainSequenceResults`, else the report's (first) unnamed TEResult. */
function mainResult(props: Prop[], warn: (m: string) => void, fileName: string): Prop | undefined {
  const main =
    props.find((p) => p.name === "MainSequenceResults") ??
    props.find((p) => p.name === undefined && p.type === "TEResult");
  if (main === undefined || main.type !== "Array") return main;
  const elements = main.elements().filter((e) => e.prop !== undefined);
  if (elements.length > 1)
    warn(
      `${fileName} line ${main.line}: the main sequence results hold ${elements.length} results; only the first is converted`,
    );
  return elements[0]?.prop;
}

/** The year a TestStand date text holds (its only four-digit number), e.g. "Friday, July 1, 2022". */
function yearIn(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /(?<!\d)(\d{4})(?!\d)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Wall time from plain TestStand's StartDate/StartTime containers (no zone: read in `timeZone`). */
function startFromDetails(date: Prop | undefined, time: Prop | undefined): string | undefined {
  if (date === undefined || time === undefined) return undefined;
  const year = yearIn(date.text("Text")) ?? yearIn(date.text("ShortText")) ?? date.number("Year");
  const month = date.number("Month");
  const day = date.number("MonthDay");
  const h = time.number("Hours");
  const mi = time.number("Minutes");
  const s = time.number("Seconds");
  const ms = time.number("Milliseconds") ?? 0;
  const parts = [year, month, day, h, mi, s, ms];
  if (parts.some((p) => p === undefined || !Number.isInteger(p))) return undefined;
  const text = `${pad(year as number, 4)}-${pad(month as number)}-${pad(day as number)}T${pad(h as number)}:${pad(mi as number)}:${pad(s as number)}.${pad(ms, 3)}`;
  return parseDateTime(text) ? text : undefined;
}

/** The worst status of a step tree (for a report whose own status text is not a WSJF one). */
function worstResult(root: Step): ReportResult {
  let result: ReportResult = "P";
  const stack: Step[] = [...(root.steps ?? [])];
  while (stack.length > 0) {
    const s = stack.pop() as Step;
    if (s.status === "F") result = "F";
    else if ((s.status === "E" || s.status === "T") && result === "P") result = s.status;
    for (const c of s.steps ?? []) stack.push(c);
  }
  return result;
}

export function mapUutReport(element: ReportElement, o: UutMappingOptions): Report {
  const { fileName, context, doc } = o;
  const warn = (m: string) => context.warn(m);
  const p = context.parameters;
  const props = childrenNamed(element.node, "Prop").map((n) => new Prop(n, doc));
  const reportLine = element.node.line;
  const named = new Map<string, Prop>();
  for (const prop of props) if (prop.name !== undefined && !named.has(prop.name)) named.set(prop.name, prop);
  const info =
    element.kind === "TSReport"
      ? reportInfo(element.node)
      : new Map<string, { key: string; value: string; line: number }>();
  doc.localizedDecimalPoint = named.get("ReportOptions")?.bool("UseLocalizedDecimalPoint") === true;

  const main = mainResult(props, warn, fileName);
  if (main === undefined)
    fail(
      `${fileName} line ${reportLine}: the report has no main sequence results (MainSequenceResults, or a TEResult)`,
      "MainSequenceResults",
      reportLine,
    );
  const uut = named.get("UUT");
  const station = named.get("StationInfo");
  const where = (prop: Prop | undefined) => `${fileName} line ${prop?.line || reportLine}`;
  const infoText = (key: string) => {
    const v = info.get(key)?.value.trim();
    return v ? v : undefined;
  };

  // Identity.
  const sn = infoText("sn") ?? uut?.nonEmpty("SerialNumber") ?? (p.serialNumber as string | undefined);
  if (sn === undefined)
    fail(
      `${where(uut)}: the report has no serial number (UUT.SerialNumber${element.kind === "TSReport" ? " or ReportInfo SN" : ""}); set the parameter "serialNumber" to give one`,
      "UUT.SerialNumber",
      uut?.line || reportLine,
    );
  let pn =
    infoText("pn") ??
    uut?.nonEmpty("UUTPartNumber") ??
    uut?.nonEmpty("PartNumber") ??
    (p.partNumber as string | undefined);
  if (pn === undefined) {
    pn = "Unknown";
    warn(
      `${where(uut)}: the report has no part number (UUT.UUTPartNumber, UUT.PartNumber) and the parameter "partNumber" is not set; sent as "Unknown"`,
    );
  }
  const rev = infoText("rev") ?? uut?.nonEmpty("UUTPartRevisionNumber") ?? (p.revision as string);
  const processCode = processCodeOf(infoText("pcode"), uut, p.processCode as number, warn, where(uut));

  // Start time.
  const timeZone = p.timeZone as string | undefined;
  const mainTs = main.get("TS");
  const rootStartSec = mainTs?.number("StartTime");
  const engineText = infoText("enginestarted");
  const engine = engineText ? parseDateTime(engineText) : undefined;
  if (engineText && !engine)
    warn(
      `${fileName} line ${info.get("enginestarted")?.line}: ReportInfo EngineStarted "${engineText}" is not a date-time; step start times left out`,
    );
  // EngineStarted is written in UTC; one without an offset is read in the time zone.
  const engineMs =
    engine === undefined
      ? undefined
      : engine.offsetMinutes !== undefined
        ? engine.epochMs
        : (parseDateTime(toWatsDateTime(engineText as string, timeZone)) as { epochMs: number }).epochMs;
  let start: string;
  const startInfo = info.get("start");
  const startUtcInfo = info.get("startutc");
  if (startInfo && startInfo.value.trim() !== "") {
    const parsed = parseDateTime(startInfo.value);
    if (!parsed)
      fail(
        `${fileName} line ${startInfo.line}: ReportInfo Start "${startInfo.value}" is not a date-time`,
        "ReportInfo.Start",
        startInfo.line,
      );
    start = toWatsDateTime(startInfo.value.trim(), timeZone);
  } else if (startUtcInfo && parseDateTime(startUtcInfo.value)?.offsetMinutes !== undefined) {
    start = toWatsDateTime(
      new Date((parseDateTime(startUtcInfo.value) as { epochMs: number }).epochMs),
      timeZone,
    );
  } else {
    const wall = startFromDetails(named.get("StartDate"), named.get("StartTime"));
    if (wall !== undefined) start = toWatsDateTime(wall, timeZone);
    else if (engineMs !== undefined && rootStartSec !== undefined && Number.isFinite(rootStartSec))
      start = toWatsDateTime(new Date(engineMs + rootStartSec * 1000), timeZone);
    else
      fail(
        `${fileName} line ${reportLine}: the report has no start time (ReportInfo Start, StartDate/StartTime, or EngineStarted and the main sequence's TS.StartTime)`,
        element.kind === "TSReport" ? "ReportInfo.Start" : "StartDate",
        reportLine,
      );
  }
  const startParsed = parseDateTime(start) as { epochMs: number; offsetMinutes: number };
  const stepStart = (seconds: number | undefined): string | undefined => {
    if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
    if (engineMs !== undefined) return atOffset(engineMs + seconds * 1000, startParsed.offsetMinutes);
    if (rootStartSec !== undefined && Number.isFinite(rootStartSec))
      return atOffset(startParsed.epochMs + (seconds - rootStartSec) * 1000, startParsed.offsetMinutes);
    return undefined;
  };

  // Report id: the report's own when it carries one (ReportInfo ID), else the derived one.
  const ownId = infoText("id");
  const canonical = ownId ? canonicalGuid(ownId) : undefined;
  if (ownId && canonical === undefined)
    warn(
      `${fileName} line ${info.get("id")?.line}: ReportInfo ID "${ownId}" is not a GUID; the report gets an id derived from the file`,
    );
  const id = canonical && canonical !== "00000000-0000-0000-0000-000000000000" ? canonical : o.derivedId;

  const fit = (text: string, field: Parameters<typeof fitText>[1], prop: Prop | undefined, what: string) =>
    fitText(text, field, warn, where(prop), what);
  const seqCall = mainTs?.get("SequenceCall");
  const mapper = new StepMapper({
    fileName,
    warn,
    stepStart,
    attachFiles: p.attachFiles === true,
    criticalResultIds: criticalIds(uut),
  });
  const rootStatus = mapper.status(main.get("Status"), main.text("Status"), "MainSequence Callback");
  const execTime = mainTs?.number("TotalTime");
  const rootError = main.get("Error");
  const errorCode = rootError?.number("Code");
  const errorMessage = rootError?.nonEmpty("Msg");
  const comment = uut?.nonEmpty("Comment");
  const batchSN = uut?.nonEmpty("BatchSerialNumber");
  const fixtureId = uut?.nonEmpty("UUT_Fixture_ID");
  const socket = int16(uut?.number("TestSocketIndex"));
  const batchFailCount = uut?.number("BatchFailCount");
  const loopIndex = uut?.number("UUTLoopIndex");
  const sequenceFile = seqCall?.nonEmpty("SequenceFile");
  const sequenceVersion = seqCall?.nonEmpty("SequenceFileVersion");
  const rootName = mainTs?.nonEmpty("StepName") ?? "MainSequence Callback";
  const builder = new UutReport({
    id,
    pn: fit(pn, "pn", uut, "the part number"),
    sn: fit(sn, "sn", uut, "the serial number"),
    rev: fit(rev, "rev", uut, "the revision"),
    processCode,
    operator: fit(station?.nonEmpty("LoginName") ?? (p.operator as string), "user", station, "the operator"),
    station: station?.nonEmpty("StationID") ?? station?.nonEmpty("StationComputerName") ?? context.station,
    location: fit(
      station?.nonEmpty("Location") ?? (p.location as string),
      "location",
      station,
      "the location",
    ),
    purpose: fit(station?.nonEmpty("Purpose") ?? (p.purpose as string), "purpose", station, "the purpose"),
    start,
    ...(timeZone !== undefined ? { timeZone } : {}),
    ...(execTime !== undefined && Number.isFinite(execTime) ? { execTime } : {}),
    ...(comment ? { comment: fit(comment, "comment", uut, "the comment") } : {}),
    ...(batchSN ? { batchSN: fit(batchSN, "batchSN", uut, "the batch serial number") } : {}),
    ...(fixtureId ? { fixtureId: fit(fixtureId, "fixtureId", uut, "the fixture id") } : {}),
    ...(socket !== undefined ? { testSocketIndex: socket } : {}),
    ...(batchFailCount !== undefined && Number.isInteger(batchFailCount) ? { batchFailCount } : {}),
    ...(loopIndex !== undefined && Number.isInteger(loopIndex) ? { batchLoopIndex: loopIndex } : {}),
    ...(errorCode !== undefined &&
    Number.isInteger(errorCode) &&
    (errorCode !== 0 || rootError?.bool("Occurred") === true)
      ? { errorCode }
      : {}),
    ...(errorMessage !== undefined
      ? { errorMessage: fit(errorMessage, "reportErrorMessage", rootError, "the error message") }
      : {}),
    rootName,
    ...(sequenceFile ? { sequenceFile: fit(sequenceFile, "seqCallPath", seqCall, "the sequence file") } : {}),
    ...(sequenceVersion
      ? { sequenceVersion: fit(sequenceVersion, "seqCallVersion", seqCall, "the sequence file version") }
      : {}),
    mode: "import",
  });
  const root = builder.root.step;
  root.status = rootStatus;
  const called = seqCall?.nonEmpty("Sequence");
  if (called && root.seqCall) root.seqCall.name = fit(called, "seqCallName", seqCall, "the sequence name");
  const rootStart = stepStart(rootStartSec);
  if (rootStart) root.start = rootStart;
  const guid = mainTs?.nonEmpty("StepId");
  if (guid && guid.length <= 30) root.tsGuid = guid;
  const rootText = main.nonEmpty("ReportText");
  if (rootText) root.reportText = fit(rootText, "reportText", main, "the report text of the main sequence");

  mapper.addResults(builder.root, seqCall?.get("ResultList"), rootName);

  addMiscAndParts(builder, uut, warn, where);
  addAdditionalData(builder, {
    uut,
    station,
    props,
    named,
    warn,
    where,
    additionalAsMisc: p.additionalDataAsMiscInfo === true,
  });

  // Checks that make partial reads visible.
  const stepCount = Number(element.node.attributes.StepCount);
  if (
    element.kind === "Report" &&
    element.node.attributes.StepCount !== undefined &&
    Number.isInteger(stepCount) &&
    stepCount !== mapper.resultCount
  )
    warn(
      `${fileName} line ${reportLine}: the report says StepCount ${stepCount}, but ${mapper.resultCount} step results were read`,
    );
  const critical = criticalIds(uut);
  for (const rid of critical)
    if (!mapper.markedCritical.has(rid))
      warn(
        `${where(uut?.get("CriticalFailureStack"))}: UUT.CriticalFailureStack names result ${rid}, which is no failed step of this report; not marked`,
      );
  for (const [key, entry] of info)
    if (!REPORT_INFO_KEYS.has(key))
      warn(`${fileName} line ${entry.line}: ReportInfo "${entry.key}" is not mapped`);

  const report = builder.build();
  const result: ReportResult =
    rootStatus === "U"
      ? (resultFromAttribute(element.node.attributes.UUTResult) ?? worstResult(report.root as Step))
      : resultOf(rootStatus);
  report.result = result;
  return report;
}

const resultOf = (s: StepStatus): ReportResult => (s === "F" || s === "E" || s === "T" ? s : "P");

function resultFromAttribute(text: string | undefined): ReportResult | undefined {
  const t = text?.trim().toLowerCase();
  return t === "passed"
    ? "P"
    : t === "failed"
      ? "F"
      : t === "error"
        ? "E"
        : t === "terminated"
          ? "T"
          : undefined;
}

function processCodeOf(
  pcode: string | undefined,
  uut: Prop | undefined,
  fallback: number,
  warn: (m: string) => void,
  where: string,
): number {
  const fromInfo = pcode !== undefined && /^\s*-?\d+\s*$/.test(pcode) ? int16(Number(pcode)) : undefined;
  if (fromInfo !== undefined) return fromInfo;
  const op = uut?.number("UUTOperationType");
  if (op !== undefined && int16(op) !== undefined && op > 0) return op;
  const details = uut?.get("UUTOperationTypeDetails");
  const detailCode = details?.number("OpTypeCodeInt");
  if (detailCode !== undefined && int16(detailCode) !== undefined && detailCode > 0) return detailCode;
  const named =
    details?.nonEmpty("OpTypeName") ??
    details?.nonEmpty("OpTypeCodeString") ??
    details?.nonEmpty("OpTypeCodeGUID");
  if (named !== undefined)
    warn(
      `${where}: the operation type is given only as "${named}" (UUTOperationTypeDetails), which cannot be looked up offline; process code ${fallback} (parameter "processCode") used`,
    );
  return fallback;
}

function criticalIds(uut: Prop | undefined): Set<number> {
  const out = new Set<number>();
  for (const e of uut?.get("CriticalFailureStack")?.elements() ?? []) {
    const id = e.prop?.number("ResultId");
    if (id !== undefined && Number.isInteger(id) && id > 0) out.add(id);
  }
  return out;
}

function addMiscAndParts(
  builder: UutReport,
  uut: Prop | undefined,
  warn: (m: string) => void,
  where: (p: Prop | undefined) => string,
): void {
  const misc = uut?.get("MiscUUTResult");
  if (misc === undefined) return;
  for (const e of misc.get("Misc_UUT_Info")?.elements() ?? []) {
    const item = e.prop;
    if (!item) continue;
    const description = item.nonEmpty("Description");
    const text = item.text("Data_String");
    const numeric = item.number("Data_Numeric");
    if (description === undefined) {
      if ((text ?? "").trim() !== "" || (numeric ?? 0) !== 0)
        warn(`${where(item)}: Misc_UUT_Info ${e.id} has data but no Description; left out`);
      continue;
    }
    builder.miscInfo(fitText(description, "miscDescription", warn, where(item), "a misc info description"), {
      ...(text !== undefined && text !== ""
        ? { text: fitText(text, "miscText", warn, where(item), `misc info "${description}"`) }
        : {}),
      ...(numeric !== undefined && Number.isFinite(numeric) ? { numeric } : {}),
    });
  }
  for (const e of misc.get("UUT_Part_Info")?.elements() ?? []) {
    const part = e.prop;
    if (!part) continue;
    const pn = part.nonEmpty("Part_Number");
    const sn = part.nonEmpty("Part_Serial_Number");
    if (pn === undefined || sn === undefined) {
      warn(
        `${where(part)}: UUT_Part_Info ${e.id} has no ${pn === undefined ? "Part_Number" : "Part_Serial_Number"}; the sub-unit is left out`,
      );
      continue;
    }
    const partType = part.nonEmpty("Part_Type");
    builder.subUnit({
      pn: fitText(pn, "pn", warn, where(part), "a sub-unit part number"),
      sn: fitText(sn, "sn", warn, where(part), "a sub-unit serial number"),
      rev: part.nonEmpty("Part_Revision_Number") ?? "",
      ...(partType
        ? { partType: fitText(partType, "partType", warn, where(part), "a sub-unit part type") }
        : {}),
    });
  }
  for (const e of misc.get("Asset_Info")?.elements() ?? []) {
    const asset = e.prop;
    const sn = asset?.nonEmpty("AssetSerialNumber");
    if (!asset || sn === undefined) continue;
    const count = asset.number("UsageCount");
    builder.asset(sn, count !== undefined && Number.isInteger(count) ? count : 1);
  }
  const spc = misc.get("SPC_Data")?.elements() ?? [];
  if (spc.length > 0)
    warn(
      `${where(misc.get("SPC_Data"))}: ${spc.length} SPC_Data element(s) not mapped (WATS no longer takes SPC data)`,
    );
  for (const c of misc.children())
    if (c.name !== undefined && !MISC_MEMBERS.has(c.name))
      builder.additionalData(additionalEntry(c, `UUT.MiscUUTResult.${c.name}`));
}

interface AdditionalSources {
  uut: Prop | undefined;
  station: Prop | undefined;
  props: Prop[];
  named: Map<string, Prop>;
  warn(m: string): void;
  where(p: Prop | undefined): string;
  additionalAsMisc: boolean;
}

/** UUT.AdditionalData, StationInfo.AdditionalData and every header property this mapping does not otherwise read. */
function addAdditionalData(builder: UutReport, s: AdditionalSources): void {
  const add = (entry: AdditionalData) => builder.additionalData(entry);
  for (const c of s.uut?.get("AdditionalData")?.children() ?? []) {
    if (s.additionalAsMisc && c.valueText() !== undefined && c.type !== "Array") {
      const v = c.valueText() ?? "";
      if (v !== "")
        builder.miscInfo(
          fitText(c.name ?? "", "miscDescription", s.warn, s.where(c), "a misc info description"),
          fitText(v, "miscText", s.warn, s.where(c), `additional data "${c.name}"`),
        );
    } else add(additionalEntry(c));
  }
  const stationExtra = s.station?.get("AdditionalData")?.children() ?? [];
  if (stationExtra.length > 0) add({ name: "Station info", props: stationExtra.map((c) => dataProperty(c)) });
  for (const c of s.uut?.children() ?? [])
    if (c.name !== undefined && !UUT_MEMBERS.has(c.name)) add(additionalEntry(c, `UUT.${c.name}`));
  for (const c of s.station?.children() ?? [])
    if (c.name !== undefined && !STATION_MEMBERS.has(c.name))
      add(additionalEntry(c, `StationInfo.${c.name}`));
  for (const c of s.props) if (c.name !== undefined && !REPORT_MEMBERS.has(c.name)) add(additionalEntry(c));
}
