/** Messages between the conversion host and its workers. */
import type { SerializedConversionError } from "./errors.js";
import type { ConverterDescriptor } from "./plugin-api.js";
import type { ConversionJob, ConversionOutcome } from "./run-conversion.js";

export type WorkerRequest =
  | { id: number; kind: "convert"; job: ConversionJob }
  | { id: number; kind: "describe"; module: string; source: string }
  | { id: number; kind: "detect"; modules: string[]; fileName: string; bytes: Uint8Array };

export type WorkerResponse =
  | { id: number; kind: "convert"; outcome: ConversionOutcome }
  | { id: number; kind: "describe"; ok: true; descriptor: ConverterDescriptor }
  | { id: number; kind: "describe"; ok: false; error: SerializedConversionError }
  | { id: number; kind: "detect"; scores: (number | undefined)[] };
