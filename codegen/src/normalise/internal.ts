import type { CollectedOperation } from "./collect.js";

/**
 * A route as the server tells routes apart: the method and the path compared without case, path
 * parameters by position whatever their name (`/api/Asset/{id}` is `/api/asset/{assetId}`).
 */
export function serverRoute(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^{}]+\}/g, "{}").toLowerCase()}`;
}

/**
 * The operations of the internal spec that the public spec does not have. The internal spec
 * repeats every public operation; those are generated once, in the public API, never also as
 * internal.
 */
export function internalOnly(
  internal: readonly CollectedOperation[],
  publicOps: readonly CollectedOperation[],
): CollectedOperation[] {
  const publicRoutes = new Set(publicOps.map((op) => serverRoute(op.method, op.path)));
  return internal.filter((op) => !publicRoutes.has(serverRoute(op.method, op.path)));
}
