/**
 * A small pool of reusable conversion processes (node:child_process). Each job runs in one
 * process with a time limit and a memory limit that hold whatever the conversion does: at the
 * time limit the host kills the process (its whole process group on POSIX, so a command started
 * with `execSync` dies too); above the memory limit (resident memory: JS heap, Buffers, native)
 * the process's own watchdog thread kills it. A process that dies fails only its job; a fresh one
 * takes its place on the next job. Starting a process costs a few hundred milliseconds, so
 * processes are kept between jobs.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConversionError } from "./errors.js";
import type { ProcessReady, ProcessRequest, ProcessResponse } from "./process-protocol.js";

type Payload = ProcessRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

interface Pending {
  request: Payload;
  timeoutMs: number;
  resolve(response: ProcessResponse): void;
  reject(error: ConversionError): void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  busy?: { id: number; pending: Pending; timer: NodeJS.Timeout } | undefined;
  /** Why the host killed it (timeout, close), so its exit is not reported as a crash. */
  killedFor?: ConversionError | undefined;
  /** What the watchdog said before it killed the process ("memory <rss>"). */
  watchdog: string;
  /** The end of what the process wrote to stderr (V8's "heap out of memory" shows there). */
  stderrTail: string;
  startTimer?: NodeJS.Timeout | undefined;
}

/** How long a new process may take to be ready before it counts as crashed. */
const START_LIMIT_MS = 60_000;
/** POSIX: conversion processes lead their own process group, so a kill reaches their children. */
const GROUPS = process.platform !== "win32";

/**
 * How to start the process: the built .js directly; from sources (.ts, under vitest or tsx)
 * through tsx's loader, with `--conditions=@tswats/source` so the workspace packages resolve to
 * their sources.
 */
function entrySpec(): { path: string; execArgv: string[] } {
  const isTs = import.meta.url.endsWith(".ts");
  const entry = fileURLToPath(new URL(`./conversion-process.${isTs ? "ts" : "js"}`, import.meta.url));
  if (!isTs) return { path: entry, execArgv: [] };
  const tsxPackage = createRequire(import.meta.url).resolve("tsx/package.json");
  const loader = pathToFileURL(tsxPackage.replace(/package\.json$/, "dist/loader.mjs")).href;
  return { path: entry, execArgv: ["--import", loader, "--conditions=@tswats/source"] };
}

export interface ProcessPoolOptions {
  /** Number of processes (default 2). */
  size?: number;
  /** Memory a conversion may use beyond the process's idle size, in MB (also its V8 heap limit). */
  maxMemoryMb: number;
}

export class ProcessPool {
  readonly size: number;
  readonly maxMemoryMb: number;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  #started = 0;
  #replaced = 0;
  readonly #exits = new Set<Promise<void>>();

