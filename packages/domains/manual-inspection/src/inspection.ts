import { type CallOptions, WatsValidationError } from "@tswats/core";
import type {
  GetSequencesParams,
  ManualInspectionInternalService,
  PutSequenceResult,
  Step,
} from "./generated/internal/index.js";

/** What the operator recorded for one step. */
export interface StepOutcome {
  /** The step's result code, as the server's `Step.result` enum has it. */
  result: NonNullable<Step["result"]>;
  comment?: string;
  operator?: string;
  /** Seconds the step took. */
  execTime?: number;
}

/** Decides each step's outcome; `undefined` leaves the step as the server sent it. */
export type StepDecider = (step: Step, index: number) => StepOutcome | undefined;

/**
 * The steps with the outcomes `decide` gives applied, as new objects (the input is not changed).
 * The outcome's fields replace the step's; fields it leaves out stay as they were.
 */
export function recordStepOutcomes(steps: readonly Step[], decide: StepDecider): Step[] {
  return steps.map((step, index) => {
    const outcome = decide(step, index);
    return outcome === undefined ? { ...step } : { ...step, ...outcome };
  });
}

/**
 * The inspection steps that apply to a unit at a station: the steps of every inspection sequence
 * the server selects for it (`GET /api/internal/ManualInspection/GetSequences`).
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export function fetchInspectionSteps(
  service: Pick<ManualInspectionInternalService, "getSequences">,
  unit: GetSequencesParams,
  options?: CallOptions,
): Promise<Step[]> {
  return service.getSequences(unit, options);
}

const OPERATION = "putSequence";

/**
 * Submits a completed manual inspection: `PUT /api/internal/ManualInspection/PutSequence` with
 * `submit=true` (without it the server only stores the sequence). Checks first that there is
 * something to submit and that every step says which step it is (its definition and id, unique),
 * so a wrong step list fails here with a WatsValidationError, before the server sees it.
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function submitManualInspection(
  service: Pick<ManualInspectionInternalService, "putSequence">,
  steps: readonly Step[],
  options?: CallOptions & { returnRootSequence?: boolean },
): Promise<PutSequenceResult> {
  const { returnRootSequence, ...callOptions } = options ?? {};
  checkSteps(steps);
  return service.putSequence(
    { submit: true, ...(returnRootSequence === undefined ? {} : { returnRootSequence }) },
    [...steps],
    callOptions,
  );
}

/**
 * Runs a manual inspection end to end: fetches the unit's steps, records the outcomes `decide`
 * gives, and submits them. Returns the steps as submitted and the server's answer.
 * @experimental Built on the internal WATS API (unsupported by Virinco, may change).
 */
export async function runManualInspection(
  service: Pick<ManualInspectionInternalService, "getSequences" | "putSequence">,
  unit: GetSequencesParams,
  decide: StepDecider,
  options?: CallOptions & { returnRootSequence?: boolean },
): Promise<{ steps: Step[]; answer: PutSequenceResult }> {
  const { returnRootSequence, ...callOptions } = options ?? {};
  const steps = recordStepOutcomes(await fetchInspectionSteps(service, unit, callOptions), decide);
  const answer = await submitManualInspection(service, steps, {
    ...callOptions,
    ...(returnRootSequence === undefined ? {} : { returnRootSequence }),
  });
  return { steps, answer };
}

function checkSteps(steps: readonly Step[]): void {
  if (steps.length === 0) {
    throw new WatsValidationError(`${OPERATION}: there are no steps to submit`, { operation: OPERATION });
  }
  const seen = new Set<string>();
  for (const [index, step] of steps.entries()) {
    if (typeof step.definitionId !== "string" || typeof step.id !== "number") {
      throw new WatsValidationError(
        `${OPERATION}: step ${index} ("${step.name ?? "?"}") has no definitionId and id: send the steps the server gave`,
        { operation: OPERATION },
      );
    }
    const key = `${step.definitionId.toLowerCase()}#${step.id}`;
    if (seen.has(key)) {
      throw new WatsValidationError(
        `${OPERATION}: step ${step.id} of definition ${step.definitionId} is in the list twice`,
        { operation: OPERATION },
      );
    }
    seen.add(key);
  }
}
