/**
 * What the WSXF mapping of `@tswats/report` reads, element by element, so that the `wsxf-xml`
 * converter can name everything else a file holds (element or attribute, with its line) instead
 * of dropping it silently. Positional data that WSJF expresses by array order (`StepIndex`,
 * `MeasIndex`, `MeasOrderNumber`, misc and chart `idx`/`order_no`) and the sequence `Filename` (WSJF keeps
 * the path) are read as known.
 */
import type { WarningTally } from "./shared/warning-tally.js";
import type { XmlElement } from "./shared/xml-tree.js";

interface Rule {
  attrs: readonly string[];
  /** Child elements and whether one of them may repeat. */
  children?: Readonly<Record<string, "one" | "many">>;
  /** The element's own text is read. */
  text?: boolean;
}

const PROP: Rule = {
  attrs: ["Name", "Type", "Flags", "Value", "NumFormat", "Comment"],
  children: { Prop: "many", Array: "one" },
};

const RULES: Readonly<Record<string, Rule>> = {
  Reports: { attrs: [], children: { Report: "many" } },
  Report: {
    attrs: [
      "type",
      "ID",
      "PN",
      "SN",
      "Rev",
      "ProductName",
      "Result",
      "MachineName",
      "Location",
      "Purpose",
      "origin",
      "Start",
      "Start_utc",
    ],
    children: {
      Process: "one",
      ReportUnitHierarchy: "many",
      MiscInfo: "many",
      UUT: "one",
      UUR: "one",
      Step: "one",
      Failures: "many",
      Binary: "many",
      Asset: "many",
      AdditionalData: "many",
    },
  },
  "Report/Process": { attrs: ["Code", "CodeFormat", "Name"] },
  "UUR/Process": { attrs: ["Code", "CodeFormat", "Name"] },
  ReportUnitHierarchy: {
    attrs: ["PartType", "PN", "Rev", "SN", "Idx", "ParentIDX", "Position", "ReplacedIDX"],
  },
  MiscInfo: {
    attrs: ["Description", "Numeric", "NumericFormat", "Typedef", "Id", "idx", "order_no"],
    text: true,
  },
  UUT: {
    attrs: [
      "ExecutionTime",
      "TestSocketIndex",
      "BatchSN",
      "ErrorCode",
      "ErrorMessage",
      "FixtureId",
      "UserLoginName",
      "BatchFailCount",
      "BatchLoopIndex",
      "StepIdCausedUUTFailure",
      "ExecutionTimeFormat",
      "TestSocketIndexFormat",
      "ErrorCodeFormat",
      "BatchFailCountFormat",
      "BatchLoopIndexFormat",
    ],
    children: { Comment: "one" },
  },
  UUR: {
    attrs: [
      "ReferencedUUT",
      "Parent",
      "UserLoginName",
      "ConfirmDate",
      "FinalizeDate",
      "ExecutionTime",
      "Comment",
    ],
    children: { Process: "one", Comment: "one" },
  },
  Comment: { attrs: [], text: true },
  Failures: {
    attrs: [
      "ArticleNumber",
      "ArticleRevision",
      "ArticleVendor",
      "ArticleDescription",
      "Category",
      "Code",
      "Comment",
      "CompRef",
      "FunctionBlock",
      "StepID",
      "StepName",
      "PartIdx",
      "Idx",
    ],
    children: { Comment: "one" },
  },
  Binary: { attrs: ["FailIdx"], children: { Data: "one" }, text: true },
  Data: { attrs: ["ContentType", "FileName", "BinaryDataGUID"], text: true },
  Asset: { attrs: ["AssetSN", "UsageCount", "UsageCountFormat"] },
  AdditionalData: { attrs: ["Name"], children: { Prop: "many" } },
  AdditionalResults: { attrs: ["Name"], children: { Prop: "many" } },
  Prop: PROP,
  Array: { attrs: ["Dimension", "Type"], children: { Index: "many" } },
  Index: { attrs: ["Text", "Indexes"], children: { Prop: "one" } },
  Step: {
    attrs: [
      "Id",
      "Group",
      "StepType",
      "Name",
      "Status",
      "Start",
      "StepErrorCode",
      "StepErrorMessage",
      "TSGuid",
      "InteractiveExeNum",
      "total_time",
      "total_timeFormat",
      "StepErrorCodeFormat",
      "InteractiveExeNumFormat",
      "StepCausedSequenceFailure",
      "StepCausedUUTFailure",
      "StepIndex",
    ],
    children: {
      Loop: "one",
      ReportText: "one",
      SequenceCall: "one",
      NumericLimit: "many",
      StringValue: "many",
      PassFail: "many",
      MessagePopup: "one",
      Callexe: "one",
      Chart: "one",
      Attachment: "one",
      AdditionalResults: "many",
      Step: "many",
    },
  },
  Loop: { attrs: ["index", "num", "ending_index", "passed", "failed"] },
  ReportText: { attrs: [], text: true },
  SequenceCall: { attrs: ["Filepath", "Filename", "Name", "Version", "MeasIndex"] },
  NumericLimit: {
    attrs: [
      "CompOperator",
      "Name",
      "Status",
      "Units",
      "NumericValue",
      "HighLimit",
      "LowLimit",
      "NumericValueFormat",
      "LowLimitFormat",
      "HighLimitFormat",
      "MeasIndex",
      "MeasOrderNumber",
    ],
  },
  StringValue: {
    attrs: ["CompOperator", "Name", "Status", "StringValue", "StringLimit", "MeasIndex", "MeasOrderNumber"],
  },
  PassFail: { attrs: ["Name", "Status", "MeasIndex", "MeasOrderNumber"] },
  MessagePopup: { attrs: ["Response", "Button", "ButtonFormat", "MeasIndex"] },
  Callexe: { attrs: ["ExitCode", "ExitCodeFormat", "MeasIndex"] },
  Chart: {
    attrs: ["ChartType", "Label", "XLabel", "XUnit", "YLabel", "YUnit", "idx"],
    children: { Series: "many" },
  },
  Series: { attrs: ["DataType", "Name", "idx"], children: { xdata: "one", ydata: "one" } },
  xdata: { attrs: [], text: true },
  ydata: { attrs: [], text: true },
  Attachment: { attrs: ["Name", "ContentType"], text: true },
};

