/**
 * `keysight-testexec-sl`: Keysight (formerly Agilent) TestExec SL XML result files. No real file
 * was available to this project: the converter follows the layout pyWATS documents for its
 * TestExec SL converter (root `<TestResults>`, `<TestExecResults>`, `<Results>` or
 * `<TestExecSL>`, any namespace):
 *
 * ```xml
 * <TestResults>
 *   <Header><ProgramName/><ProgramVersion/><StationID/><Operator/><Location/><StartTime/><EndTime/></Header>
 *   <UUT><SerialNumber/><PartNumber/><Revision/><Batch/></UUT>
 *   <TestSequence>
 *     <Test name="..." status="pass|fail|..."><Measurement><Name/><Value/><Units/><LowLimit/><HighLimit/></Measurement></Test>
 *     <TestGroup name="..."> ...tests and groups... </TestGroup>
 *   </TestSequence>
 *   <Summary><Status/><Duration/><TotalTests/><PassedTests/><FailedTests/></Summary>
 * </TestResults>
 * ```
 *
 * with the alternative element names listed in `NAMES` below, and each field either as a child
 * element or as an attribute. Groups become sequences; a test with a numeric value becomes a
 * numeric limit step (LowLimit+HighLimit -> GELE, one of them -> GE/LE, a `Comparison`/`CompOp`
 * overrides), several `<Measurement>`s a multiple numeric step, a text value a string step
 * (`Expected` as its limit), a test without a value a pass/fail step. `status` is kept as the
 * file writes it; without one, the limits decide. An element this converter does not know is
 * reported as a warning with its line.
 */
import {
  type Named,
  NUMERIC_COMP_OPS,
  type NumericCompOp,
  type NumericInput,
  numericCompOp,
  type Report,
  type ReportResult,
  type SequenceBuilder,
  type StepOptions,
  type StepStatus,
  statusCode,
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
import { type DateOrder, parseLocaleDateTime } from "./shared/locale-date.js";
import { secondsBetween, watsDateTime } from "./shared/wats-time.js";
import { readXmlElements, type XmlElement } from "./shared/xml-elements.js";

/** Accepted element (or attribute) names per field, compared case-insensitively. */
const NAMES = {
  root: ["TestResults", "TestExecResults", "Results", "TestExecSL"],
  header: ["Header", "TestHeader", "FileHeader"],
  uut: ["UUT", "Unit", "DUT", "Device", "Product"],
  tests: ["TestSequence", "Tests", "Sequence", "Steps"],
  summary: ["Summary", "TestSummary"],
  program: ["ProgramName", "TestProgram", "SequenceName", "TestPlan"],
  programVersion: ["ProgramVersion", "Version", "SequenceVersion", "TestPlanVersion"],
  station: ["StationID", "Station", "StationName", "TestStation"],
  operator: ["Operator", "OperatorID", "User", "Technician"],
  location: ["Location", "Site", "Facility"],
  start: ["StartTime", "Start", "TestStart", "BeginTime"],
  end: ["EndTime", "End", "TestEnd", "FinishTime"],
  serial: ["SerialNumber", "Serial", "SN", "UnitSerial", "UnitID"],
  part: ["PartNumber", "Part", "PN", "ProductNumber", "Model"],
  revision: ["Revision", "Rev", "HWRevision", "Version"],
  batch: ["Batch", "Lot", "BatchNumber", "LotNumber"],
  status: ["Status", "Result", "Outcome", "FinalResult"],
  duration: ["Duration", "TestTime", "ExecutionTime", "TotalTime"],
  counts: [
    "TotalTests",
    "PassedTests",
    "FailedTests",
    "Total",
    "Passed",
    "Failed",
    "TestCount",
    "PassCount",
    "FailCount",
  ],
  test: ["Test", "TestStep", "Step"],
  group: ["TestGroup", "Group", "SubSection", "Sequence"],
  measurement: ["Measurement", "Measurements"],
  name: ["Name", "TestName", "StepName", "GroupName", "Title"],
  value: ["Value", "MeasuredValue", "Data", "Reading"],
  units: ["Units", "Unit", "MeasurementUnit"],
  low: ["LowLimit", "LowerLimit", "Min", "LL", "LoLimit"],
  high: ["HighLimit", "UpperLimit", "Max", "HL", "UL", "HiLimit"],
  comparison: ["Comparison", "CompOp", "Comp", "CompareType"],
  expected: ["Expected", "ExpectedValue", "Limit"],
  message: ["Message", "ErrorMessage", "Description", "Comment"],
  testTime: ["StartTime", "Start", "Duration", "TestTime", "ExecutionTime", "TotalTime"],
} as const;

const lowerSet = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));
const IS = Object.fromEntries(Object.entries(NAMES).map(([k, v]) => [k, lowerSet(v)])) as Record<
  keyof typeof NAMES,
  Set<string>
