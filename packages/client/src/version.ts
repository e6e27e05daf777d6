/**
 * The version of `@tswats/client`, printed by `tswats-client --version` and reported by the daemon.
 * `pnpm release:version` keeps it equal to package.json; a test checks it.
 */
export const CLIENT_VERSION = "0.0.0";
