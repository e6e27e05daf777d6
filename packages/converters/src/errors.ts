/**
 * Why a file could not be converted. Carries what the `.error.txt` file and the CLI print:
 * the kind of failure and, where known, the line, column and field.
 */
export type ConversionErrorKind =
  | "empty"
  | "binary"
  | "encoding"
  | "too-large"
  | "parse"
  | "content"
  | "validation"
  | "timeout"
  | "memory"
  | "crash"
  | "plugin"
  | "no-converter"
  | "io"
  /** Not a failure: the file's set is not complete yet (e.g. curve files still being written); try again later. */
  | "incomplete";

export interface ConversionErrorDetails {
  kind: ConversionErrorKind;
  line?: number;
  column?: number;
  field?: string;
  /** Every individual problem (e.g. every bad CSV row, every validation error). */
  problems?: string[];
  /** For kind "incomplete": how long to wait before converting the file again. */
  retryAfterMs?: number;
}

const BRAND = Symbol.for("tswats.ConversionError");

export class ConversionError extends Error {
  override readonly name = "ConversionError";
  readonly kind: ConversionErrorKind;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  readonly problems: string[];
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ConversionErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = details.kind;
    this.line = details.line;
    this.column = details.column;
    this.field = details.field;
    this.problems = details.problems ?? [];
    this.retryAfterMs = details.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static is(value: unknown): value is ConversionError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A structured-clone-safe form (for the worker boundary). */
  toJSON(): SerializedConversionError {
    return {
      message: this.message,
      kind: this.kind,
      ...(this.line !== undefined ? { line: this.line } : {}),
      ...(this.column !== undefined ? { column: this.column } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
      problems: this.problems,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }

  static fromJSON(data: SerializedConversionError): ConversionError {
    return new ConversionError(data.message, data);
  }

  /** Any thrown value as a ConversionError (plugins may throw anything). */
  static from(error: unknown, kind: ConversionErrorKind = "plugin"): ConversionError {
    if (ConversionError.is(error)) return error;
    if (error instanceof Error) {
      const e = error as Error & {
        line?: unknown;
        column?: unknown;
        field?: unknown;
        incomplete?: unknown;
        retryAfterMs?: unknown;
      };
      // A plugin that cannot import this class says "not complete yet" with `incomplete = true`.
      const incomplete = e.incomplete === true;
      return new ConversionError(
        `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`,
        {
          kind: incomplete ? "incomplete" : kind,
          ...(incomplete && typeof e.retryAfterMs === "number" ? { retryAfterMs: e.retryAfterMs } : {}),
          ...(typeof e.line === "number" ? { line: e.line } : {}),
          ...(typeof e.column === "number" ? { column: e.column } : {}),
          ...(typeof e.field === "string" ? { field: e.field } : {}),
        },
        { cause: error },
      );
    }
    return new ConversionError(`the converter threw ${describeThrown(error)}`, { kind });
  }
}

export interface SerializedConversionError extends ConversionErrorDetails {
  message: string;
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : `a non-Error value (${String(value)})`;
  } catch {
    return "a non-Error value";
  }
}

/** "line 4, column 12, field Value" (the parts that are known). */
export function locationText(e: {
  line?: number | undefined;
  column?: number | undefined;
  field?: string | undefined;
}): string {
  const parts: string[] = [];
  if (e.line !== undefined) parts.push(`line ${e.line}`);
  if (e.column !== undefined) parts.push(`column ${e.column}`);
  if (e.field !== undefined) parts.push(`field ${e.field}`);
  return parts.join(", ");
}
