/**
 * A small pool of reusable conversion workers (node:worker_threads). Each job runs in one worker
 * with a time limit; a worker whose job times out is terminated, a worker that dies (V8 heap limit
 * `maxOldGenerationSizeMb` reached, process.exit, an uncaught error) fails only its job, and a
 * fresh worker takes its place on the next job. Starting a worker costs tens to hundreds of
 * milliseconds, so workers are kept between jobs.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { ConversionError } from "./errors.js";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol.js";

type Payload = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Pending {
  request: Payload;
  timeoutMs: number;
  transfer: ArrayBuffer[];
  resolve(response: WorkerResponse): void;
  reject(error: ConversionError): void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending; timer: NodeJS.Timeout } | undefined;
  ready: boolean;
}

/**
 * How to start the worker module: the built .js directly. From sources (.ts, under vitest or
 * tsx) a Worker cannot load TypeScript and Node 20 does not apply `--import` hooks to a worker's
 * entry module, so a tiny ESM bootstrap (a data: URL) registers tsx's loader first and then
 * imports the .ts entry; `--conditions=@tswats/source` resolves the workspace packages to sources.
 */
function workerSpec(): { url: URL; execArgv: string[] } {
  const isTs = import.meta.url.endsWith(".ts");
  const entry = new URL(`./worker-entry.${isTs ? "ts" : "js"}`, import.meta.url);
  if (!isTs) return { url: entry, execArgv: [] };
  const tsxPackage = createRequire(import.meta.url).resolve("tsx/package.json");
  const tsxApi = pathToFileURL(tsxPackage.replace(/package\.json$/, "dist/esm/api/index.mjs")).href;
  const code = `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(entry.href)});\n`;
  return {
    url: new URL(`data:text/javascript,${encodeURIComponent(code)}`),
    execArgv: ["--conditions=@tswats/source"],
  };
}

export interface WorkerPoolOptions {
  /** Number of workers (default 2). */
  size?: number;
  /** V8 old-generation limit per worker in MB. */
  maxMemoryMb: number;
}

export class WorkerPool {
  readonly size: number;
  readonly maxMemoryMb: number;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #started = 0;
  #replaced = 0;

  constructor(options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? 2);
    this.maxMemoryMb = options.maxMemoryMb;
  }

  stats(): { workers: number; busy: number; queued: number; started: number; replaced: number } {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.busy).length,
      queued: this.#queue.length,
      started: this.#started,
      replaced: this.#replaced,
    };
  }

  /** Runs one request in a worker; rejects with a ConversionError on timeout or worker death. */
  run(request: Payload, timeoutMs: number, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.#closed)
      return Promise.reject(new ConversionError("the converter pool is closed", { kind: "crash" }));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, timeoutMs, transfer, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.busy);
      if (!slot) {
        if (this.#slots.length >= this.size) return;
        slot = this.#spawn();
      }
      const pending = this.#queue.shift() as Pending;
      this.#dispatch(slot, pending);
    }
  }

  #spawn(): Slot {
    const { url, execArgv } = workerSpec();
    const worker = new Worker(url, {
      execArgv,
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
      stdout: false,
      stderr: false,
    });
    this.#started++;
    const slot: Slot = { worker, ready: true };
    worker.unref();
    worker.on("message", (msg: WorkerResponse) => {
      const busy = slot.busy;
      if (!busy || busy.id !== msg.id) return;
      clearTimeout(busy.timer);
      slot.busy = undefined;
      worker.unref(); // idle workers do not keep the process alive
      busy.pending.resolve(msg);
      this.#pump();
    });
    worker.on("error", (error: Error & { code?: string }) => {
      this.#fail(
        slot,
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new ConversionError(
              `the conversion ran out of memory (worker heap limit ${this.maxMemoryMb} MB, setting maxMemoryMb)`,
              { kind: "memory" },
            )
          : new ConversionError(`the conversion worker crashed: ${error.message}`, { kind: "crash" }),
      );
    });
    worker.on("exit", (code) => {
      this.#fail(
        slot,
        new ConversionError(`the conversion worker exited (code ${code}) before finishing`, {
          kind: "crash",
        }),
      );
    });
    this.#slots.push(slot);
    return slot;
  }

  #dispatch(slot: Slot, pending: Pending): void {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      this.#fail(
        slot,
        new ConversionError(
          `the conversion did not finish within ${pending.timeoutMs} ms (setting timeoutMs); its worker was stopped`,
          { kind: "timeout" },
        ),
      );
    }, pending.timeoutMs);
    timer.unref?.();
    slot.busy = { id, pending, timer };
    slot.worker.ref(); // a job in progress keeps the process alive
    try {
      slot.worker.postMessage({ ...pending.request, id }, pending.transfer);
    } catch (error) {
      this.#fail(
        slot,
        new ConversionError(`could not hand the job to a worker: ${(error as Error).message}`, {
          kind: "crash",
        }),
      );
    }
  }

  /** Fails the slot's job (if any), removes the worker and terminates it. */
  #fail(slot: Slot, error: ConversionError): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    this.#slots.splice(index, 1);
    const busy = slot.busy;
    slot.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.pending.reject(error);
    }
    if (!this.#closed) this.#replaced++;
    void slot.worker.terminate().catch(() => {});
    if (!this.#closed) this.#pump();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const error = new ConversionError("the converter pool was closed", { kind: "crash" });
    for (const p of this.#queue.splice(0)) p.reject(error);
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (s) => {
        if (s.busy) {
          clearTimeout(s.busy.timer);
          s.busy.pending.reject(error);
          s.busy = undefined;
        }
        await s.worker.terminate().catch(() => {});
      }),
    );
  }
}
