import type { WsjfReport } from "../generated/models.js";
import { canonicalGuid } from "../guid.js";
import type { ReportResult } from "../model/codes.js";
import { serialiseReport } from "../model/serialise.js";
import type { BinaryData, Failure, Report, SubUnit } from "../model/types.js";
import { type ValidateOptions, type ValidationResult, validateReport } from "../validate.js";
import { ReportBuilderBase, type ReportHeaderOptions } from "./header.js";
import { type AttachmentInput, binaryData } from "./inputs.js";
import type { UutReport } from "./uut-report.js";

export interface UurReportOptions extends ReportHeaderOptions {
  /** The test operation during which the failure was found (`uur.processCode`), e.g. 90 "Burn In test". */
  testProcessCode: number;
  /** Id of the failed test report being repaired. */
  refUut?: string;
  comment?: string;
  /** Seconds spent on the repair. */
  execTime?: number;
  confirmDate?: Date | string;
  finalizeDate?: Date | string;
  /** Id of the repair this one is a sub-repair of. */
  parent?: string;
  /** The report result; default `P` (the repair was done). */
  result?: ReportResult;
  /** Part type of the repaired unit (sub-unit 0). Default "Main". */
  partType?: string;
}

export interface FailureInput {
  /** Top level of the repair type's fail-code tree, e.g. "Component". */
  category: string;
  /** Fail code within the category, e.g. "Burned Component". */
  code: string;
  comment?: string;
  /** Component reference, e.g. "U1". */
  comRef?: string;
  funcBlock?: string;
  /** Id of the step of the referenced test report that revealed the failure (0 = none). */
  refStepId?: number;
  artNumber?: string;
  artRev?: string;
  artVendor?: string;
  artDescription?: string;
  attachments?: readonly AttachmentInput[];
  /** Index of the sub-unit where the failure was found; default 0, the repaired unit. */
  unitIdx?: number;
}

export interface PartInput {
  pn: string;
  sn: string;
  rev: string;
  partType?: string;
  /** Index of this unit; default the next free one. */
  idx?: number;
  /** Index of the unit it sits in; default 0. */
  parentIdx?: number;
  position?: number;
  /** Index of the unit that replaced this one. */
  replacedIdx?: number;
}

/**
 * Builds a repair (UUR) report: the repaired unit is sub-unit 0; failures are recorded on the
 * unit where they were found; parts involved are further sub-units.
 *
 * ```ts
 * const uur = UurReport.forUut(failedUutReport, { processCode: 500, operator: "repair-op",
 *   location: "Repair bench", purpose: "Repair" });
 * uur.failure({ category: "Component", code: "Burned Component", comRef: "U1" });
 * ```
 */
export class UurReport extends ReportBuilderBase {
  readonly #options: UurReportOptions;
  readonly #binaryData: BinaryData[] = [];

  constructor(options: UurReportOptions) {
    super(options);
    this.#options = options;
    if (options.refUut !== undefined && canonicalGuid(options.refUut) === undefined) {
      throw new RangeError(`refUut must be a report id (GUID), not ${JSON.stringify(options.refUut)}`);
    }
    this.subUnits.push({
      partType: this.text.clean(options.partType ?? "Main", "partType"),
      pn: this.text.clean(options.pn, "pn"),
      rev: this.text.clean(options.rev, "rev"),
      sn: this.text.clean(options.sn, "sn"),
      idx: 0,
    });
  }

  /**
   * A repair of the unit a test report is about: part, serial and revision, the test report as
   * `refUut` and its operation as `testProcessCode` are taken from it.
   */
  static forUut(
    uut: Report | UutReport,
    options: Omit<UurReportOptions, "pn" | "sn" | "rev" | "refUut" | "testProcessCode"> &
      Partial<Pick<UurReportOptions, "testProcessCode">>,
  ): UurReport {
    const report = "build" in uut ? uut.build() : uut;
    const { pn, sn, rev, id, processCode } = report;
    if (
      typeof pn !== "string" ||
      typeof sn !== "string" ||
      typeof rev !== "string" ||
      typeof id !== "string"
    ) {
      throw new TypeError("UurReport.forUut: the test report needs pn, sn, rev and id");
    }
    const testProcessCode = options.testProcessCode ?? processCode;
    if (typeof testProcessCode !== "number") throw new TypeError("UurReport.forUut: no test process code");
    return new UurReport({ ...options, pn, sn, rev, refUut: id, testProcessCode });
  }

