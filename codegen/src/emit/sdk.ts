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

/** `packages/sdk/src/generated/domains.ts`: every domain service the `Wats` facade exposes. */
export function emitSdkDomains(plans: PackagePlan[], header: string): string {
  const sorted = [...plans].sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
  return [
    header,
    // The service entry of each package: the class without the package's zod schemas.
    ...sorted.map((p) => `import { ${p.pkg.service} } from ${literal(`@tswats/${p.pkg.name}/service`)};`),
    "",
    "/** Each domain service class by its `wats.<domain>` property. */",
    "export const domainServices = {",
    ...sorted.map((p) => `  ${key(domainProperty(p.pkg.name))}: ${p.pkg.service},`),
    "} as const;",
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
