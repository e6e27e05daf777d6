import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type ApiChange, diffSurfaces } from "./api-diff.js";
import { renderChangeset, type SpecChangeset } from "./changeset.js";
import { type GeneratedPackage, generatePackages } from "./generate.js";
import { type LoadedSpec, loadSpecFile, loadSpecUrl, parseSpec } from "./load.js";
import { buildLock, renderLock } from "./lock.js";
import { normalise, normaliseInternal } from "./normalise/index.js";
import { type Drift, findDrift, writeOutput } from "./output.js";
import { loadOverlay } from "./overlay.js";
import { buildSurface, parseSurface, renderSurface } from "./surface.js";

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
  /**
   * A new public spec: a server's Swagger URL (http/https, downloaded with `token`) or a local
   * file. Either way it is saved under specs/wats/ and becomes the spec later runs use.
   */
  from?: string | undefined;
  token?: string | undefined;
  overlay?: string | undefined;
}

/** What a write run found when it compared the new API surface with specs/surface.json. */
export type SurfaceOutcome =
  /** No specs/surface.json before: the surface was recorded, nothing to compare with. */
  | { kind: "baseline" }
  /** The API is the same as before: no changeset. */
  | { kind: "unchanged" }
  /** The API changed: a changeset was written (or was already there, from an identical run). */
  | { kind: "changed"; changes: ApiChange[]; changeset: SpecChangeset; alreadyWritten: boolean };

export type CodegenResult =
  | {
      status: "written";
      packages: GeneratedPackage[];
      files: number;
      scaffolded: string[];
      /** package.json files whose managed fields (build, exports) were brought in line. */
      updated: string[];
      surface: SurfaceOutcome;
      /** Other things worth telling (e.g. a spec file set aside). */
      notes: string[];
    }
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
  const notes: string[] = [];
  if (options.from) {
    const { spec, text } = /^https?:\/\//i.test(options.from)
      ? await loadSpecUrl(options.from, options.token)
      : await loadFromFile(options.from);
    await mkdir(specDir, { recursive: true });
    const isSwagger2 = spec.sourceVersion.startsWith("2");
    const name = isSwagger2 ? "openapi_public.json" : "openapi_public_v3.json";
    if (resolve(options.from) !== resolve(specDir, name)) await writeFile(join(specDir, name), text);
    // A v3 document left beside a new Swagger 2.0 one would be picked first by later runs.
    const shadow = join(specDir, "openapi_public_v3.json");
    if (isSwagger2 && existsSync(shadow)) {
      await rename(shadow, `${shadow}.replaced`);
      notes.push("specs/wats/openapi_public_v3.json set aside as .replaced (the new spec is Swagger 2.0)");
    }
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
  const surfaceText = renderSurface(buildSurface(packages));
  const surface = { path: SURFACE_PATH, content: surfaceText };

  if (options.check) {
    const drift = await findDrift(root, packages, [lock, surface]);
    return drift.length === 0 ? { status: "clean", packages } : { status: "drift", packages, drift };
  }
  const previous = await readPreviousSurface(root);
  const { written, scaffolded, updated } = await writeOutput(root, packages, [lock, surface]);
  const outcome = await recordSurfaceChange(root, previous, surfaceText, publicSpec);
  return { status: "written", packages, files: written, scaffolded, updated, surface: outcome, notes };
}

const SURFACE_PATH = "specs/surface.json";

async function loadFromFile(path: string): Promise<{ spec: LoadedSpec; text: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new Error(`Cannot read spec ${path}: ${(cause as Error).message}`, { cause });
  }
  return { spec: await parseSpec(text, path), text };
}

async function readPreviousSurface(root: string): Promise<string | undefined> {
  const path = join(root, SURFACE_PATH);
  return existsSync(path) ? await readFile(path, "utf8") : undefined;
}

/**
 * Compares the surface the committed code had (specs/surface.json before this run) with the new
 * one and, when the API changed, writes a changeset naming each affected package and its bump.
 * Idempotent: the file name comes from the new surface, and a second run with the same spec finds
 * no difference at all.
 */
async function recordSurfaceChange(
  root: string,
  previousText: string | undefined,
  surfaceText: string,
  spec: LoadedSpec,
): Promise<SurfaceOutcome> {
  if (previousText === undefined) return { kind: "baseline" };
  if (previousText === surfaceText) return { kind: "unchanged" };
  const before = parseSurface(previousText, SURFACE_PATH);
  const after = parseSurface(surfaceText, SURFACE_PATH);
  const changes = diffSurfaces(before, after);
  if (changes.length === 0) return { kind: "unchanged" };
  const label = `"${spec.document.info.title}" ${spec.document.info.version} (${spec.source}, sha256 ${spec.sha256.slice(0, 12)})`;
  const changeset = renderChangeset(changes, label, surfaceText);
  const target = join(root, changeset.path);
  const alreadyWritten = existsSync(target) && (await readFile(target, "utf8")) === changeset.content;
  if (!alreadyWritten) {
    await mkdir(join(root, ".changeset"), { recursive: true });
    await writeFile(target, changeset.content);
  }
  return { kind: "changed", changes, changeset, alreadyWritten };
}
