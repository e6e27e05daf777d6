import type { WsjfReport } from "../generated/models.js";
import type { ReportResult } from "../model/codes.js";
import { serialiseReport } from "../model/serialise.js";
import type { AdditionalData, Asset, Report, Step } from "../model/types.js";
import { propagateStatus, resultFromStatus } from "../status.js";
import { type ValidateOptions, type ValidationResult, validateReport } from "../validate.js";
import { ReportBuilderBase, type ReportHeaderOptions } from "./header.js";
import { SequenceBuilder } from "./sequence.js";

export interface UutReportOptions extends ReportHeaderOptions {
  /** Test duration in seconds (`uut.execTime`, and the root's `totTime`). */
  execTime?: number;
  batchSN?: string;
  fixtureId?: string;
  /** -1 for a single-socket fixture. */
  testSocketIndex?: number;
  comment?: string;
  errorCode?: number;
  errorMessage?: string;
  batchFailCount?: number;
  batchLoopIndex?: number;
  /** Name of the root sequence call. Default "MainSequence Callback". */
  rootName?: string;
  /** Sequence file path of the root (inherited by child sequences). */
  sequenceFile?: string;
  sequenceVersion?: string;
  /**
   * `"active"` (default): statuses left out are computed from the limits and propagated up to
   * the result when the report is built. `"import"`: nothing is computed; every status is as
   * given, and the result is `result` (or the root's status).
   */
  mode?: "active" | "import";
  /** The report result in import mode; ignored in active mode, where it is computed. */
  result?: ReportResult;
}

/**
 * Builds a test (UUT) report:
 *
 * ```ts
 * const uut = new UutReport({ pn: "PCBA-1", sn: "SN001", rev: "A", processCode: 10, operator: "op",
 *   location: "Line 1", purpose: "Production" });
 * uut.root
 *   .sequence("Power", (s) => s
 *     .numericLimit("3V3 rail", { value: 3.31, low: 3.2, high: 3.4, unit: "V" })
 *     .passFail("LED on", true))
 *   .stringValue("Firmware", { value: "1.2.3", limit: "1.2.3" });
 * const report = uut.build(); // ids, statuses and result filled in; same id every time
 * ```
 */
export class UutReport extends ReportBuilderBase {
  /** The root sequence ("MainSequence Callback"): add the test steps here. */
  readonly root: SequenceBuilder;
  readonly #options: UutReportOptions;
  readonly #quiet = new WeakSet<Step>();
  readonly #assets: Asset[] = [];
  readonly #additionalData: AdditionalData[] = [];

  constructor(options: UutReportOptions) {
    super(options);
    this.#options = options;
    const rootName = options.rootName ?? "MainSequence Callback";
    const rootStep: Step = {
      group: "M",
      stepType: "SequenceCall",
      name: this.text.clean(rootName, "stepName"),
      status: null,
      seqCall: {
        path: options.sequenceFile ?? null,
        name: this.text.clean(rootName, "seqCallName"),
        version: options.sequenceVersion ?? null,
      },
      steps: [],
      causedUUTFailure: false,
    };
    if (options.execTime !== undefined) rootStep.totTime = options.execTime;
    this.root = new SequenceBuilder(rootStep, {
      text: this.text,
      quiet: this.#quiet,
      timeZone: this.timeZone,
    });
  }

  /** Adds a sub-unit (a part of this unit: PCBA, module, ...). Returns the builder. */
  subUnit(unit: { pn: string; sn: string; rev: string; partType?: string; position?: number }): this {
    const t = this.text;
    this.subUnits.push({
      ...(unit.partType !== undefined ? { partType: t.clean(unit.partType, "partType") } : {}),
      pn: t.clean(unit.pn, "pn"),
      rev: t.clean(unit.rev, "rev"),
      sn: t.clean(unit.sn, "sn"),
      ...(unit.position !== undefined ? { position: unit.position } : {}),
    });
    return this;
  }

  /** Records the use of an asset (fixture, instrument) by serial number. Returns the builder. */
  asset(assetSN: string, usageCount = 1): this {
    this.#assets.push({ assetSN: this.text.clean(assetSN, "assetSN"), usageCount });
    return this;
  }

  /** Adds free-form header data (TestStand "additional data"). Returns the builder. */
  additionalData(data: AdditionalData): this {
    this.#additionalData.push(structuredClone(data));
    return this;
  }

  /**
   * The report: a fresh object each call, with the same id. Step ids are numbered 1.. in
   * pre-order; in active mode statuses left out are computed and propagated to the result.
   */
  build(): Report {
    const o = this.#options;
    const t = this.text;
    const quiet = new WeakSet<Step>();
    const root = cloneTree(this.root.step, this.#quiet, quiet);
    let id = 1;
    const stack: Step[] = [root];
    while (stack.length > 0) {
      const step = stack.pop() as Step;
      step.id = id++;
      const children = step.steps ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Step);
    }
    const uut: NonNullable<Report["uut"]> = { user: t.clean(o.operator, "user") };
    if (o.execTime !== undefined) uut.execTime = o.execTime;
    if (o.testSocketIndex !== undefined) uut.testSocketIndex = o.testSocketIndex;
    if (o.batchSN !== undefined) uut.batchSN = t.clean(o.batchSN, "batchSN");
    if (o.comment !== undefined) uut.comment = t.clean(o.comment, "comment");
    if (o.errorCode !== undefined) uut.errorCode = o.errorCode;
    if (o.errorMessage !== undefined) uut.errorMessage = t.clean(o.errorMessage, "reportErrorMessage");
    if (o.fixtureId !== undefined) uut.fixtureId = t.clean(o.fixtureId, "fixtureId");
    if (o.batchFailCount !== undefined) uut.batchFailCount = o.batchFailCount;
    if (o.batchLoopIndex !== undefined) uut.batchLoopIndex = o.batchLoopIndex;
    const report: Report = {
      type: "T",
      ...this.header(),
      result: "P",
      root,
      uut,
      assets: structuredClone(this.#assets),
      additionalData: structuredClone(this.#additionalData),
    };
    if (o.mode === "import") report.result = o.result ?? resultFromStatus(root.status);
    else propagateStatus(report, { failsParent: (step) => !quiet.has(step) });
    return report;
  }

  /** `validateReport(this.build())`. */
  validate(options?: ValidateOptions): ValidationResult {
    return validateReport(this.build(), options);
  }

  /** The wire object: `serialiseReport(this.build())` (so `JSON.stringify(builder)` gives WSJF). */
  toJSON(): WsjfReport {
    return serialiseReport(this.build());
  }
}

/** A deep copy of a step tree that carries the builder-only "does not fail its parent" mark over. */
function cloneTree(step: Step, quietIn: WeakSet<Step>, quietOut: WeakSet<Step>): Step {
  const { steps, ...rest } = step;
  const copy: Step = structuredClone(rest);
  if (steps) copy.steps = steps.map((s) => cloneTree(s, quietIn, quietOut));
  if (quietIn.has(step)) quietOut.add(copy);
  return copy;
}
