/**
 * The daemon-memory section alone (bench/daemon-memory.ts), written to
 * bench-results/daemon-memory.json at the repository root. Build first:
 * `node scripts/build.mjs @tswats/client`, then from the repository root
 * `DAEMON_MEMORY_FOCUS=pending npx tsx packages/client/bench/daemon-memory-run.ts`
 * (FOCUS and DAEMON_MEMORY_RUNS are described in daemon-memory.ts). Not a test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchReport, benchSource } from "./bench-report.js";
import { measureDaemonMemory } from "./daemon-memory.js";

const packageDir = resolve(fileURLToPath(new URL("..", import.meta.url)));
const repoRoot = resolve(packageDir, "../..");
const work = await mkdtemp(join(tmpdir(), "tswats-daemon-memory-"));
try {
  const result = await measureDaemonMemory({
    work,
    packageDir,
    repoRoot,
    report: benchReport,
    source: benchSource,
  });
  const out = join(repoRoot, "bench-results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "daemon-memory.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(work, { recursive: true, force: true });
}
