import type { PackagePlan } from "../split.js";

/**
 * The hand-owned files of a new domain package, written only when missing: package.json,
 * tsconfigs, the package entry point and a README. Codegen never overwrites them.
 */
export function emitScaffold(plan: PackagePlan): { path: string; content: string }[] {
  const name = `@tswats/${plan.pkg.name}`;
  const packageJson = {
    name,
    version: "0.0.0",
    description: plan.pkg.description,
    license: "MIT",
    type: "module",
    exports: {
      ".": { "@tswats/source": "./src/index.ts", types: "./dist/index.d.ts", default: "./dist/index.js" },
    },
    files: ["dist", "src"],
    engines: { node: ">=20.19" },
    scripts: { build: "tsc -p tsconfig.build.json", typecheck: "tsc -p tsconfig.json --noEmit" },
    dependencies: { "@tswats/core": "workspace:^", zod: "4.6.7" },
  };
  return [
    { path: "package.json", content: `${JSON.stringify(packageJson, null, 2)}\n` },
    {
      path: "tsconfig.json",
      content: `${JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { noEmit: true }, include: ["src", "test"] }, null, 2)}\n`,
    },
    {
      path: "tsconfig.build.json",
      content: `${JSON.stringify(
        {
          extends: "../../../tsconfig.base.json",
          compilerOptions: { outDir: "dist", rootDir: "src", customConditions: [] },
          include: ["src"],
        },
        null,
        2,
      )}\n`,
    },
    { path: "src/index.ts", content: 'export * from "./generated/index.js";\n' },
    {
      path: "README.md",
      content: `# ${name}\n\n${plan.pkg.description}\n\nTyped client for the WATS \`${plan.pkg.tag}\` API, generated from the server's OpenAPI document.\n\n\`\`\`sh\nnpm install ${name}\n\`\`\`\n`,
    },
  ];
}
