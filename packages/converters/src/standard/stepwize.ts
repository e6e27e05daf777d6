/**
 * `stepwize`: StepWize XSPC "config and results" files (`<ConfigAndResultsDataFile>` with a
 * `<ConfigandResultsData>` header and one `<Config_and_Data_Result>` row per measured item).
 *
 * Header (as WATS's StepWize converter maps it): `partNumber`, `revision`, `serialNumber`,
 * `operation` (looked up in the parameter `operationCodes`, else `processCode` with a warning),
 * `sourceFile` (sequence name), `sequencePF` (result: Pass, Fail, Incomplete -> Terminated);
 * station = the first row's `assetID`, operator = its `operatorStamp` (else `operator`), start =
 * its `startDateTime`; execution time = last `endDateTime` - start. Every other header element
 * with a value becomes a misc info, as do the further distinct `assetID`s.
 *
 * Rows: consecutive rows of one step execution (`stepResultID`, else `stepName`) form a sequence
 * named `stepName` whose status is `stepOutcome`; each row is a step named `subItemName`:
 * `dataType` 0 numeric (`stepValue`, `units`, `lowerLimit`/`upperLimit` compared as `limitMode`
 * says: `LL <= Value <= UL` -> GELE, `Value > LL` -> GT, `Value <= UL` -> LE, ...; a
 * `measurementOutcome` of "Performed- Record Only" -> LOG), 1 pass/fail (`boolValue`), 2 string
 * (`stringValue` against `Expected_String`, case as `Case_Sensitive` says). Status =
 * `measurementOutcome`; start = `startDateTime`, duration = `totalTime`; `stepNotes`,
 * `testCondition`, `cause`/`causeText` go to the report text. Configuration fields (ids, GUIDs,
 * display precision, choice lists, out-of-family limits, flags) are read but not mapped; an
 * element this converter does not know warns once with its first line.
 */
