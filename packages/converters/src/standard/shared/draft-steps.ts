/**
 * Steps collected while a file is read, before the report exists (testers write header lines,
 * such as a part number override, after the first tests). `addDraftSteps` turns them into
 * builder calls; `textOverflows` finds the texts WATS would not store whole, so the converter
 * can say so instead of cutting them silently.
 */
import {
  type Named,
  type NumericInput,
  type SequenceBuilder,
  type StepOptions,
  type StringInput,
  TEXT_LIMITS,
} from "@tswats/report";

interface DraftBase {
  name: string;
  options: StepOptions;
  /** Source line, for messages. */
  line?: number;
}

export type DraftStep =
  | (DraftBase & { kind: "numeric"; measurement: NumericInput })
  | (DraftBase & { kind: "multiNumeric"; measurements: Named<NumericInput>[] })
  | (DraftBase & { kind: "passFail"; passed: boolean })
  | (DraftBase & { kind: "string"; measurement: StringInput })
  | (DraftBase & { kind: "action" })
  | (DraftBase & { kind: "sequence"; steps: DraftStep[] });

/** Adds the drafts to `sequence` (recursively), in order. */
export function addDraftSteps(sequence: SequenceBuilder, drafts: readonly DraftStep[]): void {
  for (const d of drafts) {
    switch (d.kind) {
      case "numeric":
        sequence.numericLimit(d.name, d.measurement, d.options);
        break;
      case "multiNumeric":
        sequence.multiNumericLimit(d.name, d.measurements, d.options);
        break;
      case "passFail":
        sequence.passFail(d.name, d.passed, d.options);
        break;
      case "string":
        sequence.stringValue(d.name, d.measurement, d.options);
        break;
      case "action":
        sequence.action(d.name, d.options);
        break;
      case "sequence":
        addDraftSteps(sequence.addSequence(d.name, d.options), d.steps);
        break;
    }
  }
}

/** Number of steps (sequences included) in a draft tree. */
export function countDraftSteps(drafts: readonly DraftStep[]): number {
  let n = 0;
  for (const d of drafts) n += 1 + (d.kind === "sequence" ? countDraftSteps(d.steps) : 0);
  return n;
}

/** What is too long for WATS in a draft tree: field label -> occurrences (with lines). */
export function textOverflows(drafts: readonly DraftStep[], out = new Map<string, (number | undefined)[]>()) {
  const check = (label: string, text: string | undefined, limit: number, line: number | undefined) => {
    if (text !== undefined && text.length > limit && [...text].length > limit) {
      let list = out.get(label);
      if (!list) {
        list = [];
        out.set(label, list);
      }
      list.push(line);
    }
  };
  for (const d of drafts) {
    check(`step name (limit ${TEXT_LIMITS.stepName})`, d.name, TEXT_LIMITS.stepName, d.line);
    check(
      `report text (limit ${TEXT_LIMITS.reportText})`,
      d.options.reportText,
      TEXT_LIMITS.reportText,
      d.line,
    );
    check(
      `step error message (limit ${TEXT_LIMITS.stepErrorMessage})`,
      d.options.errorMessage,
      TEXT_LIMITS.stepErrorMessage,
      d.line,
    );
    const units =
      d.kind === "numeric"
        ? [d.measurement.unit]
        : d.kind === "multiNumeric"
          ? d.measurements.map((m) => m.unit)
          : [];
    for (const u of units) check(`unit (limit ${TEXT_LIMITS.unit})`, u, TEXT_LIMITS.unit, d.line);
    if (d.kind === "multiNumeric")
      for (const m of d.measurements)
        check(
          `measurement name (limit ${TEXT_LIMITS.measurementName})`,
          m.name,
          TEXT_LIMITS.measurementName,
          d.line,
        );
    if (d.kind === "string") {
      check(
        `string value (limit ${TEXT_LIMITS.stringValue})`,
        d.measurement.value,
        TEXT_LIMITS.stringValue,
        d.line,
      );
      check(
        `string limit (limit ${TEXT_LIMITS.stringValue})`,
        d.measurement.limit,
        TEXT_LIMITS.stringValue,
        d.line,
      );
    }
    if (d.kind === "sequence") textOverflows(d.steps, out);
  }
  return out;
}
