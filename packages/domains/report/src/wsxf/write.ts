/**
 * Report model -> WSXF (WATS Standard XML Format), in the element and attribute layout of the
 * server's own export (checked against the fixture pair). `null` values are left out, except
 * where the server writes an empty attribute. StepIndex and MeasIndex are written as the server
 * does; MeasOrderNumber is left for WATS to assign. Repair reports, assets and additional data
 * have no export to check against: their layout follows the WSXF converter's element names,
 * and `parseWsxf` reads back exactly what this writes.
 */
import { GROUP_WORDS, REPORT_TYPE_WORDS, STATUS_WORDS, type StepStatus } from "../model/codes.js";
import type { AdditionalData, AdditionalDataProperty, BinaryData, Report, Step } from "../model/types.js";
import { escapeAttribute, escapeText } from "./xml.js";

const NAMESPACES =
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://wats.virinco.com/schemas/WATS/Report/wsxf"';

type Value = string | number | boolean | null | undefined;

/** XML form of a number: invariant decimal, NaN / INF / -INF as .NET writes them. */
function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "INF" : "-INF";
  return String(n);
}

/** ` name="value"` for each pair whose value is there; `""` marks a value written even when null. */
function attrs(pairs: readonly (readonly [string, Value] | readonly [string, Value, ""])[]): string {
  let out = "";
  for (const pair of pairs) {
    const [name, value] = pair;
    if (value === null || value === undefined) {
      if (pair.length === 3) out += ` ${name}=""`;
      continue;
    }
    const text = typeof value === "number" ? numberText(value) : String(value);
    out += ` ${name}="${escapeAttribute(text)}"`;
  }
  return out;
}

const element = (tag: string, attributes: string, content = ""): string =>
  content === "" ? `<${tag}${attributes} />` : `<${tag}${attributes}>${content}</${tag}>`;

const statusWord = (status: string | null | undefined): string | undefined =>
  status == null ? undefined : (STATUS_WORDS[status as StepStatus] ?? status);

const fileName = (path: string | null | undefined): string | null =>
  path == null ? null : (path.split(/[\\/]/).pop() ?? path);

function property(prop: AdditionalDataProperty): string {
  let content = (prop.props ?? []).map(property).join("");
  const array = prop.array;
  if (array) {
    const indexes = (array.indexes ?? [])
      .map((index) =>
        element(
          "Index",
          attrs([
            ["Text", index.text],
            ["Indexes", index.indexes?.join(",")],
          ]),
          index.value ? property(index.value) : "",
        ),
      )
      .join("");
    content += element(
      "Array",
      attrs([
        ["Dimension", array.dimension],
        ["Type", array.type],
      ]),
      indexes,
    );
  }
  return element(
    "Prop",
    attrs([
      ["Name", prop.name],
      ["Type", prop.type],
      ["Flags", prop.flags],
      ["Value", prop.value],
      ["NumFormat", prop.numFormat],
      ["Comment", prop.comment],
    ]),
    content,
  );
}

const additional = (tag: string, list: readonly AdditionalData[] | null | undefined): string =>
  (list ?? [])
    .map((d) => element(tag, attrs([["Name", d.name]]), (d.props ?? []).map(property).join("")))
    .join("");

