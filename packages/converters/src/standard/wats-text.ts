/**
 * `wats-text`: the WATS Standard Text format, tab-separated `.txt` files:
 *
 * ```
 * --Header-Start--
 * SerialNumber<TAB>423664753            (header: key, value; unknown keys become misc infos)
 * Subunit<TAB>PartType<TAB>PN<TAB>SN<TAB>Rev
 * --Step-Data-Start--
 * StepType StepName MeasureName Value LowLimit HighLimit CompOperator Unit StepStatus
 *   StepExecutionTime StepReportText StepErrorCode StepErrorMessage CausedSequenceFailure
 * SequenceCall / EndSequenceCall / NumericLimitTest / PassFailTest / StringValueTest / ActionStep
 * Chart<TAB>ChartType<TAB>Label<TAB>YUnit<TAB>YLabel<TAB>XUnit<TAB>XLabel      (chart of the step above)
 * Series<TAB>Name<TAB>XYG<TAB>YData<TAB>XData                                  (`;`-separated numbers)
 * --Step-Data-End--
 * UUTStatus / ErrorCode / ErrorMessage / ExecutionTime   (footer)
 * --UUT-End--
 * ```
 *
 * A line with an empty StepName (or the same name and type as the step above) adds another
 * measurement to that step; a MeasureName makes the measurements named (a multiple test).
 * Several UUTs in one file give one report each. A file without `--UUT-End--` is refused.
 */
import {
  type Chart,
  type MeasurementStatus,
  NUMERIC_COMP_OPS,
  type NumericInput,
  numericCompOp,
  type Report,
  resultFromStatus,
  type SequenceBuilder,
  type StepOptions,
  type StepStatus,
  type StringInput,
  statusCode,
  stringCompOp,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { fitReportTexts } from "./shared/fit-text.js";
import { int16, int32, invariantNumber } from "./shared/invariant-number.js";
import { readStartTime } from "./shared/report-start.js";
import { WarningTally } from "./shared/warning-tally.js";

export const watsTextConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "wats-text",
  description:
    "WATS Standard Text format (tab-separated .txt: header, step data, footer; several UUTs per file)",
  filePatterns: ["*.txt"],
  parameters: {
    processCode: {
      type: "integer",
      default: 10,
      min: 0,
      max: 32767,
      description:
        "Process code when the header has no OperationTypeCode and operationCodes does not know its OperationTypeName (warned)",
    },
    operationCodes: {
      type: "object",
      default: {},
      description: 'OperationTypeName -> process code, e.g. {"SW Debug": 10}',
    },
    revision: { type: "string", default: "1", description: "Revision when the header has none" },
    operator: {
      type: "string",
      default: "unknown",
      description: "Operator when the header has no OperatorName",
    },
    location: { type: "string", default: "Unknown", description: "Location (the format has none)" },
    purpose: { type: "string", default: "Production", description: "Purpose (the format has none)" },
    timeZone: {
      type: "string",
      description:
        "IANA zone of StartDateTime and the zone UTCStartDateTime is shown in (default: this machine's)",
    },
    encoding: { type: "string", description: "Text encoding when the file has no BOM (default UTF-8)" },
  },
  detect(sample) {
    return /^\uFEFF?\s*--Header-Start--/.test(sample.text) ? 0.95 : 0;
  },
  convert(input, context) {
    const text = input.text(context.parameters.encoding as string | undefined);
    const lines = text.split(/\r?\n/);
    const tally = new WarningTally();
    const reports: Report[] = [];
    let i = 0;
    while (i < lines.length) {
      const first = cells(lines[i] as string)[0] ?? "";
      if (first === "") {
        i++;
        continue;
      }
      if (first !== "--Header-Start--")
        throw lineError(
          input.fileName,
          i + 1,
          `expected --Header-Start--, found ${JSON.stringify(first)}`,
          "line",
        );
      const unit = new UnitReader(input.fileName, context, tally, reports.length);
      i = unit.read(lines, i + 1);
      reports.push(unit.report());
    }
    if (reports.length === 0)
      throw new ConversionError(`${input.fileName} holds no --Header-Start--`, { kind: "content", line: 1 });
    tally.flush(context);
    return reports;
  },
};