const ignoredAttr = (key: string) =>
  key.startsWith("xsi:") || key.startsWith("xml:") || key === "xsi" || key === "xmlns";

/** Records, in `tally`, every element and attribute under `root` that the WSXF mapping does not read. */
export function reportUnreadWsxf(root: XmlElement, tally: WarningTally): void {
  const visit = (el: XmlElement, parent: string): void => {
    const rule = RULES[`${parent}/${el.local}`] ?? RULES[el.local];
    if (!rule) {
      tally.add(`<${el.local}> in <${parent}> not mapped (the WSXF mapping does not read it)`, el.line);
      return;
    }
    for (const key of Object.keys(el.attrs))
      if (!rule.attrs.includes(key) && !ignoredAttr(key))
        tally.add(`${el.local}@${key} not mapped (the WSXF mapping does not read it)`, el.line);
    if (!rule.text && el.text.trim() !== "") tally.add(`text inside <${el.local}> not mapped`, el.line);
    const seen = new Set<string>();
    for (const child of el.children) {
      const arity = rule.children?.[child.local];
      if (arity === undefined) {
        tally.add(
          `<${child.local}> in <${el.local}> not mapped (the WSXF mapping does not read it)`,
          child.line,
        );
        continue;
      }
      if (arity === "one" && seen.has(child.local)) {
        tally.add(
          `a second <${child.local}> in <${el.local}> not mapped (only the first is read)`,
          child.line,
        );
        continue;
      }
      seen.add(child.local);
      visit(child, el.local);
    }
  };
  visit(root, "");
}
