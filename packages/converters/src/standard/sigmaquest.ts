/**
 * `sigmaquest`: SigmaQuest / SigmaSure unit report XML (`<UnitReport>`, schema
 * `urn:unitreport-schema`): one unit per file.
 *
 * Header (as WATS's SigmaQuest converter maps it): Product `part-no`/`serial-no`/`version` (the
 * first Product of the Category tree; further Products become sub-units), Operator `name`,
 * Station `name` (machine name) and its `Location` / `Test Software` properties, UnitReport
 * `start-time` (start) and `end-time` (execution time), `software-version` (sequence version);
 * the top TestRun's `name` is the sequence name and its `grade` the result. Every other header
 * attribute and property becomes a misc info.
 *
 * Steps: each TestRun is a step. One with child TestRuns is a sequence; its Result (or SetUp, in
 * the Setup group) values become a test step: ValueDouble/ValueInteger -> numeric limit (`lsl`
 * and `usl` -> GELE, one of them -> GE/LE, a `Comparison` property overrides), ValueString ->
 * string value, ValueBoolean -> pass/fail, several values -> the multiple form; without values a
 * TestRun is a pass/fail step. `grade` gives the status (PASS, FAIL, DONE, SKIPPED, INCOMPLETE
 * and ABORTED -> Terminated, PENDING -> Error), a value's own `grade` its measurement's status;
 * start-time/end-time give the step's start and duration; `Fail Notes` and other properties,
 * timestamps, records, arrays and attachment references go to the step's report text, Error
 * messages to its error message.
 *
 * SigmaQuest writes `0` for a limit it does not have (`lsl="0" usl="0"`, `lsl="2.19e+11"
 * usl="0"`). With `zeroLimits: "auto"` (default) a pair of zeros means no limits and a zero that
 * would make the range empty (low above high) means that side has none; `"literal"` keeps every
 * limit as written (as WATS's own converter does).
 */