import {
  evaluateNumeric,
  evaluateString,
  type MeasurementStatus,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  type NumericInput,
  type Report,
  type ReportResult,
  type SequenceBuilder,
  type StepOptions,
  type StepStatus,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import {
  ENCODING_PARAMETER,
  optionalString,
  processCodeParameter,
  TIME_ZONE_PARAMETER,
  textParameter,
} from "./shared/header-parameters.js";
import { searchableIdentifier } from "./shared/identifier-text.js";
import { normalKey } from "./shared/key-value-lines.js";
import { measurementStatusIn, setRootSequence } from "./shared/report-parts.js";
import { secondsBetween, watsDateTime } from "./shared/wats-time.js";
import { childElement, readXmlElements, type XmlElement } from "./shared/xml-elements.js";

export const stepWizeConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "stepwize",
  description: "StepWize XSPC config-and-results files (<ConfigAndResultsDataFile>)",
  filePatterns: ["*.xspc", "*.XSPC"],
  parameters: {
    processCode: processCodeParameter(10, "when `operation` is empty or not in operationCodes"),
    operationCodes: {
      type: "object",
      default: {},
      description: 'operation name -> process code, e.g. { "SW Debug": 10, "Final Test": 50 }',
    },
    revision: textParameter("1", "Revision when the header's revision is empty"),
    operator: textParameter("unknown", "Operator when the rows carry neither operatorStamp nor operator"),
    location: textParameter("Unknown", "Location (XSPC files carry none)"),
    purpose: textParameter("Production", "Purpose (XSPC files carry none)"),
    sequenceVersion: {
      type: "string",
      default: "",
      description: "Sequence version (XSPC files carry none; empty = none)",
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const t = sample.text;
    if (/<ConfigAndResultsDataFile[\s>]/.test(t)) return 0.95;
    return /<Config_and_Data_Result[\s>]/.test(t) ? 0.8 : 0;
  },
  convert(input, context) {
    const text = input.text(optionalString(context.parameters.encoding));
    const root = readXmlElements(text, input.fileName);
    if (root.name !== "ConfigAndResultsDataFile")
      throw new ConversionError(
        `${input.fileName} is not a StepWize XSPC file: its root element is <${root.name}> (line ${root.line}), not <ConfigAndResultsDataFile>`,
        { kind: "content", line: root.line },
      );
    return new XspcReader(context, input.fileName).read(root);
  },
};

/** Header elements WATS's converter writes as misc infos (in this order), then any other with a value. */
const HEADER_MAPPED = new Set([
  "partNumber",
  "revision",
  "serialNumber",
  "operation",
  "sourceFile",
  "sequencePF",
]);
const FILE_LEVEL = new Set(["XMLFileType", "XMLFileTypeGUID", "MD5"]);

/** Row fields the converter maps. */
const ROW_MAPPED = new Set([
  "stepName",
  "stepResultID",
  "subItemName",
  "genus",
  "lowerLimit",
  "upperLimit",
  "limitMode",
  "startDateTime",
  "endDateTime",
  "totalTime",
  "stepValue",
  "units",
  "stringValue",
  "boolValue",
  "stepOutcome",
  "assetID",
  "operator",
  "operatorStamp",
  "testCondition",
  "cause",
  "causeText",
  "dataType",
  "Expected_String",
  "Expected_Boolean",
  "Case_Sensitive",
  "SI_Prefix",
  "measurementOutcome",
  "stepNotes",
]);
/** Row fields that configure the StepWize step (ids, display, choice lists, flags): read, not mapped. */
const ROW_CONFIGURATION = new Set([
  "stepNum",
  "stepID",
  "stepIndex",
  "iteration",
  "precision",
  "sciFormat",
  "station",
  "operation",
  "redline",
  "modified",
  "archive",
  "measurementGUID",
  "measurementTypeGUID",
  "Choices",
  "Choice_Type",
  "OOF_Limit_1",
  "OOF_Limit_2",
  "Allow_Other_",
  "Order_By",
  "Apply_OOF",
]);

const RESULTS: Readonly<Record<string, ReportResult>> = {
  pass: "P",
  passed: "P",
  fail: "F",
  failed: "F",
  incomplete: "T",
  aborted: "T",
  terminated: "T",
  error: "E",
};

const OUTCOMES: Readonly<Record<string, StepStatus>> = {
  pass: "P",
  passed: "P",
  fail: "F",
  failed: "F",
  skipped: "S",
  skip: "S",
  "not performed": "S",
  incomplete: "T",
  aborted: "T",
  error: "E",
  done: "D",
};

type Row = { element: XmlElement; fields: Map<string, XmlElement> };

class XspcReader {
  readonly #context: ConverterContext;
  readonly #fileName: string;
  readonly #p: Readonly<Record<string, unknown>>;
  readonly #warnedFields = new Set<string>();

  constructor(context: ConverterContext, fileName: string) {
    this.#context = context;
    this.#fileName = fileName;
    this.#p = context.parameters;
  }

  #fail(element: XmlElement, message: string, field?: string): never {
    throw new ConversionError(`${this.#fileName}: line ${element.line}: ${message}`, {
      kind: "content",
      line: element.line,
      ...(field ? { field } : {}),
    });
  }

  #timeZone(): string | undefined {
    return optionalString(this.#p.timeZone);
  }

  read(root: XmlElement): Report {
    const header = childElement(root, "ConfigandResultsData");
    if (!header)
      this.#fail(root, "no <ConfigandResultsData> (the header and results)", "ConfigandResultsData");
    const table = childElement(header, "Config_and_Result_Data");
    if (!table) this.#fail(header, "no <Config_and_Result_Data> (the result rows)", "Config_and_Result_Data");
    const rows: Row[] = [];
    for (const c of table.children) {
      if (c.name !== "Config_and_Data_Result") {
        this.#context.warn(
          `line ${c.line}: <${c.name}> inside <Config_and_Result_Data> is not a result row; not mapped`,
        );
        continue;
      }
      rows.push({ element: c, fields: new Map(c.children.map((f) => [f.name, f])) });
    }
    if (rows.length === 0)
      this.#fail(
        table,
        "<Config_and_Result_Data> holds no <Config_and_Data_Result> row",
        "Config_and_Data_Result",
      );
    const first = rows[0] as Row;
    const text = (name: string) => childElement(header, name)?.text.trim() ?? "";
    const required = (name: string) => {
      const v = text(name);
      if (v === "") this.#fail(childElement(header, name) ?? header, `the header has no ${name}`, name);
      return v;
    };

    const resultText = required("sequencePF");
    const result = RESULTS[resultText.toLowerCase()];
    if (result === undefined)
      this.#fail(
        childElement(header, "sequencePF") as XmlElement,
        `sequencePF ${JSON.stringify(resultText)} is not Pass, Fail or Incomplete`,
        "sequencePF",
      );
    const startText = this.#field(first, "startDateTime", true);
    const start = watsDateTime(startText, this.#timeZone(), {
      line: this.#line(first, "startDateTime"),
      field: "startDateTime",
    });
    const last = rows[rows.length - 1] as Row;
    const endText = this.#field(last, "endDateTime");
    const execTime =
      endText !== ""
        ? secondsBetween(
            start,
            watsDateTime(endText, this.#timeZone(), {
              line: this.#line(last, "endDateTime"),
              field: "endDateTime",
            }),
          )
        : undefined;
    const station = this.#field(first, "assetID");
    const builder = new UutReport({
      id: this.#context.reportId(0),
      pn: searchableIdentifier(
        required("partNumber"),
        "part number",
        this.#context,
        childElement(header, "partNumber")?.line,
      ),
      sn: searchableIdentifier(
        required("serialNumber"),
        "serial number",
        this.#context,
        childElement(header, "serialNumber")?.line,
      ),
      rev: text("revision") || (this.#p.revision as string),
      processCode: this.#processCode(text("operation"), childElement(header, "operation") ?? header),
      operator:
        this.#field(first, "operatorStamp") || this.#field(first, "operator") || (this.#p.operator as string),
      ...(station !== ""
        ? { station }
        : this.#context.station !== undefined
          ? { station: this.#context.station }
          : {}),
      location: this.#p.location as string,
      purpose: this.#p.purpose as string,
      start,
      ...(execTime !== undefined && execTime >= 0 ? { execTime } : {}),
      mode: "import",
      result,
    });
    builder.root.step.status = result;
    setRootSequence(builder, text("sourceFile"), optionalString(this.#p.sequenceVersion));

    for (const c of header.children) {
      if (HEADER_MAPPED.has(c.name) || c.name === "Config_and_Result_Data") continue;
      if (c.children.length > 0) {
        this.#context.warn(`line ${c.line}: <${c.name}> in the header holds elements; not mapped`);
        continue;
      }
      if (c.text.trim() !== "") builder.miscInfo(c.name, c.text.trim());
    }
    for (const c of root.children)
      if (c.name !== "ConfigandResultsData") {
        if (FILE_LEVEL.has(c.name) && c.children.length === 0) {
          if (c.text.trim() !== "") builder.miscInfo(c.name, c.text.trim());
        } else this.#context.warn(`line ${c.line}: <${c.name}> is not part of the XSPC format; not mapped`);
      }
    const assets = [...new Set(rows.map((r) => this.#field(r, "assetID")).filter((a) => a !== ""))];
    for (const asset of assets.slice(1)) builder.miscInfo("assetID", asset);
    this.#perRunFieldWarnings(rows);

    let sequence: SequenceBuilder | undefined;
    let key: string | undefined;
    for (const row of rows) {
      for (const [name, f] of row.fields) {
        if (ROW_MAPPED.has(name) || ROW_CONFIGURATION.has(name) || this.#warnedFields.has(name)) continue;
        this.#warnedFields.add(name);
        this.#context.warn(`line ${f.line}: row field <${name}> is not known to this converter; not mapped`);
      }
      const stepName = this.#field(row, "stepName", true);
      const rowKey = this.#field(row, "stepResultID") || stepName;
      if (sequence === undefined || rowKey !== key) {
        sequence = builder.root.addSequence(stepName, {
          status: this.#outcome(row, "stepOutcome"),
          ...this.#timing(row),
        });
        key = rowKey;
      }
      this.#addRow(sequence, row);
    }
    return builder.build();
  }

  #line(row: Row, name: string): number {
    return row.fields.get(name)?.line ?? row.element.line;
  }

  #field(row: Row, name: string, required = false): string {
    const v = row.fields.get(name)?.text.trim() ?? "";
    if (required && v === "") this.#fail(row.fields.get(name) ?? row.element, `the row has no ${name}`, name);
    return v;
  }

  #processCode(operation: string, element: XmlElement): number {
    if (/^\d+$/.test(operation)) return Number(operation);
    const map = this.#p.operationCodes as Record<string, unknown>;
    const hit = Object.entries(map).find(([k]) => normalKey(k) === normalKey(operation))?.[1];
    if (typeof hit === "number" && Number.isInteger(hit)) return hit;
    if (operation !== "")
      this.#context.warn(
        `line ${element.line}: operation ${JSON.stringify(operation)} is not in the parameter "operationCodes"; used processCode ${this.#p.processCode as number}`,
      );
    return this.#p.processCode as number;
  }

  /** One warning per run-level field (operator, station, ...) whose rows disagree with the first row. */
  #perRunFieldWarnings(rows: readonly Row[]): void {
    for (const name of ["operatorStamp", "operator", "station", "operation"]) {
      const values = new Map<string, number>();
      for (const r of rows) {
        const v = this.#field(r, name);
        if (!values.has(v)) values.set(v, this.#line(r, name));
      }
      if (values.size > 1) {
        const [firstValue, ...others] = [...values.keys()];
        this.#context.warn(
          `row field <${name}> differs between rows (${others.map((o) => `${JSON.stringify(o)} from line ${values.get(o)}`).join(", ")}); the report uses the first row's ${JSON.stringify(firstValue)}`,
        );
      }
    }
  }

  #outcome(row: Row, name: string): StepStatus {
    const t = this.#field(row, name);
    if (t === "") return "D";
    const s = OUTCOMES[t.toLowerCase()];
    if (s === undefined)
      this.#fail(
        row.fields.get(name) ?? row.element,
        `${name} ${JSON.stringify(t)} is not Pass, Fail, Skipped or Incomplete`,
        name,
      );
    return s;
  }

  #timing(row: Row): StepOptions {
    const options: StepOptions = {};
    const startText = this.#field(row, "startDateTime");
    if (startText !== "")
      options.start = watsDateTime(startText, this.#timeZone(), {
        line: this.#line(row, "startDateTime"),
        field: "startDateTime",
      });
    const total = Number(this.#field(row, "totalTime"));
    if (this.#field(row, "totalTime") !== "" && Number.isFinite(total) && total >= 0) options.totTime = total;
    return options;
  }

  #number(row: Row, name: string): number | undefined {
    const t = this.#field(row, name);
    if (t === "") return undefined;
    const n = Number(t);
    if (!Number.isFinite(n))
      this.#fail(row.fields.get(name) as XmlElement, `${name} ${JSON.stringify(t)} is not a number`, name);
    return n;
  }

  #addRow(sequence: SequenceBuilder, row: Row): void {
    const name = this.#field(row, "subItemName") || this.#field(row, "genus") || this.#field(row, "stepName");
    const recordOnly = /record\s*only/i.test(this.#field(row, "measurementOutcome"));
    const outcome: StepStatus = recordOnly ? "P" : this.#outcome(row, "measurementOutcome");
    const notes = ["stepNotes", "testCondition", "cause", "causeText"]
      .map((f) => [f, this.#field(row, f)] as const)
      .filter(([, v]) => v !== "")
      .map(([f, v]) => `${f}=${v}`);
    const options: StepOptions = {
      status: outcome,
      ...this.#timing(row),
      ...(notes.length > 0 ? { reportText: notes.join("\n") } : {}),
    };
    const dataType = this.#field(row, "dataType", true);
    switch (dataType) {
      case "0": {
        const value = this.#number(row, "stepValue");
        if (value === undefined)
          this.#fail(row.element, `numeric row ${JSON.stringify(name)} has no stepValue`, "stepValue");
        const input: NumericInput = { value };
        const units = this.#field(row, "units");
        if (units !== "") input.unit = units;
        const prefix = this.#field(row, "SI_Prefix");
        if (!recordOnly && prefix !== "" && !/^unity\b/i.test(prefix))
          this.#context.warn(
            `line ${this.#line(row, "SI_Prefix")}: SI_Prefix ${JSON.stringify(prefix)} of ${JSON.stringify(name)} is not applied; the value and unit are as written`,
          );
        const op: NumericCompOp = recordOnly ? "LOG" : this.#compOp(row);
        input.compOp = op;
        const low = this.#number(row, "lowerLimit");
        const high = this.#number(row, "upperLimit");
        let lowLimit: number | null = null;
        let highLimit: number | null = null;
        if (NUMERIC_COMP_OPS[op] === 2) {
          if (low === undefined || high === undefined)
            this.#fail(
              row.element,
              `${op} needs lowerLimit and upperLimit`,
              low === undefined ? "lowerLimit" : "upperLimit",
            );
          input.low = lowLimit = low;
          input.high = highLimit = high;
        } else if (NUMERIC_COMP_OPS[op] === 1) {
          const usesUpper =
            /UL/.test(this.#field(row, "limitMode")) && !/LL/.test(this.#field(row, "limitMode"));
          const limit = usesUpper ? high : low;
          if (limit === undefined)
            this.#fail(
              row.element,
              `${op} needs ${usesUpper ? "upperLimit" : "lowerLimit"}`,
              usesUpper ? "upperLimit" : "lowerLimit",
            );
          input.limit = lowLimit = limit;
        }
        input.status = measurementStatusIn(outcome, evaluateNumeric(op, value, lowLimit, highLimit));
        sequence.numericLimit(name, input, options);
        return;
      }
      case "1": {
        const passed = /^(t|true|1|pass|yes)$/i.test(this.#field(row, "boolValue"));
        sequence.passFail(
          name,
          outcome === "S" ? passed : outcome === "P" || (outcome !== "F" && passed),
          options,
        );
        return;
      }
      case "2": {
        const value = this.#field(row, "stringValue");
        const expected = this.#field(row, "Expected_String");
        const caseSensitive = /^(t|true|1)$/i.test(this.#field(row, "Case_Sensitive"));
        const compOp = recordOnly || expected === "" ? "LOG" : caseSensitive ? "CASESENSIT" : "IGNORECASE";
        const status: MeasurementStatus = measurementStatusIn(
          outcome,
          compOp === "LOG" ? "P" : evaluateString(compOp, value, expected),
        );
        sequence.stringValue(
          name,
          { value, compOp, ...(compOp !== "LOG" ? { limit: expected } : {}), status },
          options,
        );
        return;
      }
      default:
        this.#fail(
          row.fields.get("dataType") ?? row.element,
          `dataType ${JSON.stringify(dataType)} is not 0 (numeric), 1 (pass/fail) or 2 (string)`,
          "dataType",
        );
    }
  }

  /** The comparison operator `limitMode` describes (`LL <= Value <= UL`, `Value > LL`, `Value < LL or Value > UL`, ...). */
  #compOp(row: Row): NumericCompOp {
    const mode = this.#field(row, "limitMode");
    const op = compOpOfLimitMode(mode);
    if (op === undefined)
      this.#fail(
        row.fields.get("limitMode") ?? row.element,
        `limitMode ${JSON.stringify(mode)} is not a comparison this converter knows`,
        "limitMode",
      );
    return op;
  }
}

