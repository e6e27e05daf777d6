import type { GeneratedPackage } from "./generate.js";
import type { LoadedSpec } from "./load.js";
import { GENERATOR_VERSION } from "./version.js";

export interface SpecLock {
  generator: { name: string; version: string };
  inputs: Record<string, { file: string; sha256: string; format: string; title: string; version: string }>;
  packages: Record<string, { tag: string; operations: number; schemas: number; enums: number }>;
  totals: { operations: number; schemas: number };
}

/** specs/lock.json: what the committed generated code was made from, and what it holds. */
export function buildLock(inputs: Record<string, LoadedSpec>, generated: GeneratedPackage[]): SpecLock {
  const packages = generated.flatMap((g) => (g.plan ? [{ plan: g.plan }] : []));
  const entries = Object.entries(inputs).map(([role, spec]) => [
    role,
    {
      file: spec.source.split(/[\\/]/).pop() ?? spec.source,
      sha256: spec.sha256,
      format: spec.sourceVersion.startsWith("2")
        ? `swagger ${spec.sourceVersion}`
        : `openapi ${spec.sourceVersion}`,
      title: spec.document.info.title,
      version: spec.document.info.version,
    },
  ]);
  const perPackage = Object.fromEntries(
    packages.map(({ plan }) => [
      plan.pkg.name,
      {
        tag: plan.pkg.tag,
        operations: plan.operations.length,
        schemas: Object.keys(plan.schemas).length,
        enums: plan.enums.length,
      },
    ]),
  );
  const allSchemas = new Set(packages.flatMap(({ plan }) => Object.keys(plan.schemas)));
  return {
    generator: { name: "@tswats/codegen", version: GENERATOR_VERSION },
    inputs: Object.fromEntries(entries),
    packages: perPackage,
    totals: {
      operations: packages.reduce((n, { plan }) => n + plan.operations.length, 0),
      schemas: allSchemas.size,
    },
  };
}

export function renderLock(lock: SpecLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
