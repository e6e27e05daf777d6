/**
 * What happens to a source file after its conversion: on success move it to the done folder (or
 * delete it, or leave it), on failure move it to the error folder beside a `<file>.error.txt`
 * that says which converter failed, when, and why (with line/column/field where known).
 * Moves keep the path relative to the watch folder and never overwrite: a name that is taken
 * gets a timestamp before its extension. Nothing is written through a symbolic link (see safe-fs.ts).
 */
import { rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { ConversionError, locationText } from "./errors.js";
import { ensureRealFolder, moveNoReplace, writeNewFile } from "./safe-fs.js";

export { freePath } from "./safe-fs.js";

/** Moves a file into `folder/relativeDir` (created as real folders, never replacing a name). Returns the new path. */
export async function moveFile(source: string, folder: string, relativeDir = ""): Promise<string> {
  const targetDir = await ensureRealFolder(folder, relativeDir);
  return moveNoReplace(source, targetDir, basename(source));
}

export interface SuccessAction {
  onSuccess: "move" | "delete" | "keep";
  doneFolder: string;
  relativeDir: string;
  warnings: readonly string[];
  converter: string;
}

/** Returns where the file went (undefined when deleted or kept). */
export async function afterSuccess(path: string, action: SuccessAction): Promise<string | undefined> {
  let moved: string | undefined;
  if (action.onSuccess === "move") moved = await moveFile(path, action.doneFolder, action.relativeDir);
  else if (action.onSuccess === "delete") await rm(path, { force: true });
  if (action.warnings.length > 0) {
    const folder = moved ? dirname(moved) : await ensureRealFolder(action.doneFolder, action.relativeDir);
    await writeNewFile(
      folder,
      `${basename(moved ?? path)}.warnings.txt`,
      `converter: ${action.converter}\ntime: ${new Date().toISOString()}\nfile: ${path}\nwarnings:\n${action.warnings.map((w) => `  - ${w}`).join("\n")}\n`,
      ".warnings.txt",
    );
  }
  return moved;
}

/** The text of a `<file>.error.txt`. */
export function errorReport(path: string, converter: string, error: unknown, now = new Date()): string {
  const e = ConversionError.from(error, "crash");
  const where = locationText(e);
  const lines = [
    `file: ${path}`,
    `converter: ${converter}`,
    `time: ${now.toISOString()}`,
    `kind: ${e.kind}`,
    ...(where ? [`location: ${where}`] : []),
    `error: ${e.message}`,
  ];
  if (e.problems.length > 0) lines.push("problems:", ...e.problems.slice(0, 200).map((p) => `  - ${p}`));
  const warnings = (error as { warnings?: unknown }).warnings;
  if (Array.isArray(warnings) && warnings.length > 0)
    lines.push("warnings:", ...warnings.map((w) => `  - ${String(w)}`));
  return `${lines.join("\n")}\n`;
}

/** Moves the file to the error folder and writes `<file>.error.txt` beside it. Returns the new path. */
export async function afterFailure(
  path: string,
  errorFolder: string,
  relativeDir: string,
  converter: string,
  error: unknown,
): Promise<string> {
  const moved = await moveFile(path, errorFolder, relativeDir);
  await writeNewFile(
    dirname(moved),
    `${basename(moved)}.error.txt`,
    errorReport(path, converter, error),
    ".error.txt",
  );
  return moved;
}
