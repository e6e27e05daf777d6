/** Converter parameters: config values checked against the declared specs, defaults filled in. */
import type { ParameterSpec, ParameterSpecs } from "./plugin-api.js";

const TYPES = new Set(["string", "number", "integer", "boolean", "enum", "string[]", "object"]);

/** Checks a plugin's declared specs (their shape and that each default fits its type). */
export function checkParameterSpecs(specs: unknown, owner: string): string[] {
  const problems: string[] = [];
  if (specs === undefined) return problems;
  if (typeof specs !== "object" || specs === null || Array.isArray(specs)) {
    return [`${owner}: "parameters" must be an object of parameter specs`];
  }
  for (const [key, spec] of Object.entries(specs as Record<string, unknown>)) {
    if (typeof spec !== "object" || spec === null) {
      problems.push(`${owner}: parameter "${key}" must be an object like { type: "string", default: "..." }`);
      continue;
    }
    const s = spec as ParameterSpec;
    if (!TYPES.has(s.type)) {
      problems.push(
        `${owner}: parameter "${key}" has unknown type ${JSON.stringify(s.type)} (use ${[...TYPES].join(", ")})`,
      );
      continue;
    }
    if (s.type === "enum" && (!Array.isArray(s.values) || s.values.length === 0))
      problems.push(`${owner}: enum parameter "${key}" needs "values"`);
    if (s.default !== undefined) {
      const why = typeProblem(s, s.default);
      if (why) problems.push(`${owner}: default of parameter "${key}" ${why}`);
    }
  }
  return problems;
}

function typeProblem(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case "string":
      return typeof value === "string" ? undefined : `must be a string, not ${describe(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `must be true or false, not ${describe(value)}`;
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value))
        return `must be a number, not ${describe(value)}`;
      if (spec.type === "integer" && !Number.isInteger(value)) return `must be an integer, not ${value}`;
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}, not ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}, not ${value}`;
      return undefined;
    }
    case "enum":
      return typeof value === "string" && (spec.values ?? []).includes(value)
        ? undefined
        : `must be one of ${(spec.values ?? []).map((v) => JSON.stringify(v)).join(", ")}, not ${describe(value)}`;
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? undefined
        : `must be an array of strings, not ${describe(value)}`;
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? undefined
        : `must be an object, not ${describe(value)}`;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/**
 * The parameters a conversion gets: `values` over the declared defaults. Throws an Error naming
 * the converter and parameter for an unknown key, a wrong type or a missing required value.
 */
export function resolveParameters(
  specs: ParameterSpecs,
  values: Readonly<Record<string, unknown>> | undefined,
  converter: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(values ?? {})) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      problems.push(
        `unknown parameter "${key}" (${known.length ? `known: ${known.join(", ")}` : "it takes no parameters"})`,
      );
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const given = values?.[key];
    if (given === undefined) {
      if (spec.default !== undefined) out[key] = structuredClone(spec.default);
      else if (spec.required) problems.push(`parameter "${key}" is required`);
      continue;
    }
    const why = typeProblem(spec, given);
    if (why) problems.push(`parameter "${key}" ${why}`);
    else out[key] = given;
  }
  if (problems.length > 0) throw new Error(`converter "${converter}": ${problems.join("; ")}`);
  return out;
}
