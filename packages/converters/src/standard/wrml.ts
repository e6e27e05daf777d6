/**
 * `wrml`: WATS XML reports in the format before WSXF (WRML, namespace
 * `http://wats.virinco.com/schemas/WATS/Report`), test (UUT) and repair (UUR) reports.
 *
 * WRML is flat: every `<Step>` sits directly under `<Report>` and names its parent with
 * `ParentStepID`; the measurements (`<NumericLimit>`, `<StringValue>`, `<PassFail>`), the
 * `<SequenceCall>`, `<Callexe>`, `<MessagePopup>`, `<Chart>` rows and `<AdditionalResults>` name
 * their step with `StepID`. Chart series are base64 doubles (x, y interleaved); a chart row of
 * type `ATTACHMENT` carries a file. The tree is rebuilt and every step, measurement, chart,
 * attachment, misc info and sub-unit is kept; anything else is reported as a warning with its line.
 */
import {
  type AdditionalData,
  type BooleanMeasurement,
  type Chart,
  groupCode,
  type MeasurementStatus,
  NUMERIC_COMP_OPS,
  type NumericMeasurement,
  numericCompOp,
  type Report,
  resultFromStatus,
  type Step,
  type StringMeasurement,
  statusCode,
  stringCompOp,
  UurReport,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { int16, int32, invariantNumber } from "./shared/invariant-number.js";
import { readStartTime } from "./shared/report-start.js";
import { WarningTally } from "./shared/warning-tally.js";
import { cleanBase64, decodeXyPairs, readAdditional } from "./shared/wats-xml-parts.js";
import { encodingParameter, readXmlText } from "./shared/xml-text.js";
import { attrOf, childOf, childrenOf, parseXmlTree, type XmlElement } from "./shared/xml-tree.js";

export const WRML_NAMESPACE = "http://wats.virinco.com/schemas/WATS/Report";

export const wrmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "wrml",
  description:
    "WATS XML test and repair reports in the WRML format (before WSXF): steps, measurements, charts, attachments, sub-units, failures",
  filePatterns: ["*.xml", "*.wrml"],
  idPolicy: "keep-valid",
  parameters: {
    processCode: {
      type: "integer",
      min: 0,
      max: 32767,
      description: "Process code when <Process> has no Code (no default: such a report is refused)",
    },
    operator: { type: "string", default: "unknown", description: "Operator when UserLoginName is absent" },
    location: { type: "string", default: "Unknown", description: "Location when Report@Location is absent" },
    purpose: { type: "string", default: "Production", description: "Purpose when Report@Purpose is absent" },
    timeZone: {
      type: "string",
      description: "IANA zone for a Start written without UTC offset (default: this machine's)",
    },
    encoding: {
      type: "string",
      description: "Text encoding when the file has no BOM (default: its XML declaration, else UTF-8)",
    },
  },
  detect(sample) {
    const t = sample.text;
    if (!/<Reports?[\s>]/.test(t)) return 0;
    if (/wats\.virinco\.com\/schemas\/WATS\/Report\/wsxf/i.test(t)) return 0;
    const ns = /xmlns(:\w+)?=["']http:\/\/wats\.virinco\.com\/schemas\/WATS\/Report["']/.test(t);
    const flat =
      /<(\w+:)?Step\s[^>]*\bStepID=/.test(t) || /<(\w+:)?(Failures|ReportUnitHierarchy)\s[^>]*\bIdx=/.test(t);
    if (ns) return 0.97;
    return flat ? 0.9 : 0;
  },
  convert(input, context) {
    const text = readXmlText(input, {
      encoding: encodingParameter(context.parameters.encoding),
      warn: context.warn,
    });
    const root = parseXmlTree(text, input.fileName);
    const reports =
      root.local === "Reports" ? childrenOf(root, "Report") : root.local === "Report" ? [root] : [];
    if (reports.length === 0)
      throw new ConversionError(
        `${input.fileName} is not a WRML report: its root element is <${root.name}>, not <Reports> or <Report> (line ${root.line})`,
        { kind: "content", line: root.line },
      );
    const tally = new WarningTally();
    for (const other of root.local === "Reports" ? root.children : [])
      if (other.local !== "Report") tally.add(`<${other.name}> under <Reports> not mapped`, other.line);
    const out = reports.map((r, i) => convertReport(r, i, context, tally));
    tally.flush(context);
    return out;
  },
};

function fail(message: string, el: XmlElement | undefined, field: string): never {
  throw new ConversionError(el ? `${message} (line ${el.line})` : message, {
    kind: "content",
    field,
    ...(el ? { line: el.line } : {}),
  });
}

/** Warns for every attribute of `el` outside `known` (formats are mapped where WSJF has them). */
function checkAttrs(el: XmlElement, known: ReadonlySet<string>, tally: WarningTally): void {
  for (const key of Object.keys(el.attrs)) {
    if (known.has(key) || key.startsWith("xsi:") || key.startsWith("xml:")) continue;
    tally.add(`${el.local}@${key} not mapped (WSJF has no field for it)`, el.line);
  }
}

const set = (...names: string[]) => new Set(names);
const KNOWN = {
  Report: set(
    "type",
    "ID",
    "Start",
    "Start_utc",
    "Start_offset",
    "Result",
    "SN",
    "PN",
    "Rev",
    "MachineName",
    "Location",
    "Purpose",
    "origin",
    "ProductName",
  ),
  UUT: set(
    "UserLoginName",
    "BatchSN",
    "TestSocketIndex",
    "ExecutionTime",
    "FixtureId",
    "ErrorCode",
    "ErrorMessage",
    "BatchFailCount",
    "BatchLoopIndex",
    "StepIdCausedUUTFailure",
    "ExecutionTimeFormat",
    "TestSocketIndexFormat",
    "ErrorCodeFormat",
    "BatchFailCountFormat",
    "BatchLoopIndexFormat",
  ),
  UUR: set(
    "UserLoginName",
    "ReferencedUUT",
    "ConfirmDate",
    "FinalizeDate",
    "ExecutionTime",
    "Parent",
    "Comment",
  ),
  Process: set("Code", "Name", "Guid", "CodeFormat"),
  MiscInfo: set("Typedef", "Description", "Numeric", "NumericFormat", "idx", "order_no", "Id"),
  Unit: set("PartType", "PN", "SN", "Rev", "order_no", "idx", "Idx", "ParentIDX", "Position", "ReplacedIDX"),
  Step: set(
    "StepID",
    "ParentStepID",
    "Group",
    "Name",
    "StepType",
    "Status",
    "total_time",
    "Start",
    "StepCausedSequenceFailure",
    "StepCausedUUTFailure",
    "StepErrorCode",
    "StepErrorMessage",
    "TSGuid",
    "InteractiveExeNum",
    "StepIndex",
    "Idx",
    "total_timeFormat",
    "StepErrorCodeFormat",
    "InteractiveExeNumFormat",
  ),
  Loop: set("num", "passed", "failed", "ending_index", "index"),
  SequenceCall: set("StepID", "Name", "Version", "Filename", "Filepath", "MeasIndex"),
  NumericLimit: set(
    "StepID",
    "Name",
    "NumericValue",
    "Units",
    "CompOperator",
    "LowLimit",
    "HighLimit",
    "Status",
    "MeasIndex",
    "MeasOrderNumber",
    "NumericValueFormat",
    "LowLimitFormat",
    "HighLimitFormat",
  ),
  StringValue: set(
    "StepID",
    "Name",
    "CompOperator",
    "StringValue",
    "StringLimit",
    "Status",
    "MeasIndex",
    "MeasOrderNumber",
  ),
  PassFail: set("StepID", "Name", "Status", "MeasIndex", "MeasOrderNumber"),
  MessagePopup: set("StepID", "Button", "Response", "MeasIndex", "ButtonFormat"),
  Callexe: set("StepID", "ExitCode", "MeasIndex", "ExitCodeFormat"),
  Chart: set(
    "StepID",
    "idx",
    "ChartType",
    "Label",
    "XLabel",
    "XUnit",
    "YLabel",
    "YUnit",
    "PlotName",
    "DataType",
  ),
  Additional: set("StepID", "Name", "Idx"),
  Asset: set("AssetSN", "UsageCount", "UsageCountFormat"),
  Failures: set(
    "Category",
    "Code",
    "Idx",
    "PartIdx",
    "CompRef",
    "StepID",
    "StepName",
    "FunctionBlock",
    "ArticleNumber",
    "ArticleRevision",
    "ArticleVendor",
    "ArticleDescription",
    "Comment",
  ),
  Binary: set("BinaryDataIndex", "FailIdx", "StepID"),
  BinaryData: set("BinaryDataGUID", "ContentType", "FileName", "size"),
};

const text = (el: XmlElement | undefined, name: string): string | undefined => {
  const v = attrOf(el, name);
  return v === undefined || v.trim() === "" ? undefined : v;
};
const number = (el: XmlElement, name: string, tally: WarningTally): number | undefined => {
  const raw = attrOf(el, name);
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = invariantNumber(raw);
  if (n === undefined)
    tally.add(`${el.local}@${name}=${JSON.stringify(raw)} is not a number: not mapped`, el.line);
  return n;
};
const integer = (
  el: XmlElement,
  name: string,
  tally: WarningTally,
  range: (n: number | undefined) => number | undefined = int32,
) => {
  const n = number(el, name, tally);
  if (n === undefined) return undefined;
  const ok = range(n);
  if (ok === undefined) tally.add(`${el.local}@${name}=${n} is out of range: not mapped`, el.line);
  return ok;
};
const bool = (el: XmlElement, name: string): boolean | undefined => {
  const v = attrOf(el, name)?.trim().toLowerCase();
  return v === undefined || v === "" ? undefined : v === "true" || v === "1";
};

function convertReport(
  el: XmlElement,
  index: number,
  context: ConverterContext,
  tally: WarningTally,
): Report {
  checkAttrs(el, KNOWN.Report, tally);
  const type = attrOf(el, "type")?.trim().toUpperCase();
  if (type !== "UUT" && type !== "UUR")
    fail(
      `Report ${index + 1}: type ${JSON.stringify(attrOf(el, "type") ?? "")} is neither UUT nor UUR`,
      el,
      "Report@type",
    );
  const p = context.parameters;
  const sn = text(el, "SN") ?? fail(`Report ${index + 1}: no serial number (Report@SN)`, el, "Report@SN");
  const pn = text(el, "PN") ?? fail(`Report ${index + 1}: no part number (Report@PN)`, el, "Report@PN");
  const rev = attrOf(el, "Rev") ?? "";
  const process = childOf(el, "Process");
  if (process) checkAttrs(process, KNOWN.Process, tally);
  const processCode =
    (process ? integer(process, "Code", tally, int16) : undefined) ??
    (p.processCode as number | undefined) ??
    fail(
      `Report ${index + 1}: <Process> has no Code; set the converter parameter "processCode"`,
      process ?? el,
      "Process@Code",
    );
  const start = readStartTime({
    start: attrOf(el, "Start"),
    startUtc: attrOf(el, "Start_utc"),
    timeZone: p.timeZone as string | undefined,
    where: `Report ${index + 1}`,
    line: el.line,
    warn: (m) => tally.add(m, el.line),
  });
  const header = {
    id: text(el, "ID") ?? context.reportId(index),
    pn,
    sn,
    rev,
    processCode,
    station: text(el, "MachineName") ?? context.station,
    location: text(el, "Location") ?? (p.location as string),
    purpose: text(el, "Purpose") ?? (p.purpose as string),
    start,
    ...(p.timeZone !== undefined ? { timeZone: p.timeZone as string } : {}),
  };
  const id = /^[{(]?[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}[)}]?$/i.test(header.id)
    ? header.id
    : context.reportId(index);
  const result = statusCode(attrOf(el, "Result") ?? "");
  const reportResult = result === undefined ? undefined : resultFromStatus(result);
  if (attrOf(el, "Result") !== undefined && result === undefined)
    tally.add(
      `Report@Result ${JSON.stringify(attrOf(el, "Result"))} is not a WATS result: computed from the root step`,
      el.line,
    );

  const handled = new Set<XmlElement>();
  if (process) handled.add(process);
  let report: Report;
  if (type === "UUT") report = convertUut(el, { ...header, id }, reportResult, context, tally, handled);
  else report = convertUur(el, { ...header, id }, reportResult, context, tally, handled);

  for (const m of childrenOf(el, "MiscInfo")) {
    handled.add(m);
    checkAttrs(m, KNOWN.MiscInfo, tally);
    const description = text(m, "Description");
    if (!description) {
      tally.add("MiscInfo without Description not mapped", m.line);
      continue;
    }
    const numeric = integer(m, "Numeric", tally, int16);
    const value = m.text.trim() === "" ? null : m.text;
    const info: NonNullable<Report["miscInfos"]>[number] = {
      description,
      text: value,
      numeric: numeric ?? null,
    };
    const fmt = text(m, "NumericFormat");
    if (fmt) info.numericFormat = fmt;
    const typedef = attrOf(m, "Typedef");
    if (typedef) info.typedef = typedef;
    const miscId = text(m, "Id");
    if (miscId) info.id = miscId;
    report.miscInfos = [...(report.miscInfos ?? []), info];
  }
  const additional: AdditionalData[] = [];
  for (const a of childrenOf(el, "AdditionalData")) {
    handled.add(a);
    checkAttrs(a, KNOWN.Additional, tally);
    additional.push(readAdditional(a));
    warnNonProps(a, tally);
  }
  if (additional.length > 0) report.additionalData = additional;
  const assets: NonNullable<Report["assets"]> = [];
  for (const a of childrenOf(el, "Asset")) {
    handled.add(a);
    checkAttrs(a, KNOWN.Asset, tally);
    const assetSN = text(a, "AssetSN");
    if (!assetSN) {
      tally.add("Asset without AssetSN not mapped", a.line);
      continue;
    }
    assets.push({ assetSN, usageCount: integer(a, "UsageCount", tally) ?? 1 });
  }
  if (assets.length > 0) report.assets = assets;
  for (const c of el.children) {
    if (handled.has(c)) continue;
    if (c.local === "ReportInfo")
      tally.add(
        `ReportInfo ${attrOf(c, "key") ?? ""}=${JSON.stringify(attrOf(c, "value") ?? "")} not mapped (WATS client information; WSJF has no field for it)`,
        c.line,
      );
    else tally.add(`<${c.local}> under <Report> not mapped`, c.line);
  }
  return report;
}

function warnNonProps(el: XmlElement, tally: WarningTally): void {
  for (const c of el.children)
    if (c.local !== "Prop") tally.add(`<${c.local}> in <${el.local}> not mapped (only <Prop> is)`, c.line);
}

interface Header {
  id: string;
  pn: string;
  sn: string;
  rev: string;
  processCode: number;
  station: string | undefined;
  location: string;
  purpose: string;
  start: string;
  timeZone?: string;
}

function convertUut(
  el: XmlElement,
  header: Header,
  result: ReturnType<typeof resultFromStatus> | undefined,
  context: ConverterContext,
  tally: WarningTally,
  handled: Set<XmlElement>,
): Report {
  const uut = childOf(el, "UUT");
  if (uut) {
    handled.add(uut);
    checkAttrs(uut, KNOWN.UUT, tally);
    for (const c of uut.children)
      if (c.local !== "Comment") tally.add(`<${c.local}> in <UUT> not mapped`, c.line);
  }
  const steps = new StepTree(tally);
  for (const c of el.children) if (steps.take(c)) handled.add(c);
  const root = steps.build(el);
  const execTime = uut ? number(uut, "ExecutionTime", tally) : undefined;
  const comment = childOf(uut, "Comment")?.text ?? text(uut, "Comment");
  const optional = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
  const builder = new UutReport({
    ...header,
    operator: (uut && text(uut, "UserLoginName")) ?? (context.parameters.operator as string),
    mode: "import",
    ...(result !== undefined ? { result } : {}),
    rootName: root?.name ?? "MainSequence Callback",
    ...optional("execTime", execTime !== undefined && Number.isFinite(execTime) ? execTime : undefined),
    ...optional("batchSN", text(uut, "BatchSN")),
    ...optional("fixtureId", text(uut, "FixtureId")),
    ...optional("comment", comment && comment.trim() !== "" ? comment : undefined),
    ...optional("testSocketIndex", uut ? integer(uut, "TestSocketIndex", tally, int16) : undefined),
    ...optional("errorCode", uut ? integer(uut, "ErrorCode", tally) : undefined),
    ...optional("errorMessage", text(uut, "ErrorMessage")),
    ...optional("batchFailCount", uut ? integer(uut, "BatchFailCount", tally) : undefined),
    ...optional("batchLoopIndex", uut ? integer(uut, "BatchLoopIndex", tally) : undefined),
  });
  for (const unit of [...childrenOf(el, "PartInfo"), ...childrenOf(el, "ReportUnitHierarchy")]) {
    handled.add(unit);
    checkAttrs(unit, KNOWN.Unit, tally);
    const pn = text(unit, "PN");
    const sn = text(unit, "SN");
    if (!pn || !sn) {
      tally.add(`${unit.local} without PN or SN not mapped`, unit.line);
      continue;
    }
    const position = integer(unit, "Position", tally, int16);
    builder.subUnit({
      pn,
      sn,
      rev: attrOf(unit, "Rev") ?? "",
      ...optional("partType", text(unit, "PartType")),
      ...optional("position", position),
    });
  }
  if (root) {
    const rootStep = builder.root.step;
    const keep = { id: rootStep.id, causedUUTFailure: rootStep.causedUUTFailure };
    Object.assign(rootStep, root, keep);
    rootStep.steps = root.steps ?? [];
    if (execTime !== undefined && root.totTime === undefined) rootStep.totTime = execTime;
  } else tally.add("the report has no <Step>: only its header is kept", el.line);
  const report = builder.build();
  if (result === undefined) report.result = resultFromStatus(report.root?.status ?? "P");
  if (uut && report.uut) {
    for (const [xml, json] of [
      ["ExecutionTimeFormat", "execTimeFormat"],
      ["TestSocketIndexFormat", "testSocketIndexFormat"],
      ["ErrorCodeFormat", "errorCodeFormat"],
      ["BatchFailCountFormat", "batchFailCountFormat"],
      ["BatchLoopIndexFormat", "batchLoopIndexFormat"],
    ] as const) {
      const v = text(uut, xml);
      if (v) (report.uut as Record<string, unknown>)[json] = v;
    }
  }
  return report;
}

function convertUur(
  el: XmlElement,
  header: Header,
  result: ReturnType<typeof resultFromStatus> | undefined,
  context: ConverterContext,
  tally: WarningTally,
  handled: Set<XmlElement>,
): Report {
  const uur = childOf(el, "UUR") ?? fail(`repair report ${header.sn}: no <UUR> element`, el, "UUR");
  handled.add(uur);
  checkAttrs(uur, new Set([...KNOWN.UUR, "Active"]), tally);
  if (attrOf(uur, "Active") !== undefined)
    tally.add(
      `UUR@Active=${JSON.stringify(attrOf(uur, "Active"))} not mapped (WSJF has no field for it)`,
      uur.line,
    );
  const testProcess = childOf(uur, "Process");
  if (testProcess) checkAttrs(testProcess, KNOWN.Process, tally);
  for (const c of uur.children)
    if (c.local !== "Process" && c.local !== "Comment") tally.add(`<${c.local}> in <UUR> not mapped`, c.line);
  const testProcessCode =
    (testProcess ? integer(testProcess, "Code", tally, int16) : undefined) ??
    fail(
      `repair report ${header.sn}: <UUR><Process> has no Code (the test operation the failure was found in)`,
      testProcess ?? uur,
      "UUR/Process@Code",
    );
  const ref = text(uur, "ReferencedUUT");
  const comment = childOf(uur, "Comment")?.text ?? text(uur, "Comment");
  const execTime = number(uur, "ExecutionTime", tally);
  const units = childrenOf(el, "ReportUnitHierarchy");
  const main = units.find((u) => (integer(u, "Idx", tally) ?? 0) === 0);
  const optional = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
  const builder = new UurReport({
    ...header,
    operator: text(uur, "UserLoginName") ?? (context.parameters.operator as string),
    testProcessCode,
    ...optional("refUut", ref),
    ...optional("comment", comment && comment.trim() !== "" ? comment : undefined),
    ...optional("execTime", execTime),
    ...optional("confirmDate", text(uur, "ConfirmDate")),
    ...optional("finalizeDate", text(uur, "FinalizeDate")),
    ...optional("parent", text(uur, "Parent")),
    ...optional("result", result),
    ...optional("partType", main ? text(main, "PartType") : undefined),
  });
  for (const unit of units) {
    handled.add(unit);
    checkAttrs(unit, KNOWN.Unit, tally);
    const idx = integer(unit, "Idx", tally) ?? 0;
    if (unit === main) {
      if (text(unit, "PN") !== header.pn || text(unit, "SN") !== header.sn)
        tally.add(
          `ReportUnitHierarchy Idx=0 (${text(unit, "PN")}/${text(unit, "SN")}) differs from the report's PN/SN: the report's are kept`,
          unit.line,
        );
      continue;
    }
    const pn = text(unit, "PN");
    const sn = text(unit, "SN");
    if (!pn || !sn) {
      tally.add("ReportUnitHierarchy without PN or SN not mapped", unit.line);
      continue;
    }
    builder.part({
      pn,
      sn,
      rev: attrOf(unit, "Rev") ?? "",
      idx,
      ...optional("partType", text(unit, "PartType")),
      ...optional("parentIdx", integer(unit, "ParentIDX", tally)),
      ...optional("position", integer(unit, "Position", tally, int16)),
      ...optional("replacedIdx", integer(unit, "ReplacedIDX", tally)),
    });
  }
  const binaries = childrenOf(el, "Binary");
  for (const f of childrenOf(el, "Failures")) {
    handled.add(f);
    checkAttrs(f, new Set([...KNOWN.Failures, "Failcode"]), tally);
    if (attrOf(f, "Failcode") !== undefined)
      tally.add(
        "Failures@Failcode (the fail code's GUID) not mapped: WSJF keeps the Category and Code texts",
        f.line,
      );
    for (const c of f.children)
      if (c.local !== "Comment") tally.add(`<${c.local}> in <Failures> not mapped`, c.line);
    const failIdx = integer(f, "Idx", tally);
    const attachments = binaries
      .filter((b) => failIdx !== undefined && integer(b, "FailIdx", tally) === failIdx)
      .map((b) => {
        handled.add(b);
        return binaryInput(b, tally);
      })
      .filter((a) => a !== undefined);
    const partIdx = integer(f, "PartIdx", tally) ?? 0;
    try {
      builder.failure({
        category: text(f, "Category") ?? fail("Failures without Category", f, "Failures@Category"),
        code: text(f, "Code") ?? fail("Failures without Code", f, "Failures@Code"),
        unitIdx: partIdx,
        ...optional("comment", childOf(f, "Comment")?.text ?? text(f, "Comment")),
        ...optional("comRef", text(f, "CompRef")),
        ...optional("funcBlock", text(f, "FunctionBlock")),
        ...optional("refStepId", integer(f, "StepID", tally)),
        ...optional("artNumber", text(f, "ArticleNumber")),
        ...optional("artRev", text(f, "ArticleRevision")),
        ...optional("artVendor", text(f, "ArticleVendor")),
        ...optional("artDescription", text(f, "ArticleDescription")),
        ...(attachments.length > 0 ? { attachments } : {}),
      });
    } catch (error) {
      if (ConversionError.is(error)) throw error;
      fail(`Failures PartIdx=${partIdx}: ${(error as Error).message}`, f, "Failures@PartIdx");
    }
  }
  for (const b of binaries) {
    if (handled.has(b)) continue;
    handled.add(b);
    const a = binaryInput(b, tally);
    if (a) builder.attachment(a);
  }
  return builder.build();
}

function binaryInput(el: XmlElement, tally: WarningTally) {
  checkAttrs(el, KNOWN.Binary, tally);
  const data = childOf(el, "Data") ?? el;
  if (data !== el) checkAttrs(data, KNOWN.BinaryData, tally);
  const base64 = cleanBase64(data.text);
  if (base64 === undefined) {
    tally.add("Binary data is not base64: attachment not mapped", data.line);
    return undefined;
  }
  return {
    name: text(data, "FileName") ?? "attachment",
    contentType: text(data, "ContentType") ?? "application/octet-stream",
    data: new Uint8Array(Buffer.from(base64, "base64")),
  };
}

/** Rebuilds the step tree from WRML's flat `<Step>` list and its `StepID`-keyed payload rows. */
class StepTree {
  readonly #steps = new Map<string, { step: Step; el: XmlElement; parent: string | undefined }>();
  readonly #order: string[] = [];
  readonly #payload: XmlElement[] = [];
  constructor(readonly tally: WarningTally) {}

  /** Takes `el` if it belongs to the step tree. */
  take(el: XmlElement): boolean {
    if (el.local === "Step") {
      this.#addStep(el);
      return true;
    }
    if (
      [
        "SequenceCall",
        "NumericLimit",
        "StringValue",
        "PassFail",
        "MessagePopup",
        "Callexe",
        "Chart",
        "AdditionalResults",
      ].includes(el.local)
    ) {
      this.#payload.push(el);
      return true;
    }
    return false;
  }

  #addStep(el: XmlElement): void {
    const t = this.tally;
    checkAttrs(el, KNOWN.Step, t);
    const id = attrOf(el, "StepID")?.trim();
    if (!id) fail("<Step> without StepID", el, "Step@StepID");
    if (this.#steps.has(id)) fail(`two <Step> elements with StepID ${id}`, el, "Step@StepID");
    const statusWord = attrOf(el, "Status") ?? "";
    const status =
      statusCode(statusWord) ??
      fail(`Step ${id}: unknown Status ${JSON.stringify(statusWord)}`, el, "Step@Status");
    const step: Step = {
      group:
        groupCode(attrOf(el, "Group") ?? "Main") ??
        fail(`Step ${id}: unknown Group ${JSON.stringify(attrOf(el, "Group"))}`, el, "Step@Group"),
      stepType: attrOf(el, "StepType") ?? "Action",
      name: attrOf(el, "Name") ?? "",
      status,
      causedUUTFailure: bool(el, "StepCausedUUTFailure") ?? false,
    };
    const totTime = number(el, "total_time", t);
    if (totTime !== undefined && Number.isFinite(totTime)) step.totTime = totTime;
    const start = text(el, "Start");
    if (start) step.start = start;
    const errorCode = integer(el, "StepErrorCode", t);
    if (errorCode !== undefined) step.errorCode = errorCode;
    const errorMessage = text(el, "StepErrorMessage");
    if (errorMessage) step.errorMessage = errorMessage;
    const guid = text(el, "TSGuid");
    if (guid) step.tsGuid = guid;
    const exeNum = integer(el, "InteractiveExeNum", t);
    if (exeNum !== undefined) step.interactiveExeNum = exeNum;
    const causedSeq = bool(el, "StepCausedSequenceFailure");
    if (causedSeq !== undefined) step.causedSeqFailure = causedSeq;
    for (const [xml, json] of [
      ["total_timeFormat", "totTimeFormat"],
      ["StepErrorCodeFormat", "errorCodeFormat"],
      ["InteractiveExeNumFormat", "interactiveExeNumFormat"],
    ] as const) {
      const v = text(el, xml);
      if (v) (step as Record<string, unknown>)[json] = v;
    }
    for (const c of el.children) {
      if (c.local === "Loop") {
        checkAttrs(c, KNOWN.Loop, t);
        const loop = {
          idx: integer(c, "index", t, int16) ?? null,
          num: integer(c, "num", t, int16) ?? null,
          endingIndex: integer(c, "ending_index", t, int16) ?? null,
          passed: integer(c, "passed", t, int16) ?? null,
          failed: integer(c, "failed", t, int16) ?? null,
        };
        if (Object.values(loop).some((v) => v !== null)) step.loop = loop;
      } else if (c.local === "ReportText") {
        if (c.text !== "") step.reportText = c.text;
      } else t.add(`<${c.local}> in <Step> not mapped`, c.line);
    }
    this.#steps.set(id, { step, el, parent: attrOf(el, "ParentStepID")?.trim() || undefined });
    this.#order.push(id);
  }

  /** The root step with its children, or undefined when the report has no steps. */
  build(report: XmlElement): Step | undefined {
    if (this.#order.length === 0) {
      for (const p of this.#payload)
        this.tally.add(`<${p.local}> StepID=${attrOf(p, "StepID")} names no <Step>: not mapped`, p.line);
      return undefined;
    }
    const byStep = new Map<string, XmlElement[]>();
    for (const p of this.#payload) {
      const id = attrOf(p, "StepID")?.trim() ?? "";
      const entry = this.#steps.get(id);
      if (!entry) {
        this.tally.add(`<${p.local}> StepID=${JSON.stringify(id)} names no <Step>: not mapped`, p.line);
        continue;
      }
      const list = byStep.get(id);
      if (list) list.push(p);
      else byStep.set(id, [p]);
    }
    for (const [id, rows] of byStep)
      this.#payloadInto(this.#steps.get(id) as { step: Step; el: XmlElement }, rows);
    const roots: Step[] = [];
    for (const id of this.#order) {
      const entry = this.#steps.get(id) as { step: Step; el: XmlElement; parent: string | undefined };
      if (entry.parent === undefined) {
        roots.push(entry.step);
        continue;
      }
      const parent = this.#steps.get(entry.parent);
      if (!parent)
        fail(`Step ${id}: ParentStepID ${entry.parent} names no <Step>`, entry.el, "Step@ParentStepID");
      if (parent === entry) fail(`Step ${id} is its own parent`, entry.el, "Step@ParentStepID");
      parent.step.steps ??= [];
      parent.step.steps.push(entry.step);
    }
    if (roots.length !== 1)
      fail(
        `the report has ${roots.length} steps without ParentStepID; WRML has exactly one root step`,
        report,
        "Step@ParentStepID",
      );
    // every step must hang under the root (a cycle would leave some out)
    let reached = 0;
    const stack = [roots[0] as Step];
    while (stack.length > 0) {
      const s = stack.pop() as Step;
      reached++;
      for (const c of s.steps ?? []) stack.push(c);
    }
    if (reached !== this.#order.length)
      fail(
        `${this.#order.length - reached} steps are not under the root step (their ParentStepIDs form a cycle)`,
        report,
        "Step@ParentStepID",
      );
    return roots[0];
  }

  #payloadInto(entry: { step: Step; el: XmlElement }, rows: XmlElement[]): void {
    const { step } = entry;
    const t = this.tally;
    const numeric: NumericMeasurement[] = [];
    const strings: StringMeasurement[] = [];
    const booleans: BooleanMeasurement[] = [];
    const charts: XmlElement[] = [];
    const additional: AdditionalData[] = [];
    for (const row of rows) {
      switch (row.local) {
        case "SequenceCall":
          checkAttrs(row, KNOWN.SequenceCall, t);
          if (step.seqCall) t.add("a second <SequenceCall> for one step not mapped", row.line);
          else
            step.seqCall = {
              path: text(row, "Filepath") ?? text(row, "Filename") ?? null,
              name: text(row, "Name") ?? null,
              version: text(row, "Version") ?? null,
            };
          break;
        case "NumericLimit": {
          checkAttrs(row, KNOWN.NumericLimit, t);
          const m = numericRow(row, t);
          if (m) numeric.push(m);
          break;
        }
        case "StringValue": {
          checkAttrs(row, KNOWN.StringValue, t);
          const op = stringCompOp(text(row, "CompOperator") ?? "LOG");
          if (op === undefined) {
            t.add(
              `StringValue CompOperator ${JSON.stringify(attrOf(row, "CompOperator"))} unknown: measurement not mapped`,
              row.line,
            );
            break;
          }
          strings.push({
            compOp: op,
            name: text(row, "Name") ?? null,
            status: measurementStatus(row, t),
            value: attrOf(row, "StringValue") ?? "",
            limit: op === "LOG" ? null : (attrOf(row, "StringLimit") ?? null),
          });
          if (op === "LOG" && text(row, "StringLimit"))
            t.add("StringValue StringLimit on a LOG comparison not mapped", row.line);
          break;
        }
        case "PassFail":
          checkAttrs(row, KNOWN.PassFail, t);
          booleans.push({ name: text(row, "Name") ?? null, status: measurementStatus(row, t) });
          break;
        case "MessagePopup": {
          checkAttrs(row, KNOWN.MessagePopup, t);
          step.messagePopup = {
            response: attrOf(row, "Response") ?? null,
            button: integer(row, "Button", t, int16) ?? null,
          };
          const fmt = text(row, "ButtonFormat");
          if (fmt) step.messagePopup.buttonFormat = fmt;
          break;
        }
        case "Callexe": {
          checkAttrs(row, KNOWN.Callexe, t);
          step.callExe = { exitCode: number(row, "ExitCode", t) ?? null };
          const fmt = text(row, "ExitCodeFormat");
          if (fmt) step.callExe.exitCodeFormat = fmt;
          break;
        }
        case "Chart":
          checkAttrs(row, KNOWN.Chart, t);
          charts.push(row);
          break;
        case "AdditionalResults":
          checkAttrs(row, KNOWN.Additional, t);
          additional.push(readAdditional(row));
          warnNonProps(row, t);
          break;
      }
    }
    const kinds = [
      numeric.length > 0,
      strings.length > 0,
      booleans.length > 0,
      step.seqCall !== undefined,
      step.callExe !== undefined,
      step.messagePopup !== undefined,
    ].filter(Boolean).length;
    if (kinds > 1)
      fail(
        `Step ${attrOf(entry.el, "StepID")} carries ${kinds} kinds of payload; a WATS step holds one`,
        entry.el,
        "Step",
      );
    if (numeric.length > 0) step.numericMeas = numeric;
    if (strings.length > 0) step.stringMeas = strings;
    if (booleans.length > 0) step.booleanMeas = booleans;
    if (additional.length > 0) step.additionalResults = additional;
    if (charts.length > 0) this.#chartInto(step, charts);
  }

  #chartInto(step: Step, rows: XmlElement[]): void {
    const t = this.tally;
    const sorted = [...rows].sort((a, b) => (integer(a, "idx", t) ?? 0) - (integer(b, "idx", t) ?? 0));
    const head = sorted.find((r) => attrOf(r, "ChartType") !== undefined) ?? (sorted[0] as XmlElement);
    const series = sorted.filter((r) => r !== head);
    if (attrOf(head, "ChartType")?.toUpperCase() === "ATTACHMENT") {
      const [file, ...extra] = series;
      for (const e of extra)
        t.add("a second attachment row for one step not mapped (a WATS step holds one file)", e.line);
      if (!file) {
        t.add(
          `attachment ${JSON.stringify(attrOf(head, "Label") ?? "")} has no data row: not mapped`,
          head.line,
        );
        return;
      }
      const data = cleanBase64(childOf(file, "Data")?.text ?? "");
      if (data === undefined) {
        t.add("attachment Data is not base64: not mapped", file.line);
        return;
      }
      step.attachment = {
        name: attrOf(head, "Label") ?? "attachment",
        contentType: attrOf(file, "PlotName") ?? "application/octet-stream",
        data,
      };
      return;
    }
    const chart: Chart = {
      chartType: text(head, "ChartType") ?? "Line",
      label: attrOf(head, "Label") ?? null,
      xLabel: attrOf(head, "XLabel") ?? null,
      xUnit: text(head, "XUnit") ?? null,
      yLabel: attrOf(head, "YLabel") ?? null,
      yUnit: text(head, "YUnit") ?? null,
      series: [],
    };
    for (const s of series) {
      const data = childOf(s, "Data");
      const decoded = decodeXyPairs(data?.text ?? "");
      if ("problem" in decoded) {
        t.add(
          `chart series ${JSON.stringify(attrOf(s, "PlotName") ?? "")} Data ${decoded.problem}: series not mapped`,
          (data ?? s).line,
        );
        continue;
      }
      chart.series?.push({
        dataType: text(s, "DataType") ?? "XYG",
        name: attrOf(s, "PlotName") ?? null,
        xdata: decoded.xdata,
        ydata: decoded.ydata,
      });
    }
    step.chart = chart;
  }
}

function measurementStatus(row: XmlElement, t: WarningTally): MeasurementStatus {
  const word = attrOf(row, "Status") ?? "";
  const code = statusCode(word);
  if (code === "P" || code === "F" || code === "S") return code;
  t.add(
    `${row.local} Status ${JSON.stringify(word)} is not a measurement status (Passed/Failed/Skipped): kept as ${code === "E" || code === "T" ? "Failed" : "Passed"}`,
    row.line,
  );
  return code === "E" || code === "T" ? "F" : "P";
}

function numericRow(row: XmlElement, t: WarningTally): NumericMeasurement | undefined {
  const opText = text(row, "CompOperator") ?? "LOG";
  const op = numericCompOp(opText);
  if (op === undefined) {
    t.add(`NumericLimit CompOperator ${JSON.stringify(opText)} unknown: measurement not mapped`, row.line);
    return undefined;
  }
  const value = number(row, "NumericValue", t);
  if (value === undefined) {
    t.add("NumericLimit without a NumericValue not mapped", row.line);
    return undefined;
  }
  let low = number(row, "LowLimit", t);
  let high = number(row, "HighLimit", t);
  const needs = NUMERIC_COMP_OPS[op];
  if (needs === 1 && low === undefined && high !== undefined) {
    // WRML writes the one limit of LT/LE in HighLimit; WSJF keeps it in lowLimit.
    low = high;
    high = undefined;
  }
  if (needs === 0 && (low !== undefined || high !== undefined))
    t.add(`NumericLimit limits on a LOG comparison not mapped`, row.line);
  if (needs === 1 && high !== undefined)
    t.add(`NumericLimit HighLimit on the one-limit operator ${op} not mapped`, row.line);
  const m: NumericMeasurement = {
    compOp: op,
    name: text(row, "Name") ?? null,
    status: measurementStatus(row, t),
    unit: text(row, "Units") ?? null,
    value,
    lowLimit: needs >= 1 ? (low ?? null) : null,
    highLimit: needs === 2 ? (high ?? null) : null,
  };
  for (const [xml, json] of [
    ["NumericValueFormat", "valueFormat"],
    ["LowLimitFormat", "lowLimitFormat"],
    ["HighLimitFormat", "highLimitFormat"],
  ] as const) {
    const v = text(row, xml);
    if (v) (m as Record<string, unknown>)[json] = v;
  }
  return m;
}
