/**
 * Checks that a loaded module is a converter this host can run (plugin API v1), and describes it.
 * Every refusal names the plugin's source and what is wrong.
 */
import { checkParameterSpecs } from "./parameters.js";
import { CONVERTER_API_VERSION, type ConverterDescriptor, type ConverterPluginV1 } from "./plugin-api.js";

export class PluginError extends Error {
  override readonly name = "PluginError";
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The converter object a module exports: `default`, or a named `converter` export. */
export function pluginFromModule(mod: unknown): unknown {
  if (typeof mod !== "object" || mod === null) return mod;
  const m = mod as Record<string, unknown>;
  let candidate = m.default ?? m.converter;
  // CommonJS module.exports = { default: plugin } seen through ESM interop
  if (
    typeof candidate === "object" &&
    candidate !== null &&
    !("apiVersion" in candidate) &&
    "default" in (candidate as Record<string, unknown>)
  )
    candidate = (candidate as Record<string, unknown>).default;
  return candidate;
}

export function checkPlugin(value: unknown, source: string): ConverterPluginV1 {
  if (typeof value !== "object" || value === null)
    throw new PluginError(
      `${source}: does not export a converter (expected a default export or an export named "converter" with apiVersion, name, filePatterns and convert)`,
    );
  const p = value as Record<string, unknown>;
  if (p.apiVersion === undefined)
    throw new PluginError(
      `${source}: declares no apiVersion; this client runs converter plugins with apiVersion ${CONVERTER_API_VERSION}`,
    );
  if (p.apiVersion !== CONVERTER_API_VERSION)
    throw new PluginError(
      `${source}: apiVersion ${JSON.stringify(p.apiVersion)} is not supported; this client runs converter plugins with apiVersion ${CONVERTER_API_VERSION} only` +
        (typeof p.apiVersion === "number" && p.apiVersion > CONVERTER_API_VERSION
          ? " (update the client)"
          : ""),
    );
  const problems: string[] = [];
  const label = typeof p.name === "string" ? `${source} (converter "${p.name}")` : source;
  if (typeof p.name !== "string" || !NAME.test(p.name))
    problems.push(`"name" must be 1-64 letters, digits, ".", "_" or "-", not ${JSON.stringify(p.name)}`);
  if (
    !Array.isArray(p.filePatterns) ||
    p.filePatterns.length === 0 ||
    !p.filePatterns.every((f) => typeof f === "string" && f !== "")
  )
    problems.push('"filePatterns" must be a non-empty array of glob strings (e.g. ["*.xml"])');
  if (typeof p.convert !== "function")
    problems.push('"convert" must be a function (input, context) => report | report[]');
  if (p.detect !== undefined && typeof p.detect !== "function")
    problems.push('"detect" must be a function when given');
  if (p.idPolicy !== undefined && p.idPolicy !== "derive" && p.idPolicy !== "keep-valid")
    problems.push(`"idPolicy" must be "derive" or "keep-valid", not ${JSON.stringify(p.idPolicy)}`);
  if (p.description !== undefined && typeof p.description !== "string")
    problems.push('"description" must be a string');
  problems.push(
    ...checkParameterSpecs(p.parameters, "parameters").map((m) => m.replace(/^parameters: /, "")),
  );
  if (problems.length > 0) throw new PluginError(`${label}: not a valid converter: ${problems.join("; ")}`);
  return value as ConverterPluginV1;
}

export function describePlugin(
  plugin: ConverterPluginV1,
  source: string,
  module: string,
): ConverterDescriptor {
  return {
    name: plugin.name,
    description: plugin.description ?? "",
    filePatterns: [...plugin.filePatterns],
    parameters: structuredClone({ ...(plugin.parameters ?? {}) }),
    idPolicy: plugin.idPolicy ?? "derive",
    hasDetect: typeof plugin.detect === "function",
    source,
    module,
  };
}
