import { camelCase } from "../normalise/naming.js";
import type { PackagePlan } from "../split.js";
import { key, literal } from "./render.js";

/** The `wats.<domain>` property name of a package: its name in camelCase (`root-cause` -> `rootCause`). */
export function domainProperty(packageName: string): string {
  return camelCase(
    packageName
      .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
      .replace(/^[a-z]/, (c) => c.toUpperCase()),
  );
}

/** The module of a domain package that holds its service class (without the package's zod schemas). */
function serviceModule(plan: PackagePlan): string {
  return `@tswats/${plan.pkg.name}/service`;
}

function byName(plans: PackagePlan[]): PackagePlan[] {
  return [...plans].sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

/**
 * `packages/sdk/src/generated/domains.ts`: every domain service the `Wats` facade exposes, each
 * loaded on first use (packages/sdk/src/load-domain.ts), so that a script loads only the domains
 * it uses. The service classes are imported for their types only.
 */
export function emitSdkDomains(plans: PackagePlan[], header: string): string {
  const sorted = byName(plans);
  return [
    header,
    ...sorted.map((p) => `import type { ${p.pkg.service} } from ${literal(serviceModule(p))};`),
    'import { loadDomainService } from "../load-domain.js";',
    "",
    "/**",
    " * Each domain service class by its `wats.<domain>` property. A domain's package is loaded the first",
    " * time its class is read (see ../load-domain.ts): a script that uses one domain loads only that one.",
    " */",
    "export const domainServices = {",
    ...sorted.flatMap((p) => [
      `  get ${key(domainProperty(p.pkg.name))}(): typeof ${p.pkg.service} {`,
      `    return loadDomainService<typeof ${p.pkg.service}>(${literal(serviceModule(p))}, ${literal(p.pkg.service)});`,
      "  },",
    ]),
    "};",
    "",
    "export type DomainName = keyof typeof domainServices;",
    "",
    "/** The domain services of a `Wats` instance. */",
    "export type DomainServices = { readonly [K in DomainName]: InstanceType<(typeof domainServices)[K]> };",
    "",
    "/** The npm package of each domain. */",
    "export const domainPackages: Record<DomainName, string> = {",
    ...sorted.map((p) => `  ${key(domainProperty(p.pkg.name))}: ${literal(`@tswats/${p.pkg.name}`)},`),
    "};",
    "",
  ].join("\n");
}

/**
 * `packages/sdk/src/generated/domain-modules.ts`: every domain's service module imported at once
 * and handed to the loader. Only the SDK's sources entry (src/from-sources.ts) imports it: run
 * from TypeScript sources (tests, tsx), a module cannot be required synchronously the way the
 * built package requires its domains.
 */
export function emitSdkDomainModules(plans: PackagePlan[], header: string): string {
  const sorted = byName(plans);
  // Named after the class: a domain's own name may be a reserved word (`export`).
  const local = (p: PackagePlan) => `${p.pkg.service}Module`;
  return [
    header,
    ...sorted.map((p) => `import * as ${local(p)} from ${literal(serviceModule(p))};`),
    'import { registerDomainModules } from "../load-domain.js";',
    "",
    "registerDomainModules({",
    ...sorted.map((p) => `  ${literal(serviceModule(p))}: ${local(p)},`),
    "});",
    "",
  ].join("\n");
}
