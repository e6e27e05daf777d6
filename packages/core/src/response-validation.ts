import type { ZodType } from "zod";
import { type ResponseDifference, type WatsErrorDetails, WatsResponseValidationError } from "./errors.js";
import type { CallLog } from "./logger.js";
import type { OperationSpec } from "./operation.js";

/**
 * Drift detection: the server's answers checked against the generated types.
 *
 * - `"off"` (default): answers are not checked, and the schemas are never loaded.
 * - `"warn"`: every difference is logged at `warn` once per operation, field and kind of
 *   difference (with the call's correlation id); the answer is returned unchanged.
 * - `"throw"`: an answer that differs raises `WatsResponseValidationError` naming the fields.
 *
 * A difference is a value of the wrong type (or outside its enum), a required field that is absent,
 * or a field the types do not declare (which zod would otherwise drop silently).
 */
export type ResponseValidationMode = "off" | "warn" | "throw";

/** How many distinct differences `warn` remembers (so each is logged once) before it forgets them all. */
const MAX_REMEMBERED = 10_000;
/** How many differences the error message names (all are in `differences`). */
const NAMED_IN_MESSAGE = 3;

export class ResponseValidator {
  readonly mode: Exclude<ResponseValidationMode, "off">;
  readonly #warned = new Set<string>();

  constructor(mode: Exclude<ResponseValidationMode, "off">) {
    this.mode = mode;
  }

  /**
   * Checks a decoded JSON answer against the operation's generated response schema. Resolves when
   * it matches (or the operation has no schema); in `warn` mode also when it does not, after
   * logging; in `throw` mode rejects with a WatsResponseValidationError.
   */
  async check(
    op: OperationSpec,
    data: unknown,
    log: CallLog,
    details: () => WatsErrorDetails & { status?: number },
  ): Promise<void> {
    if (op.response !== "json" || op.schemas === undefined) return;
    const schema = (await op.schemas())[op.name]?.response;
    if (schema === undefined) return;
    const differences = responseDifferences(schema, data);
    if (differences.length === 0) return;
    if (this.mode === "throw") {
      const named = differences.slice(0, NAMED_IN_MESSAGE).map((d) => `${d.path}: ${d.message}`);
      const more =
        differences.length > NAMED_IN_MESSAGE ? ` (and ${differences.length - NAMED_IN_MESSAGE} more)` : "";
      throw new WatsResponseValidationError(
        `${op.name}: the server's answer does not match the generated types: ${named.join("; ")}${more}`,
        { ...details(), differences },
      );
    }
    for (const difference of differences) {
      const key = `${op.name} ${fieldOf(difference.path)} ${difference.problem}`;
      if (this.#warned.has(key)) continue;
      if (this.#warned.size >= MAX_REMEMBERED) this.#warned.clear();
      this.#warned.add(key);
      log.write(
        "warn",
        () => ({ field: difference.path, problem: difference.problem, detail: difference.message }),
        "the server's answer differs from the generated types",
      );
    }
  }
}

/** Every difference between an answer and a schema: zod's issues, then the undeclared fields. */
export function responseDifferences(schema: ZodType, data: unknown): ResponseDifference[] {
  const result = schema.safeParse(data);
  if (!result.success) {
    return result.error.issues.map((issue) => {
      const path = pathText(issue.path);
      const problem = issue.code === "invalid_type" && isAbsent(data, issue.path) ? "missing" : "type";
      return { path, problem, message: problem === "missing" ? "required field is absent" : issue.message };
    });
  }
  // zod drops the keys an object schema does not declare: what it dropped is what the types lack.
  const extra: ResponseDifference[] = [];
  findDropped(data, result.data, [], extra);
  return extra;
}

function findDropped(input: unknown, output: unknown, path: PropertyKey[], out: ResponseDifference[]): void {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return;
    for (let i = 0; i < input.length; i++) findDropped(input[i], output[i], [...path, i], out);
    return;
  }
  if (!isRecord(input) || !isRecord(output)) return;
  for (const [name, value] of Object.entries(input)) {
    if (!Object.hasOwn(output, name)) {
      out.push({
        path: pathText([...path, name]),
        problem: "extra",
        message: "field not declared by the types",
      });
    } else {
      findDropped(value, output[name], [...path, name], out);
    }
  }
}

/** True when the issue's path ends at a key its parent object does not have. */
function isAbsent(data: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return data === undefined;
  let parent: unknown = data;
  for (const step of path.slice(0, -1)) {
    if (!isRecord(parent) && !Array.isArray(parent)) return false;
    parent = (parent as Record<PropertyKey, unknown>)[step];
  }
  const last = path[path.length - 1] as PropertyKey;
  return (isRecord(parent) || Array.isArray(parent)) && !Object.hasOwn(parent, last);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `$`, `$.product.state`, `$[3].name`, `$["odd key"]`. */
function pathText(path: readonly PropertyKey[]): string {
  let text = "$";
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else if (typeof step === "string" && /^[A-Za-z_$][\w$]*$/.test(step)) text += `.${step}`;
    else text += `[${JSON.stringify(String(step))}]`;
  }
  return text;
}

/** The field a path names, whatever the list positions: `$[3].name` and `$[7].name` are one field. */
function fieldOf(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}
