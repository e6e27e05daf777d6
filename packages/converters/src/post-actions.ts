/**
 * What happens to a source file after its conversion: on success move it to the done folder (or
 * delete it, or leave it), on failure move it to the error folder beside a `<file>.error.txt`
 * that says which converter failed, when, and why (with line/column/field where known).
 * Moves keep the path relative to the watch folder and never overwrite: a name that is taken
 * gets a timestamp before its extension.
 */
import { copyFile, mkdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { ConversionError, locationText } from "./errors.js";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(".", "").replace("Z", "");

/** A free path for `name` in `folder` (timestamp suffix when taken). */
export async function freePath(folder: string, name: string, now = new Date()): Promise<string> {
  const first = join(folder, name);
  if (!(await exists(first))) return first;
  const ext = extname(name);
  const base = ext ? name.slice(0, -ext.length) : name;
  for (let i = 0; i < 1000; i++) {
    const candidate = join(folder, `${base}.${stamp(now)}${i ? `-${i}` : ""}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`no free name for ${name} in ${folder}`);
}

/** Moves a file (rename, or copy + delete across devices). Returns the new path. */
export async function moveFile(source: string, folder: string, relativeDir = ""): Promise<string> {
  const targetDir = join(folder, relativeDir);
  await mkdir(targetDir, { recursive: true });
  const target = await freePath(targetDir, basename(source));
  try {
    await rename(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(source, target);
    await unlink(source);
  }
  return target;
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
    const folder = moved ? dirname(moved) : join(action.doneFolder, action.relativeDir);
    await mkdir(folder, { recursive: true });
    const name = `${basename(moved ?? path)}.warnings.txt`;
    await writeFile(
      join(folder, name),
      `converter: ${action.converter}\ntime: ${new Date().toISOString()}\nfile: ${path}\nwarnings:\n${action.warnings.map((w) => `  - ${w}`).join("\n")}\n`,
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
  await writeFile(`${moved}.error.txt`, errorReport(path, converter, error));
  return moved;
}
