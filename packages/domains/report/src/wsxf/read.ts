/**
 * WSXF (WATS Standard XML Format) -> report model. The mapping (format document §6) is tested
 * against the fixture pair (the same report exported as WSJF and as WSXF): both parse to the
 * same model. XML-only data (StepIndex, MeasIndex, MeasOrderNumber, misc idx/order_no, sequence
 * Filename) is dropped; where the XML has no value the model gets what the server's JSON export
 * has (`null` for its always-present keys, `""` read as `null`).
 */
import { createRequire } from "node:module";
import { loadOnFirstUse, WatsValidationError } from "@tswats/core";
import type { XMLParser as XMLParserClass } from "fast-xml-parser";
import { canonicalGuid } from "../guid.js";
import { groupCode, reportTypeCode, statusCode } from "../model/codes.js";
import { numberFromText } from "../model/numbers.js";
import { parseReport } from "../model/parse.js";
import type {
  AdditionalData,
  AdditionalDataProperty,
  BinaryData,
  Failure,
  NumericMeasurement,
  Report,
  Step,
  SubUnit,
} from "../model/types.js";
import { findUnsupportedXmlEntity } from "./entities.js";
import { attr, children, first, textOf, type XmlNode } from "./xml.js";

const REPEATED = new Set([
  "Report",
  "Step",
  "NumericLimit",
  "StringValue",
  "PassFail",
  "MiscInfo",
  "ReportUnitHierarchy",
  "Series",
  "Failures",
  "Binary",
  "Asset",
  "AdditionalData",
  "AdditionalResults",
  "Prop",
  "Index",
]);

/** fast-xml-parser, loaded with the first WSXF document read (its CommonJS build, required synchronously). */
const parser = loadOnFirstUse(() => {
  const { XMLParser } = createRequire(import.meta.url)("fast-xml-parser") as {
    XMLParser: typeof XMLParserClass;
  };
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    alwaysCreateTextNode: true,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => REPEATED.has(name),
  });
});

class WsxfError extends Error {}

/** `""` and absent as null (the XML writes "" where the JSON has null). */
const nz = (value: string | undefined): string | null => (value === undefined || value === "" ? null : value);

function num(node: XmlNode, name: string): number | null {
  const text = attr(node, name);
  if (text === undefined || text === "") return null;
  const n = numberFromText(text);
  if (n === undefined) throw new WsxfError(`${name}="${text}" is not a number`);
  return n;
}

function int(node: XmlNode, name: string): number | null {
  const n = num(node, name);
  if (n !== null && !Number.isInteger(n))
    throw new WsxfError(`${name}="${attr(node, name)}" is not an integer`);
  return n;
}

const bool = (node: XmlNode, name: string): boolean | undefined => {
  const v = attr(node, name)?.toLowerCase();
  return v === undefined || v === "" ? undefined : v === "true" || v === "1";
};

function status(node: XmlNode, name = "Status"): string | null {
  const word = attr(node, name);
  if (word === undefined || word === "") return null;
  return statusCode(word) ?? word;
}

/** Adds `key: value` when the value is there (the JSON's omit-null keys). */
function optional(target: object, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== "") (target as Record<string, unknown>)[key] = value;
}

function formats(node: XmlNode, target: object, pairs: readonly [string, string][]): void {
  for (const [xml, json] of pairs) optional(target, json, attr(node, xml));
}

function readProperty(node: XmlNode): AdditionalDataProperty {
  const prop: AdditionalDataProperty = { name: nz(attr(node, "Name")), type: nz(attr(node, "Type")) };
  const flags = int(node, "Flags");
  if (flags !== null) prop.flags = flags;
  optional(prop, "value", attr(node, "Value"));
  optional(prop, "numFormat", attr(node, "NumFormat"));
  optional(prop, "comment", attr(node, "Comment"));
  const props = children(node, "Prop");
  if (props.length > 0) prop.props = props.map(readProperty);
  const array = first(node, "Array");
  if (array) {
    prop.array = {
      dimension: int(array, "Dimension"),
      type: nz(attr(array, "Type")),
      indexes: children(array, "Index").map((index) => {
        const value = first(index, "Prop");
        const indexes = attr(index, "Indexes");
        return {
          text: nz(attr(index, "Text")),
          indexes: indexes ? indexes.split(",").map((n) => Number(n)) : [],
          ...(value ? { value: readProperty(value) } : {}),
        };
      }),
    };
  }
  return prop;
}

function readAdditional(nodes: XmlNode[]): AdditionalData[] {
  return nodes.map((node) => ({
    name: nz(attr(node, "Name")),
    props: children(node, "Prop").map(readProperty),
  }));
}

