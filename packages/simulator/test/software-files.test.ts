/**
 * The internal software routes a station fetches a package's files with: GetPackage (folder tree,
 * repository file ids, sizes, MD5 checksums) and DownloadFile (the bytes), seeded and after a zip
 * upload.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../src/formats/zip.js";
import { type Simulator, startSimulator } from "../src/index.js";
import { call, callJson } from "./helpers.js";

interface RepositoryFile {
  RepositoryFolderFileId: string;
  Name: string;
  FileSize: number;
  Checksum: string;
}
interface Folder {
  PackageFolderId: string;
  ParentFolderId: string | null;
  Name: string;
  PackageFolders: Folder[];
  PackageFolderFiles: { RepositoryFolderFileId: string; RepositoryFolderFile: RepositoryFile }[];
}

/** Every file of a GetPackage answer by path. */
function filesOf(
  folders: Folder[],
  prefix = "",
  parentId: string | null = null,
): Map<string, RepositoryFile> {
  const out = new Map<string, RepositoryFile>();
  for (const folder of folders) {
    expect(folder.ParentFolderId).toBe(parentId);
    const path = `${prefix}${folder.Name}/`;
    for (const f of folder.PackageFolderFiles) {
      expect(f.RepositoryFolderFileId).toBe(f.RepositoryFolderFile.RepositoryFolderFileId);
      out.set(`${path}${f.RepositoryFolderFile.Name}`, f.RepositoryFolderFile);
    }
    for (const [p, f] of filesOf(folder.PackageFolders, path, folder.PackageFolderId)) out.set(p, f);
  }
  return out;
}

describe("internal software routes: a package's files and their bytes", () => {
  let sim: Simulator;
  let internal: { headers: Record<string, string> };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5 });
    internal = { headers: { referer: `${sim.url}/` } };
  });
  afterAll(() => sim.close());

  const getPackage = (id: string) =>
    callJson<{ Name: string; Version: number; Status: number; PackageFolders: Folder[] }>(
      sim,
      `/api/internal/Software/GetPackage?packageId=${id}`,
      internal,
    );
  const download = (id: string) =>
    call(
      sim,
      `/api/internal/Software/DownloadFile?repositoryFolderFileId=${encodeURIComponent(id)}`,
      internal,
    );

  it("serves the seeded package's tree and each file's exact bytes, matching size and MD5", async () => {
    const released = sim.state.software
      .list()
      .find((p) => p.name === "StationSetup" && p.status === "Released");
    if (!released) throw new Error("no seeded package");
    const pkg = await getPackage(released.packageId);
    expect(pkg).toMatchObject({ Name: "StationSetup", Version: 1, Status: 2 });
    const files = filesOf(pkg.PackageFolders);
    expect([...files.keys()].sort()).toEqual([
      "bin/drivers/fixture.dll",
      "bin/setup.exe",
      "config/station.ini",
    ]);
    for (const [path, file] of files) {
      const answer = await download(file.RepositoryFolderFileId);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type")).toBe("application/octet-stream");
      const bytes = Buffer.from(await answer.arrayBuffer());
      expect(bytes.length, path).toBe(file.FileSize);
      expect(createHash("md5").update(bytes).digest("base64"), path).toBe(file.Checksum);
    }
    const exe = Buffer.from(
      await (await download(files.get("bin/setup.exe")?.RepositoryFolderFileId ?? "")).arrayBuffer(),
    );
    expect(exe.subarray(0, 2).toString("latin1")).toBe("MZ");
    // Not text: decoding it as UTF-8 would change it.
    expect(Buffer.from(exe.toString("utf8"), "utf8").equals(exe)).toBe(false);
    expect(sim.requests.at(-1)?.operation).toBe("software/internal.downloadFile");
  });

  it("gives the bytes of an uploaded zip (stored and deflated), new bytes on re-upload, 404 for the old id", async () => {
    const draft = await callJson<{ packageId: string }>(sim, "/api/Software/Package", {
      body: { name: "Zipped" },
    });
    const upload = (zip: Buffer) => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), "files.zip");
      return fetch(`${sim.url}/api/Software/Package/UploadZip/${draft.packageId}`, {
        method: "POST",
        headers: { authorization: `Basic ${sim.token}` },
        body: form,
      });
    };
    const big = Buffer.alloc(20_000, "abc");
    const first = writeZip(
      [
        { name: "app/", data: new Uint8Array(0) },
        { name: "app/big.txt", data: big },
        { name: "app/lib/x.bin", data: Uint8Array.of(0, 255, 1, 254) },
      ],
      { method: "deflate" },
    );
    expect((await upload(first)).status).toBe(204);
    const before = filesOf((await getPackage(draft.packageId)).PackageFolders);
    expect([...before.keys()].sort()).toEqual(["app/big.txt", "app/lib/x.bin"]);
    const bigId = before.get("app/big.txt")?.RepositoryFolderFileId ?? "";
    expect(Buffer.from(await (await download(bigId)).arrayBuffer()).equals(big)).toBe(true);

    expect((await upload(writeZip([{ name: "app/big.txt", data: Buffer.from("small now") }]))).status).toBe(
      204,
    );
    const after = filesOf((await getPackage(draft.packageId)).PackageFolders);
    const newId = after.get("app/big.txt")?.RepositoryFolderFileId ?? "";
    expect(newId).not.toBe(bigId);
    expect(await (await download(newId)).text()).toBe("small now");
    expect((await download(bigId)).status).toBe(404);
    expect(after.get("app/lib/x.bin")).toEqual(before.get("app/lib/x.bin"));

    const corrupt = writeZip([{ name: "app/c.txt", data: Buffer.from("hello") }]);
    const firstDataByte = 30 + "app/c.txt".length;
    corrupt.writeUInt8(corrupt.readUInt8(firstDataByte) ^ 0xff, firstDataByte); // the CRC no longer matches
    const refused = await upload(corrupt);
    expect(refused.status).toBe(400);
    expect((await refused.json()).Message).toMatch(
      /zip entry 'app\/c.txt': its contents fail the size or CRC check/,
    );
  });

  it("answers 404 for an unknown file or package, 400 without the id or the Referer", async () => {
    const unknown = await download("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).Message).toBe(
      "The repository file '00000000-0000-4000-8000-000000000000' was not found.",
    );
    expect(
      (
        await call(
          sim,
          "/api/internal/Software/GetPackage?packageId=00000000-0000-4000-8000-000000000000",
          internal,
        )
      ).status,
    ).toBe(404);
    const noId = await call(sim, "/api/internal/Software/DownloadFile", internal);
    expect(noId.status).toBe(400);
    expect((await noId.json()).Message).toContain("'repositoryFolderFileId' is required");
    expect((await call(sim, "/api/internal/Software/DownloadFile?repositoryFolderFileId=x")).status).toBe(
      400,
    );
    expect(
      (
        await call(sim, "/api/internal/Software/DownloadFile?repositoryFolderFileId=x", {
          ...internal,
          token: null,
        })
      ).status,
    ).toBe(401);
    const other = await call(sim, "/api/internal/Software/GetRevokedPackages", internal);
    expect(other.status).toBe(404);
    expect((await other.json()).Message).toContain("This internal route is not simulated");
  });
});
