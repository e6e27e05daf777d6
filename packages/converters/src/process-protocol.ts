/** Messages between the conversion host and its conversion processes (over the IPC channel). */
import type { SerializedConversionError } from "./errors.js";
import type { ConverterDescriptor } from "./plugin-api.js";
import type { ConversionJob, ConversionOutcome } from "./run-conversion.js";

export type ProcessRequest =
  | { id: number; kind: "convert"; job: ConversionJob }
  | { id: number; kind: "describe"; module: string; source: string }
  | { id: number; kind: "detect"; modules: string[]; fileName: string; bytes: Uint8Array };

export type ProcessResponse =
  | { id: number; kind: "convert"; outcome: ConversionOutcome }
  | { id: number; kind: "describe"; ok: true; descriptor: ConverterDescriptor }
  | { id: number; kind: "describe"; ok: false; error: SerializedConversionError }
  | { id: number; kind: "detect"; scores: (number | undefined)[] };

/** The first message of a conversion process: it is ready for jobs. */
export interface ProcessReady {
  kind: "ready";
  /** Resident memory when idle, in bytes (the base its memory limit is counted from). */
  idleRss: number;
}

/** The extra pipe (fd 4 of the child) its memory watchdog reports on before it kills the process. */
export const WATCHDOG_FD = 4;
