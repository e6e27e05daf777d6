// `tsc -b` over the generated project graph (tsc-projects.mjs) on several cores: tsc -b itself
// builds one project at a time, and most of a build is type-checking, which is per project. Each
// lane is a worker thread (tsc-worker.mjs); a project is handed to a free lane as soon as every
// project it references is built, the ones most others wait for first. A project that fails stops
// the projects that need it (reported as skipped) and nothing else, as with tsc -b.
import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { Worker } from "node:worker_threads";
import ts from "typescript";
import { root } from "./workspace.mjs";

/** Lanes: one per core, at most 4 (TSWATS_BUILD_LANES overrides). */
export function laneCount(env = process.env) {
  if (env.TSWATS_BUILD_LANES !== undefined) {
    const n = Number(env.TSWATS_BUILD_LANES);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(
        `TSWATS_BUILD_LANES must be a whole number of at least 1, not '${env.TSWATS_BUILD_LANES}'`,
      );
    return n;
  }
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * Builds `targets` and every project they reference.
 * @param {Map<string, { references: string[] }>} graph  every project (config path) and its references
 * @param {string} solution  a solution config that references every project of the graph
 * @param {string[]} targets
 * @param {{ lanes?: number, verbose?: boolean, log?: (line: string) => void }} [options]
 * @returns {Promise<{ failed: string[], skipped: string[], built: { project: string, seconds: number }[] }>}
 */
export async function buildLanes(graph, solution, targets, options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const wanted = new Set();
  const visit = (project) => {
    if (wanted.has(project)) return;
    const node = graph.get(project);
    if (!node) throw new Error(`not a project of the workspace graph: ${project}`);
    wanted.add(project);
    for (const ref of node.references) visit(ref);
  };
  for (const t of targets) visit(t);

  // Priority: how many wanted projects wait on this one, directly or not.
  const waiting = new Map([...wanted].map((p) => [p, 0]));
  for (const p of wanted) {
    const seen = new Set();
    const up = (q) => {
      for (const ref of graph.get(q).references)
        if (!seen.has(ref)) {
          seen.add(ref);
          up(ref);
        }
    };
    up(p);
    for (const q of seen) waiting.set(q, waiting.get(q) + 1);
  }

  // Nothing to do (a second build without changes): say so without starting the lanes.
  const probe = ts.createSolutionBuilder(ts.createSolutionBuilderHost(ts.sys), targets, {});
  if (probe.getNextInvalidatedProject() === undefined) return { failed: [], skipped: [], built: [] };

  const done = new Set();
  const failed = new Set();
  const skipped = new Set();
  const running = new Set();
  const built = [];
  const lanes = Math.min(options.lanes ?? laneCount(), Math.max(1, wanted.size));
  const workers = Array.from(
    { length: lanes },
    () =>
      new Worker(new URL("./tsc-worker.mjs", import.meta.url), {
        workerData: { solution, verbose: options.verbose === true },
      }),
  );

  const name = (project) => relative(root, project);
  const ready = () =>
    [...wanted]
      .filter((p) => !done.has(p) && !failed.has(p) && !skipped.has(p) && !running.has(p))
      .filter((p) => graph.get(p).references.every((r) => done.has(r)))
      .sort((a, b) => waiting.get(b) - waiting.get(a) || a.localeCompare(b));
  const blocked = () =>
    [...wanted].filter(
      (p) =>
        !done.has(p) &&
        !failed.has(p) &&
        !skipped.has(p) &&
        !running.has(p) &&
        graph.get(p).references.some((r) => failed.has(r) || skipped.has(r)),
    );

  try {
    await new Promise((resolve, reject) => {
      const idle = [...workers];
      const pump = () => {
        for (let b = blocked(); b.length > 0; b = blocked()) for (const p of b) skipped.add(p);
        for (const project of ready()) {
          const worker = idle.pop();
          if (!worker) break;
          running.add(project);
          worker.postMessage(project);
        }
        if (running.size === 0) resolve();
      };
      for (const worker of workers) {
        worker.on("message", (result) => {
          running.delete(result.project);
          if (result.output) log(result.output);
          if (result.ok) {
            done.add(result.project);
            built.push({ project: name(result.project), seconds: result.seconds });
          } else {
            failed.add(result.project);
            log(`build: ${name(result.project)} failed (${result.errors} error(s))`);
          }
          idle.push(worker);
          pump();
        });
        worker.on("error", reject);
      }
      pump();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  for (const p of skipped) log(`build: ${name(p)} skipped: a project it references failed`);
  return { failed: [...failed].map(name), skipped: [...skipped].map(name), built };
}
