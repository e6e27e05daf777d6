// API reference for the public packages: `npx -y pnpm@10 docs:api` writes docs/api/ (git-ignored).
// The generated OpenAPI types carry openapi-typescript's @description tags: declared here so that
// TypeDoc renders them instead of warning about each one.
import { OptionDefaults } from "typedoc";

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "tsWATS",
  entryPointStrategy: "packages",
  entryPoints: [
    "packages/core",
    "packages/sdk",
    "packages/sync",
    "packages/converters",
    "packages/client",
    "packages/simulator",
    "packages/domains/*",
  ],
  packageOptions: {
    entryPoints: ["src/index.ts", "src/internal.ts", "src/schemas.ts", "src/internal-schemas.ts"],
    excludePrivate: true,
    excludeInternal: true,
    readme: "none",
    blockTags: [...OptionDefaults.blockTags, "@description"],
  },
  out: "docs/api",
  readme: "README.md",
  excludeExternals: true,
  validation: {
    notExported: false,
    invalidLink: true,
    notDocumented: false,
  },
  treatWarningsAsErrors: false,
};
