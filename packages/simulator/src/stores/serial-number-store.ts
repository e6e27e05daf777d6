/** Serial number types and their pools of free and taken serial numbers. */
import type { SerialNumberType } from "@tswats/production";
import { badRequest, notFound } from "../errors.js";
import { isBlank, keyOf } from "./keys.js";

/** One serial number of a pool (shape of the ByRange/ByReference/Take answers). */
export interface SerialNumberRecord {
  serialNumber: string;
  serialNumberType: string;
  generated: string;
  taken: boolean;
  takenDate: string | null;
  refSN: string | null;
  refPN: string | null;
  stationName: string | null;
}

interface Pool {
  type: SerialNumberType & { name: string };
  numbers: SerialNumberRecord[];
}

export class SerialNumberStore {
  readonly #pools = new Map<string, Pool>();

  types(): SerialNumberType[] {
    return [...this.#pools.values()].map((p) => p.type);
  }

  addType(type: SerialNumberType & { name: string }): void {
    this.#pools.set(keyOf(type.name), { type, numbers: [] });
  }

  #pool(typeName: string | undefined): Pool {
    if (isBlank(typeName)) throw badRequest("The query parameter 'serialNumberType' is required.");
    const pool = this.#pools.get(keyOf(typeName));
    if (!pool) throw notFound(`Serial number type '${typeName}' was not found.`);
    return pool;
  }

  /** Adds serial numbers to a type's pool; returns how many were new. */
  add(typeName: string, serialNumbers: readonly string[], now: string): number {
    const pool = this.#pool(typeName);
    const regEx = pool.type.regEx ? new RegExp(pool.type.regEx) : undefined;
    const known = new Set(pool.numbers.map((n) => keyOf(n.serialNumber)));
    let added = 0;
    for (const serialNumber of serialNumbers) {
      if (regEx && !regEx.test(serialNumber)) {
        throw badRequest(
          `Serial number '${serialNumber}' does not match the format of type '${pool.type.name}' (${pool.type.regEx}).`,
        );
      }
      if (known.has(keyOf(serialNumber))) continue;
      known.add(keyOf(serialNumber));
      pool.numbers.push({
        serialNumber,
        serialNumberType: pool.type.name,
        generated: now,
        taken: false,
        takenDate: null,
        refSN: null,
        refPN: null,
        stationName: null,
      });
      added++;
    }
    pool.numbers.sort((a, b) =>
      a.serialNumber < b.serialNumber ? -1 : a.serialNumber > b.serialNumber ? 1 : 0,
    );
    return added;
  }

  /**
   * Takes up to `quantity` free numbers in order (all that are left when fewer). With
   * `onlyInSequence` the numbers must be consecutive in the pool and a long enough run must exist.
   */
  take(
    typeName: string,
    quantity: number,
    ref: { refSN: string | null; refPN: string | null; stationName: string | null },
    onlyInSequence: boolean,
    now: string,
  ): SerialNumberRecord[] {
    const pool = this.#pool(typeName);
    if (quantity < 1) throw badRequest("The query parameter 'quantity' must be at least 1.");
    let chosen: SerialNumberRecord[];
    if (onlyInSequence) {
      let run: SerialNumberRecord[] = [];
      chosen = [];
      for (const record of pool.numbers) {
        run = record.taken ? [] : [...run, record];
        if (run.length === quantity) {
          chosen = run;
          break;
        }
      }
      if (chosen.length < quantity) {
        throw badRequest(
          `No run of ${quantity} consecutive free serial numbers is left in type '${pool.type.name}'.`,
        );
      }
    } else {
      chosen = pool.numbers.filter((r) => !r.taken).slice(0, quantity);
    }
    for (const record of chosen) {
      record.taken = true;
      record.takenDate = now;
      record.refSN = ref.refSN;
      record.refPN = ref.refPN;
      record.stationName = ref.stationName;
    }
    return chosen;
  }

  /** Numbers of a type, optionally limited to an address range and generation dates. */
  range(
    typeName: string,
    from: {
      startAddress?: string | undefined;
      endAddress?: string | undefined;
      startDate?: number | undefined;
      endDate?: number | undefined;
    },
  ): SerialNumberRecord[] {
    const pool = this.#pool(typeName);
    return pool.numbers.filter(
      (r) =>
        (isBlank(from.startAddress) || r.serialNumber >= from.startAddress) &&
        (isBlank(from.endAddress) || r.serialNumber <= from.endAddress) &&
        (from.startDate === undefined || Date.parse(r.generated) >= from.startDate) &&
        (from.endDate === undefined || Date.parse(r.generated) <= from.endDate),
    );
  }

  byReference(typeName: string, refSN: string | undefined, refPN: string | undefined): SerialNumberRecord[] {
    if (isBlank(refSN) && isBlank(refPN)) {
      throw badRequest("Give the query parameter 'refSN' or 'refPN' (or both).");
    }
    return this.#pool(typeName).numbers.filter(
      (r) =>
        r.taken &&
        (isBlank(refSN) || keyOf(r.refSN) === keyOf(refSN)) &&
        (isBlank(refPN) || keyOf(r.refPN) === keyOf(refPN)),
    );
  }
}