import {
  evaluateNumeric,
  evaluateString,
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
  type StringCompOp,
  type StringInput,
  stringCompOp,
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
import { measurementStatusIn, reportLines, setRootSequence } from "./shared/report-parts.js";
import { secondsBetween, watsDateTime } from "./shared/wats-time.js";
import { attribute, childElements, readXmlElements, type XmlElement } from "./shared/xml-elements.js";

export const sigmaQuestConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "sigmaquest",
  description: "SigmaQuest / SigmaSure unit report XML (<UnitReport>): header, TestRun tree, limits, grades",
  filePatterns: ["*.xml"],
  parameters: {
    processCode: processCodeParameter(10, "(the unit report names none)"),
    revision: textParameter("1", "Revision when the Product has no version"),
    operator: textParameter("unknown", "Operator when the report has no Operator name"),
    location: textParameter("Unknown", "Location when the Station has no Location property"),
    purpose: textParameter("Production", "Purpose (the unit report names none)"),
    zeroLimits: {
      type: "enum",
      values: ["auto", "literal"],
      default: "auto",
      description:
        'How to read limits of 0: "auto" = both 0 means no limits and a 0 that makes the range empty means no limit on that side; "literal" = as written',
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const t = sample.text;
    if (!/<(?:\w+:)?UnitReport[\s>]/.test(t)) return 0;
    return /<(?:\w+:)?TestRun[\s>]/.test(t) || /urn:unitreport-schema/.test(t) ? 0.95 : 0.6;
  },
  convert(input, context) {
    const text = input.text(optionalString(context.parameters.encoding));
    const root = readXmlElements(text, input.fileName);
    if (root.name !== "UnitReport")
      throw new ConversionError(
        `${input.fileName} is not a SigmaQuest unit report: its root element is <${root.name}> (line ${root.line}), not <UnitReport>`,
        { kind: "content", line: root.line },
      );
    return new UnitReportReader(context, input.fileName).read(root);
  },
};

const VALUE_KINDS = {
  ValueDouble: "number",
  ValueInteger: "number",
  ValueString: "string",
  ValueBoolean: "boolean",
  ValueTimestamp: "text",
  ValueRecord: "text",
  ValueArray: "text",
  ValueAttachment: "attachment",
} as const;
type ValueKind = (typeof VALUE_KINDS)[keyof typeof VALUE_KINDS];

const STEP_GRADES: Readonly<Record<string, StepStatus>> = {
  PASS: "P",
  PASSED: "P",
  DONE: "D",
  FAIL: "F",
  FAILED: "F",
  INCOMPLETE: "T",
  ABORTED: "T",
  SKIPPED: "S",
  PENDING: "E",
  ERROR: "E",
};

const REPORT_RESULT: Readonly<Record<StepStatus, ReportResult>> = {
  P: "P",
  D: "P",
  S: "P",
  U: "P",
  F: "F",
  E: "E",
  T: "T",
};

const XML_TRUE = /^(true|1)$/i;

class UnitReportReader {
  readonly #context: ConverterContext;
  readonly #fileName: string;
  readonly #p: Readonly<Record<string, unknown>>;

  constructor(context: ConverterContext, fileName: string) {
    this.#context = context;
    this.#fileName = fileName;
    this.#p = context.parameters;
  }

  #fail(message: string, element: XmlElement, field?: string): never {
    throw new ConversionError(`${this.#fileName}: line ${element.line}: ${message}`, {
      kind: "content",
      line: element.line,
      ...(field ? { field } : {}),
    });
  }

  #warn(message: string, element: XmlElement): void {
    this.#context.warn(`line ${element.line}: ${message}`);
  }

  #timeZone(): string | undefined {
    return optionalString(this.#p.timeZone);
  }

  read(root: XmlElement): Report {
    const only = (name: string): XmlElement | undefined => {
      const list = childElements(root, name);
      if (list.length > 1)
        this.#fail(
          `<UnitReport> has ${list.length} <${name}> elements; the schema allows one`,
          list[1] as XmlElement,
          name,
        );
      return list[0];
    };
    const station = only("Station");
    const operator = only("Operator");
    const category = only("Category");
    const topRun = only("TestRun");
    const headerProperty = only("Property");
    for (const c of root.children)
      if (!["Station", "Operator", "Category", "TestRun", "Property"].includes(c.name))
        this.#warn(`<${c.name}> inside <UnitReport> is not part of the unit report format; not mapped`, c);
    if (!category) this.#fail("<UnitReport> has no <Category> (the product under test)", root, "Category");
    if (!topRun) this.#fail("<UnitReport> has no <TestRun> (the test results)", root, "TestRun");

    const products: { product: XmlElement; path: string[] }[] = [];
    const misc: { key: string; value: string }[] = [];
    this.#walkCategory(category, [], products, misc);
    const main = products[0];
    if (!main)
      this.#fail("no <Product> in the <Category> tree (part and serial number)", category, "Product");
    const pn = this.#required(main.product, "part-no");
    const sn = this.#required(main.product, "serial-no");

    // Station: name, guid, version, and properties (Location, Test Software, others -> misc).
    const stationProps = station ? this.#propertyValues(station) : [];
    let location: string | undefined;
    let software = attribute(root, "software-version");
    for (const v of stationProps) {
      const name = (attribute(v, "name") ?? "").trim().toLowerCase();
      if (name === "location" && v.name === "ValueString" && location === undefined) location = v.text.trim();
      else if (name === "test software" && v.name === "ValueString" && software === undefined)
        software = v.text.trim();
      else misc.push(this.#miscOf(v));
    }
    const startText = attribute(root, "start-time");
    if (startText === undefined) this.#fail("<UnitReport> has no start-time", root, "start-time");
    const start = watsDateTime(startText, this.#timeZone(), { line: root.line, field: "start-time" });
    const endText = attribute(root, "end-time");
    const execTime =
      endText !== undefined
        ? secondsBetween(
            start,
            watsDateTime(endText, this.#timeZone(), { line: root.line, field: "end-time" }),
          )
        : undefined;

    const topStatus = this.#grade(topRun);
    // "<No Station>" and the like are placeholders, not names: the configured station is used.
    const rawStationName = station ? attribute(station, "name") : undefined;
    const stationName =
      optionalString(rawStationName?.trim()) && !/^<.*>$/.test(rawStationName?.trim() ?? "")
        ? rawStationName?.trim()
        : undefined;
    const builder = new UutReport({
      id: this.#context.reportId(0),
      pn: searchableIdentifier(pn, "part number", this.#context, main.product.line),
      sn: searchableIdentifier(sn, "serial number", this.#context, main.product.line),
      rev: optionalString(attribute(main.product, "version")) ?? (this.#p.revision as string),
      processCode: this.#p.processCode as number,
      operator:
        optionalString(operator ? attribute(operator, "name") : undefined) ?? (this.#p.operator as string),
      ...(stationName !== undefined
        ? { station: stationName }
        : this.#context.station !== undefined
          ? { station: this.#context.station }
          : {}),
      location: location || (this.#p.location as string),
      purpose: this.#p.purpose as string,
      start,
      ...(execTime !== undefined && execTime >= 0 ? { execTime } : {}),
      mode: "import",
      result: REPORT_RESULT[topStatus],
    });
    setRootSequence(builder, attribute(topRun, "name"), software);

    // Header misc infos: UnitReport attributes, its Property, the station's and operator's.
    for (const [key, value] of Object.entries(root.attributes))
      if (!["start-time", "end-time", "software-version"].includes(key)) builder.miscInfo(key, value);
    if (station) {
      for (const [key, value] of Object.entries(station.attributes))
        if (key !== "name" || stationName === undefined) builder.miscInfo(`Station ${key}`, value);
    }
    if (operator) for (const v of this.#propertyValues(operator)) misc.push(this.#miscOf(v));
    if (headerProperty) for (const v of this.#valuesOf(headerProperty)) misc.push(this.#miscOf(v));
    for (const [key, value] of Object.entries(main.product.attributes))
      if (!["part-no", "serial-no", "version"].includes(key)) builder.miscInfo(key, value);
    if (main.path.length > 0) builder.miscInfo("Category", main.path.join(" / "));
    for (const m of misc) builder.miscInfo(m.key, m.value);
    for (const { product, path } of products.slice(1)) {
      builder.subUnit({
        pn: searchableIdentifier(
          this.#required(product, "part-no"),
          "part number",
          this.#context,
          product.line,
        ),
        sn: searchableIdentifier(
          this.#required(product, "serial-no"),
          "serial number",
          this.#context,
          product.line,
        ),
        rev: optionalString(attribute(product, "version")) ?? (this.#p.revision as string),
        ...(path.length > 0 ? { partType: path[path.length - 1] as string } : {}),
      });
    }

    const rootStep = builder.root.step;
    rootStep.status = topStatus;
    this.#fillSequence(builder.root, topRun, topStatus, true);
    return builder.build();
  }

  #required(element: XmlElement, name: string): string {
    const v = attribute(element, name);
    if (v === undefined || v.trim() === "") this.#fail(`<${element.name}> has no ${name}`, element, name);
    return v.trim();
  }

  #walkCategory(
    element: XmlElement,
    path: string[],
    products: { product: XmlElement; path: string[] }[],
    misc: { key: string; value: string }[],
  ): void {
    const here = element.name === "Category" ? [...path, attribute(element, "name") ?? ""] : path;
    if (element.name === "Product") products.push({ product: element, path });
    for (const c of element.children) {
      if (c.name === "Property") for (const v of this.#valuesOf(c)) misc.push(this.#miscOf(v));
      else if (c.name === "Category" || c.name === "Product")
        this.#walkCategory(c, here.filter(Boolean), products, misc);
      else
        this.#warn(
          `<${c.name}> inside <${element.name}> is not part of the unit report format; not mapped`,
          c,
        );
    }
  }

  /** The Value* elements of a <Property> (other children warn). */
  #valuesOf(property: XmlElement): XmlElement[] {
    const out: XmlElement[] = [];
    for (const c of property.children) {
      if (c.name in VALUE_KINDS) out.push(c);
      else this.#warn(`<${c.name}> inside <Property> is not a value; not mapped`, c);
    }
    return out;
  }

  /** The values of an element's <Property> children. */
  #propertyValues(element: XmlElement): XmlElement[] {
    const out: XmlElement[] = [];
    for (const c of element.children) {
      if (c.name === "Property") out.push(...this.#valuesOf(c));
      else
        this.#warn(
          `<${c.name}> inside <${element.name}> is not part of the unit report format; not mapped`,
          c,
        );
    }
    return out;
  }

  #miscOf(value: XmlElement): { key: string; value: string } {
    return { key: attribute(value, "name") ?? value.name, value: valueText(value) };
  }

  #grade(run: XmlElement): StepStatus {
    const grade = attribute(run, "grade");
    if (grade === undefined)
      this.#fail(`<${run.name} name="${attribute(run, "name") ?? ""}"> has no grade`, run, "grade");
    const word = /^\w+/.exec(grade.trim())?.[0]?.toUpperCase() ?? "";
    const status = STEP_GRADES[word];
    if (status === undefined)
      this.#fail(
        `unknown grade ${JSON.stringify(grade)} (known: ${Object.keys(STEP_GRADES).join(", ")})`,
        run,
        "grade",
      );
    return status;
  }

  /** The step options every TestRun step gets: start and duration. */
  #timing(run: XmlElement): StepOptions {
    const options: StepOptions = {};
    const startText = attribute(run, "start-time");
    if (startText === undefined) return options;
    const start = watsDateTime(startText, this.#timeZone(), { line: run.line, field: "start-time" });
    options.start = start;
    const endText = attribute(run, "end-time");
    if (endText !== undefined) {
      const seconds = secondsBetween(
        start,
        watsDateTime(endText, this.#timeZone(), { line: run.line, field: "end-time" }),
      );
      if (seconds !== undefined && seconds >= 0) options.totTime = seconds;
    }
    return options;
  }

  /** Adds the children of `run` (its own results first, then its sub-runs) to `sequence`. */
  #fillSequence(sequence: SequenceBuilder, run: XmlElement, status: StepStatus, isTop: boolean): void {
    const name = attribute(run, "name") ?? "TestRun";
    const subRuns = childElements(run, "TestRun");
    const results = childElements(run, "Result");
    const setups = childElements(run, "SetUp");
    const hasValues = results.length > 0 || setups.length > 0;
    if (isTop) Object.assign(sequence.step, stepExtras(this.#timing(run)));
    if (hasValues || (!isTop && subRuns.length === 0)) this.#testStep(sequence, run, name, status);
    else if (isTop || subRuns.length > 0) {
      // A sequence's own properties and errors go on the sequence step.
      const { text, errors } = this.#runNotes(run, undefined);
      if (text) sequence.step.reportText = text;
      if (errors) sequence.step.errorMessage = errors;
    }
    this.#warnUnknownChildren(run);
    for (const sub of subRuns) {
      const subStatus = this.#grade(sub);
      if (childElements(sub, "TestRun").length > 0) {
        const child = sequence.addSequence(attribute(sub, "name") ?? "TestRun", {
          status: subStatus,
          ...this.#timing(sub),
        });
        this.#fillSequence(child, sub, subStatus, false);
      } else {
        this.#warnUnknownChildren(sub);
        this.#testStep(sequence, sub, attribute(sub, "name") ?? "TestRun", subStatus);
      }
    }
  }

  #warnUnknownChildren(run: XmlElement): void {
    for (const c of run.children)
      if (!["TestRun", "Result", "SetUp", "Property", "Error"].includes(c.name))
        this.#warn(
          `<${c.name}> inside <TestRun name="${attribute(run, "name") ?? ""}"> is not part of the unit report format; not mapped`,
          c,
        );
  }

  /** The report text (properties) and error message (Error/Message) of a TestRun. */
  #runNotes(run: XmlElement, comparison: XmlElement | undefined): { text?: string; errors?: string } {
    const lines: string[] = [];
    for (const property of childElements(run, "Property"))
      for (const v of this.#valuesOf(property)) {
        if (v === comparison) continue;
        const key = attribute(v, "name") ?? v.name;
        lines.push(/^fail notes$/i.test(key) ? v.text.trim() : `${key}=${valueText(v)}`);
      }
    const errors: string[] = [];
    for (const error of childElements(run, "Error"))
      for (const m of error.children) {
        if (m.name === "Message") errors.push(`${attribute(m, "name") ?? "Message"}=${m.text.trim()}`);
        else this.#warn(`<${m.name}> inside <Error> is not a <Message>; not mapped`, m);
      }
    const text = reportLines(lines);
    return { ...(text ? { text } : {}), ...(errors.length > 0 ? { errors: errors.join("; ") } : {}) };
  }

  /** One test step for a TestRun: from its Result/SetUp values, or pass/fail by grade when it has none. */
  #testStep(sequence: SequenceBuilder, run: XmlElement, name: string, status: StepStatus): void {
    const comparison = childElements(run, "Property")
      .flatMap((p) => p.children)
      .find((v) => v.name === "ValueString" && /^(comparison|comp)$/i.test(attribute(v, "name") ?? ""));
    const compText = comparison?.text.split("(")[0]?.trim();
    const setups = childElements(run, "SetUp");
    const values: XmlElement[] = [];
    for (const holder of [...childElements(run, "Result"), ...setups])
      for (const c of holder.children) {
        if (c.name in VALUE_KINDS) values.push(c);
        else if (c.name === "Property") values.push(...this.#valuesOf(c));
        else this.#warn(`<${c.name}> inside <${holder.name}> is not a value; not mapped`, c);
      }
    const notes = this.#runNotes(run, comparison);
    const extra: string[] = notes.text ? [notes.text] : [];
    const options: StepOptions = {
      status,
      ...this.#timing(run),
      ...(setups.length > 0 ? { group: "S" as const } : {}),
      ...(notes.errors ? { errorMessage: notes.errors } : {}),
    };
    const byKind = (k: ValueKind) =>
      values.filter((v) => VALUE_KINDS[v.name as keyof typeof VALUE_KINDS] === k);
    const numbers: Named<NumericInput>[] = [];
    for (const v of byKind("number")) {
      const m = this.#numeric(v, compText, status, run, extra);
      if (m) numbers.push(m);
    }
    const strings = byKind("string").map((v) => this.#string(v, compText, status, run));
    const booleans = byKind("boolean").map((v) => ({
      name: attribute(v, "name") ?? name,
      passed: XML_TRUE.test(v.text.trim()),
      grade: attribute(v, "grade"),
    }));
    for (const v of [...byKind("text"), ...byKind("attachment")])
      extra.push(`${attribute(v, "name") ?? v.name}=${valueText(v)}`);
    if (numbers.length > 0) {
      for (const s of strings) extra.push(`${s.name}=${s.value}`);
      for (const b of booleans) extra.push(`${b.name}=${b.passed}`);
      const withText = withReportText(options, extra);
      if (numbers.length === 1 && values.length === 1) {
        const { name: _n, ...single } = numbers[0] as Named<NumericInput>;
        sequence.numericLimit(name, single, withText);
      } else sequence.multiNumericLimit(name, numbers, withText);
    } else if (strings.length > 0) {
      for (const b of booleans) extra.push(`${b.name}=${b.passed}`);
      const withText = withReportText(options, extra);
      if (strings.length === 1) {
        const { name: _n, ...single } = strings[0] as Named<StringInput>;
        sequence.stringValue(name, single, withText);
      } else sequence.multiStringValue(name, strings, withText);
    } else if (booleans.length > 0) {
      const withText = withReportText(options, extra);
      if (booleans.length === 1)
        sequence.passFail(name, (booleans[0] as { passed: boolean }).passed, withText);
      else sequence.multiPassFail(name, booleans, withText);
    } else {
      const withText = withReportText(options, extra);
      if (status === "P" || status === "F") sequence.passFail(name, status === "P", withText);
      else sequence.action(name, withText);
    }
  }

  #numeric(
    v: XmlElement,
    compText: string | undefined,
    stepStatus: StepStatus,
    run: XmlElement,
    extra: string[],
  ): Named<NumericInput> | undefined {
    const name = attribute(v, "name") ?? attribute(run, "name") ?? v.name;
    const raw = v.text.trim();
    if (raw === "" || /^null$/i.test(raw)) {
      this.#warn(
        `<${v.name} name="${name}"> has no value (${JSON.stringify(raw)}); kept in the step's report text only`,
        v,
      );
      extra.push(`${name}=${raw === "" ? "(empty)" : raw}`);
      return undefined;
    }
    const value = Number(raw.replace(",", "."));
    if (!Number.isFinite(value))
      this.#fail(`<${v.name} name="${name}"> value ${JSON.stringify(raw)} is not a number`, v, name);
    const limit = (attr: string): number | undefined => {
      const t = attribute(v, attr);
      if (t === undefined || t.trim() === "") return undefined;
      const n = Number(t.trim().replace(",", "."));
      if (!Number.isFinite(n))
        this.#fail(`<${v.name} name="${name}"> ${attr} ${JSON.stringify(t)} is not a number`, v, attr);
      return n;
    };
    let low = limit("lsl");
    let high = limit("usl");
    for (const other of ["udil", "ldil"]) {
      const t = attribute(v, other);
      if (t !== undefined) extra.push(`${name} ${other}=${t}`);
    }
    if (this.#p.zeroLimits === "auto") {
      if (low === 0 && high === 0) low = high = undefined;
      else if (low !== undefined && high !== undefined && low > high) {
        if (high === 0) high = undefined;
        else if (low === 0) low = undefined;
      }
    }
    const input: Named<NumericInput> = { name, value };
    const unit = attribute(v, "uom");
    if (unit !== undefined && unit !== "") input.unit = unit;
    const implied: NumericCompOp =
      low !== undefined && high !== undefined
        ? "GELE"
        : low !== undefined
          ? "GE"
          : high !== undefined
            ? "LE"
            : "LOG";
    let op = compText ? numericCompOp(compText) : undefined;
    if (compText && op === undefined)
      this.#warn(
        `Comparison ${JSON.stringify(compText)} is not a comparison operator; the limits give ${implied}`,
        run,
      );
    // An operator that needs limits the value does not have falls back to what the limits imply.
    if (op !== undefined && NUMERIC_COMP_OPS[op] > [low, high].filter((x) => x !== undefined).length)
      op = undefined;
    op ??= implied;
    let lowLimit: number | null = null;
    let highLimit: number | null = null;
    input.compOp = op;
    if (NUMERIC_COMP_OPS[op] === 2) {
      input.low = lowLimit = low as number;
      input.high = highLimit = high as number;
    } else if (NUMERIC_COMP_OPS[op] === 1) {
      // One-limit operators keep their limit in lowLimit: "at most" ones take the upper spec limit.
      input.limit = lowLimit = (op === "LT" || op === "LE" ? (high ?? low) : (low ?? high)) as number;
    } else if (low !== undefined || high !== undefined)
      extra.push(`${name} limits (not compared: ${op}): lsl=${low ?? ""} usl=${high ?? ""}`);
    const own = attribute(v, "grade");
    const ownStatus = own !== undefined ? this.#gradeText(own, v) : undefined;
    const evaluated = evaluateNumeric(op, value, lowLimit, highLimit);
    input.status = measurementStatusIn(ownStatus ?? stepStatus, evaluated);
    return input;
  }

  #string(
    v: XmlElement,
    compText: string | undefined,
    stepStatus: StepStatus,
    run: XmlElement,
  ): Named<StringInput> {
    const name = attribute(v, "name") ?? attribute(run, "name") ?? v.name;
    const value = v.text;
    const limit = optionalString(attribute(v, "usl")) ?? optionalString(attribute(v, "lsl"));
    const input: Named<StringInput> = { name, value };
    if (limit !== undefined) {
      const op: StringCompOp = (compText ? stringCompOp(compText) : undefined) ?? "IGNORECASE";
      input.compOp = op;
      input.limit = limit;
    }
    const own = attribute(v, "grade");
    const ownStatus = own !== undefined ? this.#gradeText(own, v) : undefined;
    input.status = measurementStatusIn(
      ownStatus ?? stepStatus,
      limit !== undefined ? evaluateString(input.compOp ?? "IGNORECASE", value, limit) : undefined,
    );
    return input;
  }

  #gradeText(grade: string, element: XmlElement): StepStatus {
    const status = STEP_GRADES[/^\w+/.exec(grade.trim())?.[0]?.toUpperCase() ?? ""];
    if (status === undefined) this.#fail(`unknown grade ${JSON.stringify(grade)}`, element, "grade");
    return status;
  }
}

function withReportText(options: StepOptions, lines: readonly string[]): StepOptions {
  const text = reportLines(lines);
  return text ? { ...options, reportText: text } : options;
}

/** Step fields from options (for the root, which the builder created). */
function stepExtras(options: StepOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof options.start === "string") out.start = options.start;
  if (options.totTime !== undefined) out.totTime = options.totTime;
  return out;
}

/** A value element as text: its content, an attachment's file reference, a record's or array's items. */
function valueText(v: XmlElement): string {
  if (v.name === "ValueAttachment") {
    const type = attribute(v, "type");
    return `${attribute(v, "fqn") ?? ""}${type ? ` (${type})` : ""}`;
  }
  if (v.name === "ValueRecord" || v.name === "ValueArray")
    return `[${v.children.map((c) => (attribute(c, "name") ? `${attribute(c, "name")}=${valueText(c)}` : valueText(c))).join("; ")}]`;
  const unit = attribute(v, "uom");
  return `${v.text.trim()}${unit ? ` ${unit}` : ""}`;
}