  #unit(idx: number): SubUnit {
    const unit = this.subUnits.find((u) => u.idx === idx);
    if (!unit) throw new RangeError(`no sub-unit with idx ${idx}`);
    return unit;
  }

  /** Adds a part involved in the repair (a replaced component, a sub-assembly). Returns the builder. */
  part(part: PartInput): this {
    const t = this.text;
    const idx = part.idx ?? Math.max(...this.subUnits.map((u) => u.idx ?? 0)) + 1;
    if (this.subUnits.some((u) => u.idx === idx)) throw new RangeError(`sub-unit idx ${idx} is already used`);
    const unit: SubUnit = {
      ...(part.partType !== undefined ? { partType: t.clean(part.partType, "partType") } : {}),
      pn: t.clean(part.pn, "pn"),
      rev: t.clean(part.rev, "rev"),
      sn: t.clean(part.sn, "sn"),
      idx,
      parentIdx: part.parentIdx ?? 0,
    };
    if (part.position !== undefined) unit.position = part.position;
    if (part.replacedIdx !== undefined) unit.replacedIdx = part.replacedIdx;
    this.subUnits.push(unit);
    return this;
  }

  /** Records a failure on the repaired unit (or on the part `unitIdx`). Returns the builder. */
  failure(input: FailureInput): this {
    const t = this.text;
    const opt = (text: string | undefined) => (text === undefined ? null : t.clean(text, "failureText"));
    const failure: Failure = {
      artNumber: opt(input.artNumber),
      artRev: opt(input.artRev),
      artVendor: opt(input.artVendor),
      artDescription: opt(input.artDescription),
      category: t.clean(input.category, "failureText"),
      code: t.clean(input.code, "failureText"),
      comment: input.comment === undefined ? null : t.clean(input.comment, "failureComment"),
      comRef: opt(input.comRef),
      funcBlock: opt(input.funcBlock),
      refStepId: input.refStepId ?? 0,
    };
    if (input.attachments && input.attachments.length > 0) {
      failure.attachments = input.attachments.map((a) => binaryData(a, t));
    }
    const unit = this.#unit(input.unitIdx ?? 0);
    unit.failures ??= [];
    unit.failures.push(failure);
    return this;
  }

  /** Attaches a file to the repair report itself. Returns the builder. */
  attachment(input: AttachmentInput): this {
    this.#binaryData.push(binaryData(input, this.text));
    return this;
  }

  /** The report: a fresh object each call, with the same id. */
  build(): Report {
    const o = this.#options;
    const t = this.text;
    const uur: NonNullable<Report["uur"]> = {
      user: t.clean(o.operator, "user"),
      processCode: o.testProcessCode,
      comment: o.comment === undefined ? null : t.clean(o.comment, "comment"),
      refUUT: o.refUut === undefined ? null : (canonicalGuid(o.refUut) ?? o.refUut),
      confirmDate: o.confirmDate === undefined ? null : this.dateTime(o.confirmDate),
      finalizeDate: o.finalizeDate === undefined ? null : this.dateTime(o.finalizeDate),
      execTime: o.execTime ?? null,
      parent: o.parent === undefined ? null : (canonicalGuid(o.parent) ?? o.parent),
    };
    const report: Report = { type: "R", ...this.header(), result: o.result ?? "P", uur };
    if (this.#binaryData.length > 0) report.binaryData = structuredClone(this.#binaryData);
    return report;
  }

  /** `validateReport(this.build())`. */
  validate(options?: ValidateOptions): ValidationResult {
    return validateReport(this.build(), options);
  }

  /** The wire object: `serialiseReport(this.build())`. */
  toJSON(): WsjfReport {
    return serialiseReport(this.build());
  }
}
