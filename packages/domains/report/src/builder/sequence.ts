/**
 * The fluent step tree of the builders. Each method adds one step to this sequence and returns
 * the sequence, so calls chain; `sequence(name, build)` adds a child sequence and fills it in
 * `build`. Statuses left out are computed when the report is built (see `propagateStatus`).
 */
import type { StepGroup, StepStatus } from "../model/codes.js";
import type { AdditionalData, LoopInfo, Step } from "../model/types.js";
import { toWatsDateTime } from "../time.js";
import {
  type AttachmentInput,
  attachment,
  type ChartInput,
  chart,
  type Named,
  type NumericInput,
  numericMeasurement,
  type StringInput,
  stringMeasurement,
} from "./inputs.js";
import { type TextPolicy, uniqueNames } from "./text.js";

/** Options every step method takes. */
export interface StepOptions {
  /** An explicit status (kept as given). Without it: computed for tests and sequences, `D` for actions. */
  status?: StepStatus;
  /** Setup, Main (default) or Cleanup. */
  group?: StepGroup;
  /** Overrides the step type the method implies (e.g. "NumericLimitTest" for "ET_NLT"). */
  stepType?: string;
  start?: Date | string;
  /** Duration in seconds. */
  totTime?: number;
  errorCode?: number;
  errorMessage?: string;
  /** Free text shown with the step (multi-line). */
  reportText?: string;
  /** TestStand step id. */
  tsGuid?: string;
  loop?: LoopInfo;
  causedUUTFailure?: boolean;
  causedSeqFailure?: boolean;
  /** Whether this step failing fails its sequence (default true). Never sent. */
  failParentOnFail?: boolean;
  /** One file (a step holds a chart or an attachment, not both). */
  attachment?: AttachmentInput;
  additionalResults?: AdditionalData[];
}

/** Options of a sequence call step. */
export interface SequenceOptions extends StepOptions {
  /** Sequence file path (default: the parent's). */
  path?: string;
  /** Sequence name, when it differs from the step name. */
  sequenceName?: string;
  version?: string;
}

/** What the builders share with their sequences. */
export interface BuilderContext {
  readonly text: TextPolicy;
  /** IANA zone for naive date-times (default: this machine's). */
  readonly timeZone: string | undefined;
  /** Steps that do not fail their parent. */
  readonly quiet: WeakSet<Step>;
}

export class SequenceBuilder {
  /** The sequence call step this builder fills. */
  readonly step: Step;
  readonly #ctx: BuilderContext;

  /** @internal use `UutReport.root` or `sequence()` */
  constructor(step: Step, ctx: BuilderContext) {
    this.step = step;
    this.#ctx = ctx;
    step.steps ??= [];
  }

  /** The children added so far. */
  get steps(): readonly Step[] {
    return this.step.steps ?? [];
  }

  /** Adds a step object as it is (for converters that build steps themselves). Returns this sequence. */
  add(step: Step): this {
    this.step.steps ??= [];
    this.step.steps.push(step);
    return this;
  }

