import type { PackagePlan } from "../split.js";

/**
 * An entry of package.json "exports": the TypeScript source for the workspace, then the ESM build
 * for `import` and its CommonJS copy (dist/cjs, see scripts/build-package.mjs) for `require`.
 */
export function exportEntry(entry: string): Record<string, unknown> {
  return {
    "@tswats/source": `./src/${entry}.ts`,
    import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
    require: { types: `./dist/cjs/${entry}.d.ts`, default: `./dist/cjs/${entry}.js` },
  };
}

/**
 * The package.json fields codegen keeps in line on every run, also in existing packages (the rest
 * of package.json is hand-owned): how the package is built and what it exports. "scripts.build"
 * stands for that one script.
 */
export const MANAGED_PACKAGE_FIELDS = ["main", "types", "exports", "files", "scripts.build"];

/**
 * The build: tsc (ESM + declarations), then the CommonJS copy. `main`/`types` and the
 * `service/`, `schemas/`, `internal/` and `internal/schemas/` package.json stubs serve resolvers
 * that ignore "exports" (node10, older bundlers). `./service` is the service class alone: what
 * the SDK's `Wats` loads. The zod schemas have entries of their own (`./schemas`,
 * `./internal/schemas`): building them and loading zod takes a fresh process 90-140 ms and 8-12
 * MiB, which a script that only calls the API or submits reports should not pay.
 */
function buildFields(hasPublic: boolean, hasInternal: boolean) {
  return {
    main: "./dist/cjs/index.js",
    types: "./dist/cjs/index.d.ts",
    exports: {
      ".": exportEntry("index"),
      ...(hasPublic ? { "./service": exportEntry("service"), "./schemas": exportEntry("schemas") } : {}),
      ...(hasInternal
        ? { "./internal": exportEntry("internal"), "./internal/schemas": exportEntry("internal-schemas") }
        : {}),
    },
    files: [
      "dist",
      "src",
      ...(hasPublic ? ["service", "schemas"] : []),
      ...(hasInternal ? ["internal"] : []),
    ],
  };
}

const SERVICE_ENTRY =
  "// The service class alone (the SDK's `Wats` loads this); the model types too (types only), so\n" +
  "// declarations built on the service can name them.\n" +
  "\n" +
  'export type * from "./generated/index.js";\n' +
  'export * from "./generated/service.js";\n';

/** The zod schemas of a module's models and operations, apart from its entry so that it loads no zod. */
function schemasEntry(folder: string): string {
  return (
    "// The zod schemas of the models (`<Model>Schema`) and of each operation (`operationSchemas`).\n" +
    "// Apart from the package's main entry, which loads no zod: the transport loads an operation's\n" +
    "// schemas itself when `validateResponses` is on.\n" +
    "\n" +
    `export { operationSchemas } from "./${folder}/operation-schemas.js";\n` +
    `export * from "./${folder}/schemas.js";\n`
  );
}

/**
 * A package.json for resolvers without "exports" support (TypeScript's node10, old bundlers), in
 * a folder `depth` levels below the package.
 */
function entryStub(entry: string, depth = 1): string {
  const up = "../".repeat(depth);
  return `${JSON.stringify({ main: `${up}dist/cjs/${entry}.js`, types: `${up}dist/cjs/${entry}.d.ts` }, null, 2)}\n`;
}

const BUILD_SCRIPT = "node ../../../scripts/build-package.mjs";

const INTERNAL_ENTRY = 'export * from "./generated/internal/index.js";\n';

/**
 * The hand-owned files of a domain package, written only when missing: package.json, tsconfigs,
 * the entry points and a README. Codegen never overwrites them, except package.json's
 * MANAGED_PACKAGE_FIELDS (see manifest.ts). A package with an internal module
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
    ...buildFields(plan !== undefined, internalPlan !== undefined),
    engines: { node: ">=20.19" },
    scripts: { build: BUILD_SCRIPT, typecheck: "tsc -p tsconfig.json --noEmit" },
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
  if (plan) {
    files.push({ path: "src/service.ts", content: SERVICE_ENTRY });
    files.push({ path: "service/package.json", content: entryStub("service") });
    files.push({ path: "src/schemas.ts", content: schemasEntry("generated") });
    files.push({ path: "schemas/package.json", content: entryStub("schemas") });
  }
  if (internalPlan) {
    files.push({ path: "src/internal.ts", content: INTERNAL_ENTRY });
    files.push({ path: "internal/package.json", content: entryStub("internal") });
    files.push({ path: "src/internal-schemas.ts", content: schemasEntry("generated/internal") });
    files.push({ path: "internal/schemas/package.json", content: entryStub("internal-schemas", 2) });
  }
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