>;

export const keysightTestExecSlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "keysight-testexec-sl",
  description: "Keysight TestExec SL XML result files (header, UUT, test groups and tests with limits)",
  filePatterns: ["*.xml", "*.txsl"],
  parameters: {
    processCode: processCodeParameter(20, "(TestExec SL results name none; 20 = functional test)"),
    partNumber: textParameter("", "Part number when the UUT element names none"),
    revision: textParameter("1", "Revision when the UUT element names none"),
    operator: textParameter("unknown", "Operator when the header names none"),
    location: textParameter("Unknown", "Location when the header names none"),
    purpose: textParameter("Production", "Purpose (the files name none)"),
    dateFormat: {
      type: "enum",
      values: ["MDY", "DMY", "YMD"],
      default: "MDY",
      description: "Order of the date fields of times that are not ISO-8601",
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const t = sample.text;
    const root = /<(?:\w+:)?(TestResults|TestExecResults|Results|TestExecSL)[\s>]/i.exec(t);
    if (!root) return 0;
    if (/(keysight|agilent)[^"']*testexec/i.test(t)) return 0.95;
    const hasUut = /<(?:\w+:)?(UUT|Unit|DUT|Device)[\s>]/i.test(t);
    const hasTests =
      /<(?:\w+:)?(TestSequence|Tests|Steps)[\s>]/i.test(t) && /<(?:\w+:)?(Test|TestStep|Step)[\s>]/i.test(t);
    return hasUut && hasTests ? 0.85 : 0;
  },
  convert(input, context) {
    const text = input.text(optionalString(context.parameters.encoding));
    const root = readXmlElements(text, input.fileName);
    if (!IS.root.has(root.name.toLowerCase()))
      throw new ConversionError(
        `${input.fileName} is not a TestExec SL result: its root element is <${root.name}> (line ${root.line}), not one of ${NAMES.root.map((n) => `<${n}>`).join(", ")}`,
        { kind: "content", line: root.line },
      );
    return new TestExecReader(context, input.fileName).read(root);
  },
};

const RESULT_OF: Readonly<Record<StepStatus, ReportResult>> = {
  P: "P",
  D: "P",
  S: "P",
  U: "P",
  F: "F",
  E: "E",
  T: "T",
};

class TestExecReader {
  readonly #context: ConverterContext;
  readonly #fileName: string;
  readonly #p: Readonly<Record<string, unknown>>;

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

  #warn(element: XmlElement, message: string): void {
    this.#context.warn(`line ${element.line}: ${message}`);
  }

  /** The first child element whose name is one of `names`. */
  #child(parent: XmlElement | undefined, names: keyof typeof NAMES): XmlElement | undefined {
    return parent?.children.find((c) => IS[names].has(c.name.toLowerCase()));
  }

  /** A field as a child element's text or an attribute; undefined when absent or empty. */
  #field(parent: XmlElement | undefined, names: keyof typeof NAMES): string | undefined {
    if (!parent) return undefined;
    const child = this.#child(parent, names);
    if (child && child.children.length === 0 && child.text.trim() !== "") return child.text.trim();
    const key = Object.keys(parent.attributes).find((k) => IS[names].has(k.toLowerCase()));
    const v = key === undefined ? undefined : parent.attributes[key]?.trim();
    return v === "" ? undefined : v;
  }

  #time(text: string, element: XmlElement, field: string): string {
    const iso = parseLocaleDateTime(text, this.#p.dateFormat as DateOrder);
    if (iso === undefined)
      this.#fail(
        element,
        `${field} ${JSON.stringify(text)} is not a date and time (${this.#p.dateFormat as string} order or ISO-8601)`,
        field,
      );
    return watsDateTime(iso, optionalString(this.#p.timeZone), { line: element.line, field });
  }

  read(root: XmlElement): Report {
    const header = this.#child(root, "header") ?? root;
    const uut = this.#child(root, "uut") ?? root;
    const summary = this.#child(root, "summary");
    const tests = this.#child(root, "tests");
    if (!tests)
      this.#fail(root, `no test results (${NAMES.tests.map((n) => `<${n}>`).join(", ")})`, "TestSequence");
    for (const c of root.children) {
      const n = c.name.toLowerCase();
      if (![IS.header, IS.uut, IS.summary, IS.tests].some((s) => s.has(n)) && !this.#isHeaderField(n))
        this.#warn(c, `<${c.name}> is not part of the TestExec SL result layout; not mapped`);
    }
    const sn = this.#field(uut, "serial");
    if (sn === undefined) this.#fail(uut, `no serial number (${NAMES.serial.join(", ")})`, "SerialNumber");
    const pn = this.#field(uut, "part") ?? optionalString(this.#p.partNumber);
    if (pn === undefined)
      this.#fail(uut, 'no part number in the file and the parameter "partNumber" is not set', "PartNumber");
    const startText = this.#field(header, "start");
    if (startText === undefined) this.#fail(header, `no start time (${NAMES.start.join(", ")})`, "StartTime");
    const start = this.#time(startText, this.#child(header, "start") ?? header, "StartTime");
    const endText = this.#field(header, "end");
    const durationText = this.#field(summary, "duration");
    const execTime =
      durationText !== undefined && Number.isFinite(Number(durationText))
        ? Number(durationText)
        : endText !== undefined
          ? secondsBetween(start, this.#time(endText, this.#child(header, "end") ?? header, "EndTime"))
          : undefined;
    const statusText = this.#field(summary, "status") ?? this.#field(root, "status");
    const status = statusText !== undefined ? this.#status(statusText, summary ?? root) : undefined;
    const batch = this.#field(uut, "batch");
    const station = this.#field(header, "station") ?? this.#context.station;
    const builder = new UutReport({
      id: this.#context.reportId(0),
      pn: searchableIdentifier(pn, "part number", this.#context, uut.line),
      sn: searchableIdentifier(sn, "serial number", this.#context, uut.line),
      rev: this.#field(uut, "revision") ?? (this.#p.revision as string),
      processCode: this.#p.processCode as number,
      operator: this.#field(header, "operator") ?? (this.#p.operator as string),
      ...(station !== undefined ? { station } : {}),
      location: this.#field(header, "location") ?? (this.#p.location as string),
      purpose: this.#p.purpose as string,
      start,
      ...(execTime !== undefined && execTime >= 0 ? { execTime } : {}),
      ...(batch !== undefined ? { batchSN: batch } : {}),
    });
    const program = this.#field(header, "program");
    const seqCall = builder.root.step.seqCall;
    if (seqCall && program) seqCall.name = program;
    const version = this.#field(header, "programVersion");
    if (seqCall && version) seqCall.version = version;
    for (const name of NAMES.counts) {
      const v = summary ? this.#plain(summary, name) : undefined;
      if (v !== undefined) builder.miscInfo(name, v);
    }
    this.#warnUnknownChildren(
      header,
      [IS.program, IS.programVersion, IS.station, IS.operator, IS.location, IS.start, IS.end],
      header === root,
    );
    this.#warnUnknownChildren(uut, [IS.serial, IS.part, IS.revision, IS.batch], uut === root);
    if (summary) this.#warnUnknownChildren(summary, [IS.status, IS.duration, lowerSet(NAMES.counts)], false);
    this.#fill(builder.root, tests);
    if (status === undefined && builder.root.steps.length === 0)
      this.#fail(tests, "no tests and no overall status", "TestSequence");
    // Statuses the file leaves out are computed from the limits; an overall status it writes is kept.
    const report = builder.build();
    if (status !== undefined && report.root) {
      report.root.status = status;
      report.result = RESULT_OF[status];
    }
    return report;
  }

  #plain(parent: XmlElement, name: string): string | undefined {
    const c = parent.children.find((x) => x.name.toLowerCase() === name.toLowerCase());
    return c && c.text.trim() !== "" ? c.text.trim() : undefined;
  }

  #isHeaderField(lowerName: string): boolean {
    return [
      IS.program,
      IS.programVersion,
      IS.station,
      IS.operator,
      IS.location,
      IS.start,
      IS.end,
      IS.serial,
      IS.part,
      IS.revision,
      IS.batch,
      IS.status,
    ].some((s) => s.has(lowerName));
  }

  #warnUnknownChildren(element: XmlElement, known: readonly Set<string>[], isRoot: boolean): void {
    if (isRoot) return;
    for (const c of element.children)
      if (!known.some((s) => s.has(c.name.toLowerCase())))
        this.#warn(c, `<${c.name}> in <${element.name}> is not mapped`);
  }

  #status(text: string, element: XmlElement): StepStatus {
    const t = text.trim().toLowerCase();
    const s =
      t === "true" || t === "1"
        ? "P"
        : t === "false" || t === "0"
          ? "F"
          : t === "aborted"
            ? "T"
            : statusCode(t);
    if (s === undefined)
      this.#fail(
        element,
        `status ${JSON.stringify(text)} is not pass, fail, error, skipped or aborted`,
        "status",
      );
    return s;
  }

  #fill(sequence: SequenceBuilder, container: XmlElement): void {
    for (const c of container.children) {
      const n = c.name.toLowerCase();
      if (IS.test.has(n)) this.#test(sequence, c);
      else if (IS.group.has(n)) {
        const statusText = this.#field(c, "status");
        const child = sequence.addSequence(
          this.#field(c, "name") ?? c.name,
          statusText ? { status: this.#status(statusText, c) } : {},
        );
        this.#fill(child, c);
      } else if (!IS.name.has(n) && !IS.status.has(n))
        this.#warn(c, `<${c.name}> inside <${container.name}> is neither a test nor a group; not mapped`);
    }
  }

  #test(sequence: SequenceBuilder, test: XmlElement): void {
    const name = this.#field(test, "name") ?? "Test";
    const statusText = this.#field(test, "status");
    const status = statusText !== undefined ? this.#status(statusText, test) : undefined;
    const options: StepOptions = { ...(status ? { status } : {}) };
    const message = this.#field(test, "message");
    if (message) options.reportText = message;
    const measured = test.children.filter((c) => IS.measurement.has(c.name.toLowerCase()));
    const holders =
      measured.length > 0
        ? measured.flatMap((m) =>
            m.children.some((x) => IS.measurement.has(x.name.toLowerCase())) ? m.children : [m],
          )
        : [test];
    const known = [
      IS.name,
      IS.status,
      IS.measurement,
      IS.value,
      IS.units,
      IS.low,
      IS.high,
      IS.comparison,
      IS.expected,
      IS.message,
      IS.testTime,
    ];
    for (const h of [test, ...measured])
      for (const c of h.children)
        if (!known.some((s) => s.has(c.name.toLowerCase())))
          this.#warn(c, `<${c.name}> in <${h.name}> is not mapped`);
    const withValue = holders.filter((h) => this.#field(h, "value") !== undefined);
    if (withValue.length === 0) {
      const passed = status === undefined || status === "P" || status === "D";
      sequence.passFail(name, passed, { ...options, status: status ?? "P" });
      return;
    }
    const numeric = withValue.every((h) => Number.isFinite(Number(this.#field(h, "value"))));
    if (!numeric) {
      if (withValue.length > 1)
        this.#warn(
          test,
          `test ${JSON.stringify(name)} has several text values; only the first is a measurement`,
        );
      const h = withValue[0] as XmlElement;
      const expected = this.#field(h, "expected");
      for (const other of withValue.slice(1))
        options.reportText = [
          options.reportText,
          `${this.#field(other, "name") ?? "value"}=${this.#field(other, "value")}`,
        ]
          .filter(Boolean)
          .join("\n");
      sequence.stringValue(
        name,
        {
          value: this.#field(h, "value") as string,
          ...(expected !== undefined ? { limit: expected, compOp: "IGNORECASE" as const } : {}),
          ...(status === "P" || status === "F" || status === "S" ? { status } : {}),
        },
        options,
      );
      return;
    }
    const single = withValue.length === 1;
    const inputs: Named<NumericInput>[] = withValue.map((h, i) =>
      this.#numeric(h, i, single ? status : undefined),
    );
    if (inputs.length === 1 && measured.length <= 1) {
      const { name: _n, ...single } = inputs[0] as Named<NumericInput>;
      sequence.numericLimit(name, single, options);
    } else sequence.multiNumericLimit(name, inputs, options);
  }

  #numeric(h: XmlElement, index: number, status: StepStatus | undefined): Named<NumericInput> {
    const number = (names: keyof typeof NAMES, field: string): number | undefined => {
      const t = this.#field(h, names);
      if (t === undefined) return undefined;
      const n = Number(t);
      if (!Number.isFinite(n)) this.#fail(h, `${field} ${JSON.stringify(t)} is not a number`, field);
      return n;
    };
    const value = number("value", "Value") as number;
    const low = number("low", "LowLimit");
    const high = number("high", "HighLimit");
    const input: Named<NumericInput> = { name: this.#field(h, "name") ?? `Measurement ${index + 1}`, value };
    const unit = this.#field(h, "units");
    if (unit !== undefined) input.unit = unit;
    const compText = this.#field(h, "comparison");
    let op: NumericCompOp | undefined = compText !== undefined ? numericCompOp(compText) : undefined;
    if (compText !== undefined && op === undefined)
      this.#warn(h, `comparison ${JSON.stringify(compText)} is not an operator; the limits decide`);
    if (op !== undefined && NUMERIC_COMP_OPS[op] > [low, high].filter((x) => x !== undefined).length) {
      this.#warn(h, `comparison ${op} needs limits the measurement does not have; the limits decide`);
      op = undefined;
    }
    if (op !== undefined) {
      input.compOp = op;
      if (NUMERIC_COMP_OPS[op] === 2) Object.assign(input, { low, high });
      else if (NUMERIC_COMP_OPS[op] === 1)
        input.limit = (op === "LT" || op === "LE" ? (high ?? low) : (low ?? high)) as number;
    } else {
      if (low !== undefined) input.low = low;
      if (high !== undefined) input.high = high;
    }
    if (status === "P" || status === "F" || status === "S") {
      const own = this.#field(h, "status");
      const s = own !== undefined ? this.#status(own, h) : status;
      if (s === "P" || s === "F" || s === "S") input.status = s;
    }
    return input;
  }
}