  #step(
    stepType: string,
    name: string,
    options: StepOptions,
    fields: Partial<Step>,
    status?: StepStatus,
  ): Step {
    const { text, quiet } = this.#ctx;
    const step: Step = {
      group: options.group ?? "M",
      stepType: options.stepType ?? stepType,
      name: text.clean(name, "stepName"),
      status: options.status ?? status ?? null,
      ...fields,
    };
    if (options.start !== undefined) step.start = toWatsDateTime(options.start, this.#ctx.timeZone);
    if (options.totTime !== undefined) step.totTime = options.totTime;
    if (options.errorCode !== undefined) step.errorCode = options.errorCode;
    if (options.errorMessage !== undefined)
      step.errorMessage = text.clean(options.errorMessage, "stepErrorMessage");
    if (options.reportText !== undefined) step.reportText = text.clean(options.reportText, "reportText");
    if (options.tsGuid !== undefined) step.tsGuid = options.tsGuid;
    if (options.loop !== undefined) step.loop = { ...options.loop };
    if (options.causedSeqFailure !== undefined) step.causedSeqFailure = options.causedSeqFailure;
    step.causedUUTFailure = options.causedUUTFailure ?? false;
    if (options.attachment !== undefined) {
      if (step.chart) throw new TypeError("a step holds a chart or an attachment, not both");
      step.attachment = attachment(options.attachment, text);
    }
    if (options.additionalResults !== undefined)
      step.additionalResults = structuredClone(options.additionalResults);
    if (options.failParentOnFail === false) quiet.add(step);
    this.add(step);
    return step;
  }

  /** Adds a child sequence and returns its builder (use `sequence` to chain instead). */
  addSequence(name: string, options: SequenceOptions = {}): SequenceBuilder {
    const seqCall = {
      path: options.path ?? this.step.seqCall?.path ?? null,
      name: this.#ctx.text.clean(options.sequenceName ?? name, "seqCallName"),
      version: options.version ?? null,
    };
    const step = this.#step("SequenceCall", name, options, { seqCall, steps: [] });
    return new SequenceBuilder(step, this.#ctx);
  }

  /** Adds a child sequence, fills it with `build`, and returns this sequence. */
  sequence(name: string, build?: (sequence: SequenceBuilder) => void, options: SequenceOptions = {}): this {
    const child = this.addSequence(name, options);
    build?.(child);
    return this;
  }

  /** A numeric limit test (ET_NLT): one measurement. */
  numericLimit(name: string, measurement: NumericInput, options: StepOptions = {}): this {
    this.#step("ET_NLT", name, options, {
      numericMeas: [numericMeasurement(measurement, null, this.#ctx.text)],
    });
    return this;
  }

  /** A multiple numeric limit test (ET_MNLT): named measurements, names made unique. */
  multiNumericLimit(
    name: string,
    measurements: readonly Named<NumericInput>[],
    options: StepOptions = {},
  ): this {
    const names = uniqueNames(measurements.map((m) => this.#ctx.text.clean(m.name, "measurementName")));
    const numericMeas = measurements.map((m, i) => numericMeasurement(m, names[i] ?? m.name, this.#ctx.text));
    this.#step("ET_MNLT", name, options, { numericMeas });
    return this;
  }

  /** A pass/fail test (ET_PFT). */
  passFail(name: string, passed: boolean, options: StepOptions = {}): this {
    this.#step("ET_PFT", name, options, { booleanMeas: [{ name: null, status: passed ? "P" : "F" }] });
    return this;
  }

  /** A multiple pass/fail test (ET_MPFT). */
  multiPassFail(
    name: string,
    results: readonly { name: string; passed: boolean }[],
    options: StepOptions = {},
  ): this {
    const names = uniqueNames(results.map((r) => this.#ctx.text.clean(r.name, "measurementName")));
    const booleanMeas = results.map((r, i) => ({
      name: names[i] ?? r.name,
      status: r.passed ? ("P" as const) : ("F" as const),
    }));
    this.#step("ET_MPFT", name, options, { booleanMeas });
    return this;
  }

  /** A string value test (ET_SVT). */
  stringValue(name: string, measurement: StringInput, options: StepOptions = {}): this {
    this.#step("ET_SVT", name, options, {
      stringMeas: [stringMeasurement(measurement, null, this.#ctx.text)],
    });
    return this;
  }

  /** A multiple string value test (ET_MSVT). */
  multiStringValue(
    name: string,
    measurements: readonly Named<StringInput>[],
    options: StepOptions = {},
  ): this {
    const names = uniqueNames(measurements.map((m) => this.#ctx.text.clean(m.name, "measurementName")));
    const stringMeas = measurements.map((m, i) => stringMeasurement(m, names[i] ?? m.name, this.#ctx.text));
    this.#step("ET_MSVT", name, options, { stringMeas });
    return this;
  }

  /** A chart step (WATS_XYGMNLT), optionally with named numeric measurements beside the chart. */
  chart(
    name: string,
    input: ChartInput & { measurements?: readonly Named<NumericInput>[] },
    options: StepOptions = {},
  ): this {
    if (options.attachment !== undefined)
      throw new TypeError("a step holds a chart or an attachment, not both");
    const fields: Partial<Step> = { chart: chart(input, this.#ctx.text) };
    const measurements = input.measurements ?? [];
    if (measurements.length > 0) {
      const names = uniqueNames(measurements.map((m) => this.#ctx.text.clean(m.name, "measurementName")));
      fields.numericMeas = measurements.map((m, i) =>
        numericMeasurement(m, names[i] ?? m.name, this.#ctx.text),
      );
    }
    this.#step("WATS_XYGMNLT", name, options, fields, measurements.length > 0 ? undefined : "D");
    return this;
  }

  /** An action step (no verdict: `D` unless told otherwise). */
  action(name: string, options: StepOptions = {}): this {
    this.#step("Action", name, options, {}, "D");
    return this;
  }

  /** A call-executable step with its exit code (`P` unless told otherwise). */
  callExecutable(name: string, exitCode: number, options: StepOptions = {}): this {
    this.#step("CallExecutable", name, options, { callExe: { exitCode } }, "P");
    return this;
  }

  /** A message popup step: the button pressed (index) and the operator's response. */
  messagePopup(name: string, popup: { button?: number; response?: string }, options: StepOptions = {}): this {
    const messagePopup = {
      response: popup.response === undefined ? null : this.#ctx.text.clean(popup.response, "popupResponse"),
      button: popup.button ?? null,
    };
    this.#step("MessagePopup", name, options, { messagePopup }, "P");
    return this;
  }

  /** Any other step type (`NI_Wait`, `Label`, `Statement`, ...) without a payload: `D` unless told otherwise. */
  generic(stepType: string, name: string, options: StepOptions = {}): this {
    this.#step(stepType, name, options, {}, "D");
    return this;
  }
}
