import { OverlayError, SpecError } from "../errors.js";
import type { NormalisedOperation, PackageModel } from "../model.js";
import type { Overlay } from "../overlay.js";
import type { CollectedOperation } from "./collect.js";
import { pascalCase } from "./naming.js";

/** The package of a public operation: its tag's entry in the overlay's `packages`. */
export function publicPackageOf(op: CollectedOperation, overlay: Overlay, sourceName: string): string {
  const pkg = overlay.packages[op.tag];
  if (pkg === undefined) {
    throw new SpecError(
      `${op.pointer}/tags/0`,
      `tag "${op.tag}" has no package in specs/overlay.json "packages"`,
      sourceName,
    );
  }
  if (overlay.operations[op.route]?.package !== undefined) {
    throw new OverlayError(
      `operations["${op.route}"].package: a public operation stays in its tag's package; only internal routes can be moved`,
    );
  }
  return pkg.name;
}

/**
 * The package whose internal module takes an internal-only operation: the overlay's
 * `operations[route].package` if given, else the package of its tag when the public spec has that
 * tag, else the tag's entry in `internal.tags`.
 */
export function internalPackageOf(op: CollectedOperation, overlay: Overlay, sourceName: string): string {
  const moved = overlay.operations[op.route]?.package;
  if (moved !== undefined) return moved;
  const publicPackage = overlay.packages[op.tag];
  if (publicPackage !== undefined) return publicPackage.name;
  const mapped = overlay.internal.tags[op.tag];
  if (mapped !== undefined) return mapped.package;
  throw new SpecError(
    `${op.pointer}/tags/0`,
    `internal tag "${op.tag}" has no package: add it to specs/overlay.json "internal.tags"`,
    sourceName,
  );
}

/**
 * Checks the overlay's `internal` section: new packages must not reuse a public package's name,
 * every tag entry must name a tag the internal spec has (and not a public one, whose package is
 * already known), and every package named must exist.
 */
export function checkInternalOverlay(overlay: Overlay, internalTags: ReadonlySet<string>): void {
  const publicNames = new Set(Object.values(overlay.packages).map((p) => p.name));
  const known = (name: string) => publicNames.has(name) || Object.hasOwn(overlay.internal.packages, name);
  for (const name of Object.keys(overlay.internal.packages)) {
    if (publicNames.has(name))
      throw new OverlayError(`internal.packages["${name}"] is already the package of a public tag`);
  }
  for (const [tag, entry] of Object.entries(overlay.internal.tags)) {
    const publicPackage = overlay.packages[tag];
    if (publicPackage !== undefined) {
      throw new OverlayError(
        `internal.tags["${tag}"]: "${tag}" is a public tag; its internal operations go to @tswats/${publicPackage.name}`,
      );
    }
    if (!internalTags.has(tag))
      throw new OverlayError(`internal.tags["${tag}"] names a tag the internal spec does not have`);
    if (!known(entry.package)) {
      throw new OverlayError(
        `internal.tags["${tag}"].package "${entry.package}" is neither a public package nor one of internal.packages`,
      );
    }
  }
  for (const [route, entry] of Object.entries(overlay.operations)) {
    if (entry.package !== undefined && !known(entry.package)) {
      throw new OverlayError(
        `operations["${route}"].package "${entry.package}" is neither a public package nor one of internal.packages`,
      );
    }
  }
}

/** The public packages that have operations, one per tag, in overlay order. */
export function publicPackageModels(overlay: Overlay, operations: NormalisedOperation[]): PackageModel[] {
  return Object.entries(overlay.packages)
    .filter(([tag]) => operations.some((op) => op.tag === tag))
    .map(([tag, p]) => ({ tags: [tag], ...p }));
}

/**
 * The internal modules, one per package that takes internal operations, in name order. The
 * service is `<Package>InternalService`; the description is the public package's, or the
 * overlay's for a package that exists only for the internal API. A package declared in
 * `internal.packages` that no operation reaches fails.
 */
export function internalPackageModels(overlay: Overlay, operations: NormalisedOperation[]): PackageModel[] {
  const publicByName = new Map(Object.values(overlay.packages).map((p) => [p.name, p]));
  const names = [...new Set(operations.map((op) => op.packageName))].sort();
  for (const declared of Object.keys(overlay.internal.packages)) {
    if (!names.includes(declared))
      throw new OverlayError(
        `internal.packages["${declared}"] is declared but no internal operation goes to it`,
      );
  }
  return names.map((name) => ({
    name,
    tags: [...new Set(operations.filter((op) => op.packageName === name).map((op) => op.tag))].sort(),
    service: `${pascalCase(name)}InternalService`,
    description:
      publicByName.get(name)?.description ?? (overlay.internal.packages[name]?.description as string),
  }));
}
