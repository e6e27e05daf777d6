import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type GeneratedPackage, generatePackages } from "./generate.js";
import { type LoadedSpec, loadSpecFile, loadSpecUrl } from "./load.js";
import { buildLock, renderLock } from "./lock.js";
import { normalise, normaliseInternal } from "./normalise/index.js";
import { type Drift, findDrift, writeOutput } from "./output.js";
import { loadOverlay } from "./overlay.js";

export interface CodegenOptions {
  /** Repository root (where specs/ and packages/ are). */
  root: string;
  /** Compare instead of writing. */
  check?: boolean;
  /** The public spec file; default specs/wats/openapi_public_v3.json (or the Swagger 2.0 openapi_public.json). */
  spec?: string | undefined;
  /**
   * The internal spec file (its internal-only operations become each package's `internal` module;
   * it also holds the WSJF schema); default specs/wats/openapi_internal_v3.json.
   */
  internalSpec?: string | undefined;
  /** Download the public spec from a server instead (saved under specs/wats/). */
  from?: string | undefined;
  token?: string | undefined;
  overlay?: string | undefined;
}

export type CodegenResult =
  | { status: "written"; packages: GeneratedPackage[]; files: number; scaffolded: string[] }
  | { status: "clean"; packages: GeneratedPackage[] }
  | { status: "drift"; packages: GeneratedPackage[]; drift: Drift[] }
  | { status: "no-spec"; message: string };

const PUBLIC_CANDIDATES = ["openapi_public_v3.json", "openapi_public.json"];
const INTERNAL_CANDIDATES = ["openapi_internal_v3.json", "openapi_internal.json"];

export async function runCodegen(options: CodegenOptions): Promise<CodegenResult> {
  const { root } = options;
  const specDir = join(root, "specs/wats");
  const find = (candidates: string[]) => candidates.map((c) => join(specDir, c)).find((p) => existsSync(p));

  let publicSpec: LoadedSpec;
  if (options.from) {
    const { spec, text } = await loadSpecUrl(options.from, options.token);
    await mkdir(specDir, { recursive: true });
    const name = spec.sourceVersion.startsWith("2") ? "openapi_public.json" : "openapi_public_v3.json";
    await writeFile(join(specDir, name), text);
    publicSpec = { ...spec, source: name };
  } else {
    const path = options.spec ?? find(PUBLIC_CANDIDATES);
    if (path === undefined) {
      return {
        status: "no-spec",
        message: `no WATS spec in ${specDir} (see specs/README.md), and neither --spec nor --from was given`,
      };
    }
    publicSpec = await loadSpecFile(path);
  }
  const internalPath = options.internalSpec ?? find(INTERNAL_CANDIDATES);
  const internalSpec = internalPath ? await loadSpecFile(internalPath) : undefined;
  const overlay = await loadOverlay(options.overlay ?? join(root, "specs/overlay.json"));

  const api = normalise({ public: publicSpec, internal: internalSpec, overlay });
  const internalApi = internalSpec
    ? normaliseInternal({ public: publicSpec, internal: internalSpec, overlay })
    : undefined;
  const packages = await generatePackages(api, internalApi);
  const inputs: Record<string, LoadedSpec> = { public: publicSpec };
  if (internalSpec) inputs.internal = internalSpec;
  const lock = { path: "specs/lock.json", content: renderLock(buildLock(inputs, packages)) };

  if (options.check) {
    const drift = await findDrift(root, packages, lock);
    return drift.length === 0 ? { status: "clean", packages } : { status: "drift", packages, drift };
  }
  const { written, scaffolded } = await writeOutput(root, packages, lock);
  return { status: "written", packages, files: written, scaffolded };
}
