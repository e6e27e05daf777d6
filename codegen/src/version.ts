/** Bumped whenever generated output changes for the same input; recorded in specs/lock.json. */
export const GENERATOR_VERSION = "1.1.0";
