/**
 * The caller's side of the engine: starts the engine worker, sends one request at a time and
 * blocks in `Atomics.wait` (bounded) until its answer arrives, restarting the engine after a
 * hang or a crash. See protocol.ts for the exchange.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { monotonicNow, type WatsLogger, WatsTimeoutError } from "@tswats/core";
import { WatsEngineError } from "./engine-error.js";
import { isEngineThread } from "./engine-thread.js";
import { siblingModule, startModuleWorker } from "./launch.js";
import {
  type CallerFrames,
  callerStack,
  ENGINE_EXITED,
  ENGINE_FAILED_ID,
  type EngineRequest,
  type EngineResponse,
  type EngineWorkerData,
  type LogRecord,
  parseJsonBytes,
  READY_ID,
  REPORT_LOAD_FAILURE,
  type ReadyValue,
  SIGNAL_SEQ,
  SIGNAL_SLOTS,
  SIGNAL_STATE,
} from "./protocol.js";
import { fromWireError } from "./wire-error.js";

export interface EngineClientOptions {
  /** Plain-data `Wats` options for the engine. */
  watsOptions: Record<string, unknown>;
  /** See EngineWorkerData.engineModule. */
  engineModule: string | undefined;
  /** The caller's logger, which receives the engine's log lines, or undefined. */
  logger: WatsLogger | undefined;
  loggerLevels: LogRecord["level"][] | undefined;
  engineGraceMs: number;
  startupTimeoutMs: number;
  /** The engine's module (internal: tests start a module that fails to load). */
  engineEntry?: URL;
}

/** Distributes a request type over the union, without its id. */
type RequestBody = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Engine {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  /** Counts engines of this client, so a listing knows whether its engine is still the one running. */
  generation: number;
  threadId: number;
}

const CONTROL_WAIT_MS = 5_000;

/** "product.getProduct" -> "getProduct", the `operation` the transport's own errors carry. */
function operationOf(label: string): string {
  return label.slice(label.lastIndexOf(".") + 1);
}

/** Key of a facade's EngineClient (internal: tests use it to reach the engine's self-tests). */
export const ENGINE_CLIENT = Symbol.for("tswats.sync.engineClient");

/** The error for an engine that ended without answering, its own error (when it sent one) as cause. */
function engineEnded(
  phase: "call" | "startup",
  label: string,
  correlationId: string | undefined,
  failure: EngineResponse | undefined,
): WatsEngineError {
  const cause = failure !== undefined && !failure.ok ? fromWireError(failure.error) : undefined;
  const why = cause === undefined ? "see its error on stderr" : `${cause.name}: ${cause.message}`;
  const message =
    phase === "startup"
      ? `the engine worker could not start (${why})`
      : `${label}: the engine worker ended without answering (it crashed: ${why}); ` +
        "a new engine worker starts with the next call";
  return new WatsEngineError(phase === "startup" ? "startup" : "crashed", message, {
    operation: phase === "startup" ? undefined : operationOf(label),
    correlationId,
    ...(cause === undefined ? {} : { cause }),
  });
}

export class EngineClient {
  readonly #options: EngineClientOptions;
  #engine: Engine | undefined;
  #starts = 0;
  #nextId = READY_ID + 1;
  #busy = false;
  #closed = false;
  #station = "";

  constructor(options: EngineClientOptions) {
    this.#options = options;
    this.#start();
  }

  get station(): string {
    return this.#station;
  }

  get threadId(): number | undefined {
    return this.#engine?.threadId;
  }

  get starts(): number {
    return this.#starts;
  }

  /** The generation of the running engine (starting one if none runs). */
  generation(): number {
    return this.#running().generation;
  }

  /**
   * Sends a request and blocks until its answer, at most `waitMs`. `label` names the call in
   * errors ("product.getProduct"); `correlationId` is put on the engine errors of this call;
   * `caller` gives the caller's frames, read only when an error is rebuilt.
   */
  request(
    body: RequestBody,
    waitMs: number,
    label: string,
    correlationId?: string,
    caller?: CallerFrames,
  ): unknown {
    this.#checkCallable(label);
    const engine = this.#running();
    const id = this.#nextId++;
    this.#busy = true;
    let response: EngineResponse | undefined;
    try {
      try {
        // Not `{ ...body, id }`: a spread that adds a key gets a new hidden class per call in V8.
        engine.port.postMessage(Object.assign({ id }, body) as EngineRequest);
      } catch (error) {
        throw new WatsEngineError(
          "uncloneable",
          `${label}: the arguments cannot be sent to the engine worker (${(error as Error).message}); ` +
            "pass plain data (objects, arrays, strings, numbers, Dates, ArrayBuffers)",
          { operation: operationOf(label), correlationId, cause: error },
        );
      }
      response = this.#await(engine, id, waitMs, label, correlationId);
    } finally {
      this.#busy = false;
    }
    this.#replay(response.logs);
    if (response.ok) return response.json === undefined ? response.value : parseJsonBytes(response.json);
    throw fromWireError(response.error, callerStack(caller));
  }

