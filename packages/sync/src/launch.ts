/**
 * Starting a worker thread on one of this package's modules, from its built JavaScript (dist)
 * or from its TypeScript sources (tests and benchmarks resolve the workspace to `src/*.ts`
 * through the "@tswats/source" condition).
 *
 * A worker cannot run a .ts file by itself, and on Node 20 the ESM loader hooks of tsx are not
 * applied inside workers. From sources we therefore start the worker on a two-line CommonJS
 * bootstrap that registers tsx's require hook and then loads the module; Node >= 20.19 lets that
 * require() load the ESM-only dependencies too.
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

/** Flags of the current process a source-mode worker keeps (all valid per worker). */
const KEPT_FLAGS = new Set(["--enable-source-maps", "--no-warnings", "--no-deprecation", "--trace-warnings"]);

/**
 * execArgv of a worker run from sources: the harmless flags of this process plus the
 * "@tswats/source" condition, and nothing that loads code (--import, --require, --loader) or
 * would be rejected in a worker (heap sizes, inspector, watch mode).
 */
export function sourceExecArgv(parentArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  const conditions = new Set(["@tswats/source"]);
  for (let i = 0; i < parentArgv.length; i++) {
    const flag = parentArgv[i] as string;
    if (KEPT_FLAGS.has(flag)) kept.push(flag);
    const condition = /^(?:--conditions|-C)=(.+)$/.exec(flag);
    if (condition?.[1]) conditions.add(condition[1]);
    if ((flag === "--conditions" || flag === "-C") && parentArgv[i + 1] !== undefined) {
      conditions.add(parentArgv[i + 1] as string);
      i++;
    }
  }
  return [...kept, ...[...conditions].map((c) => `--conditions=${c}`)];
}

/** Starts a worker thread on `entry` (a .js or .ts module URL). */
export function startModuleWorker(entry: URL, options: WorkerOptions): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, options);
  let tsxRequireHook: string;
  try {
    tsxRequireHook = createRequire(import.meta.url).resolve("tsx/cjs/api");
  } catch (error) {
    throw new Error(
      `@tswats/sync runs from its TypeScript sources (${fileURLToPath(entry)}), which needs the ` +
        "'tsx' package to start its worker; install tsx or use the built package (dist)",
      { cause: error },
    );
  }
  const bootstrap =
    `require(${JSON.stringify(tsxRequireHook)}).register();\n` +
    `require(${JSON.stringify(fileURLToPath(entry))});\n`;
  return new Worker(bootstrap, { ...options, eval: true, execArgv: sourceExecArgv() });
}
