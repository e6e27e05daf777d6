import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that spend a minute or more driving real processes (kills, races, limits): started first,
 * so that on a fresh clone (no timing cache, where vitest runs larger files first) they overlap
 * the rest of the suite instead of running at its end. Measured on CI: daemon-kill 108 s and
 * submit-race 65 s, started 232 s and 117 s into the run, made the run 150 s longer.
 */
const LONG_FIRST = [
  "packages/client/test/daemon-kill.test.ts",
  "packages/client/test/submit-race.test.ts",
  "examples/test/examples.test.ts",
  "codegen/test/typecheck.test.ts",
  "packages/client/test/daemon-limits.test.ts",
  "packages/sync/test/engine.test.ts",
];

// `pnpm verify` builds every package just before the tests: its process tests may then start the
// built CLI rather than compiling the sources in every process (test/helpers/daemon-process.ts).
if (process.env.npm_lifecycle_event === "verify") process.env.TSWATS_TEST_BUILT ??= "1";

class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i === -1 ? LONG_FIRST.length : i;
    };
    return sorted
      .map((file, index) => ({ file, index }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index)
      .map(({ file }) => file);
  }
}

// One vitest run over every package, so CI gets a single pass/fail summary.
// The "@tswats/source" condition resolves workspace packages to their TypeScript sources,
// so tests never depend on a stale build.
export default defineConfig({
  resolve: { conditions: ["@tswats/source"] },
  ssr: { resolve: { conditions: ["@tswats/source"] } },
  test: {
    include: ["codegen/test/**/*.test.ts", "packages/**/test/**/*.test.ts", "examples/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
    // One test file per core, and at least two: many files spend their time waiting on child
    // processes, sockets and timers (vitest's default, one worker fewer than cores, ran the whole
    // suite one file at a time on a 2-core machine).
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongFirstSequencer },
    // Type tests (*.test-d.ts: expectTypeOf/assertType) are checked by tsc and fail like any test.
    typecheck: {
      enabled: true,
      include: ["{codegen,packages,examples}/**/test/**/*.test-d.ts"],
      tsconfig: "tsconfig.typetests.json",
    },
    reporters: ["default", "json"],
    outputFile: { json: "node_modules/.cache/tswats/vitest-results.json" },
  },
});
