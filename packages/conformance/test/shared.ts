import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Virinco's specs and fixtures beside the repository (CI has them); undefined when absent. */
export const sharedDir: string | undefined = [process.env.TSWATS_SHARED, join(repoRoot, "../shared")].find(
  (dir): dir is string => dir !== undefined && existsSync(join(dir, "specs/wats")),
);

export const SKIP_REASON = "../shared is absent: conformance against Virinco's WATS documents is skipped";
