/**
 * What crosses between the caller's thread and the engine worker: plain, structured-cloneable
 * data only (never a Response, Headers, AbortSignal or function), and JSON answer bodies as
 * transferred UTF-8 bytes (see EngineResponse).
 *
 * The caller posts a request on its MessagePort and blocks in `Atomics.wait` on a shared
 * counter. The engine posts the response on its port, then bumps the counter and notifies; the
 * caller wakes and takes the message with `receiveMessageOnPort`. Every request carries an id
 * and the caller drops any response whose id is not the one it waits for.
 */
import type { MessagePort } from "node:worker_threads";
import type { LogLevel } from "@tswats/core";
import type { WireError } from "./wire-error.js";

/** Int32 slots of the shared signal buffer. */
export const SIGNAL_SEQ = 0;
/** Engine state slot: set to ENGINE_EXITED by the engine as its thread ends. */
export const SIGNAL_STATE = 1;
export const ENGINE_EXITED = 2;
export const SIGNAL_SLOTS = 2;

/** Marker set on the engine thread's global object: a sync facade there would deadlock. */
export const ENGINE_THREAD_MARK = Symbol.for("tswats.sync.engineThread");

/** A method call as it crosses to the engine (a field that is not needed is left out). */
export interface MethodCall {
  domain: string;
  method: string;
  args: unknown[];
  /** Set when the caller gave one (per call or by `withCorrelationId`). */
  correlationId?: string | undefined;
  /** Answer `{ data, response }` (the call's `.withResponse()`), headers as name/value pairs. */
  withResponse?: boolean | undefined;
  /** Arguments that cross as their JSON text, null in `args` (see json-args.ts); calls only, never a paged listing. */
  jsonArgs?: (string | null)[] | undefined;
}

/** A method of a domain service as the engine describes it, and where its per-call options go. */
export interface MethodShape {
  name: string;
  /** "product.getProduct": names the call in errors. */
  label: string;
  /**
   * Index of the options parameter: the last one of every generated method (codegen writes
   * `(params?, body?, options?)` without default values, so `fn.length - 1` is its position).
   */
  optionsIndex: number;
  /**
   * Index of the JSON body, when the method takes one: the parameter before the options (codegen
   * writes `(params?, body?, options?)`), read from the service's operation table.
   */
  jsonBodyIndex: number | undefined;
  /** A `paginate*` method: its listing is read page by page through a cursor in the engine. */
  paged: boolean;
}

/** What the caller needs to know to call a method: the call, and how long to wait for it. */
export interface MethodTarget extends MethodCall {
  correlationId: string | undefined;
  timeoutMs: number;
}

/**
 * `.withResponse()` as it crosses: the response's headers as name/value pairs; the data as the
 * answer's JSON bytes (`dataJson`, transferred) when the engine has them, else in `data`.
 */
export interface WireDataWithResponse {
  data: unknown;
  dataJson?: ArrayBuffer;
  response: {
    status: number;
    statusText: string;
    headers: [string, string][];
    url: string;
    correlationId: string;
    attempts: number;
  };
}

export type EngineRequest =
  | ({ type: "call"; id: number } & MethodCall)
  | ({ type: "page-open"; id: number } & MethodCall)
  | { type: "page-next"; id: number; cursor: number }
  | { type: "page-close"; id: number; cursor: number }
  | { type: "metrics"; id: number }
  /** The methods of a domain's service (`MethodShape[]`): the caller's `wats.<domain>` is built from them. */
  | { type: "describe"; id: number; domain: string }
  /** Answers at once: the cost of crossing the boundary and back (benchmarks). */
  | { type: "ping"; id: number }
  | { type: "close"; id: number }
  | { type: "diagnose"; id: number; action: DiagnoseAction; ms?: number };

/**
 * Engine self-tests, reachable only through the package's internal modules (tests use them to
 * crash or block a real engine, and to call a facade from inside one).
 */
export type DiagnoseAction =
  /** Throw an uncaught exception (the worker dies). */
  | "crash"
  /** Block the engine thread for good. */
  | "block"
  /** Block the engine thread for `ms`, then answer "late". */
  | "stall"
  /** Call createSyncWats on the engine thread and report what it threw. */
  | "nested-facade";