function step(s: Step, stepIndex: number): string {
  let content = "";
  const loop = s.loop;
  if (loop) {
    content +=
      loop.idx != null
        ? element("Loop", attrs([["index", loop.idx]]))
        : element(
            "Loop",
            attrs([
              ["num", loop.num],
              ["passed", loop.passed],
              ["failed", loop.failed],
              ["ending_index", loop.endingIndex],
            ]),
          );
  }
  if (s.reportText != null) content += element("ReportText", "", escapeText(s.reportText));
  if (s.seqCall) {
    const sc = s.seqCall;
    content += element(
      "SequenceCall",
      attrs([
        ["Name", sc.name],
        ["Version", sc.version, ""],
        ["Filename", fileName(sc.path), ""],
        ["Filepath", sc.path, ""],
        ["MeasIndex", 0],
      ]),
    );
  }
  (s.numericMeas ?? []).forEach((m, i) => {
    content += element(
      "NumericLimit",
      attrs([
        ["Name", m.name],
        ["NumericValue", m.value],
        ["Units", m.unit, ""],
        ["CompOperator", m.compOp],
        ["HighLimit", m.highLimit],
        ["LowLimit", m.lowLimit],
        ["Status", statusWord(m.status)],
        ["NumericValueFormat", m.valueFormat],
        ["LowLimitFormat", m.lowLimitFormat],
        ["HighLimitFormat", m.highLimitFormat],
        ["MeasIndex", i],
      ]),
    );
  });
  (s.stringMeas ?? []).forEach((m, i) => {
    content += element(
      "StringValue",
      attrs([
        ["Name", m.name],
        ["CompOperator", m.compOp],
        ["StringLimit", m.limit],
        ["StringValue", m.value],
        ["Status", statusWord(m.status)],
        ["MeasIndex", i],
      ]),
    );
  });
  (s.booleanMeas ?? []).forEach((m, i) => {
    content += element(
      "PassFail",
      attrs([
        ["Name", m.name],
        ["MeasIndex", i],
        ["Status", statusWord(m.status)],
      ]),
    );
  });
  if (s.messagePopup) {
    const p = s.messagePopup;
    content += element(
      "MessagePopup",
      attrs([
        ["Button", p.button],
        ["Response", p.response, ""],
        ["ButtonFormat", p.buttonFormat],
        ["MeasIndex", 0],
      ]),
    );
  }
  if (s.callExe) {
    content += element(
      "Callexe",
      attrs([
        ["ExitCode", s.callExe.exitCode],
        ["ExitCodeFormat", s.callExe.exitCodeFormat],
        ["MeasIndex", 0],
      ]),
    );
  }
  if (s.chart) {
    const c = s.chart;
    const series = (c.series ?? [])
      .map((x) =>
        element(
          "Series",
          attrs([
            ["Name", x.name],
            ["DataType", x.dataType],
          ]),
          `${element("ydata", "", escapeText(x.ydata ?? ""))}${x.xdata == null ? "" : element("xdata", "", escapeText(x.xdata))}`,
        ),
      )
      .join("");
    content += element(
      "Chart",
      attrs([
        ["idx", 0],
        ["ChartType", c.chartType],
        ["Label", c.label],
        ["XLabel", c.xLabel],
        ["XUnit", c.xUnit, ""],
        ["YLabel", c.yLabel],
        ["YUnit", c.yUnit, ""],
      ]),
      series,
    );
  }
  if (s.attachment) {
    const a = s.attachment;
    content += element(
      "Attachment",
      attrs([
        ["Name", a.name],
        ["ContentType", a.contentType],
      ]),
      escapeText(a.data ?? ""),
    );
  }
  content += additional("AdditionalResults", s.additionalResults);
  content += steps(s.steps ?? []);
  return element(
    "Step",
    attrs([
      ["Id", s.id],
      ["Group", s.group == null ? undefined : (GROUP_WORDS[s.group] ?? s.group)],
      ["Name", s.name],
      ["StepType", s.stepType],
      ["Status", statusWord(s.status)],
      ["total_time", s.totTime],
      ["StepIndex", stepIndex],
      ["Start", s.start],
      ["TSGuid", s.tsGuid],
      ["InteractiveExeNum", s.interactiveExeNum],
      ["StepErrorCode", s.errorCode],
      ["StepErrorMessage", s.errorMessage],
      ["StepCausedSequenceFailure", s.causedSeqFailure],
      ["StepCausedUUTFailure", s.causedUUTFailure ?? false],
      ["total_timeFormat", s.totTimeFormat],
      ["StepErrorCodeFormat", s.errorCodeFormat],
      ["InteractiveExeNumFormat", s.interactiveExeNumFormat],
    ]),
    content,
  );
}

/** Sibling steps; a loop iteration shares the StepIndex of the step before it (its loop summary). */
function steps(list: readonly Step[]): string {
  let out = "";
  let index = -1;
  for (const s of list) {
    if (!(s.loop?.idx != null && index >= 0)) index++;
    out += step(s, index);
  }
  return out;
}

function binary(b: BinaryData, index: number, failIdx: number | undefined): string {
  const data = element(
    "Data",
    attrs([
      ["BinaryDataGUID", b.id?.toUpperCase()],
      ["ContentType", b.contentType],
      ["FileName", b.name],
    ]),
    escapeText(b.data ?? ""),
  );
  return element(
    "Binary",
    attrs([
      ["BinaryDataIndex", index],
      ["FailIdx", failIdx],
    ]),
    data,
  );
}

