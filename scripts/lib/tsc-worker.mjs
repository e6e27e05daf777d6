// One build lane of tsc-lanes.mjs: a worker thread with its own TypeScript solution builder over
// the whole project graph. It builds the projects it is handed, one at a time, and answers with
// the diagnostics. The main thread hands out a project only when everything it references is
// built, so the builder here finds those up to date and builds just the one project.
//
// Declaration files are parsed and bound once per lane and reused by every project the lane
// builds (tsc -b does the same within one build call): the third-party ones (node, zod, pino,
// undici...) and the packages' emitted ones, which no longer change once their project is done.
import { parentPort, workerData } from "node:worker_threads";
import ts from "typescript";

const { solution, verbose } = workerData;

const declarationFiles = new Map();
const CACHING = Symbol("tswats.declarationCache");

/** createProgram for the builder: the compiler host's getSourceFile, with the lane's cache. */
function createProgram(
  rootNames,
  options,
  host,
  oldProgram,
  configFileParsingDiagnostics,
  projectReferences,
) {
  if (host && !host.getSourceFile[CACHING]) {
    const inner = host.getSourceFile;
    const cached = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
      if (!/\.d\.[cm]?ts$/.test(fileName))
        return inner.call(host, fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
      const settings =
        typeof languageVersionOrOptions === "object"
          ? `${languageVersionOrOptions.languageVersion}|${languageVersionOrOptions.impliedNodeFormat}`
          : String(languageVersionOrOptions);
      const key = `${settings}|${fileName}`;
      let file = declarationFiles.get(key);
      if (!file) {
        file = inner.call(host, fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
        if (file) declarationFiles.set(key, file);
      }
      return file;
    };
    cached[CACHING] = true;
    host.getSourceFile = cached;
  }
  return ts.createEmitAndSemanticDiagnosticsBuilderProgram(
    rootNames,
    options,
    host,
    oldProgram,
    configFileParsingDiagnostics,
    projectReferences,
  );
}

let diagnostics = [];
let statuses = [];
const host = ts.createSolutionBuilderHost(
  ts.sys,
  createProgram,
  (diagnostic) => diagnostics.push(diagnostic),
  (diagnostic) => statuses.push(diagnostic),
);
const builder = ts.createSolutionBuilder(host, [solution], { verbose });
const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n",
};

parentPort.on("message", (project) => {
  diagnostics = [];
  statuses = [];
  const started = performance.now();
  let exitStatus;
  let crash;
  try {
    exitStatus = builder.build(project);
  } catch (error) {
    crash = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  parentPort.postMessage({
    project,
    ok: crash === undefined && exitStatus === ts.ExitStatus.Success,
    seconds: (performance.now() - started) / 1000,
    errors: diagnostics.length,
    output: [
      ...statuses.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      ts.formatDiagnostics(diagnostics, formatHost).trimEnd(),
      crash ?? "",
    ]
      .filter(Boolean)
      .join("\n"),
  });
});
