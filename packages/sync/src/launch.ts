/**
 * Starting a worker thread on one of this package's modules, from its built JavaScript (dist)
 * or from its TypeScript sources (tests and benchmarks resolve the workspace to `src/*.ts`
 * through the "@tswats/source" condition).
 *
 * Every worker starts on a small CommonJS bootstrap given as code (`eval: true`) with an execArgv
 * of our own, never the one of the process that started it: a script run with
 * `node --input-type=module -e ...`, from stdin, or with `-r`/`--import` loaders passes flags
 * that would make a worker started on a file fail before any of its code runs (Node rejects
 * `--input-type` for a file) or run the script's loaders a second time. The bootstrap loads the
 * module and, when that fails, hands the error to `onLoadError` so it reaches the caller rather
 * than an 'error' event nobody can receive while the caller blocks.
 *
 * From sources the bootstrap registers tsx's require hook first (on Node 20 the ESM loader hooks
 * of tsx are not applied inside workers); Node >= 20.19 lets that require() load the ESM-only
 * dependencies too. From dist it imports the module.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** True when this package runs from its TypeScript sources rather than from dist. */
export const RUNNING_FROM_SOURCE = import.meta.url.endsWith(".ts");

/** A sibling module of this package, as a URL (`.ts` from sources, `.js` from dist). */
export function siblingModule(baseName: string): URL {
  return new URL(`./${baseName}${RUNNING_FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);
}

/** Flags of the current process a worker keeps (all valid per worker, none loads code). */
const KEPT_FLAGS = new Set(["--enable-source-maps", "--no-warnings", "--no-deprecation", "--trace-warnings"]);
const CONDITION_FLAG = /^(?:--conditions|-C)=(.+)$/;

/**
 * execArgv of a worker: the harmless flags of this process and its export conditions (plus
 * "@tswats/source" from sources), and nothing that loads code (--import, --require, --loader),
 * that only fits the main script (--input-type, --eval, --print) or that a worker rejects (heap
 * sizes, inspector, watch and test modes).
 */
export function workerExecArgv(
  fromSource: boolean = RUNNING_FROM_SOURCE,
  parentArgv: readonly string[] = process.execArgv,
): string[] {
  const kept: string[] = [];
  const conditions = new Set(fromSource ? ["@tswats/source"] : []);
  for (let i = 0; i < parentArgv.length; i++) {
    const flag = parentArgv[i] as string;
    if (KEPT_FLAGS.has(flag)) kept.push(flag);
    const condition = CONDITION_FLAG.exec(flag);
    if (condition?.[1]) conditions.add(condition[1]);
    if ((flag === "--conditions" || flag === "-C") && parentArgv[i + 1] !== undefined) {
      conditions.add(parentArgv[i + 1] as string);
      i++;
    }
  }
  return [...kept, ...[...conditions].map((c) => `--conditions=${c}`)];
}

export interface ModuleWorkerOptions extends Omit<WorkerOptions, "eval"> {
  /**
   * Source of a CommonJS function expression `(error) => void` the bootstrap calls when the
   * module cannot be loaded (it runs on the worker thread and may use require and workerData).
   * Without it the load error is thrown in the worker (an 'error' event on the Worker).
   */
  onLoadError?: string;
}

function tsxRequireHook(entry: URL): string {
  try {
    return createRequire(import.meta.url).resolve("tsx/cjs/api");
  } catch (error) {
    throw new Error(
      `@tswats/sync runs from its TypeScript sources (${fileURLToPath(entry)}), which needs the ` +
        "'tsx' package to start its worker; install tsx or use the built package (dist)",
      { cause: error },
    );
  }
}

/** The bootstrap code that loads `entry` in a worker. */
export function bootstrapCode(entry: URL, onLoadError = "(error) => { throw error; }"): string {
  const load = entry.pathname.endsWith(".ts")
    ? `require(${JSON.stringify(tsxRequireHook(entry))}).register();\n` +
      `  require(${JSON.stringify(fileURLToPath(entry))});\n`
    : `  import(${JSON.stringify(entry.href)}).catch(onLoadError);\n`;
  return (
    `"use strict";\nconst onLoadError = ${onLoadError};\n` +
    `try {\n  ${load.trimStart()}} catch (error) {\n  onLoadError(error);\n}\n`
  );
}

/** Starts a worker thread on `entry` (a .js or .ts module URL). */
export function startModuleWorker(entry: URL, options: ModuleWorkerOptions = {}): Worker {
  const { onLoadError, execArgv, ...rest } = options;
  return new Worker(bootstrapCode(entry, onLoadError), {
    ...rest,
    eval: true,
    execArgv: execArgv ?? workerExecArgv(entry.pathname.endsWith(".ts")),
  });
}