function readNumeric(node: XmlNode): NumericMeasurement {
  const m: NumericMeasurement = {
    compOp: attr(node, "CompOperator") || "LOG",
    name: nz(attr(node, "Name")),
    status: status(node) as NumericMeasurement["status"],
    unit: nz(attr(node, "Units")),
    value: num(node, "NumericValue"),
    highLimit: num(node, "HighLimit"),
    lowLimit: num(node, "LowLimit"),
  };
  formats(node, m, [
    ["NumericValueFormat", "valueFormat"],
    ["LowLimitFormat", "lowLimitFormat"],
    ["HighLimitFormat", "highLimitFormat"],
  ]);
  return m;
}

function readStep(node: XmlNode): Step {
  const step: Step = {
    id: int(node, "Id"),
    group: (groupCode(attr(node, "Group") ?? "Main") ?? "M") as Step["group"],
    stepType: attr(node, "StepType") ?? "",
    name: attr(node, "Name") ?? "",
    status: status(node) as Step["status"],
  };
  const loop = first(node, "Loop");
  if (loop) {
    step.loop = {
      idx: int(loop, "index"),
      num: int(loop, "num"),
      endingIndex: int(loop, "ending_index"),
      passed: int(loop, "passed"),
      failed: int(loop, "failed"),
    };
  }
  optional(step, "start", attr(node, "Start"));
  optional(step, "errorCode", int(node, "StepErrorCode"));
  optional(step, "errorMessage", attr(node, "StepErrorMessage"));
  optional(step, "tsGuid", attr(node, "TSGuid"));
  optional(step, "interactiveExeNum", int(node, "InteractiveExeNum"));
  optional(step, "totTime", num(node, "total_time"));
  formats(node, step, [
    ["total_timeFormat", "totTimeFormat"],
    ["StepErrorCodeFormat", "errorCodeFormat"],
    ["InteractiveExeNumFormat", "interactiveExeNumFormat"],
  ]);
  const causedSeq = bool(node, "StepCausedSequenceFailure");
  if (causedSeq !== undefined) step.causedSeqFailure = causedSeq;
  step.causedUUTFailure = bool(node, "StepCausedUUTFailure") ?? false;
  const reportText = first(node, "ReportText");
  if (reportText) optional(step, "reportText", textOf(reportText));

  const seq = first(node, "SequenceCall");
  if (seq) {
    step.seqCall = {
      path: nz(attr(seq, "Filepath")),
      name: nz(attr(seq, "Name")),
      version: nz(attr(seq, "Version")),
    };
  }
  const numeric = children(node, "NumericLimit");
  if (numeric.length > 0) step.numericMeas = numeric.map(readNumeric);
  const strings = children(node, "StringValue");
  if (strings.length > 0) {
    step.stringMeas = strings.map((s) => ({
      compOp: attr(s, "CompOperator") || "LOG",
      name: nz(attr(s, "Name")),
      status: status(s) as NumericMeasurement["status"],
      value: nz(attr(s, "StringValue")),
      limit: nz(attr(s, "StringLimit")),
    }));
  }
  const passFail = children(node, "PassFail");
  if (passFail.length > 0) {
    step.booleanMeas = passFail.map((p) => ({
      name: nz(attr(p, "Name")),
      status: status(p) as NumericMeasurement["status"],
    }));
  }
  const popup = first(node, "MessagePopup");
  if (popup) {
    step.messagePopup = { response: nz(attr(popup, "Response")), button: int(popup, "Button") };
    optional(step.messagePopup, "buttonFormat", attr(popup, "ButtonFormat"));
  }
  const exe = first(node, "Callexe");
  if (exe) {
    step.callExe = { exitCode: num(exe, "ExitCode") };
    optional(step.callExe, "exitCodeFormat", attr(exe, "ExitCodeFormat"));
  }
  const chart = first(node, "Chart");
  if (chart) {
    step.chart = {
      chartType: nz(attr(chart, "ChartType")),
      label: nz(attr(chart, "Label")),
      xLabel: nz(attr(chart, "XLabel")),
      xUnit: nz(attr(chart, "XUnit")),
      yLabel: nz(attr(chart, "YLabel")),
      yUnit: nz(attr(chart, "YUnit")),
      series: children(chart, "Series").map((s) => {
        const x = first(s, "xdata");
        return {
          dataType: nz(attr(s, "DataType")),
          name: nz(attr(s, "Name")),
          xdata: x ? textOf(x) : null,
          ydata: textOf(first(s, "ydata")),
        };
      }),
    };
  }
  const attachment = first(node, "Attachment");
  if (attachment) {
    step.attachment = {
      name: nz(attr(attachment, "Name")),
      contentType: nz(attr(attachment, "ContentType")),
      data: textOf(attachment).replace(/\s+/g, ""),
    };
  }
  const additional = children(node, "AdditionalResults");
  if (additional.length > 0) step.additionalResults = readAdditional(additional);
  const subSteps = children(node, "Step");
  if (subSteps.length > 0) step.steps = subSteps.map(readStep);
  return step;
}

