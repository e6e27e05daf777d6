import type { GeneratedPackage } from "./generate.js";
import type { LoadedSpec } from "./load.js";
import type { PackagePlan } from "./split.js";
import { GENERATOR_VERSION } from "./version.js";

interface ModuleCounts {
  operations: number;
  schemas: number;
  enums: number;
}

export interface SpecLock {
  generator: { name: string; version: string };
  inputs: Record<string, { file: string; sha256: string; format: string; title: string; version: string }>;
  /** The public API per package: its tag and counts. */
  packages: Record<string, { tag: string } & ModuleCounts>;
  /** The internal modules (`@tswats/<name>/internal`) per package: the internal tags they take and counts. */
  internalPackages: Record<string, { tags: string[] } & ModuleCounts>;
  totals: { operations: number; schemas: number; internalOperations: number; internalSchemas: number };
}

/** specs/lock.json: what the committed generated code was made from, and what it holds. */
export function buildLock(inputs: Record<string, LoadedSpec>, generated: GeneratedPackage[]): SpecLock {
  const publicPlans = generated.flatMap((g) => (g.plan ? [g.plan] : []));
  const internalPlans = generated
    .flatMap((g) => (g.internalPlan ? [g.internalPlan] : []))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
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
  const counts = (plan: PackagePlan): ModuleCounts => ({
    operations: plan.operations.length,
    schemas: Object.keys(plan.schemas).length,
    enums: plan.enums.length,
  });
  // A schema shared by several modules counts once per API.
  const distinctSchemas = (plans: PackagePlan[]) =>
    new Set(plans.flatMap((plan) => Object.keys(plan.schemas))).size;
  const operations = (plans: PackagePlan[]) => plans.reduce((n, plan) => n + plan.operations.length, 0);
  return {
    generator: { name: "@tswats/codegen", version: GENERATOR_VERSION },
    inputs: Object.fromEntries(entries),
    packages: Object.fromEntries(
      publicPlans.map((plan) => [plan.pkg.name, { tag: plan.pkg.tags.join(", "), ...counts(plan) }]),
    ),
    internalPackages: Object.fromEntries(
      internalPlans.map((plan) => [plan.pkg.name, { tags: plan.pkg.tags, ...counts(plan) }]),
    ),
    totals: {
      operations: operations(publicPlans),
      schemas: distinctSchemas(publicPlans),
      internalOperations: operations(internalPlans),
      internalSchemas: distinctSchemas(internalPlans),
    },
  };
}

export function renderLock(lock: SpecLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
