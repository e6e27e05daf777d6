/**
 * Converter plugin API, version 1. A converter is an ES module whose default export (or whose
 * named export `converter`) is an object of this shape. The host checks `apiVersion` first and
 * refuses anything else with a clear error.
 */
import type { Report } from "@tswats/report";
import { ConversionError } from "./errors.js";

/** The plugin API version this host implements. */
export const CONVERTER_API_VERSION = 1 as const;

/** The declared type of one converter parameter. */
export type ParameterType = "string" | "number" | "integer" | "boolean" | "enum" | "string[]" | "object";

/** One declared parameter: its type, default and meaning. Config values are checked against it. */
export interface ParameterSpec {
  type: ParameterType;
  /** Used when the config gives no value. A parameter without a default and `required` must be configured. */
  default?: unknown;
  required?: boolean;
  /** For `enum`: the allowed values. */
  values?: readonly string[];
  /** For `number`/`integer`: bounds (inclusive). */
  min?: number;
  max?: number;
  description?: string;
}

export type ParameterSpecs = Readonly<Record<string, ParameterSpec>>;

/** What `detect` sees: the start of the file. */
export interface DetectSample {
  fileName: string;
  /** The first bytes of the file (at most 64 KiB). */
  bytes: Uint8Array;
  /** Those bytes decoded as text (BOM honoured; invalid UTF-8 replaced by U+FFFD). */
  text: string;
}

/** The file a conversion reads. */
export interface ConverterInput {
  /** Absolute path of the source file. */
  path: string;
  fileName: string;
  /** The file's bytes. */
  bytes: Uint8Array;
  /**
   * The file as text: UTF-8 (BOM optional), UTF-16 LE/BE with BOM, or the `encoding` given.
   * Throws a ConversionError (byte offset and line) for bytes that are not valid in that
   * encoding, for an empty file and for binary content (NUL characters).
   */
  text(encoding?: string): string;
}

/** What the host gives a conversion besides the file. */
export interface ConverterContext {
  /** The converter's parameters: config values over the declared defaults, type-checked. */
  parameters: Readonly<Record<string, unknown>>;
  /** The configured converter name. */
  converterName: string;
  /** Station name to use for `machineName` when the file does not say (may be undefined). */
  station: string | undefined;
  /**
   * The id the host will give report `index` of this file (derived from converter name and file
   * content). Pass it to the builders (`id`) if you like; the host sets it in any case.
   */
  reportId(index: number): string;
  /** Records a non-fatal problem (e.g. a skipped CSV row); logged and written beside the done file. */
  warn(message: string): void;
}

export type ConvertOutput = Report | readonly Report[];

export interface ConverterPluginV1 {
  apiVersion: 1;
  /** Unique name, used in the config's `converters[].name`. Letters, digits, `-`, `_`, `.`. */
  name: string;
  description?: string;
  /** Default file patterns the watcher takes (globs like `*.xml`, `**\/*.csv`); config `include` overrides. */
  filePatterns: readonly string[];
  /** Declared parameters with defaults. */
  parameters?: ParameterSpecs;
  /**
   * `"derive"` (default): the host gives every report an id derived from converter name, file
   * content and report index. `"keep-valid"`: a report that already carries a valid GUID keeps it
   * (for formats that store the report id, like WSJF and WSXF).
   */
  idPolicy?: "derive" | "keep-valid";
  /** How sure this converter is that it can read the file: 0 (no) .. 1 (certain). Used by `convert` without `--converter`. */
  detect?(sample: DetectSample): number;
  /** Reads the file; throw (a ConversionError for line/field detail) when it cannot. */
  convert(input: ConverterInput, context: ConverterContext): ConvertOutput | Promise<ConvertOutput>;
}

/** How long a watcher waits before it converts a file whose set was not complete (default of `notYetComplete`). */
export const DEFAULT_INCOMPLETE_RETRY_MS = 10_000;

/**
 * What a converter throws when its input is not complete yet (a summary file whose folder of
 * curve files is still being written, ...): the watcher leaves the file where it is and converts
 * it again after `retryAfterMs` (clamped to 1 s .. 10 min); `convert` on the command line fails
 * with this message. Not a failure of the file: it is not moved to `Error/`. The converter decides
 * when to stop waiting (e.g. by the file's age) and then converts what it has, with warnings, or
 * fails. A plugin that cannot import this may throw any Error with `incomplete = true` (and
 * optionally `retryAfterMs`).
 */
export function notYetComplete(message: string, retryAfterMs = DEFAULT_INCOMPLETE_RETRY_MS): ConversionError {
  return new ConversionError(message, { kind: "incomplete", retryAfterMs });
}

/** Identity helper that gives plugin authors type checking: `export default defineConverter({...})`. */
export function defineConverter<T extends ConverterPluginV1>(plugin: T): T {
  return plugin;
}

/** A plugin's metadata as the host keeps it (serialisable: it crosses the worker boundary). */
export interface ConverterDescriptor {
  name: string;
  description: string;
  filePatterns: string[];
  parameters: Record<string, ParameterSpec>;
  idPolicy: "derive" | "keep-valid";
  hasDetect: boolean;
  /** "standard", or the plugin's module URL. */
  source: string;
  /** What the worker imports: `standard:<name>` or a file URL. */
  module: string;
}
