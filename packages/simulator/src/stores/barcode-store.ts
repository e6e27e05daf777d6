/** Barcode identifiers: regular expressions that split a scanned code into unit fields. */
import type { BarcodeIdentifier } from "@tswats/barcode-identifiers";
import { badRequest, notFound } from "../errors.js";
import { isBlank } from "./keys.js";

const FIELDS = ["serialNumber", "partNumber", "revision", "batchNumber", "process"] as const;

export class BarcodeStore {
  readonly #identifiers: BarcodeIdentifier[] = [];
  #nextId = 1;

  list(): BarcodeIdentifier[] {
    return [...this.#identifiers].sort(
      (a, b) => (a.order ?? 0) - (b.order ?? 0) || (a.id ?? 0) - (b.id ?? 0),
    );
  }

  /**
   * Adds or (with an existing `id`) updates an identifier. `pattern` is a regular expression whose
   * named groups (`serialNumber`, `partNumber`, `revision`, `batchNumber`, `process`) pick the fields.
   */
  put(input: BarcodeIdentifier): BarcodeIdentifier {
    if (isBlank(input.pattern)) throw badRequest("The barcode identifier field 'pattern' is required.");
    try {
      new RegExp(input.pattern);
    } catch (error) {
      throw badRequest(`The pattern is not a valid regular expression: ${(error as Error).message}`);
    }
    const existing = input.id ? this.#identifiers.find((b) => b.id === input.id) : undefined;
    if (input.id && !existing) throw badRequest(`No barcode identifier has id ${input.id}.`);
    const stored: BarcodeIdentifier = {
      ...existing,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      id: existing?.id ?? this.#nextId++,
      order: input.order ?? existing?.order ?? this.#identifiers.length,
    };
    if (existing) this.#identifiers[this.#identifiers.indexOf(existing)] = stored;
    else this.#identifiers.push(stored);
    return stored;
  }

  delete(id: number): BarcodeIdentifier {
    const index = this.#identifiers.findIndex((b) => b.id === id);
    if (index < 0) throw notFound(`Barcode identifier ${id} was not found.`);
    return this.#identifiers.splice(index, 1)[0] as BarcodeIdentifier;
  }

  /**
   * Splits a code with the first matching identifier, else with the default format
   * `SerialNumber/PartNumber/Revision/BatchNumber/Process`.
   */
  identify(code: string): BarcodeIdentifier {
    for (const identifier of this.list()) {
      const match = new RegExp(identifier.pattern as string).exec(code);
      if (!match) continue;
      const out: BarcodeIdentifier = { ...identifier };
      for (const field of FIELDS) out[field] = match.groups?.[field] ?? null;
      return out;
    }
    const parts = code.split("/");
    const out: BarcodeIdentifier = { id: null, pattern: null, order: null, description: "Default format" };
    FIELDS.forEach((field, i) => {
      out[field] = parts[i] === undefined || parts[i] === "" ? null : (parts[i] as string);
    });
    return out;
  }
}
