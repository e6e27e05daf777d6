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
    // Type-level tests (*.test-d.ts): tsc checks them, so a result that loses its named model or a
    // flag enum that refuses a combination fails the run like any other test.
    typecheck: {
      enabled: true,
      include: ["packages/**/test/**/*.test-d.ts"],
      tsconfig: "./packages/sdk/tsconfig.json",
    },
    reporters: ["default", "json"],
    outputFile: { json: "node_modules/.cache/tswats/vitest-results.json" },
  },
});
