import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

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
