/**
 * The version of `@tswats/core`, sent in the User-Agent. `pnpm release:version` keeps it equal to
 * package.json; a test checks it, so a release that bumps one without the other fails.
 */
export const CORE_VERSION = "0.0.0";

/** `tswats/<core version> node/<node version>`, plus an optional product token of the caller. */
export function userAgent(suffix?: string): string {
  const base = `tswats/${CORE_VERSION} node/${process.versions.node}`;
  return suffix ? `${base} ${suffix}` : base;
}
