/**
 * WSXF (WATS Standard XML Format) for test reports: reading a posted document into the WSJF
 * shape the store keeps, and writing a stored report back as WSXF. Covered: the report header,
 * UUT data, process, misc infos, sub-units and the step tree with sequence calls, numeric,
 * string and pass/fail measurements, loops, charts, call-executable, message popup and report
 * text. Repair (UUR) documents are refused with a 400 (post repairs as WSJF).
 */
import { badRequest } from "../errors.js";
import { isObject, type JsonObject } from "./wsjf.js";
import { attr, child, childrenNamed, escapeXml, parseXml, type XmlElement, XmlError } from "./xml.js";

const RESULT_WORDS: Record<string, string> = {
  passed: "P",
  failed: "F",
  error: "E",
  terminated: "T",
  done: "D",
  skipped: "S",
  unknown: "U",
};
const RESULT_LETTERS: Record<string, string> = {
  P: "Passed",
  F: "Failed",
  E: "Error",
  T: "Terminated",
  D: "Done",
  S: "Skipped",
  U: "Unknown",
};
const GROUPS: Record<string, string> = { setup: "S", main: "M", cleanup: "C" };
const GROUP_WORDS: Record<string, string> = { S: "Setup", M: "Main", C: "Cleanup" };

const status = (word: string | undefined): string | null =>
  word === undefined ? null : (RESULT_WORDS[word.toLowerCase()] ?? word);
const nullable = (value: string | undefined): string | null =>
  value === undefined || value === "" ? null : value;

function number(value: string | undefined, what: string): number | null {
  if (value === undefined || value === "") return null;
  const n = Number(value);
  if (!Number.isFinite(n) && !/^-?(inf|infinity|nan)$/i.test(value)) {
    throw badRequest(`WSXF: ${what} '${value}' is not a number.`);
  }
  return n;
}

