import type { PackagePlan } from "../split.js";

/** An entry of package.json "exports": the TypeScript source for the workspace, the build otherwise. */
function exportEntry(entry: string): Record<string, string> {
  return {
    "@tswats/source": `./src/${entry}.ts`,
    types: `./dist/${entry}.d.ts`,
    default: `./dist/${entry}.js`,
  };
}

const INTERNAL_ENTRY = 'export * from "./generated/internal/index.js";\n';

/**
 * The hand-owned files of a domain package, written only when missing: package.json, tsconfigs,
 * the entry points and a README. Codegen never overwrites them. A package with an internal module
 * gets the `./internal` entry (`src/internal.ts`); a package that exists only for the internal API
 * has no public module, so its root entry re-exports the internal one.
 */
export function emitScaffold(
  name: string,
  plan: PackagePlan | undefined,
  internalPlan: PackagePlan | undefined,
): { path: string; content: string }[] {
  const packageName = `@tswats/${name}`;
  const description = (plan ?? internalPlan)?.pkg.description ?? "";
  const packageJson = {
    name: packageName,
    version: "0.0.0",
    description,
    license: "MIT",
    type: "module",
    exports: {
      ".": exportEntry("index"),
      ...(internalPlan ? { "./internal": exportEntry("internal") } : {}),
    },
    files: ["dist", "src"],
    engines: { node: ">=20.19" },
    scripts: { build: "tsc -p tsconfig.build.json", typecheck: "tsc -p tsconfig.json --noEmit" },
    dependencies: { "@tswats/core": "workspace:^", zod: "4.6.7" },
  };
  const files = [
    { path: "package.json", content: `${JSON.stringify(packageJson, null, 2)}\n` },
    {
      path: "tsconfig.json",
      content: configJson({
        extends: "../../../tsconfig.base.json",
        compilerOptions: { noEmit: true },
        include: ["src", "test"],
      }),
    },
    {
      path: "tsconfig.build.json",
      content: configJson({
        extends: "../../../tsconfig.base.json",
        compilerOptions: { outDir: "dist", rootDir: "src", customConditions: [] },
        include: ["src"],
      }),
    },
    {
      path: "src/index.ts",
      content: plan
        ? 'export * from "./generated/index.js";\n'
        : `// ${packageName} exists only for the WATS internal API: its root entry is the internal module.\n${INTERNAL_ENTRY}`,
    },
    { path: "README.md", content: readme(packageName, description, plan, internalPlan) },
  ];
  if (internalPlan) files.push({ path: "src/internal.ts", content: INTERNAL_ENTRY });
  return files;
}

/**
 * JSON as the repository's formatter (Biome) writes config files: an array of plain strings (no
 * commas or quotes inside) on one line.
 */
function configJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    /\[((?:\s*"[^",\\]*",?)*)\s*\]/g,
    (_, items: string) => `[${items.trim().split(/,\s*/).filter(Boolean).join(", ")}]`,
  );
  return `${text}\n`;
}

function readme(
  packageName: string,
  description: string,
  plan: PackagePlan | undefined,
  internalPlan: PackagePlan | undefined,
): string {
  const parts = [`# ${packageName}`, description];
  if (plan) {
    parts.push(
      `Typed client for the WATS \`${plan.pkg.tags.join("`, `")}\` API, generated from the server's OpenAPI document.`,
    );
  }
  if (internalPlan) {
    parts.push(
      `\`${packageName}/internal\`: \`${internalPlan.pkg.service}\`, the WATS internal API's ` +
        `\`${internalPlan.pkg.tags.join("`, `")}\` operations. Virinco does not support the internal API ` +
        "and may change it in any server version: use it only where the public API has no equivalent.",
    );
  }
  parts.push(`\`\`\`sh\nnpm install ${packageName}\n\`\`\``);
  return `${parts.join("\n\n")}\n`;
}
