/**
 * TestStand step results (`TEResult`) -> WSJF steps, depth first in execution order.
 *
 * Each result becomes one step by its payload: `TS.SequenceCall` (a sequence call with the
 * results of its `ResultList`), `Numeric` (numeric limit), `Measurement[]` (multiple numeric,
 * string or pass/fail measurements), `String` (string value), `PassFail` (pass/fail), `ExitCode`
 * (call executable), `ButtonHit`/`Response` (message popup), else a step without payload. Beside
 * the payload: `Chart` (WATS chart data), `XMLString`/`AttachedFileData` (attachment),
 * `AdditionalResults`, the loop counters, error, report text, timing and the TestStand step id.
 * Result properties this mapping does not know (custom step types, `Common` results, a second
 * payload) are kept as the step's additional results; unknown `TS` bookkeeping is warned about.
 * Statuses are kept as TestStand wrote them; a status text WSJF has no code for becomes `U`
 * (Unknown) with a warning.
 */
import {
  type AdditionalData,
  evaluateNumeric,
  evaluateString,
  type MeasurementStatus,
  type Named,
  type NumericInput,
  type SequenceBuilder,
  type SequenceOptions,
  type Step,
  type StepStatus,
  type StringInput,
  type TextField,
} from "@tswats/report";
import { fitText } from "../shared/text-fit.js";
import { additionalEntry } from "./additional-data.js";
import { mapAttachment } from "./attachments.js";
import { mapChart } from "./chart.js";
import { mapNumeric, mapString } from "./measurements.js";
import type { Prop } from "./props.js";

const STATUS: Readonly<Record<string, StepStatus>> = {
  passed: "P",
  failed: "F",
  error: "E",
  terminated: "T",
  skipped: "S",
  done: "D",
  unknown: "U",
};

const GROUPS: Readonly<Record<string, "S" | "M" | "C">> = { setup: "S", main: "M", cleanup: "C" };

/** Result members this mapping reads (or deliberately leaves: RawLimits mirrors Limits). */
const RESULT_MEMBERS = new Set([
  "Error",
  "Status",
  "ReportText",
  "Common",
  "TS",
  "RawLimits",
  "Chart",
  "XMLString",
  "AttachedFileData",
  "AdditionalResults",
]);

/** TS members: mapped, or TestStand bookkeeping WSJF has no field for (documented). */
const TS_MEMBERS = new Set([
  "StartTime",
  "TotalTime",
  "ModuleTime",
  "Index",
  "StepName",
  "StepGroup",
  "StepId",
  "Id",
  "StepType",
  "BlockLevel",
  "InteractiveExeNum",
  "Server",
  "SequenceCall",
  "PostAction",
  "LoopIndex",
  "NumLoops",
  "NumPassed",
  "NumFailed",
  "EndingLoopIndex",
  "StepCausedSequenceFailure",
]);

const CALL_MEMBERS = new Set([
  "ResultList",
  "SequenceFile",
  "SequenceFileVersion",
  "Sequence",
  "Status",
  "ThreadId",
]);

export interface StepMapperOptions {
  fileName: string;
  warn(message: string): void;
  /** The WSJF start time of a step that started `seconds` after the engine started. */
  stepStart(seconds: number | undefined): string | undefined;
  /** Read files named by AttachedFileData from this station. */
  attachFiles: boolean;
  /** TS.Id of the results in UUT.CriticalFailureStack (the steps that made the UUT fail). */
  criticalResultIds: ReadonlySet<number>;
}

const int16 = (n: number | undefined) =>
  n !== undefined && Number.isInteger(n) && n >= -32768 && n <= 32767 ? n : undefined;
const int32 = (n: number | undefined) =>
  n !== undefined && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : undefined;

export class StepMapper {
  /** Results that were read (the report's StepCount is compared with it). */
  resultCount = 0;
  /** TS.Id values that were marked causedUUTFailure. */
  readonly markedCritical = new Set<number>();

  constructor(private readonly o: StepMapperOptions) {}

