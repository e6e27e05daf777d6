import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Reading the JSON config file. Errors describe the problem, never the content. */
export type ConfigFileResult =
  | { ok: true; path: string; data: Record<string, unknown> }
  | { ok: false; path: string; problem: string };

export function readConfigFile(path: string, cwd: string = process.cwd()): ConfigFileResult {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      path: full,
      problem:
        code === "ENOENT" ? `file not found: ${full}` : `cannot read ${full} (${String(code ?? "error")})`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    // JSON.parse messages quote the text around the fault, which may be the token: keep only the position.
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    return {
      ok: false,
      path: full,
      problem: `${full} is not valid JSON${position ? ` (at character ${position})` : ""}`,
    };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, path: full, problem: `${full} must hold a JSON object` };
  }
  return { ok: true, path: full, data: data as Record<string, unknown> };
}
