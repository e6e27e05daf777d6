/** Small pieces several converters need when they fill a report builder. */
import type { MeasurementStatus, StepStatus, UutReport } from "@tswats/report";

/** Sets the root sequence's name and version (the "sequence" WATS shows for the report). */
export function setRootSequence(builder: UutReport, name: string | undefined, version?: string): void {
  const seqCall = builder.root.step.seqCall;
  if (!seqCall) return;
  if (name !== undefined && name.trim() !== "") seqCall.name = name;
  if (version !== undefined && version.trim() !== "") seqCall.version = version;
}

/**
 * The status a measurement gets inside a step of status `step`: the step's own P/F/S, or for
 * steps that end otherwise (Error, Terminated, Done) what the limits say (`evaluated`), else P.
 */
export function measurementStatusIn(step: StepStatus, evaluated: "P" | "F" | undefined): MeasurementStatus {
  if (step === "P" || step === "F" || step === "S") return step;
  return evaluated ?? "P";
}

/** "name=value" lines for reportText, joined with line breaks (undefined when there are none). */
export function reportLines(lines: readonly string[]): string | undefined {
  return lines.length > 0 ? lines.join("\n") : undefined;
}