function parseStep(element: XmlElement): JsonObject {
  const step: JsonObject = {
    id: number(attr(element, "Id"), "Step@Id"),
    group: GROUPS[(attr(element, "Group") ?? "Main").toLowerCase()] ?? "M",
    stepType: attr(element, "StepType") ?? "",
    name: attr(element, "Name") ?? "",
    status: status(attr(element, "Status")) ?? "U",
  };
  const loop = child(element, "Loop");
  if (loop) {
    const index = attr(loop, "index");
    step.loop =
      index !== undefined
        ? { idx: number(index, "Loop@index"), num: null, endingIndex: null, passed: null, failed: null }
        : {
            idx: null,
            num: number(attr(loop, "num"), "Loop@num"),
            endingIndex: number(attr(loop, "ending_index"), "Loop@ending_index"),
            passed: number(attr(loop, "passed"), "Loop@passed"),
            failed: number(attr(loop, "failed"), "Loop@failed"),
          };
  }
  step.totTime = number(attr(element, "total_time"), "Step@total_time") ?? 0;
  const errorCode = attr(element, "StepErrorCode");
  if (errorCode !== undefined && errorCode !== "") step.errorCode = number(errorCode, "StepErrorCode");
  const errorMessage = attr(element, "StepErrorMessage");
  if (errorMessage) step.errorMessage = errorMessage;
  step.causedUUTFailure = attr(element, "StepCausedUUTFailure")?.toLowerCase() === "true";
  const reportText = child(element, "ReportText");
  if (reportText) step.reportText = reportText.text;
  const seq = child(element, "SequenceCall");
  if (seq) {
    step.seqCall = {
      path: nullable(attr(seq, "Filepath") ?? attr(seq, "Filename")),
      name: nullable(attr(seq, "Name")),
      version: nullable(attr(seq, "Version")),
    };
  }
  const numeric = childrenNamed(element, "NumericLimit");
  if (numeric.length > 0) {
    step.numericMeas = numeric.map((m) => ({
      compOp: attr(m, "CompOperator") ?? "LOG",
      name: nullable(attr(m, "Name")),
      status: status(attr(m, "Status")) ?? "P",
      unit: nullable(attr(m, "Units")),
      value: number(attr(m, "NumericValue"), "NumericLimit@NumericValue") ?? 0,
      highLimit: number(attr(m, "HighLimit"), "NumericLimit@HighLimit"),
      lowLimit: number(attr(m, "LowLimit"), "NumericLimit@LowLimit"),
    }));
  }
  const strings = childrenNamed(element, "StringValue");
  if (strings.length > 0) {
    step.stringMeas = strings.map((m) => ({
      compOp: attr(m, "CompOperator") ?? "LOG",
      name: nullable(attr(m, "Name")),
      status: status(attr(m, "Status")) ?? "P",
      value: attr(m, "StringValue") ?? "",
      limit: nullable(attr(m, "StringLimit")),
    }));
  }
  const booleans = childrenNamed(element, "PassFail");
  if (booleans.length > 0) {
    step.booleanMeas = booleans.map((m) => ({
      name: nullable(attr(m, "Name")),
      status: status(attr(m, "Status")) ?? "P",
    }));
  }
  const exe = child(element, "Callexe");
  if (exe) step.callExe = { exitCode: number(attr(exe, "ExitCode"), "Callexe@ExitCode") };
  const popup = child(element, "MessagePopup");
  if (popup) {
    step.messagePopup = {
      response: nullable(attr(popup, "Response")),
      button: number(attr(popup, "Button"), "MessagePopup@Button"),
    };
  }
  const chart = child(element, "Chart");
  if (chart) {
    step.chart = {
      chartType: attr(chart, "ChartType") ?? "Line",
      label: attr(chart, "Label") ?? "",
      xLabel: attr(chart, "XLabel") ?? "",
      xUnit: nullable(attr(chart, "XUnit")),
      yLabel: attr(chart, "YLabel") ?? "",
      yUnit: nullable(attr(chart, "YUnit")),
      series: childrenNamed(chart, "Series").map((s) => ({
        dataType: attr(s, "DataType") ?? "XYG",
        name: attr(s, "Name") ?? "",
        xdata: child(s, "xdata")?.text ?? null,
        ydata: child(s, "ydata")?.text ?? null,
      })),
    };
  }
  const children = childrenNamed(element, "Step");
  if (children.length > 0) step.steps = children.map(parseStep);
  return step;
}

/** Reads a WSXF document holding one test report into WSJF; throws 400 naming the problem. */
export function wsxfToWsjf(xml: string): JsonObject {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError)
      throw badRequest(`The WSXF document is not well-formed XML: ${error.message}.`);
    throw error;
  }
  const reports =
    root.localName === "Reports" ? childrenNamed(root, "Report") : root.localName === "Report" ? [root] : [];
  if (reports.length !== 1) {
    throw badRequest(`A WSXF document must hold exactly one <Report>; found ${reports.length}.`);
  }
  const report = reports[0] as XmlElement;
  const type = (attr(report, "type") ?? "").toUpperCase();
  if (type === "UUR") throw badRequest("WSXF repair (UUR) reports are not simulated; post repairs as WSJF.");
  if (type !== "UUT") throw badRequest(`Report@type must be UUT, not '${attr(report, "type") ?? ""}'.`);
  const uut = child(report, "UUT");
  const process = child(report, "Process");
  const steps = childrenNamed(report, "Step");
  if (steps.length !== 1)
    throw badRequest(`A WSXF test report needs exactly one root <Step>; found ${steps.length}.`);
  return {
    type: "T",
    id: attr(report, "ID") ?? attr(report, "id") ?? null,
    pn: attr(report, "PN") ?? null,
    sn: attr(report, "SN") ?? null,
    rev: attr(report, "Rev") ?? null,
    processCode: number(process ? attr(process, "Code") : undefined, "Process@Code"),
    result: status(attr(report, "Result")),
    machineName: attr(report, "MachineName") ?? null,
    location: attr(report, "Location") ?? null,
    purpose: attr(report, "Purpose") ?? null,
    start: attr(report, "Start") ?? null,
    origin: nullable(attr(report, "origin")),
    root: parseStep(steps[0] as XmlElement),
    uut: {
      execTime: number(uut && attr(uut, "ExecutionTime"), "UUT@ExecutionTime"),
      testSocketIndex: number(uut && attr(uut, "TestSocketIndex"), "UUT@TestSocketIndex"),
      batchSN: nullable(uut && attr(uut, "BatchSN")),
      comment: nullable(uut && child(uut, "Comment")?.text),
      errorCode: number(uut && attr(uut, "ErrorCode"), "UUT@ErrorCode"),
      errorMessage: nullable(uut && attr(uut, "ErrorMessage")),
      fixtureId: nullable(uut && attr(uut, "FixtureId")),
      user: nullable(uut && attr(uut, "UserLoginName")),
      batchFailCount: number(uut && attr(uut, "BatchFailCount"), "UUT@BatchFailCount"),
      batchLoopIndex: null,
    },
    miscInfos: childrenNamed(report, "MiscInfo").map((m) => ({
      description: attr(m, "Description") ?? "",
      text: m.text === "" ? null : m.text,
      numeric: number(attr(m, "Numeric"), "MiscInfo@Numeric"),
    })),
    subUnits: childrenNamed(report, "ReportUnitHierarchy").map((u) => ({
      partType: attr(u, "PartType") ?? "",
      pn: attr(u, "PN") ?? "",
      rev: attr(u, "Rev") ?? "",
      sn: attr(u, "SN") ?? "",
      position: number(attr(u, "Position"), "ReportUnitHierarchy@Position"),
    })),
    assets: [],
    additionalData: [],
  };
}

