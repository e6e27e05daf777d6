import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { GeneratedPackage } from "./generate.js";
import { mergeManifest } from "./manifest.js";

/**
 * Writes all packages' generated folders and the files beside them (specs/lock.json,
 * specs/surface.json), all or nothing: everything is
 * staged in a temporary folder first, then each `src/generated` folder is swapped in by rename;
 * if any swap fails, the ones already swapped are put back.
 */
export async function writeOutput(
  root: string,
  packages: GeneratedPackage[],
  extras: { path: string; content: string }[],
): Promise<{ written: number; scaffolded: string[]; updated: string[] }> {
  const staging = join(root, `.codegen-tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const scaffolded: string[] = [];
  const updated: string[] = [];
  let written = 0;
  try {
    for (const pkg of packages) {
      for (const file of pkg.files.filter((f) => f.kind === "generated")) {
        const staged = join(staging, "new", pkg.name, relative(join(pkg.dir, "src/generated"), file.path));
        await mkdir(dirname(staged), { recursive: true });
        await writeFile(staged, file.content);
        written++;
      }
    }
    await mkdir(join(staging, "old"), { recursive: true });
    const swapped: { live: string; old: string | undefined }[] = [];
    const replaced: { target: string; old: string | undefined }[] = [];
    try {
      for (const pkg of packages) {
        const live = join(root, pkg.dir, "src/generated");
        await mkdir(dirname(live), { recursive: true });
        let old: string | undefined;
        if (existsSync(live)) {
          old = join(staging, "old", pkg.name);
          await rename(live, old);
        }
        swapped.push({ live, old });
        await rename(join(staging, "new", pkg.name), live);
      }
      for (const [i, extra] of extras.entries()) {
        const staged = join(staging, `extra-${i}`);
        const target = join(root, extra.path);
        await writeFile(staged, extra.content);
        const old = existsSync(target) ? await readFile(target, "utf8") : undefined;
        await rename(staged, target);
        replaced.push({ target, old });
      }
    } catch (error) {
      for (const { target, old } of replaced.reverse()) {
        if (old === undefined) await rm(target, { force: true });
        else await writeFile(target, old);
      }
      for (const { live, old } of swapped.reverse()) {
        await rm(live, { recursive: true, force: true });
        if (old) await rename(old, live);
      }
      throw error;
    }
    for (const pkg of packages) {
      for (const file of pkg.files.filter((f) => f.kind === "scaffold" || f.kind === "manifest")) {
        const target = join(root, file.path);
        if (existsSync(target)) {
          if (file.kind !== "manifest") continue;
          const current = await readFile(target, "utf8");
          const merged = mergeManifest(current, file.content, file.path);
          if (merged !== current) {
            await writeFile(target, merged);
            updated.push(file.path);
          }
          continue;
        }
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
        scaffolded.push(file.path);
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { written, scaffolded, updated };
}

export interface Drift {
  path: string;
  change: "added" | "removed" | "changed";
  detail?: string;
}

/** Compares what would be generated with what is on disk (generated folders, lock and surface). */
export async function findDrift(
  root: string,
  packages: GeneratedPackage[],
  extras: { path: string; content: string }[],
): Promise<Drift[]> {
  const drift: Drift[] = [];
  const compare = async (path: string, expected: string) => {
    const absolute = join(root, path);
    if (!existsSync(absolute)) {
      drift.push({ path, change: "added", detail: "not on disk; run pnpm codegen" });
      return;
    }
    const actual = await readFile(absolute, "utf8");
    if (actual !== expected)
      drift.push({ path, change: "changed", detail: firstDifference(actual, expected) });
  };
  for (const pkg of packages) {
    const expected = pkg.files.filter((f) => f.kind === "generated");
    for (const file of expected) await compare(file.path, file.content);
    for (const file of pkg.files.filter((f) => f.kind === "manifest")) {
      const absolute = join(root, file.path);
      if (!existsSync(absolute)) continue;
      const current = await readFile(absolute, "utf8");
      const merged = mergeManifest(current, file.content, file.path);
      if (merged !== current)
        drift.push({ path: file.path, change: "changed", detail: firstDifference(current, merged) });
    }
    const dir = join(root, pkg.dir, "src/generated");
    if (existsSync(dir)) {
      const wanted = new Set(expected.map((f) => f.path));
      for (const name of await listFiles(dir)) {
        const path = relative(root, join(dir, name)).split("\\").join("/");
        if (!wanted.has(path)) drift.push({ path, change: "removed", detail: "no longer generated" });
      }
    }
  }
  const domains = join(root, "packages/domains");
  if (existsSync(domains)) {
    const known = new Set(packages.map((p) => p.name));
    for (const entry of await readdir(domains)) {
      if (!known.has(entry) && existsSync(join(domains, entry, "src/generated"))) {
        drift.push({
          path: `packages/domains/${entry}/src/generated`,
          change: "removed",
          detail: "package no longer generated",
        });
      }
    }
  }
  for (const extra of extras) await compare(extra.path, extra.content);
  return drift;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)));
    else out.push(`${prefix}${entry.name}`);
  }
  return out;
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split("\n");
  const b = expected.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const show = (s: string | undefined) =>
        s === undefined ? "(end of file)" : JSON.stringify(s.slice(0, 120));
      return `line ${i + 1}: on disk ${show(a[i])}, generated ${show(b[i])}`;
    }
  }
  return "differs";
}
