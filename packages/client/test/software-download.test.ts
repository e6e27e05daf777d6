/**
 * Downloading a software package's files to the station and verifying them, against the
 * simulator's internal GetPackage and DownloadFile routes: exact bytes, nested folders, damaged
 * and missing files named on verify, hostile file names refused, symbolic links never followed.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@tswats/core";
import { Wats } from "@tswats/sdk";
import { type Simulator, startSimulator } from "@tswats/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSegments } from "../src/files/contained.js";
import {
  downloadPackage,
  MANIFEST,
  type PackageResult,
  verifyPackage,
} from "../src/software/package-download.js";
import { tempDir } from "./helpers/reports.js";

const PATHS = ["bin/drivers/fixture.dll", "bin/setup.exe", "config/station.ini"];

describe("software package download", () => {
  let sim: Simulator;
  let wats: Wats;
  let dir: string;
  let cleanup: () => Promise<void>;
  let packageId: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("tswats-software-"));
    sim = await startSimulator({ port: 0, seed: 11 });
    wats = new Wats({ baseUrl: sim.url, token: sim.token, logger: silentLogger, retry: { maxAttempts: 1 } });
    const released = sim.state.software
      .list()
      .find((p) => p.name === "StationSetup" && p.status === "Released");
    if (!released) throw new Error("no seeded package");
    packageId = released.packageId;
  });
  afterAll(async () => {
    await wats.close();
    await sim.close();
    await cleanup();
  });

  /** The bytes the simulator holds for a file of the package, by path. */
  const serverBytes = (path: string): Buffer => {
    const pkg = sim.state.software.require(packageId);
    const file = sim.state.software.files(pkg).find((f) => `${f.packageFolderName}/${f.name}` === path);
    const data = file && sim.state.software.content(file.packageFileId ?? "")?.data;
    if (!data) throw new Error(`no file ${path}`);
    return data;
  };
  const failed = (result: PackageResult) =>
    result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  const download = (folder: string, id = packageId) =>
    downloadPackage({ wats, packageId: id, folder, server: sim.url });
  const verify = (folder: string, id = packageId) => verifyPackage({ wats, packageId: id, folder });

  it("writes every file's exact bytes, nested folders kept, and verifies them", async () => {
    const folder = join(dir, "exact");
    const result = await download(folder);
    expect(failed(result)).toEqual([]);
    expect(result.folder).toBe(join(folder, "StationSetup", "v1"));
    expect(result.checks.map((c) => c.name)).toEqual(PATHS);
    for (const path of PATHS) {
      const onDisk = await readFile(join(result.folder, ...path.split("/")));
      expect(onDisk.equals(serverBytes(path)), path).toBe(true);
    }
    const manifest = JSON.parse(await readFile(join(result.folder, MANIFEST), "utf8"));
    expect(
      manifest.files.map((f: { path: string; checksum: { algorithm: string } }) => [
        f.path,
        f.checksum.algorithm,
      ]),
    ).toEqual(PATHS.map((p) => [p, "md5"]));
    // Nothing but the package and its manifest: no temp or staging names left.
    expect((await readdir(join(folder, "StationSetup"))).sort()).toEqual(["v1"]);
    expect((await readdir(result.folder)).sort()).toEqual([
      "bin",
      "config",
      MANIFEST,
      "tswats-package.sha256",
    ]);
    const again = await verify(folder);
    expect(failed(again)).toEqual([]);
    expect(again.checks.map((c) => c.name)).toEqual([MANIFEST, "version", "status", ...PATHS]);
  });

  it("verify names a truncated, a changed and a missing file", async () => {
    const folder = join(dir, "damaged");
    const { folder: at } = await download(folder);
    await truncate(join(at, "bin", "setup.exe"), 100);
    const ini = join(at, "config", "station.ini");
    const text = await readFile(ini);
    text[0] = text[0] === 0x41 ? 0x42 : 0x41; // same size, other bytes
    await writeFile(ini, text);
    await rm(join(at, "bin", "drivers", "fixture.dll"));
    const result = await verify(folder);
    expect(result.ok).toBe(false);
    expect(failed(result)).toEqual([
      "bin/drivers/fixture.dll: missing on disk",
      `bin/setup.exe: changed: 100 bytes on disk, the package has ${serverBytes("bin/setup.exe").length}`,
      expect.stringMatching(
        /^config\/station\.ini: changed: md5 [0-9a-f]{12}… on disk, the server has [0-9a-f]{12}…$/,
      ),
    ]);
    // A new download repairs it.
    await download(folder);
    expect(failed(await verify(folder))).toEqual([]);
  });

  it("verify says when the manifest was changed or nothing was downloaded", async () => {
    const folder = join(dir, "manifest");
    const { folder: at } = await download(folder);
    await writeFile(join(at, MANIFEST), "{}\n");
    expect(failed(await verify(folder))).toEqual([
      `${MANIFEST}: changed since the download (sha256 differs)`,
    ]);
    const nothing = await verify(join(dir, "never"));
    expect(nothing.ok).toBe(false);
    expect(failed(nothing)).toEqual([
      expect.stringMatching(new RegExp(`^${MANIFEST}: not found in .*never/StationSetup/v1 \\(missing\\)$`)),
      ...PATHS.map((p) => `${p}: missing on disk`),
    ]);
  });

  it("refuses a package whose file names would leave the folder, naming each, and writes nothing", async () => {
    const pkg = sim.state.software.create({ name: "Hostile" }, "test", sim.state.nowIso());
    sim.state.software.addFiles(
      pkg,
      [
        { path: "app/ok.txt", data: Buffer.from("fine") },
        { path: "app/../x", data: Buffer.from("up one") },
        { path: "app/abs", data: Buffer.from("absolute") },
        { path: "app/drive", data: Buffer.from("drive") },
      ],
      false,
      sim.state.nowIso(),
    );
    const files = sim.state.software.files(pkg);
    const rename = (from: string, to: string) => {
      const file = files.find((f) => f.name === from);
      if (file) file.name = to;
    };
    rename("abs", "/tmp/tswats-evil");
    rename("drive", "C:\\evil.txt");
    const folder = join(dir, "hostile", "inner");
    const error = await download(folder, pkg.packageId).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(error).toContain('file "app/../x": refused, its path has the name ".."');
    expect(error).toContain('file "app//tmp/tswats-evil": refused, its path has a path separator');
    expect(error).toContain('file "app/C:\\evil.txt": refused, its path has a path separator');
    expect(error).not.toContain("app/ok.txt");
    expect(existsSync(join(folder, "Hostile"))).toBe(false);
    expect(existsSync(join(dir, "hostile", "x"))).toBe(false);
    expect(existsSync(join(dir, "hostile", "inner", "x"))).toBe(false);
  });

  it("checks path segments: no '..', '.', separators, drives, control characters or device names", () => {
    const refused = (segments: string[]) => {
      try {
        checkSegments(segments, segments.join("/"));
        return "accepted";
      } catch (error) {
        return (error as Error).message.replace(/^file ".*": refused, its path has /, "");
      }
    };
    expect(refused(["bin", "setup.exe"])).toBe("accepted");
    expect(refused(["a b", "ünïcödé (1).txt"])).toBe("accepted");
    expect(refused(["..", "x"])).toMatch(/^the name "\.\."/);
    expect(refused([".", "x"])).toMatch(/^the name "\."/);
    expect(refused(["", "x"])).toMatch(/^an empty name/);
    expect(refused(["a\\..\\b"])).toMatch(/^a path separator/);
    expect(refused(["C:x"])).toMatch(/^a drive letter/);
    expect(refused(["a\u0000b"])).toMatch(/^a control character/);
    expect(refused(["NUL.txt"])).toMatch(/^a Windows device name/);
    expect(refused(["trailing."])).toMatch(/^a trailing dot/);
  });

  it.skipIf(process.platform === "win32")(
    "never writes or reads through a symbolic link in the download folder",
    async () => {
      const outside = join(dir, "outside");
      await mkdir(outside, { recursive: true });

      // A link at the package's folder: refused, nothing written outside.
      const linked = join(dir, "linked");
      await mkdir(linked);
      await symlink(outside, join(linked, "StationSetup"));
      await expect(download(linked)).rejects.toThrow(
        /StationSetup is a symbolic link: refusing to write through it/,
      );
      expect(await readdir(outside)).toEqual([]);

      // Links planted inside a download: verify does not read through them ...
      const folder = join(dir, "planted");
      const { folder: at } = await download(folder);
      await writeFile(join(outside, "station.ini"), serverBytes("config/station.ini"));
      await rm(join(at, "config", "station.ini"));
      await symlink(join(outside, "station.ini"), join(at, "config", "station.ini"));
      await mkdir(join(outside, "bin", "drivers"), { recursive: true });
      await writeFile(join(outside, "bin", "setup.exe"), serverBytes("bin/setup.exe"));
      await writeFile(join(outside, "bin", "drivers", "fixture.dll"), serverBytes("bin/drivers/fixture.dll"));
      await rm(join(at, "bin"), { recursive: true });
      await symlink(join(outside, "bin"), join(at, "bin"));
      const result = await verify(folder);
      expect(failed(result)).toEqual([
        `bin/drivers/fixture.dll: not read: ${join(at, "bin")} is a symbolic link`,
        `bin/setup.exe: not read: ${join(at, "bin")} is a symbolic link`,
        `config/station.ini: not read: ${join(at, "config", "station.ini")} is a symbolic link`,
      ]);
      // ... and a new download replaces them with real files, leaving the link targets as they were.
      await writeFile(join(outside, "station.ini"), "outside, unchanged\n");
      expect(failed(await download(folder))).toEqual([]);
      expect(failed(await verify(folder))).toEqual([]);
      expect(await readFile(join(outside, "station.ini"), "utf8")).toBe("outside, unchanged\n");
      expect((await readFile(join(outside, "bin", "setup.exe"))).equals(serverBytes("bin/setup.exe"))).toBe(
        true,
      );
      expect(existsSync(join(outside, "bin", "setup.exe"))).toBe(true);
    },
  );

  it("a failed download names the file and leaves the previous download whole", async () => {
    const folder = join(dir, "failing");
    const { folder: at } = await download(folder);
    await writeFile(join(at, "bin", "stale.txt"), "left by hand");
    sim.faults.add({
      kind: "status",
      status: 404,
      times: 1,
      match: { path: "/api/internal/Software/DownloadFile" },
    });
    await expect(download(folder)).rejects.toThrow(/^file "bin\/drivers\/fixture\.dll": /);
    expect(failed(await verify(folder))).toEqual([]);
    expect(existsSync(join(at, "bin", "stale.txt"))).toBe(true);
    expect((await readdir(join(folder, "StationSetup"))).sort()).toEqual(["v1"]);
    // A whole new download replaces the folder: the stray file is gone with the old download.
    await download(folder);
    expect(existsSync(join(at, "bin", "stale.txt"))).toBe(false);
  });
});