// Writing ---------------------------------------------------------------------------------------

function attrs(values: Record<string, unknown>): string {
  let out = "";
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out += ` ${key}="${escapeXml(value === null ? "" : String(value))}"`;
  }
  return out;
}

const arr = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

function writeStep(step: JsonObject, index: number, out: string[]): void {
  out.push(
    `<Step${attrs({
      Id: step.id,
      Group: GROUP_WORDS[String(step.group)] ?? "Main",
      Name: step.name,
      StepType: step.stepType,
      Status: RESULT_LETTERS[String(step.status)] ?? step.status,
      total_time: step.totTime ?? 0,
      StepIndex: index,
      StepCausedUUTFailure: step.causedUUTFailure === true ? "true" : "false",
      StepErrorCode: step.errorCode,
      StepErrorMessage: step.errorMessage,
    })}>`,
  );
  const loop = isObject(step.loop) ? step.loop : undefined;
  if (loop) {
    out.push(
      loop.idx !== null && loop.idx !== undefined
        ? `<Loop${attrs({ index: loop.idx })} />`
        : `<Loop${attrs({ num: loop.num, passed: loop.passed, failed: loop.failed, ending_index: loop.endingIndex })} />`,
    );
  }
  if (isObject(step.seqCall)) {
    const s = step.seqCall;
    out.push(
      `<SequenceCall${attrs({ Name: s.name, Version: s.version, Filename: s.path, Filepath: s.path })} />`,
    );
  }
  let order = 0;
  for (const m of arr(step.numericMeas)) {
    out.push(
      `<NumericLimit${attrs({
        Name: m.name ?? undefined,
        NumericValue: m.value,
        Units: m.unit,
        CompOperator: m.compOp,
        LowLimit: m.lowLimit ?? undefined,
        HighLimit: m.highLimit ?? undefined,
        Status: RESULT_LETTERS[String(m.status)] ?? m.status,
        MeasIndex: order++,
      })} />`,
    );
  }
  for (const m of arr(step.stringMeas)) {
    out.push(
      `<StringValue${attrs({
        Name: m.name ?? undefined,
        CompOperator: m.compOp,
        StringLimit: m.limit ?? undefined,
        StringValue: m.value,
        Status: RESULT_LETTERS[String(m.status)] ?? m.status,
        MeasIndex: order++,
      })} />`,
    );
  }
  for (const m of arr(step.booleanMeas)) {
    out.push(
      `<PassFail${attrs({ Name: m.name ?? undefined, Status: RESULT_LETTERS[String(m.status)] ?? m.status, MeasIndex: order++ })} />`,
    );
  }
  if (isObject(step.callExe)) out.push(`<Callexe${attrs({ ExitCode: step.callExe.exitCode })} />`);
  if (isObject(step.messagePopup)) {
    out.push(
      `<MessagePopup${attrs({ Button: step.messagePopup.button, Response: step.messagePopup.response })} />`,
    );
  }
  if (typeof step.reportText === "string") out.push(`<ReportText>${escapeXml(step.reportText)}</ReportText>`);
  if (isObject(step.chart)) {
    const c = step.chart;
    out.push(
      `<Chart${attrs({ ChartType: c.chartType, Label: c.label, XLabel: c.xLabel, XUnit: c.xUnit, YLabel: c.yLabel, YUnit: c.yUnit })}>`,
    );
    for (const s of arr(c.series)) {
      out.push(`<Series${attrs({ Name: s.name, DataType: s.dataType })}>`);
      if (typeof s.ydata === "string") out.push(`<ydata>${escapeXml(s.ydata)}</ydata>`);
      if (typeof s.xdata === "string") out.push(`<xdata>${escapeXml(s.xdata)}</xdata>`);
      out.push("</Series>");
    }
    out.push("</Chart>");
  }
  arr(step.steps).forEach((c, i) => {
    writeStep(c, i, out);
  });
  out.push("</Step>");
}