const cells = (line: string): string[] => line.replace(/\r$/, "").split("\t");

function lineError(fileName: string, line: number, message: string, field: string): ConversionError {
  return new ConversionError(`${fileName} line ${line}: ${message}`, { kind: "content", line, field });
}

/** The columns of a step line, by position (the layout of the format's column header row). */
const COLUMNS = [
  "StepType",
  "StepName",
  "MeasureName",
  "Value",
  "LowLimit",
  "HighLimit",
  "CompOperator",
  "Unit",
  "StepStatus",
  "StepExecutionTime",
  "StepReportText",
  "StepErrorCode",
  "StepErrorMessage",
  "CausedSequenceFailure",
] as const;
type Column = (typeof COLUMNS)[number];

interface PendingStep {
  kind: "NumericLimitTest" | "PassFailTest" | "StringValueTest";
  name: string;
  line: number;
  named: boolean;
  options: StepOptions;
  numeric: (NumericInput & { name: string })[];
  booleans: { name: string; passed: boolean; status?: MeasurementStatus }[];
  strings: (StringInput & { name: string })[];
  chart?: Chart;
  chartLine?: number;
}

const HEADER_KEYS = new Set([
  "SerialNumber",
  "PartNumber",
  "Revision",
  "OperationTypeName",
  "OperationTypeCode",
  "UUTStatus",
  "ErrorCode",
  "ErrorMessage",
  "StartDateTime",
  "UTCStartDateTime",
  "ExecutionTime",
  "StationName",
  "OperatorName",
  "TestSocketIndex",
  "FixtureId",
  "SoftwareName",
  "SoftwareVersion",
  "BatchSerialNumber",
  "Comment",
  "ConverterMode",
]);

class UnitReader {
  readonly #header = new Map<string, { value: string; line: number }>();
  readonly #misc: { key: string; value: string }[] = [];
  readonly #subunits: { partType: string; pn: string; sn: string; rev: string }[] = [];
  #builder: UutReport | undefined;
  #stack: { seq: SequenceBuilder; name: string; line: number }[] = [];
  #pending: PendingStep | undefined;

  constructor(
    readonly fileName: string,
    readonly context: ConverterContext,
    readonly tally: WarningTally,
    readonly index: number,
  ) {}