function readBinary(node: XmlNode): BinaryData {
  const data = first(node, "Data") ?? node;
  const binary: BinaryData = {
    contentType: nz(attr(data, "ContentType")),
    data: textOf(data).replace(/\s+/g, ""),
    name: nz(attr(data, "FileName")),
  };
  const id = attr(data, "BinaryDataGUID");
  if (id) binary.id = canonicalGuid(id) ?? id;
  return binary;
}

function readReport(node: XmlNode): Report {
  const type = reportTypeCode(attr(node, "type") ?? "");
  if (type === undefined)
    throw new WsxfError(`Report@type "${attr(node, "type") ?? ""}" is neither UUT nor UUR`);
  const id = attr(node, "ID");
  const process = first(node, "Process") ?? {};
  const report: Report = {
    type,
    id: id === undefined ? null : (canonicalGuid(id) ?? id),
    pn: attr(node, "PN") ?? null,
    sn: attr(node, "SN") ?? null,
    rev: attr(node, "Rev") ?? null,
    productName: nz(attr(node, "ProductName")),
    processCode: int(process, "Code"),
    processCodeFormat: nz(attr(process, "CodeFormat")),
    processName: nz(attr(process, "Name")),
    result: status(node, "Result") as Report["result"],
    machineName: attr(node, "MachineName") ?? null,
    location: nz(attr(node, "Location")),
    purpose: nz(attr(node, "Purpose")),
    origin: nz(attr(node, "origin")),
    start: nz(attr(node, "Start")),
    startUTC: nz(attr(node, "Start_utc")),
  };
  const units: SubUnit[] = children(node, "ReportUnitHierarchy").map((u) => {
    const unit: SubUnit = {
      partType: nz(attr(u, "PartType")),
      pn: attr(u, "PN") ?? null,
      rev: attr(u, "Rev") ?? null,
      sn: attr(u, "SN") ?? null,
    };
    optional(unit, "idx", int(u, "Idx"));
    optional(unit, "parentIdx", int(u, "ParentIDX"));
    optional(unit, "position", int(u, "Position"));
    optional(unit, "replacedIdx", int(u, "ReplacedIDX"));
    return unit;
  });
  const misc = children(node, "MiscInfo").map((m) => {
    const info: Record<string, unknown> = {
      description: attr(m, "Description") ?? null,
      text: nz(textOf(m)),
      numeric: int(m, "Numeric"),
    };
    optional(info, "numericFormat", attr(m, "NumericFormat"));
    optional(info, "typedef", attr(m, "Typedef"));
    const miscId = attr(m, "Id");
    if (miscId) info.id = canonicalGuid(miscId) ?? miscId;
    return info;
  });

  if (type === "T") {
    const uutNode = first(node, "UUT") ?? {};
    const comment = first(uutNode, "Comment");
    report.uut = {
      execTime: num(uutNode, "ExecutionTime"),
      testSocketIndex: int(uutNode, "TestSocketIndex"),
      batchSN: nz(attr(uutNode, "BatchSN")),
      comment: comment ? nz(textOf(comment)) : null,
      errorCode: int(uutNode, "ErrorCode"),
      errorMessage: nz(attr(uutNode, "ErrorMessage")),
      fixtureId: nz(attr(uutNode, "FixtureId")),
      user: nz(attr(uutNode, "UserLoginName")),
      batchFailCount: int(uutNode, "BatchFailCount"),
      batchLoopIndex: int(uutNode, "BatchLoopIndex"),
      stepIdCausedUUTFailure: int(uutNode, "StepIdCausedUUTFailure"),
    };
    formats(uutNode, report.uut, [
      ["ExecutionTimeFormat", "execTimeFormat"],
      ["TestSocketIndexFormat", "testSocketIndexFormat"],
      ["ErrorCodeFormat", "errorCodeFormat"],
      ["BatchFailCountFormat", "batchFailCountFormat"],
      ["BatchLoopIndexFormat", "batchLoopIndexFormat"],
    ]);
    const root = first(node, "Step");
    if (root) report.root = readStep(root);
  } else {
    const uurNode = first(node, "UUR") ?? {};
    const uurProcess = first(uurNode, "Process") ?? {};
    const comment = first(uurNode, "Comment");
    const ref = attr(uurNode, "ReferencedUUT");
    const parent = attr(uurNode, "Parent");
    report.uur = {
      comment: comment ? nz(textOf(comment)) : nz(attr(uurNode, "Comment")),
      user: nz(attr(uurNode, "UserLoginName")),
      processCode: int(uurProcess, "Code"),
      processName: nz(attr(uurProcess, "Name")),
      refUUT: ref ? (canonicalGuid(ref) ?? ref) : null,
      confirmDate: nz(attr(uurNode, "ConfirmDate")),
      finalizeDate: nz(attr(uurNode, "FinalizeDate")),
      execTime: num(uurNode, "ExecutionTime"),
      parent: parent ? (canonicalGuid(parent) ?? parent) : null,
      children: null,
    };
    optional(report.uur, "processCodeFormat", attr(uurProcess, "CodeFormat"));
    // Failures sit beside the units and point at theirs with PartIdx; binaries at their failure with FailIdx.
    const failuresByIdx = new Map<number, Failure>();
    for (const f of children(node, "Failures")) {
      const failure: Failure = {
        artNumber: nz(attr(f, "ArticleNumber")),
        artRev: nz(attr(f, "ArticleRevision")),
        artVendor: nz(attr(f, "ArticleVendor")),
        artDescription: nz(attr(f, "ArticleDescription")),
        category: nz(attr(f, "Category")),
        code: nz(attr(f, "Code")),
        comment: first(f, "Comment") ? nz(textOf(first(f, "Comment"))) : nz(attr(f, "Comment")),
        comRef: nz(attr(f, "CompRef")),
        funcBlock: nz(attr(f, "FunctionBlock")),
        refStepId: int(f, "StepID") ?? 0,
      };
      optional(failure, "refStepName", attr(f, "StepName"));
      const partIdx = int(f, "PartIdx") ?? 0;
      const unit = units.find((u) => (u.idx ?? 0) === partIdx);
      if (!unit) throw new WsxfError(`Failures@PartIdx ${partIdx} names no ReportUnitHierarchy`);
      unit.failures ??= [];
      unit.failures.push(failure);
      const idx = int(f, "Idx");
      if (idx !== null) failuresByIdx.set(idx, failure);
    }
    const reportBinaries: BinaryData[] = [];
    for (const b of children(node, "Binary")) {
      const failIdx = int(b, "FailIdx");
      const failure = failIdx === null ? undefined : failuresByIdx.get(failIdx);
      if (failure) {
        failure.attachments ??= [];
        failure.attachments.push(readBinary(b));
      } else reportBinaries.push(readBinary(b));
    }
    if (reportBinaries.length > 0) report.binaryData = reportBinaries;
  }
  report.miscInfos = misc;
  report.subUnits = units;
  report.assets = children(node, "Asset").map((a) => {
    const asset: Record<string, unknown> = {
      assetSN: attr(a, "AssetSN") ?? null,
      usageCount: int(a, "UsageCount"),
    };
    optional(asset, "usageCountFormat", attr(a, "UsageCountFormat"));
    return asset;
  });
  report.assetStats = [];
  report.additionalData = readAdditional(children(node, "AdditionalData"));
  return report;
}