/** A stored report as WSXF (test reports with their steps; repairs with header data only). */
export function wsjfToWsxf(report: JsonObject): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Reports xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf">',
    `<Report${attrs({
      type: report.type === "R" ? "UUR" : "UUT",
      ID: String(report.id).toUpperCase(),
      Start: report.start,
      Start_utc: report.startUTC,
      Result: RESULT_LETTERS[String(report.result)] ?? report.result,
      SN: report.sn,
      PN: report.pn,
      Rev: report.rev,
      origin: report.origin,
      MachineName: report.machineName,
      Location: report.location,
      Purpose: report.purpose,
      ProductName: report.productName,
    })}>`,
  ];
  if (isObject(report.uut)) {
    const u = report.uut;
    out.push(
      `<UUT${attrs({
        UserLoginName: u.user,
        BatchSN: u.batchSN,
        TestSocketIndex: u.testSocketIndex,
        ExecutionTime: u.execTime,
        FixtureId: u.fixtureId,
        ErrorCode: u.errorCode,
        ErrorMessage: u.errorMessage,
        BatchFailCount: u.batchFailCount,
        StepIdCausedUUTFailure: u.stepIdCausedUUTFailure,
      })}>${typeof u.comment === "string" ? `<Comment>${escapeXml(u.comment)}</Comment>` : ""}</UUT>`,
    );
  }
  if (isObject(report.uur)) {
    const u = report.uur;
    out.push(
      `<UUR${attrs({ UserLoginName: u.user, ExecutionTime: u.execTime, ReferencedUUT: u.refUUT })}>${typeof u.comment === "string" ? `<Comment>${escapeXml(u.comment)}</Comment>` : ""}</UUR>`,
    );
  }
  out.push(`<Process${attrs({ Code: report.processCode, Name: report.processName })} />`);
  arr(report.miscInfos).forEach((m, i) => {
    out.push(
      `<MiscInfo${attrs({ Typedef: m.typedef ?? "", Description: m.description, Numeric: m.numeric ?? undefined, idx: i, order_no: i })}>${typeof m.text === "string" ? escapeXml(m.text) : ""}</MiscInfo>`,
    );
  });
  for (const u of arr(report.subUnits)) {
    out.push(
      `<ReportUnitHierarchy${attrs({ PartType: u.partType, PN: u.pn, SN: u.sn, Rev: u.rev, Position: u.position ?? undefined })} />`,
    );
  }
  if (isObject(report.root)) writeStep(report.root, 0, out);
  out.push("</Report>", "</Reports>");
  return out.join("");
}