  #fail(line: number, message: string, field: string): never {
    throw lineError(this.fileName, line, message, field);
  }

  /** Reads one UUT from `lines[from]` on; returns the index after its `--UUT-End--`. */
  read(lines: readonly string[], from: number): number {
    let state: "header" | "steps" | "footer" = "header";
    for (let i = from; i < lines.length; i++) {
      const line = i + 1;
      const c = cells(lines[i] as string);
      const first = (c[0] ?? "").trim();
      if (first === "" && c.every((x) => x.trim() === "")) continue;
      if (first === "--UUT-End--" || first === "-- UUT-End--") {
        if (state === "steps")
          this.#fail(line, "--UUT-End-- inside the step data (no --Step-Data-End--)", "--Step-Data-End--");
        this.#finishSteps(line);
        return i + 1;
      }
      if (first === "--Header-Start--")
        this.#fail(line, "--Header-Start-- before the previous UUT's --UUT-End--", "--UUT-End--");
      if (state === "header") {
        if (first === "--Step-Data-Start--") {
          state = "steps";
          this.#start(line);
        } else if (first === "Subunit") {
          const [, partType = "", pn = "", sn = "", rev = ""] = c.map((x) => x.trim());
          if (!pn || !sn)
            this.#fail(
              line,
              "Subunit needs a part number (column 3) and a serial number (column 4)",
              "Subunit",
            );
          this.#subunits.push({ partType, pn, sn, rev });
        } else this.#headerLine(first, c, line);
      } else if (state === "steps") {
        if (first === "--Step-Data-End--") {
          this.#flush();
          state = "footer";
        } else if (first === "StepType") continue;
        else this.#stepLine(c, line);
      } else if (["UUTStatus", "ErrorCode", "ErrorMessage", "ExecutionTime"].includes(first))
        this.#header.set(first, { value: (c[1] ?? "").trim(), line });
      else
        this.#fail(
          line,
          `${JSON.stringify(first)} is not a footer line (UUTStatus, ErrorCode, ErrorMessage, ExecutionTime)`,
          first,
        );
    }
    this.#fail(
      lines.length,
      `the file ends before --UUT-End-- of the UUT that starts at line ${from}: it is incomplete`,
      "--UUT-End--",
    );
  }

  #headerLine(key: string, c: string[], line: number): void {
    const value = (c[1] ?? "").trim();
    for (const extra of c.slice(2))
      if (extra.trim() !== "") this.tally.add(`header ${key}: text after the value not mapped`, line);
    if (HEADER_KEYS.has(key)) this.#header.set(key, { value, line });
    else this.#misc.push({ key, value });
  }

  #value(key: string): string | undefined {
    const v = this.#header.get(key)?.value;
    return v === undefined || v === "" ? undefined : v;
  }

  #number(key: string): number | undefined {
    const entry = this.#header.get(key);
    if (!entry || entry.value === "") return undefined;
    const n = invariantNumber(entry.value);
    if (n === undefined) this.#fail(entry.line, `${key} ${JSON.stringify(entry.value)} is not a number`, key);
    return n;
  }

  /** Builds the report header when the step data starts (the header is complete then). */
  #start(line: number): void {
    const p = this.context.parameters;
    const where = `UUT ${this.index + 1}`;
    const sn =
      this.#value("SerialNumber") ??
      this.#fail(line, `${where}: no SerialNumber in the header`, "SerialNumber");
    const pn =
      this.#value("PartNumber") ?? this.#fail(line, `${where}: no PartNumber in the header`, "PartNumber");
    let processCode = int16(this.#number("OperationTypeCode"));
    if (processCode === undefined) {
      const name = this.#value("OperationTypeName");
      const codes = (p.operationCodes ?? {}) as Record<string, unknown>;
      const known = name === undefined ? undefined : codes[name];
      if (typeof known === "number") processCode = known;
      else {
        processCode = p.processCode as number;
        this.tally.add(
          name === undefined
            ? `${where}: no OperationTypeCode or OperationTypeName: the parameter processCode ${processCode} is used`
            : `${where}: OperationTypeName ${JSON.stringify(name)} has no code (add it to the parameter operationCodes): the parameter processCode ${processCode} is used`,
          this.#header.get("OperationTypeName")?.line ?? line,
        );
      }
    }
    const timeZone = p.timeZone as string | undefined;
    const start = readStartTime({
      start: this.#value("StartDateTime"),
      startUtc: this.#value("UTCStartDateTime"),
      timeZone,
      where,
      startField: "StartDateTime",
      utcField: "UTCStartDateTime",
      line: this.#header.get("StartDateTime")?.line ?? this.#header.get("UTCStartDateTime")?.line ?? line,
      warn: (m) => this.tally.add(m, line),
    });
    const socket = this.#number("TestSocketIndex");
    const errorCode = this.#number("ErrorCode");
    const execTime = this.#number("ExecutionTime");
    const opt = <T>(key: string, v: T | undefined) => (v === undefined ? {} : { [key]: v });
    this.#builder = new UutReport({
      id: this.context.reportId(this.index),
      pn,
      sn,
      rev: this.#value("Revision") ?? (p.revision as string),
      processCode,
      operator: this.#value("OperatorName") ?? (p.operator as string),
      station: this.#value("StationName") ?? this.context.station,
      location: p.location as string,
      purpose: p.purpose as string,
      start,
      ...opt("timeZone", timeZone),
      ...opt("execTime", execTime),
      ...opt("testSocketIndex", int16(socket)),
      ...opt("errorCode", int32(errorCode)),
      ...opt("errorMessage", this.#value("ErrorMessage")),
      ...opt("batchSN", this.#value("BatchSerialNumber")),
      ...opt("fixtureId", this.#value("FixtureId")),
      ...opt("comment", this.#value("Comment")),
      ...opt("sequenceFile", this.#value("SoftwareName")),
      ...opt("sequenceVersion", this.#value("SoftwareVersion")),
      mode: this.#value("ConverterMode")?.toLowerCase() === "import" ? "import" : "active",
    });
    for (const m of this.#misc) this.#builder.miscInfo(m.key, m.value);
    for (const u of this.#subunits)
      this.#builder.subUnit({
        pn: u.pn,
        sn: u.sn,
        rev: u.rev,
        ...(u.partType ? { partType: u.partType } : {}),
      });
    this.#stack = [{ seq: this.#builder.root, name: "", line }];
  }

  get #seq(): SequenceBuilder {
    return (this.#stack[this.#stack.length - 1] as { seq: SequenceBuilder }).seq;
  }

  #cell(c: string[], column: Column): string {
    return (c[COLUMNS.indexOf(column)] ?? "").trim();
  }

  #status(c: string[], line: number): StepStatus | undefined {
    const word = this.#cell(c, "StepStatus");
    if (word === "") return undefined;
    return (
      statusCode(word) ??
      this.#fail(
        line,
        `StepStatus ${JSON.stringify(word)} is not a status (Passed, Failed, Skipped, Done, Error, Terminated)`,
        "StepStatus",
      )
    );
  }

  /** StepExecutionTime, StepReportText, StepErrorCode, StepErrorMessage, CausedSequenceFailure of a line. */
  #general(c: string[], line: number, into: StepOptions): void {
    const time = this.#cell(c, "StepExecutionTime");
    if (time !== "") {
      const n = invariantNumber(time);
      if (n === undefined || !Number.isFinite(n))
        this.#fail(line, `StepExecutionTime ${JSON.stringify(time)} is not a number`, "StepExecutionTime");
      into.totTime = n;
    }
    const report = this.#cell(c, "StepReportText");
    if (report !== "") into.reportText = into.reportText ? `${into.reportText}\n${report}` : report;
    const code = this.#cell(c, "StepErrorCode");
    if (code !== "") {
      const n = int32(invariantNumber(code));
      if (n === undefined)
        this.#fail(line, `StepErrorCode ${JSON.stringify(code)} is not an integer`, "StepErrorCode");
      if (n !== 0 || into.errorCode !== undefined) into.errorCode = n;
    }
    const message = this.#cell(c, "StepErrorMessage");
    if (message !== "") into.errorMessage = message;
    const caused = this.#cell(c, "CausedSequenceFailure").toLowerCase();
    if (caused === "true" || caused === "1") into.causedSeqFailure = true;
    else if (caused !== "" && caused !== "false" && caused !== "0")
      this.#fail(
        line,
        `CausedSequenceFailure ${JSON.stringify(caused)} is not True/False`,
        "CausedSequenceFailure",
      );
  }

  #stepLine(c: string[], line: number): void {
    const type = this.#cell(c, "StepType");
    const name = this.#cell(c, "StepName");
    switch (type) {
      case "SequenceCall": {
        this.#flush();
        if (name === "") this.#fail(line, "SequenceCall without a StepName", "StepName");
        const options: StepOptions = {};
        const status = this.#status(c, line);
        if (status) options.status = status;
        this.#general(c, line, options);
        const seq = this.#seq.addSequence(name, options);
        this.#stack.push({ seq, name, line });
        return;
      }
      case "EndSequenceCall": {
        this.#flush();
        const top = this.#stack[this.#stack.length - 1] as {
          seq: SequenceBuilder;
          name: string;
          line: number;
        };
        if (this.#stack.length === 1)
          this.#fail(line, "EndSequenceCall without an open SequenceCall", "EndSequenceCall");
        if (name !== "" && name !== top.name)
          this.#fail(
            line,
            `EndSequenceCall ${JSON.stringify(name)} does not close the open SequenceCall ${JSON.stringify(top.name)} (line ${top.line})`,
            "StepName",
          );
        const status = this.#status(c, line);
        if (status) top.seq.step.status = status;
        const extra: StepOptions = {};
        this.#general(c, line, extra);
        Object.assign(top.seq.step, extra);
        this.#stack.pop();
        return;
      }
      case "ActionStep": {
        this.#flush();
        const options: StepOptions = {};
        const status = this.#status(c, line);
        if (status) options.status = status;
        this.#general(c, line, options);
        this.#seq.action(name, options);
        return;
      }
      case "NumericLimitTest":
      case "PassFailTest":
      case "StringValueTest":
        this.#measurementLine(type, name, c, line);
        return;
      case "Chart":
        this.#chartLine(c, line);
        return;
      case "Series":
        this.#seriesLine(c, line);
        return;
      default:
        this.#fail(
          line,
          `${JSON.stringify(type)} is not a step type of the format (SequenceCall, EndSequenceCall, NumericLimitTest, PassFailTest, StringValueTest, ActionStep, Chart, Series)`,
          "StepType",
        );
    }
  }

  #measurementLine(kind: PendingStep["kind"], name: string, c: string[], line: number): void {
    const measureName = this.#cell(c, "MeasureName");
    const continues =
      this.#pending !== undefined &&
      this.#pending.kind === kind &&
      (name === "" || name === this.#pending.name);
    if (!continues) {
      this.#flush();
      if (name === "")
        this.#fail(
          line,
          `${kind} without a StepName and no step of that type above it to add to`,
          "StepName",
        );
      this.#pending = { kind, name, line, named: false, options: {}, numeric: [], booleans: [], strings: [] };
      const status = this.#status(c, line);
      if (status) this.#pending.options.status = status;
    }
    const step = this.#pending as PendingStep;
    if (measureName !== "") step.named = true;
    this.#general(c, line, step.options);
    const status = this.#status(c, line);
    const mStatus: MeasurementStatus | undefined =
      status === "P" || status === "F" || status === "S" ? status : undefined;
    const value = this.#cell(c, "Value");
    const mName =
      measureName || `Measurement ${step.numeric.length + step.booleans.length + step.strings.length}`;
    if (kind === "NumericLimitTest") {
      const v = invariantNumber(value);
      if (v === undefined || !Number.isFinite(v))
        this.#fail(line, `Value ${JSON.stringify(value)} is not a number`, "Value");
      const lowText = this.#cell(c, "LowLimit");
      const highText = this.#cell(c, "HighLimit");
      const low = lowText === "" ? undefined : invariantNumber(lowText);
      const high = highText === "" ? undefined : invariantNumber(highText);
      if (lowText !== "" && low === undefined)
        this.#fail(line, `LowLimit ${JSON.stringify(lowText)} is not a number`, "LowLimit");
      if (highText !== "" && high === undefined)
        this.#fail(line, `HighLimit ${JSON.stringify(highText)} is not a number`, "HighLimit");
      const opText = this.#cell(c, "CompOperator");
      const op =
        opText === ""
          ? low !== undefined && high !== undefined
            ? "GELE"
            : low !== undefined
              ? "GE"
              : high !== undefined
                ? "LE"
                : "LOG"
          : numericCompOp(opText);
      if (op === undefined)
        this.#fail(
          line,
          `CompOperator ${JSON.stringify(opText)} is not a comparison operator`,
          "CompOperator",
        );
      const input: NumericInput & { name: string } = { name: mName, value: v, compOp: op };
      const unit = this.#cell(c, "Unit");
      if (unit !== "") input.unit = unit;
      if (mStatus) input.status = mStatus;
      const needs = NUMERIC_COMP_OPS[op];
      if (needs === 2) {
        if (low === undefined || high === undefined)
          this.#fail(
            line,
            `${op} needs LowLimit and HighLimit`,
            low === undefined ? "LowLimit" : "HighLimit",
          );
        input.low = low;
        input.high = high;
      } else if (needs === 1) {
        const limit = low ?? high;
        if (limit === undefined) this.#fail(line, `${op} needs a limit (LowLimit)`, "LowLimit");
        input.limit = limit;
        if (low !== undefined && high !== undefined)
          this.tally.add(
            `HighLimit on the one-limit operator ${op} not kept (WATS compares with LowLimit only)`,
            line,
          );
      } else if (low !== undefined || high !== undefined)
        this.tally.add("limits on a LOG comparison not kept", line);
      step.numeric.push(input);
    } else if (kind === "PassFailTest") {
      const v = value.toLowerCase();
      if (!["true", "false", "1", "0", "pass", "fail", "passed", "failed", ""].includes(v))
        this.#fail(line, `Value ${JSON.stringify(value)} is not TRUE or FALSE`, "Value");
      const passed =
        mStatus !== undefined ? mStatus === "P" : v === "true" || v === "1" || v.startsWith("pass");
      step.booleans.push({ name: mName, passed, ...(mStatus ? { status: mStatus } : {}) });
    } else {
      const opText = this.#cell(c, "CompOperator");
      const limit = this.#cell(c, "LowLimit");
      const op = opText === "" ? (limit === "" ? "LOG" : "CASESENSIT") : stringCompOp(opText);
      if (op === undefined)
        this.#fail(
          line,
          `CompOperator ${JSON.stringify(opText)} is not a string comparison (EQ, NE, CASESENSIT, IGNORECASE, LOG)`,
          "CompOperator",
        );
      const input: StringInput & { name: string } = { name: mName, value, compOp: op };
      if (op !== "LOG") input.limit = limit;
      else if (limit !== "") this.tally.add("LowLimit (expected string) on a LOG comparison not kept", line);
      if (mStatus) input.status = mStatus;
      step.strings.push(input);
    }
    for (const col of ["Unit"] as const)
      if (kind !== "NumericLimitTest" && this.#cell(c, col) !== "")
        this.tally.add(`${col} on a ${kind} not kept`, line);
    if (kind !== "NumericLimitTest" && this.#cell(c, "HighLimit") !== "")
      this.tally.add(`HighLimit on a ${kind} not kept`, line);
  }

  #chartLine(c: string[], line: number): void {
    const step = this.#pending;
    if (!step) this.#fail(line, "Chart without a test step above it", "Chart");
    if (step.chart)
      this.#fail(
        line,
        `step ${JSON.stringify(step.name)} already has a chart (line ${step.chartLine}); a step holds one`,
        "Chart",
      );
    const [, chartType = "", label = "", yUnit = "", yLabel = "", xUnit = "", xLabel = ""] = c.map((x) =>
      x.trim(),
    );
    const known = ["Line", "LineLogX", "LineLogY", "LineLogXY"].find(
      (t) => t.toLowerCase() === chartType.toLowerCase(),
    );
    if (!known)
      this.#fail(
        line,
        `chart type ${JSON.stringify(chartType)} is not Line, LineLogX, LineLogY or LineLogXY`,
        "ChartType",
      );
    step.chart = {
      chartType: known,
      label,
      xLabel,
      xUnit: xUnit || null,
      yLabel,
      yUnit: yUnit || null,
      series: [],
    };
    step.chartLine = line;
  }

  #seriesLine(c: string[], line: number): void {
    const chart = this.#pending?.chart;
    if (!chart) this.#fail(line, "Series without a Chart line above it", "Series");
    const [, name = "", dataType = "", yText = "", xText = ""] = c.map((x) => x.trim());
    if (dataType !== "XYG")
      this.#fail(line, `Series data type ${JSON.stringify(dataType)} is not XYG`, "DataType");
    if ((chart.series?.length ?? 0) >= 10) this.#fail(line, "a chart holds at most 10 series", "Series");
    const parse = (text: string, field: string): number[] =>
      text.split(";").map((s, k) => {
        const n = invariantNumber(s.replace(",", "."));
        if (n === undefined)
          this.#fail(line, `${field} value ${k + 1} ${JSON.stringify(s)} is not a number`, field);
        return n;
      });
    if (yText === "") this.#fail(line, "Series without YData", "YData");
    const y = parse(yText, "YData");
    const x = xText === "" ? y.map((_, k) => k) : parse(xText, "XData");
    if (x.length !== y.length)
      this.#fail(line, `XData has ${x.length} values and YData ${y.length}`, "XData");
    if (y.length > 10_000) this.#fail(line, `a series holds at most 10000 points, not ${y.length}`, "YData");
    chart.series?.push({ dataType: "XYG", name, xdata: x.join(";"), ydata: y.join(";") });
  }

  /** Adds the step being collected to its sequence. */
  #flush(): void {
    const s = this.#pending;
    this.#pending = undefined;
    if (!s) return;
    const seq = this.#seq;
    const multi = s.named || s.numeric.length + s.booleans.length + s.strings.length > 1;
    if (s.kind === "NumericLimitTest") {
      if (multi) seq.multiNumericLimit(s.name, s.numeric, s.options);
      else {
        const { name: _n, ...m } = s.numeric[0] as NumericInput & { name: string };
        seq.numericLimit(s.name, m, s.options);
      }
    } else if (s.kind === "PassFailTest") {
      if (multi) seq.multiPassFail(s.name, s.booleans, s.options);
      else seq.passFail(s.name, (s.booleans[0] as { passed: boolean }).passed, s.options);
      const added = seq.steps[seq.steps.length - 1];
      s.booleans.forEach((b, k) => {
        const m = added?.booleanMeas?.[k];
        if (m && b.status) m.status = b.status;
      });
    } else if (multi) seq.multiStringValue(s.name, s.strings, s.options);
    else {
      const { name: _n, ...m } = s.strings[0] as StringInput & { name: string };
      seq.stringValue(s.name, m, s.options);
    }
    const added = seq.steps[seq.steps.length - 1];
    if (added && s.chart) {
      added.chart = s.chart;
      if (s.kind === "NumericLimitTest") added.stepType = "WATS_XYGMNLT";
    }
  }

  #finishSteps(line: number): void {
    this.#flush();
    if (!this.#builder) this.#fail(line, "--UUT-End-- without --Step-Data-Start--", "--Step-Data-Start--");
    if (this.#stack.length > 1) {
      const open = this.#stack[this.#stack.length - 1] as { name: string; line: number };
      this.#fail(
        line,
        `SequenceCall ${JSON.stringify(open.name)} (line ${open.line}) is not closed by EndSequenceCall`,
        "EndSequenceCall",
      );
    }
  }

  report(): Report {
    const report = (this.#builder as UutReport).build();
    const status = this.#value("UUTStatus");
    if (status !== undefined) {
      const code = statusCode(status);
      if (code === undefined)
        this.#fail(
          this.#header.get("UUTStatus")?.line ?? 0,
          `UUTStatus ${JSON.stringify(status)} is not a status`,
          "UUTStatus",
        );
      report.result = resultFromStatus(code);
      if (report.root) report.root.status = report.result;
    }
    fitReportTexts(report, this.tally);
    return report;
  }
}
