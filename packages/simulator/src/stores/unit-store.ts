/** Production units: phase, process, parent/child relations, batches and the change feed. */
import type { ProductionBatch, Unit, UnitChange, UnitPhase } from "@tswats/production";
import { badRequest, notFound } from "../errors.js";
import { isBlank, keyOf } from "./keys.js";

/** The unit phases WATS documents for `PUT /api/Production/SetUnitPhase` (the `UnitPhase` codes), named as WATS shows them. */
export const UNIT_PHASES: Readonly<Record<UnitPhase, string>> = {
  1: "Unknown",
  2: "Under production",
  4: "Production repair",
  8: "Service repair",
  16: "Finalized",
  32: "Scrapped",
  64: "Extended test",
  128: "Customization",
  256: "Repaired",
  512: "Missing",
  1024: "In storage",
  2048: "Shipped",
  4098: "Under production - queued",
  4100: "Production repair - queued",
  4104: "Service repair - queued",
};

export const PHASE_FINALIZED = 16;
export const PHASE_UNDER_PRODUCTION = 2;

export function isUnitPhase(value: number): value is UnitPhase {
  return Object.hasOwn(UNIT_PHASES, value);
}

export interface StoredUnit {
  serialNumber: string;
  partNumber: string;
  revision: string | null;
  parentSerialNumber: string | null;
  parentPartNumber: string | null;
  batchNumber: string | null;
  serialDate: string;
  currentLocation: string | null;
  xmlData: string | null;
  unitPhaseId: UnitPhase;
  processCode: string | null;
  tags: NonNullable<Unit["tags"]>;
  /** Workflow: a test activity started with StartTest and not yet ended. */
  testInProgress: boolean;
}

export class UnitStore {
  readonly #units = new Map<string, StoredUnit>();
  readonly #changes: UnitChange[] = [];
  readonly #batches = new Map<string, ProductionBatch>();
  #nextChangeId = 1;

  /** The unit by serial number and (optional) part number; 404 when absent, 400 when ambiguous. */
  find(serialNumber: string, partNumber?: string | null): StoredUnit | undefined {
    if (!isBlank(partNumber)) return this.#units.get(keyOf(partNumber, serialNumber));
    const matches = [...this.#units.values()].filter((u) => keyOf(u.serialNumber) === keyOf(serialNumber));
    if (matches.length > 1) {
      throw badRequest(
        `Serial number '${serialNumber}' is used by several part numbers; give the part number.`,
      );
    }
    return matches[0];
  }

  require(serialNumber: string, partNumber?: string | null): StoredUnit {
    const unit = this.find(serialNumber, partNumber);
    if (!unit) {
      throw notFound(
        `Unit '${serialNumber}'${isBlank(partNumber) ? "" : ` with part number '${partNumber}'`} was not found.`,
      );
    }
    return unit;
  }

  list(): StoredUnit[] {
    return [...this.#units.values()];
  }

  children(parent: StoredUnit): StoredUnit[] {
    return this.list().filter(
      (u) =>
        keyOf(u.parentSerialNumber) === keyOf(parent.serialNumber) &&
        keyOf(u.parentPartNumber) === keyOf(parent.partNumber),
    );
  }

  /** Adds or updates a unit (by part number + serial number) and records the change. */
  upsert(input: Unit, now: string): StoredUnit {
    if (isBlank(input.serialNumber)) throw badRequest("The unit field 'serialNumber' is required.");
    if (isBlank(input.partNumber)) throw badRequest("The unit field 'partNumber' is required.");
    if (input.unitPhaseId !== undefined && input.unitPhaseId !== null && !isUnitPhase(input.unitPhaseId)) {
      throw badRequest(`Unit phase ${input.unitPhaseId} does not exist.`);
    }
    const existing = this.#units.get(keyOf(input.partNumber, input.serialNumber));
    let parentPartNumber = existing?.parentPartNumber ?? null;
    if (input.parentSerialNumber !== undefined) {
      if (isBlank(input.parentSerialNumber)) parentPartNumber = null;
      else parentPartNumber = this.require(input.parentSerialNumber).partNumber;
    }
    const unit: StoredUnit = {
      serialNumber: existing?.serialNumber ?? input.serialNumber,
      partNumber: existing?.partNumber ?? input.partNumber,
      revision: input.revision ?? existing?.revision ?? null,
      parentSerialNumber:
        input.parentSerialNumber === undefined
          ? (existing?.parentSerialNumber ?? null)
          : isBlank(input.parentSerialNumber)
            ? null
            : input.parentSerialNumber,
      parentPartNumber,
      batchNumber: input.batchNumber ?? existing?.batchNumber ?? null,
      serialDate: input.serialDate ?? existing?.serialDate ?? now,
      currentLocation: input.currentLocation ?? existing?.currentLocation ?? null,
      xmlData: input.xmlData ?? existing?.xmlData ?? null,
      unitPhaseId: input.unitPhaseId ?? existing?.unitPhaseId ?? PHASE_UNDER_PRODUCTION,
      processCode: input.processCode ?? existing?.processCode ?? null,
      tags: input.tags ?? existing?.tags ?? [],
      testInProgress: existing?.testInProgress ?? false,
    };
    this.#units.set(keyOf(unit.partNumber, unit.serialNumber), unit);
    if (
      !existing ||
      existing.parentSerialNumber !== unit.parentSerialNumber ||
      existing.revision !== unit.revision ||
      existing.unitPhaseId !== unit.unitPhaseId
    ) {
      this.recordChange(unit);
    }
    return unit;
  }

  setPhase(unit: StoredUnit, phase: number): void {
    if (!isUnitPhase(phase)) {
      throw badRequest(
        `Unit phase ${phase} does not exist; use one of ${Object.keys(UNIT_PHASES).join(", ")}.`,
      );
    }
    if (unit.unitPhaseId !== phase) {
      unit.unitPhaseId = phase;
      this.recordChange(unit);
    }
  }

  setParent(child: StoredUnit, parent: StoredUnit | null): void {
    child.parentSerialNumber = parent?.serialNumber ?? null;
    child.parentPartNumber = parent?.partNumber ?? null;
    this.recordChange(child);
  }

  recordChange(unit: StoredUnit): void {
    this.#changes.push({
      id: this.#nextChangeId++,
      unitSerialNumber: unit.serialNumber,
      newParentSerialNumber: unit.parentSerialNumber,
      newPartNumber: unit.partNumber,
      newRevision: unit.revision,
      newUnitPhaseId: unit.unitPhaseId,
    });
  }

  changes(maxCount: number): UnitChange[] {
    return this.#changes.slice(0, maxCount);
  }

  deleteChange(id: number): UnitChange {
    const index = this.#changes.findIndex((c) => c.id === id);
    if (index < 0) throw notFound(`Unit change ${id} was not found.`);
    return this.#changes.splice(index, 1)[0] as UnitChange;
  }

  putBatch(batch: ProductionBatch): ProductionBatch {
    if (isBlank(batch.batchNumber)) throw badRequest("Each batch needs a 'batchNumber'.");
    const stored = { batchNumber: batch.batchNumber, batchSize: batch.batchSize ?? null };
    this.#batches.set(keyOf(batch.batchNumber), stored);
    return stored;
  }

  batches(): ProductionBatch[] {
    return [...this.#batches.values()];
  }
}