/** One log line written by the engine's Wats, replayed on the caller's logger. */
export interface LogRecord {
  level: Exclude<LogLevel, "silent" | "fatal">;
  obj: object;
  msg: string | undefined;
}

/**
 * An answer. A call's data that the engine's transport parsed from a JSON body crosses as those
 * UTF-8 bytes (`json`, a transferred ArrayBuffer: no copy, parsed once by the caller) instead of
 * a structured clone of the parsed object graph; anything else crosses in `value`.
 */
export type EngineResponse =
  | { id: number; ok: true; value: unknown; json?: ArrayBuffer; logs: LogRecord[] | undefined }
  | { id: number; ok: false; error: WireError; logs: LogRecord[] | undefined };

/**
 * Smallest JSON answer (bytes of UTF-8 text) that crosses to the caller as bytes; smaller values
 * cross as structured clones. bench/body-crossing.bench.ts, one run: a 212-byte answer is 1.33x
 * slower as bytes, a 2 KB one 0.76x, 8 KB 0.52x. The other way, the smallest parameter (in
 * characters of JSON text) that crosses as its text (json-args.ts).
 */
export const JSON_BYTES_MIN = 1024;

/** Sent once by a new engine: its `Wats` is built (or could not be). */
export const READY_ID = 0;

/**
 * Id of the message an engine posts as it fails for good (its module could not load, or an
 * uncaught exception): its `error` becomes the cause of the caller's `WatsEngineError`.
 */
export const ENGINE_FAILED_ID = -1;

/**
 * The engine bootstrap's `onLoadError` (see launch.ts): posts the load error as an
 * ENGINE_FAILED_ID answer, marks the engine as exited and wakes the caller. Plain CommonJS
 * source, since it runs before (and instead of) any module of this package.
 */
export const REPORT_LOAD_FAILURE = `(error) => {
  const { workerData } = require("node:worker_threads");
  const signal = new Int32Array(workerData.signal);
  const failure = error instanceof Error ? error : new Error(String(error));
  try {
    workerData.port.postMessage({
      id: ${ENGINE_FAILED_ID},
      ok: false,
      logs: undefined,
      error: {
        wats: false,
        name: String(failure.name),
        message: String(failure.message),
        stack: typeof failure.stack === "string" ? failure.stack : undefined,
        code: typeof failure.code === "string" ? failure.code : undefined,
        issues: undefined,
        cause: undefined,
      },
    });
  } catch {}
  Atomics.store(signal, ${SIGNAL_STATE}, ${ENGINE_EXITED});
  Atomics.add(signal, ${SIGNAL_SEQ}, 1);
  Atomics.notify(signal, ${SIGNAL_SEQ});
  process.exit(1);
}`;

export interface ReadyValue {
  station: string;
  threadId: number;
}

/** `workerData` of the engine worker. */
export interface EngineWorkerData {
  port: MessagePort;
  signal: SharedArrayBuffer;
  /** The `Wats` options (plain data; `logger` replaced by `loggerLevels`). */
  watsOptions: Record<string, unknown>;
  /**
   * When the caller gave a logger: the levels it writes. The engine then logs into a buffer
   * that each response carries back. Undefined: the engine keeps its own logger (or none).
   */
  loggerLevels: LogRecord["level"][] | undefined;
  /**
   * URL of the module the engine imports for the options that are functions (`hooks`, `token`):
   * its default export is those options, or a function (sync or async) returning them.
   */
  engineModule: string | undefined;
}

/**
 * Where the caller's frames of a sync call come from, for the stack of an error rebuilt from the
 * engine's: the facade method the caller called (a function, read only when an error is thrown
 * while that method is still on the stack: nothing is captured on success), or frames captured
 * earlier (a paged listing, whose errors come later from the caller's loop).
 */
export type CallerFrames = { readonly stack?: string } | ((...args: never[]) => unknown);

/** The caller's frames as text: captured now, above `frames` when it is the facade method. */
export function callerStack(frames: CallerFrames | undefined): string | undefined {
  if (typeof frames !== "function") return frames?.stack;
  const here: { stack?: string } = {};
  Error.captureStackTrace(here, frames);
  return here.stack;
}

const utf8 = new TextDecoder();

/** A JSON body that crossed as bytes, parsed as the engine's transport would have parsed it. */
export function parseJsonBytes(bytes: ArrayBuffer): unknown {
  return JSON.parse(utf8.decode(bytes));
}
