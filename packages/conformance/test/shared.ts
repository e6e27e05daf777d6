import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Virinco's WATS documents, committed under specs/wats (see NOTICE.md). */
export const specsDir = join(repoRoot, "specs/wats");