/** Every report of a WSXF document (`<Reports>` with one or more `<Report>`, or a bare `<Report>`). */
export function parseWsxfReports(xml: string): Report[] {
  const entity = findUnsupportedXmlEntity(xml);
  if (entity) throw new WatsValidationError(`Not a WSXF document this reader accepts: ${entity.message}`);
  let doc: XmlNode;
  try {
    doc = parser().parse(xml, true) as XmlNode;
  } catch (error) {
    throw new WatsValidationError(`Not a WSXF document: ${(error as Error).message}`, { cause: error });
  }
  const holder = (first(doc, "Reports") ?? doc) as XmlNode;
  const reports = children(holder, "Report");
  if (reports.length === 0) throw new WatsValidationError("Not a WSXF document: it has no <Report> element");
  return reports.map((node, i) => {
    try {
      return parseReport(readReport(node));
    } catch (error) {
      if (error instanceof WsxfError) {
        throw new WatsValidationError(`WSXF report ${i + 1}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  });
}

/** The one report of a WSXF document; throws a WatsValidationError when it holds none or several. */
export function parseWsxf(xml: string): Report {
  const reports = parseWsxfReports(xml);
  if (reports.length !== 1) {
    throw new WatsValidationError(`The WSXF document holds ${reports.length} reports; use parseWsxfReports`);
  }
  return reports[0] as Report;
}
