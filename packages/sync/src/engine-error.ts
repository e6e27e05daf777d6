import { WatsError, type WatsErrorDetails } from "@tswats/core";

/** Why the sync facade could not get an answer from its engine worker. */
export type EngineFailure =
  /** The engine worker ended (crashed) during the call; the next call starts a new one. */
  | "crashed"
  /** The engine worker did not start or could not build its `Wats` in time. */
  | "startup"
  /** `close()` was called; the facade takes no more calls. */
  | "closed"
  /** A sync call from the engine thread itself would wait for its own answer forever. */
  | "deadlock"
  /** A sync call was made while another call of the same facade was still waiting. */
  | "reentrant"
  /** A listing was open on an engine worker that has since been replaced. */
  | "restarted"
  /** The arguments or options cannot be sent to the engine worker. */
  | "uncloneable";

/**
 * A failure of the sync facade's machinery rather than of WATS: the engine worker crashed, was
 * closed, or the call would deadlock. A `WatsError` (so a catch-all for WATS errors sees it),
 * with `reason` saying which. A hung engine is reported as `WatsTimeoutError` instead.
 */
export class WatsEngineError extends WatsError {
  readonly reason: EngineFailure;

  constructor(reason: EngineFailure, message: string, details: WatsErrorDetails = {}) {
    super(message, details);
    this.reason = reason;
  }

  override get name(): string {
    return "WatsEngineError";
  }

  static is(value: unknown): value is WatsEngineError {
    return value instanceof WatsEngineError;
  }
}