  /** Ends the engine: closes its `Wats` (bounded wait), then stops the thread. Idempotent. */
  close(): void {
    if (this.#closed) return;
    if (this.#engine !== undefined && !this.#busy) {
      try {
        this.request({ type: "close" }, CONTROL_WAIT_MS, "close");
      } catch {
        // Closing anyway: the thread is stopped below.
      }
    }
    this.#closed = true;
    this.#discard();
  }

  #checkCallable(label: string): void {
    if (isEngineThread()) {
      throw new WatsEngineError(
        "deadlock",
        `${label}: a sync call on the @tswats/sync engine thread would wait for its own answer forever; ` +
          "use the async Wats there",
      );
    }
    if (this.#closed) throw new WatsEngineError("closed", `${label}: this sync Wats is closed`);
    if (this.#busy) {
      throw new WatsEngineError(
        "reentrant",
        `${label}: called while another call of the same sync Wats is waiting for its answer`,
      );
    }
  }

  #running(): Engine {
    return this.#engine ?? this.#start();
  }

  #start(): Engine {
    const signalBuffer = new SharedArrayBuffer(SIGNAL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const workerData: EngineWorkerData = {
      port: port2,
      signal: signalBuffer,
      watsOptions: this.#options.watsOptions,
      loggerLevels: this.#options.loggerLevels,
      engineModule: this.#options.engineModule,
    };
    let worker: Worker;
    try {
      worker = startModuleWorker(this.#options.engineEntry ?? siblingModule("engine-worker"), {
        workerData,
        transferList: [port2],
        stdout: false,
        stderr: false,
        onLoadError: REPORT_LOAD_FAILURE,
      });
    } catch (error) {
      port1.close();
      throw new WatsEngineError("startup", `the engine worker could not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // The engine never keeps a finished script alive.
    worker.unref();
    port1.unref();
    // Its 'error' and 'exit' events arrive only when this thread is idle; the shared state slot
    // is what tells a blocked caller. The listener keeps an engine crash from crashing the caller.
    worker.on("error", () => {});
    const engine: Engine = {
      worker,
      port: port1,
      signal: new Int32Array(signalBuffer),
      generation: ++this.#starts,
      threadId: worker.threadId,
    };
    this.#engine = engine;
    const ready = this.#await(
      engine,
      READY_ID,
      this.#options.startupTimeoutMs,
      "start",
      undefined,
      "startup",
    );
    this.#replay(ready.logs);
    if (!ready.ok) {
      this.#discard();
      throw fromWireError(ready.error, new Error().stack);
    }
    this.#station = (ready.value as ReadyValue).station;
    return engine;
  }

  /** Blocks until the answer with this id arrives; answers with other ids are stale and dropped. */
  #await(
    engine: Engine,
    id: number,
    waitMs: number,
    label: string,
    correlationId: string | undefined,
    phase: "call" | "startup" = "call",
  ): EngineResponse {
    // Set at the first wait: an answer that is already there costs no clock read.
    let deadline: number | undefined;
    let failure: EngineResponse | undefined;
    for (;;) {
      // Read the counter before looking at the port: an answer posted after this read bumps the
      // counter, so the wait below returns at once instead of missing it.
      const seen = Atomics.load(engine.signal, SIGNAL_SEQ);
      const received = receiveMessageOnPort(engine.port);
      if (received !== undefined) {
        const response = received.message as EngineResponse;
        if (response.id === id) return response;
        if (response.id === ENGINE_FAILED_ID) failure = response;
        continue;
      }
      if (Atomics.load(engine.signal, SIGNAL_STATE) === ENGINE_EXITED) {
        this.#discard();
        throw engineEnded(phase, label, correlationId, failure);
      }
      const now = monotonicNow();
      deadline ??= now + waitMs;
      const remaining = deadline - now;
      if (remaining <= 0) {
        this.#discard();
        if (phase === "startup") {
          throw new WatsEngineError(
            "startup",
            `the engine worker did not start within ${waitMs} ms (startupTimeoutMs)`,
          );
        }
        throw new WatsTimeoutError(
          `${label}: no answer from the engine worker within ${waitMs} ms (the call's timeout plus ` +
            `engineGraceMs); the engine worker was stopped and a new one starts with the next call`,
          { operation: operationOf(label), correlationId },
        );
      }
      Atomics.wait(engine.signal, SIGNAL_SEQ, seen, remaining);
    }
  }

  /** Stops the current engine (its late answers can never reach a later call: the port goes too). */
  #discard(): void {
    const engine = this.#engine;
    if (engine === undefined) return;
    this.#engine = undefined;
    engine.port.close();
    engine.worker.terminate().catch(() => {});
  }

  #replay(logs: LogRecord[] | undefined): void {
    const logger = this.#options.logger;
    if (logs === undefined || logger === undefined) return;
    for (const line of logs) {
      try {
        logger[line.level](line.obj, line.msg);
      } catch {
        // A failing logger must not turn a successful call into a failure.
      }
    }
  }
}