const CMP = "(<=|>=|==|=|<>|!=|<|>)";

/** The WSJF operator for a StepWize `limitMode` text; undefined when it is not one. */
export function compOpOfLimitMode(text: string): NumericCompOp | undefined {
  const t = text.replace(/\s+/g, " ").trim().replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  if (t === "" || /^(none|log|record only)$/i.test(t)) return "LOG";
  // LL op Value op UL (inside the range)
  let m = new RegExp(`^LL ?${CMP} ?Value ?${CMP} ?UL$`, "i").exec(t);
  if (m) {
    const lo = m[1] === "<" ? "GT" : m[1] === "<=" ? "GE" : undefined;
    const hi = m[2] === "<" ? "LT" : m[2] === "<=" ? "LE" : undefined;
    return lo && hi ? (`${lo}${hi}` as NumericCompOp) : undefined;
  }
  // Value op LL or Value op UL (outside the range)
  m = new RegExp(`^Value ?${CMP} ?LL (?:or|\\|\\|) Value ?${CMP} ?UL$`, "i").exec(t);
  if (m) {
    const lo = m[1] === "<" ? "LT" : m[1] === "<=" ? "LE" : undefined;
    const hi = m[2] === ">" ? "GT" : m[2] === ">=" ? "GE" : undefined;
    return lo && hi ? (`${lo}${hi}` as NumericCompOp) : undefined;
  }
  // Value op limit, or limit op Value
  m = new RegExp(`^Value ?${CMP} ?(LL|UL|Target|Nominal)$`, "i").exec(t);
  const single = (op: string): NumericCompOp | undefined =>
    ({ "<": "LT", "<=": "LE", ">": "GT", ">=": "GE", "=": "EQ", "==": "EQ", "<>": "NE", "!=": "NE" })[op] as
      | NumericCompOp
      | undefined;
  if (m) return single(m[1] as string);
  m = new RegExp(`^(LL|UL|Target|Nominal) ?${CMP} ?Value$`, "i").exec(t);
  if (m) {
    const flipped: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
    return single(flipped[m[2] as string] ?? (m[2] as string));
  }
  return undefined;
}