function report(r: Report): string {
  let content = "";
  if (r.type === "R") {
    const u = r.uur ?? {};
    content += element(
      "UUR",
      attrs([
        ["UserLoginName", u.user],
        ["ConfirmDate", u.confirmDate],
        ["FinalizeDate", u.finalizeDate],
        ["ExecutionTime", u.execTime],
        ["Parent", u.parent?.toUpperCase()],
        ["ReferencedUUT", u.refUUT?.toUpperCase()],
      ]),
      element(
        "Process",
        attrs([
          ["Code", u.processCode],
          ["Name", u.processName],
          ["CodeFormat", u.processCodeFormat],
        ]),
      ) + (u.comment == null ? "" : element("Comment", "", escapeText(u.comment))),
    );
  } else {
    const u = r.uut ?? {};
    content += element(
      "UUT",
      attrs([
        ["UserLoginName", u.user],
        ["BatchSN", u.batchSN],
        ["TestSocketIndex", u.testSocketIndex],
        ["ExecutionTime", u.execTime],
        ["FixtureId", u.fixtureId],
        ["ErrorCode", u.errorCode],
        ["ErrorMessage", u.errorMessage],
        ["BatchFailCount", u.batchFailCount],
        ["BatchLoopIndex", u.batchLoopIndex],
        ["StepIdCausedUUTFailure", u.stepIdCausedUUTFailure],
        ["ExecutionTimeFormat", u.execTimeFormat],
        ["TestSocketIndexFormat", u.testSocketIndexFormat],
        ["ErrorCodeFormat", u.errorCodeFormat],
        ["BatchFailCountFormat", u.batchFailCountFormat],
        ["BatchLoopIndexFormat", u.batchLoopIndexFormat],
      ]),
      u.comment == null ? "" : element("Comment", "", escapeText(u.comment)),
    );
  }
  content += element(
    "Process",
    attrs([
      ["Code", r.processCode],
      ["Name", r.processName],
      ["CodeFormat", r.processCodeFormat],
    ]),
  );
  (r.miscInfos ?? []).forEach((m, i) => {
    content += element(
      "MiscInfo",
      attrs([
        ["Typedef", m.typedef, ""],
        ["Description", m.description],
        ["Numeric", m.numeric],
        ["NumericFormat", m.numericFormat],
        ["Id", m.id?.toUpperCase()],
        ["idx", i],
        ["order_no", i],
      ]),
      m.text == null ? "" : escapeText(m.text),
    );
  });
  const failures: string[] = [];
  const binaries: string[] = [];
  for (const u of r.subUnits ?? []) {
    content += element(
      "ReportUnitHierarchy",
      attrs([
        ["PartType", u.partType],
        ["PN", u.pn],
        ["SN", u.sn],
        ["Rev", u.rev],
        ["Position", u.position],
        ["Idx", u.idx],
        ["ParentIDX", u.parentIdx],
        ["ReplacedIDX", u.replacedIdx],
      ]),
    );
    for (const f of u.failures ?? []) {
      const idx = failures.length;
      failures.push(
        element(
          "Failures",
          attrs([
            ["Idx", idx],
            ["PartIdx", u.idx ?? 0],
            ["Category", f.category],
            ["Code", f.code],
            ["Comment", f.comment],
            ["CompRef", f.comRef],
            ["FunctionBlock", f.funcBlock],
            ["ArticleNumber", f.artNumber],
            ["ArticleRevision", f.artRev],
            ["ArticleVendor", f.artVendor],
            ["ArticleDescription", f.artDescription],
            ["StepID", f.refStepId],
            ["StepName", f.refStepName],
          ]),
        ),
      );
      for (const a of f.attachments ?? []) binaries.push(binary(a, binaries.length, idx));
    }
  }
  content += failures.join("");
  for (const b of r.binaryData ?? []) binaries.push(binary(b, binaries.length, undefined));
  content += binaries.join("");
  for (const a of r.assets ?? []) {
    content += element(
      "Asset",
      attrs([
        ["AssetSN", a.assetSN],
        ["UsageCount", a.usageCount],
        ["UsageCountFormat", a.usageCountFormat],
      ]),
    );
  }
  content += additional("AdditionalData", r.additionalData);
  if (r.type !== "R" && r.root) content += step(r.root, 0);
  return element(
    "Report",
    attrs([
      ["type", r.type == null ? undefined : REPORT_TYPE_WORDS[r.type]],
      ["ID", r.id?.toUpperCase()],
      ["Start", r.start],
      ["Start_utc", r.startUTC],
      ["Result", statusWord(r.result)],
      ["SN", r.sn],
      ["PN", r.pn],
      ["Rev", r.rev],
      ["origin", r.origin],
      ["MachineName", r.machineName],
      ["Location", r.location],
      ["Purpose", r.purpose],
      ["ProductName", r.productName, ""],
    ]),
    content,
  );
}

/** The report(s) as a WSXF document (`<Reports>` holding one `<Report>` each). */
export function toWsxf(reports: Report | readonly Report[]): string {
  const list = Array.isArray(reports) ? reports : [reports as Report];
  return `<?xml version="1.0" encoding="utf-8"?><Reports ${NAMESPACES}>${list.map(report).join("")}</Reports>`;
}
