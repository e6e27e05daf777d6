/**
 * Errors across the worker boundary. A `WatsError` travels as its `toJSON()` fields and is
 * rebuilt on the caller's side as the same class (so `instanceof WatsNotFoundError` holds) with
 * every field; any other error travels as name, message, stack and code, and comes back as an
 * Error of the same built-in class where there is one.
 */
import {
  isWatsError,
  type WatsError,
  type WatsErrorDetails,
  type WatsErrorKind,
  watsErrorFromJSON,
} from "@tswats/core";

type WatsErrorJSON = WatsErrorDetails & { kind: WatsErrorKind; message: string };

export type WireError =
  | { wats: true; data: WatsErrorJSON; stack: string | undefined; cause: WireError | undefined }
  | {
      wats: false;
      name: string;
      message: string;
      stack: string | undefined;
      code: unknown;
      /** zod-style issue lists and similar plain details. */
      issues: unknown;
      cause: WireError | undefined;
    };

const MAX_CAUSE_DEPTH = 4;

function plain(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    try {
      return JSON.parse(JSON.stringify(value)) as unknown;
    } catch {
      return String(value);
    }
  }
}

/** The plain-data form of any thrown value. */
export function toWireError(error: unknown, depth = 0): WireError {
  const causeOf = (value: unknown): WireError | undefined =>
    value === undefined || depth >= MAX_CAUSE_DEPTH ? undefined : toWireError(value, depth + 1);
  if (isWatsError(error)) {
    const data = plain((error as WatsError).toJSON()) as WatsErrorJSON;
    return { wats: true, data, stack: error.stack, cause: causeOf(error.cause) };
  }
  if (error instanceof Error) {
    const record = error as Error & { code?: unknown; issues?: unknown };
    return {
      wats: false,
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: plain(record.code),
      issues: plain(record.issues),
      cause: causeOf(error.cause),
    };
  }
  return {
    wats: false,
    name: "Error",
    message: `non-Error value thrown in the engine: ${String(error)}`,
    stack: undefined,
    code: undefined,
    issues: undefined,
    cause: undefined,
  };
}

const BUILT_IN: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * The caller-side error for a wire error. Its stack is the engine's stack (where it happened)
 * followed by the caller's frames (which sync call it was).
 */
export function fromWireError(wire: WireError, callerStack?: string): Error {
  const cause = wire.cause === undefined ? undefined : fromWireError(wire.cause);
  let error: Error;
  if (wire.wats) {
    error = watsErrorFromJSON({ ...wire.data, ...(cause === undefined ? {} : { cause }) });
  } else {
    const Class = BUILT_IN[wire.name] ?? Error;
    error = new Class(wire.message);
    if (cause !== undefined)
      Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
    if (!(wire.name in BUILT_IN)) {
      Object.defineProperty(error, "name", { value: wire.name, configurable: true, writable: true });
    }
    if (wire.code !== undefined) Object.assign(error, { code: wire.code });
    if (wire.issues !== undefined) Object.assign(error, { issues: wire.issues });
  }
  const engineStack = wire.stack ?? `${error.name}: ${error.message}`;
  const callerFrames = callerStack?.split("\n").slice(1).join("\n");
  Object.defineProperty(error, "stack", {
    value: callerFrames
      ? `${engineStack}\n    --- in the @tswats/sync engine worker, called from ---\n${callerFrames}`
      : engineStack,
    configurable: true,
    writable: true,
  });
  return error;
}
