// What an install put on disk: the packages in a node_modules tree (nested ones included) and
// their size, both as disk usage (allocated blocks, as `du` counts) and as file bytes.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {string} nodeModules  a node_modules folder
 * @returns {{ packages: number, names: string[], diskBytes: number, fileBytes: number }}
 */
export function installFootprint(nodeModules) {
  const names = new Set();
  let packages = 0;
  const visitModules = (dir) => {
    for (const entry of safeReaddir(dir)) {
      if (entry.startsWith(".")) continue; // .bin, .package-lock.json
      const path = join(dir, entry);
      if (entry.startsWith("@")) {
        for (const scoped of safeReaddir(path)) visitPackage(join(path, scoped));
      } else visitPackage(path);
    }
  };
  const visitPackage = (dir) => {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    } catch {
      return; // not a package folder
    }
    packages++;
    names.add(`${manifest.name}@${manifest.version}`);
    visitModules(join(dir, "node_modules"));
  };
  visitModules(nodeModules);
  const { diskBytes, fileBytes } = folderSize(nodeModules);
  return { packages, names: [...names].sort(), diskBytes, fileBytes };
}

function folderSize(dir) {
  let diskBytes = 0;
  let fileBytes = 0;
  const walk = (path) => {
    const stats = lstatSync(path);
    diskBytes += stats.blocks * 512;
    if (stats.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (stats.isFile()) fileBytes += stats.size;
  };
  walk(dir);
  return { diskBytes, fileBytes };
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** "1.2 MB" */
export function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