  /** `<file> line N, step "a/b": message` */
  #warn(prop: Prop, path: string, message: string): void {
    this.o.warn(`${this.o.fileName} line ${prop.line}, step "${path}": ${message}`);
  }

  #fit(text: string, field: TextField, prop: Prop, path: string, what: string): string {
    return fitText(
      text,
      field,
      (m) => this.o.warn(m),
      `${this.o.fileName} line ${prop.line}, step "${path}"`,
      what,
    );
  }

  /** A status text as a WSJF step status; custom texts become U with a warning. */
  status(prop: Prop | undefined, text: string | undefined, path: string): StepStatus {
    const t = text?.trim() ?? "";
    if (t === "") return "D";
    const code = STATUS[t.toLowerCase()];
    if (code !== undefined) return code;
    if (prop) this.#warn(prop, path, `status "${t}" is not a WSJF status; sent as U (Unknown)`);
    return "U";
  }

  /** Adds the results of a ResultList (an Array of TEResults) to `seq`. */
  addResults(seq: SequenceBuilder, list: Prop | undefined, path: string): void {
    for (const element of list?.elements() ?? []) {
      const r = element.prop;
      if (r === undefined) continue;
      if (r.type !== "TEResult" && r.get("TS") === undefined) {
        this.o.warn(
          `${this.o.fileName} line ${element.line}: result list element ${element.id} of "${path}" is not a step result; left out`,
        );
        continue;
      }
      this.addResult(seq, r, path);
    }
  }

  addResult(seq: SequenceBuilder, r: Prop, parentPath: string): void {
    this.resultCount++;
    const ts = r.get("TS");
    const rawName = ts?.text("StepName");
    const name = rawName !== undefined && rawName.trim() !== "" ? rawName : "(unnamed step)";
    const path = `${parentPath}/${name}`;
    if (rawName === undefined || rawName.trim() === "") this.#warn(r, path, "the result has no TS.StepName");
    const stepType = ts?.nonEmpty("StepType") ?? "Action";
    const status = this.status(r.get("Status"), r.text("Status"), path);
    const options: SequenceOptions = { status, stepType, group: this.#group(ts, path) };
    this.#common(r, ts, path, options);
    const consumed = new Set<string>(RESULT_MEMBERS);

    const call = ts?.get("SequenceCall");
    let step: Step;
    if (call !== undefined) {
      const seqOptions: SequenceOptions = { ...options };
      const file = call.nonEmpty("SequenceFile");
      if (file !== undefined) seqOptions.path = this.#fit(file, "seqCallPath", call, path, "SequenceFile");
      const called = call.nonEmpty("Sequence");
      if (called !== undefined)
        seqOptions.sequenceName = this.#fit(called, "seqCallName", call, path, "Sequence");
      const version = call.nonEmpty("SequenceFileVersion");
      if (version !== undefined)
        seqOptions.version = this.#fit(version, "seqCallVersion", call, path, "SequenceFileVersion");
      for (const c of call.children())
        if (c.name !== undefined && !CALL_MEMBERS.has(c.name))
          this.#warn(c, path, `sequence call property "${c.name}" is not mapped`);
      const child = seq.addSequence(this.#fit(name, "stepName", r, path, "the step name"), seqOptions);
      step = child.step;
      this.addResults(child, call.get("ResultList"), path);
    } else {
      step = this.#payloadStep(seq, r, name, path, options, consumed);
    }
    this.#extras(step, r, ts, path, consumed);
    const postActions = ts?.at("PostAction.ResultList");
    if (postActions !== undefined && postActions.elements().length > 0) {
      const post = seq.addSequence(`${name} (post action)`, {
        status,
        group: options.group ?? "M",
        ...(ts?.at("PostAction.Sequence")?.nonEmpty()
          ? { sequenceName: ts.at("PostAction.Sequence")?.nonEmpty() as string }
          : {}),
      });
      this.addResults(post, postActions, `${path} (post action)`);
    }
  }

  #group(ts: Prop | undefined, path: string): "S" | "M" | "C" {
    const g = ts?.nonEmpty("StepGroup");
    if (g === undefined) return "M";
    const code = GROUPS[g.toLowerCase()];
    if (code === undefined && ts)
      this.#warn(ts, path, `step group "${g}" is not Setup, Main or Cleanup; sent as Main`);
    return code ?? "M";
  }

  /** Timing, ids, error, report text and loop counters: the fields every step has. */
  #common(r: Prop, ts: Prop | undefined, path: string, options: SequenceOptions): void {
    const start = this.o.stepStart(ts?.number("StartTime"));
    if (start !== undefined) options.start = start;
    const total = ts?.number("TotalTime");
    if (total !== undefined && Number.isFinite(total)) options.totTime = total;
    const guid = ts?.nonEmpty("StepId");
    if (guid !== undefined) {
      if (guid.length <= 30) options.tsGuid = guid;
      else if (ts)
        this.#warn(ts, path, `TS.StepId "${guid}" is longer than the 30 characters WATS keeps; left out`);
    }
    const error = r.get("Error");
    if (error !== undefined) {
      const code = error.number("Code");
      const occurred = error.bool("Occurred") === true;
      if (int32(code) !== undefined && (occurred || code !== 0)) options.errorCode = code as number;
      const msg = error.nonEmpty("Msg");
      if (msg !== undefined)
        options.errorMessage = this.#fit(msg, "stepErrorMessage", error, path, "the error message");
    }
    const text = r.text("ReportText");
    if (text !== undefined && text.trim() !== "")
      options.reportText = this.#fit(text, "reportText", r, path, "the report text");
    const loop = this.#loop(ts);
    if (loop !== undefined) options.loop = loop;
    const causedSeq = ts?.bool("StepCausedSequenceFailure");
    if (causedSeq !== undefined) options.causedSeqFailure = causedSeq;
    const id = ts?.number("Id");
    if (
      id !== undefined &&
      this.o.criticalResultIds.has(id) &&
      (options.status === "F" || options.status === "E" || options.status === "T")
    ) {
      options.causedUUTFailure = true;
      this.markedCritical.add(id);
    }
  }

  #loop(ts: Prop | undefined): SequenceOptions["loop"] {
    if (ts === undefined) return undefined;
    const num = int16(ts.number("NumLoops"));
    const index = int16(ts.number("LoopIndex"));
    if (num !== undefined)
      return {
        idx: null,
        num,
        endingIndex: int16(ts.number("EndingLoopIndex")) ?? null,
        passed: int16(ts.number("NumPassed")) ?? null,
        failed: int16(ts.number("NumFailed")) ?? null,
      };
    if (index !== undefined) return { idx: index, num: null, endingIndex: null, passed: null, failed: null };
    return undefined;
  }

  /** A measurement status from the step's: P/F/S as written, else from the limits. */
  #measurementStatus(stepStatus: StepStatus): MeasurementStatus | undefined {
    return stepStatus === "P" || stepStatus === "F" || stepStatus === "S" ? stepStatus : undefined;
  }

  #numericInput(
    src: Prop,
    valueProp: Prop | undefined,
    status: MeasurementStatus | undefined,
    path: string,
    what: string,
  ): NumericInput | undefined {
    const limits = src.get("Limits");
    const raw = src.get("RawLimits");
    const unitText = src.text("Units");
    const mapped = mapNumeric(
      {
        value: valueProp?.number(),
        valueText: valueProp?.valueText(),
        low: limits?.number("Low"),
        high: limits?.number("High"),
        comp: src.text("Comp"),
        unit:
          unitText === undefined ? undefined : this.#fit(unitText, "unit", src, path, `the unit of ${what}`),
        thresholdType: limits?.text("ThresholdType"),
        nominal: raw?.number("Nominal") ?? limits?.number("Nominal"),
        rawLow: raw?.number("Low"),
        rawHigh: raw?.number("High"),
      },
      status,
    );
    if (mapped.kind === "dropped") {
      if (status !== "S") this.#warn(src, path, `${what}: ${mapped.reason}; the step is kept without it`);
      return undefined;
    }
    for (const note of mapped.notes) this.#warn(src, path, `${what}: ${note}`);
    const input = mapped.input;
    if (input.status === undefined) {
      // Done/Error/Terminated steps: the verdict of the limits, else passed (logged only).
      const verdict = evaluateNumeric(
        input.compOp ?? "LOG",
        input.value,
        input.limit ?? input.low ?? null,
        input.high ?? null,
      );
      input.status = verdict ?? "P";
    }
    return input;
  }

  #stringInput(
    src: Prop,
    value: string,
    limit: string | undefined,
    status: MeasurementStatus | undefined,
    path: string,
    what: string,
  ): StringInput {
    const fitted = this.#fit(value, "stringValue", src, path, `the value of ${what}`);
    const mapped = mapString(
      {
        value: fitted,
        limit:
          limit === undefined
            ? undefined
            : this.#fit(limit, "stringValue", src, path, `the limit of ${what}`),
        comp: src.text("Comp"),
      },
      status,
    );
    for (const note of mapped.notes) this.#warn(src, path, `${what}: ${note}`);
    const input = mapped.input;
    if (input.status === undefined) {
      const verdict = evaluateString(input.compOp ?? "LOG", input.value, input.limit ?? null);
      input.status = verdict ?? "P";
    }
    return input;
  }

  #payloadStep(
    seq: SequenceBuilder,
    r: Prop,
    name: string,
    path: string,
    options: SequenceOptions,
    consumed: Set<string>,
  ): Step {
    const stepName = this.#fit(name, "stepName", r, path, "the step name");
    const status = options.status as StepStatus;
    const mStatus = this.#measurementStatus(status);
    const numeric = r.get("Numeric");
    const measurements = r.get("Measurement");
    const str = r.get("String");
    const passFail = r.get("PassFail");
    const exitCode = r.get("ExitCode");
    const button = r.get("ButtonHit");
    const last = () => seq.steps[seq.steps.length - 1] as Step;

    if (numeric !== undefined && numeric.type !== "Array" && numeric.children().length === 0) {
      for (const k of ["Numeric", "Limits", "Comp", "Units"]) consumed.add(k);
      const input = this.#numericInput(r, numeric, mStatus, path, "the measurement");
      if (input) seq.numericLimit(stepName, input, options);
      else seq.generic(options.stepType ?? "Action", stepName, options);
      return last();
    }
    if (measurements !== undefined && measurements.type === "Array" && measurements.elements().length > 0) {
      consumed.add("Measurement");
      const added = this.#multi(seq, measurements, stepName, path, options);
      if (added) return last();
    }
    if (str !== undefined && str.children().length === 0) {
      for (const k of ["String", "Limits", "Comp"]) consumed.add(k);
      seq.stringValue(
        stepName,
        this.#stringInput(
          r,
          str.valueText() ?? "",
          r.get("Limits")?.text("String"),
          mStatus,
          path,
          "the string value",
        ),
        options,
      );
      return last();
    }
    if (passFail !== undefined && passFail.children().length === 0) {
      consumed.add("PassFail");
      const value = passFail.bool();
      if (value === undefined && status !== "S")
        this.#warn(
          passFail,
          path,
          `PassFail "${passFail.valueText() ?? ""}" is not True or False; the measurement takes the step's status`,
        );
      const mStat: MeasurementStatus =
        status === "S" ? "S" : value === undefined ? (status === "P" ? "P" : "F") : value ? "P" : "F";
      seq.generic(options.stepType ?? "ET_PFT", stepName, options);
      const step = last();
      step.booleanMeas = [{ name: null, status: mStat }];
      return step;
    }
    if (exitCode !== undefined) {
      consumed.add("ExitCode");
      const code = exitCode.number();
      if (code !== undefined && Number.isFinite(code)) {
        seq.callExecutable(stepName, code, options);
        return last();
      }
      this.#warn(
        exitCode,
        path,
        `ExitCode "${exitCode.valueText() ?? ""}" is no number; the step is kept without it`,
      );
    }
    if (button !== undefined || r.get("Response") !== undefined) {
      consumed.add("ButtonHit");
      consumed.add("Response");
      const b = button?.number();
      const response = r.text("Response");
      const popup: { button?: number; response?: string } = {};
      if (int16(b) !== undefined) popup.button = b as number;
      else if (b !== undefined && button)
        this.#warn(button, path, `ButtonHit "${button.valueText()}" is not a button index; left out`);
      if (response !== undefined && response !== "")
        popup.response = this.#fit(response, "popupResponse", r, path, "the response");
      seq.messagePopup(stepName, popup, options);
      return last();
    }
    seq.generic(options.stepType ?? "Action", stepName, options);
    return last();
  }

  /** Measurement[]: numeric (Data), string (StringData) or pass/fail (PassFail) elements. */
  #multi(
    seq: SequenceBuilder,
    list: Prop,
    stepName: string,
    path: string,
    options: SequenceOptions,
  ): boolean {
    const numeric: Named<NumericInput>[] = [];
    const strings: Named<StringInput>[] = [];
    const booleans: { name: string; status: MeasurementStatus }[] = [];
    const kinds = new Set<string>();
    const stepStatus = options.status as StepStatus;
    list.elements().forEach((e, i) => {
      const m = e.prop;
      if (m === undefined) {
        this.o.warn(
          `${this.o.fileName} line ${e.line}, step "${path}": measurement ${e.id} is not an object; left out`,
        );
        return;
      }
      const mName = m.nonEmpty("MeasName") ?? m.name ?? `Measurement ${i}`;
      const what = `measurement "${mName}"`;
      const statusText = m.nonEmpty("Status");
      const mStatus =
        statusText === undefined
          ? this.#measurementStatus(stepStatus)
          : this.#measurementStatusText(m, statusText, path, what);
      if (m.get("Data") !== undefined) {
        kinds.add("numeric");
        const input = this.#numericInput(m, m.get("Data"), mStatus, path, what);
        if (input)
          numeric.push({
            ...input,
            name: this.#fit(mName, "measurementName", m, path, `the name of ${what}`),
          });
      } else if (m.get("StringData") !== undefined) {
        kinds.add("string");
        const limitProp = m.get("StringLimit") ?? m.at("Limits.String");
        const input = this.#stringInput(
          m,
          m.text("StringData") ?? "",
          limitProp?.valueText(),
          mStatus,
          path,
          what,
        );
        strings.push({ ...input, name: this.#fit(mName, "measurementName", m, path, `the name of ${what}`) });
      } else if (m.get("PassFail") !== undefined) {
        kinds.add("boolean");
        const v = m.bool("PassFail");
        const s: MeasurementStatus =
          mStatus === "S" ? "S" : v === undefined ? (mStatus ?? "F") : v ? "P" : "F";
        booleans.push({
          name: this.#fit(mName, "measurementName", m, path, `the name of ${what}`),
          status: s,
        });
      } else {
        this.#warn(m, path, `${what} has no Data, StringData or PassFail; left out`);
      }
    });
    if (kinds.size > 1)
      this.#warn(
        list,
        path,
        `the step mixes ${[...kinds].join(", ")} measurements; WSJF holds one kind per step, so only the ${[...kinds][0]} ones are kept`,
      );
    const first = [...kinds][0];
    if (first === "numeric" && numeric.length > 0) {
      seq.multiNumericLimit(stepName, numeric, options);
      return true;
    }
    if (first === "string" && strings.length > 0) {
      seq.multiStringValue(stepName, strings, options);
      return true;
    }
    if (first === "boolean" && booleans.length > 0) {
      seq.generic(options.stepType ?? "ET_MPFT", stepName, options);
      const step = seq.steps[seq.steps.length - 1] as Step;
      step.booleanMeas = booleans;
      return true;
    }
    seq.generic(options.stepType ?? "Action", stepName, options);
    return true;
  }

  #measurementStatusText(m: Prop, text: string, path: string, what: string): MeasurementStatus | undefined {
    const code = STATUS[text.toLowerCase()];
    if (code === "P" || code === "F" || code === "S") return code;
    if (code === "D") return undefined; // done: evaluated from the limits (LOG passes)
    if (code === "E" || code === "T") return "F";
    this.#warn(
      m,
      path,
      `${what}: status "${text}" is not a WSJF measurement status; evaluated from its limits`,
    );
    return undefined;
  }

  /** Chart, attachment, additional results, interactive execution number, unmapped members. */
  #extras(step: Step, r: Prop, ts: Prop | undefined, path: string, consumed: Set<string>): void {
    const chartProp = r.get("Chart");
    if (chartProp !== undefined) {
      const mapped = mapChart(chartProp);
      if (mapped) {
        for (const note of mapped.notes) this.#warn(chartProp, path, note);
        const c = mapped.chart;
        const fitLabel = (v: string | null | undefined, field: TextField, what: string) =>
          v ? this.#fit(v, field, chartProp, path, what) : null;
        step.chart = {
          ...c,
          label: fitLabel(c.label, "chartLabel", "the chart label") ?? "",
          xLabel: fitLabel(c.xLabel, "chartLabel", "the x label"),
          xUnit: fitLabel(c.xUnit, "chartUnit", "the x unit"),
          yLabel: fitLabel(c.yLabel, "chartLabel", "the y label"),
          yUnit: fitLabel(c.yUnit, "chartUnit", "the y unit"),
          series: (c.series ?? []).map((s) => ({
            ...s,
            name: fitLabel(s.name, "chartLabel", "a series name") ?? "",
          })),
        };
      }
    }
    const att = mapAttachment(r, this.o.attachFiles);
    for (const note of att.notes) this.#warn(r, path, note);
    if (att.attachment) {
      if (step.chart)
        this.#warn(
          r,
          path,
          `attachment "${att.attachment.name}" left out: the step carries a chart, and a WSJF step holds one or the other`,
        );
      else {
        const data = att.attachment.data;
        const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data as Uint8Array);
        step.attachment = {
          name: this.#fit(att.attachment.name, "attachmentName", r, path, "the attachment name"),
          contentType: att.attachment.contentType,
          data: bytes.toString("base64"),
        };
      }
    }
    const additional: AdditionalData[] = [];
    for (const element of r.get("AdditionalResults")?.elements() ?? []) {
      if (element.prop) additional.push(additionalEntry(element.prop));
    }
    const read = r.number("NumPropertiesRead");
    const applied = r.number("NumPropertiesApplied");
    if (read !== undefined || applied !== undefined) {
      consumed.add("NumPropertiesRead");
      consumed.add("NumPropertiesApplied");
      additional.push({
        name: "PropertyLoader",
        props: [
          ...(read !== undefined ? [{ name: "NumPropertiesRead", type: "Number", value: String(read) }] : []),
          ...(applied !== undefined
            ? [{ name: "NumPropertiesApplied", type: "Number", value: String(applied) }]
            : []),
        ],
      });
    }
    for (const c of r.get("Common")?.children() ?? []) additional.push(additionalEntry(c));
    for (const c of r.children()) {
      const n = c.name;
      if (n === undefined || consumed.has(n)) continue;
      additional.push(additionalEntry(c));
    }
    if (additional.length > 0) step.additionalResults = [...(step.additionalResults ?? []), ...additional];
    const exe = int32(ts?.number("InteractiveExeNum"));
    if (exe !== undefined) step.interactiveExeNum = exe;
    for (const c of ts?.children() ?? [])
      if (c.name !== undefined && !TS_MEMBERS.has(c.name)) this.#warn(c, path, `TS.${c.name} is not mapped`);
  }
}