  constructor(options: ProcessPoolOptions) {
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

  /** Runs one request in a process; rejects with a ConversionError on timeout, memory or death. */
  run(request: Payload, timeoutMs: number): Promise<ProcessResponse> {
    if (this.#closed)
      return Promise.reject(new ConversionError("the converter pool is closed", { kind: "crash" }));
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const idle = this.#slots.find((s) => s.ready && !s.busy);
      if (idle) {
        this.#dispatch(idle, this.#queue.shift() as Pending);
        continue;
      }
      const starting = this.#slots.filter((s) => !s.ready).length;
      if (this.#slots.length >= this.size || starting >= this.#queue.length) return;
      this.#spawn();
    }
  }

  #spawn(): void {
    const { path, execArgv } = entrySpec();
    const child = fork(path, [String(this.maxMemoryMb)], {
      execArgv: [...execArgv, `--max-old-space-size=${this.maxMemoryMb}`],
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
      detached: GROUPS,
    });
    this.#started++;
    const slot: Slot = { child, ready: false, watchdog: "", stderrTail: "" };
    this.#slots.push(slot);
    // A plugin's console output goes to this process's stderr (never stdout: `convert --json` prints there).
    child.stdout?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      slot.stderrTail = (slot.stderrTail + chunk.toString("utf8")).slice(-4096);
    });
    const watchdog = child.stdio[4] as NodeJS.ReadableStream | null;
    const watchdogClosed = new Promise<void>((resolve) => {
      if (!watchdog) return resolve();
      watchdog.on("data", (chunk: Buffer) => {
        slot.watchdog += chunk.toString("utf8");
      });
      watchdog.on("close", () => resolve());
      watchdog.on("error", () => resolve());
    });
    slot.startTimer = setTimeout(() => {
      this.#kill(
        slot,
        new ConversionError(`a conversion process did not start within ${START_LIMIT_MS} ms`, {
          kind: "crash",
        }),
      );
    }, START_LIMIT_MS);
    slot.startTimer.unref?.();
    child.on("message", (msg: ProcessResponse | ProcessReady) => {
      if (msg.kind === "ready") {
        clearTimeout(slot.startTimer);
        slot.ready = true;
        this.#idle(slot);
        this.#pump();
        return;
      }
      const busy = slot.busy;
      if (!busy || busy.id !== msg.id) return;
      clearTimeout(busy.timer);
      slot.busy = undefined;
      this.#idle(slot);
      busy.pending.resolve(msg);
      this.#pump();
    });
    child.on("error", (error) => {
      this.#kill(
        slot,
        new ConversionError(`a conversion process failed: ${error.message}`, { kind: "crash" }),
      );
    });
    const exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        // The watchdog's reason arrives on its own pipe: read it (briefly) before judging the exit.
        void Promise.race([watchdogClosed, new Promise((r) => setTimeout(r, 200))]).then(() => {
          this.#exited(slot, code, signal);
          resolve();
        });
      });
    });
    this.#exits.add(exited);
    void exited.then(() => this.#exits.delete(exited));
  }

  /** Idle processes do not keep the host process alive; a busy one does. */
  #idle(slot: Slot): void {
    setRef(slot.child, false);
  }

  #dispatch(slot: Slot, pending: Pending): void {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      this.#kill(
        slot,
        new ConversionError(
          `the conversion did not finish within ${pending.timeoutMs} ms (setting timeoutMs); its process was stopped`,
          { kind: "timeout" },
        ),
      );
    }, pending.timeoutMs);
    timer.unref?.();
    slot.busy = { id, pending, timer };
    setRef(slot.child, true);
    try {
      slot.child.send({ ...pending.request, id });
    } catch (error) {
      this.#kill(
        slot,
        new ConversionError(`could not hand the job to a conversion process: ${(error as Error).message}`, {
          kind: "crash",
        }),
      );
    }
  }

  /** Fails the slot's job (if any) with `error`, removes the process and kills it (with its group). */
  #kill(slot: Slot, error: ConversionError): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return;
    this.#slots.splice(index, 1);
    clearTimeout(slot.startTimer);
    slot.killedFor = error;
    const busy = slot.busy;
    slot.busy = undefined;
    if (busy) {
      clearTimeout(busy.timer);
      busy.pending.reject(error);
    }
    if (!this.#closed) this.#replaced++;
    killTree(slot.child);
    if (!this.#closed) this.#pump();
  }

  /** The process ended; unless the host killed it, its job fails with the reason. */
  #exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    const index = this.#slots.indexOf(slot);
    if (index < 0) return; // killed by the host: its job was already failed
    this.#slots.splice(index, 1);
    clearTimeout(slot.startTimer);
    if (!slot.ready) {
      // It never started: fail what waits instead of starting processes that die the same way.
      killTree(slot.child);
      const tail = slot.stderrTail.trim().split("\n").slice(-3).join(" | ");
      const error = new ConversionError(
        `a conversion process could not start (${signal ? `signal ${signal}` : `code ${code}`})${tail ? `: ${tail}` : ""}`,
        { kind: "crash" },
      );
      for (const p of this.#queue.splice(0)) p.reject(error);
      return;
    }
    const busy = slot.busy;
    slot.busy = undefined;
    if (!this.#closed) this.#replaced++;
    killTree(slot.child); // whatever the conversion started
    if (busy) {
      clearTimeout(busy.timer);
      busy.pending.reject(this.#deathReason(slot, code, signal));
    }
    if (!this.#closed) this.#pump();
  }

  #deathReason(slot: Slot, code: number | null, signal: NodeJS.Signals | null): ConversionError {
    const memory = /memory (\d+)/.exec(slot.watchdog);
    if (memory)
      return new ConversionError(
        `the conversion ran out of memory: its process used ${Math.round(Number(memory[1]) / 1024 / 1024)} MB, more than ${this.maxMemoryMb} MB above its idle size (setting maxMemoryMb); it was stopped`,
        { kind: "memory" },
      );
    if (/heap out of memory|Reached heap limit/i.test(slot.stderrTail))
      return new ConversionError(
        `the conversion ran out of memory (JavaScript heap limit ${this.maxMemoryMb} MB, setting maxMemoryMb)`,
        { kind: "memory" },
      );
    return new ConversionError(
      `the conversion process exited (${signal ? `signal ${signal}` : `code ${code}`}) before finishing`,
      { kind: "crash" },
    );
  }

  /** Kills every process at once (a conversion cut short leaves its file where it was). */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new ConversionError("the converter pool was closed", { kind: "crash" });
    for (const p of this.#queue.splice(0)) p.reject(error);
    for (const slot of [...this.#slots]) {
      setRef(slot.child, true); // the caller awaits their end: keep this process alive until then
      this.#kill(slot, error);
    }
    // Bounded: a killed process is gone within milliseconds; never wait on one forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.#exits]),
      new Promise((r) => {
        timer = setTimeout(r, 2_000);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** SIGKILL to the process and (POSIX) its process group: commands it started die with it. */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (GROUPS) {
    try {
      process.kill(-child.pid, "SIGKILL");
      return;
    } catch {
      // the group is gone already; fall through to the process itself
    }
  }
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

function setRef(child: ChildProcess, ref: boolean): void {
  const handles: unknown[] = [child, child.channel, child.stdout, child.stderr, child.stdio[4]];
  for (const handle of handles) {
    const h = handle as { ref?: () => void; unref?: () => void } | null | undefined;
    if (ref) h?.ref?.();
    else h?.unref?.();
  }
}
