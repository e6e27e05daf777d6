import { createHash } from "node:crypto";
import {
  type CallInput,
  type CallOptions,
  type CallPromise,
  callPromiseOf,
  isWatsError,
  type OperationSpec,
  type Transport,
} from "@tswats/core";
import { describe, expect, it } from "vitest";
import {
  contentMismatch,
  downloadPackageFile,
  fetchPackageContents,
  type Package,
  type PackageFolder,
  packageContents,
  parseChecksum,
  SoftwareInternalService,
} from "../src/internal.js";

class RecordingTransport implements Transport {
  readonly calls: { op: OperationSpec; input: CallInput; options: CallOptions | undefined }[] = [];
  constructor(private readonly answer: (op: OperationSpec) => unknown) {}
  call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): CallPromise<T> {
    this.calls.push({ op, input, options });
    return callPromiseOf(() => this.answer(op) as T);
  }
}

const BINARY = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256);
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest();
const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest();
const id = (n: number) => `00000000-0000-0000-0000-0000000000${String(n).padStart(2, "0")}`;

const file = (n: number, name: string, bytes: Uint8Array, checksum?: string | null) => ({
  PackageFolderFileId: id(50 + n),
  RepositoryFolderFileId: id(n),
  RepositoryFolderFile: {
    RepositoryFolderFileId: id(n),
    Name: name,
    FileSize: bytes.byteLength,
    Checksum: checksum === undefined ? md5(bytes).toString("base64") : checksum,
  },
});

// bin/ (setup.exe, drivers/ (fixture.dll)), config/ (station.ini)
const drivers: PackageFolder = {
  PackageFolderId: id(23),
  ParentFolderId: id(21),
  Name: "drivers",
  PackageFolderFiles: [file(3, "fixture.dll", BINARY, sha1(BINARY).toString("hex"))],
};
const bin: PackageFolder = {
  PackageFolderId: id(21),
  Name: "bin",
  PackageFolders: [drivers],
  PackageFolderFiles: [file(1, "setup.exe", BINARY)],
};
const config: PackageFolder = {
  PackageFolderId: id(22),
  Name: "config",
  PackageFolderFiles: [file(2, "station.ini", Buffer.from("[station]\n"), null)],
};
const tree: Package = { PackageId: id(99), Name: "P", Version: 1, PackageFolders: [bin, config] };
const flat: Package = {
  ...tree,
  PackageFolders: [{ ...drivers }, { ...bin, PackageFolders: null }, config],
};

describe("package contents", () => {
  it("lists every file with its path, id, size and checksum (tree or flat folders alike)", () => {
    const files = packageContents(tree);
    expect(files.map((f) => f.path)).toEqual([
      "bin/drivers/fixture.dll",
      "bin/setup.exe",
      "config/station.ini",
    ]);
    expect(files[0]).toMatchObject({
      segments: ["bin", "drivers", "fixture.dll"],
      repositoryFolderFileId: id(3),
      size: 300,
      checksum: { algorithm: "sha1", hex: sha1(BINARY).toString("hex") },
    });
    expect(files[1]?.checksum).toEqual({ algorithm: "md5", hex: md5(BINARY).toString("hex") });
    expect(files[2]?.checksum).toBeUndefined();
    expect(packageContents(flat)).toEqual(files);
  });

  it("reads base64 and hex digests and refuses anything else naming the file", () => {
    expect(parseChecksum(sha1(BINARY).toString("base64"), "a")?.algorithm).toBe("sha1");
    expect(parseChecksum(createHash("sha256").update(BINARY).digest("base64"), "a")?.algorithm).toBe(
      "sha256",
    );
    expect(parseChecksum(md5(BINARY).toString("hex").toUpperCase(), "a")?.hex).toBe(
      md5(BINARY).toString("hex"),
    );
    expect(parseChecksum("", "a")).toBeUndefined();
    expect(() => parseChecksum("abc123", "bin/x.exe")).toThrow(/file "bin\/x\.exe".*"abc123" is not an MD5/);
  });

  it("says why bytes are not the listed file: size first, then checksum", () => {
    const [dll] = packageContents(tree);
    if (!dll) throw new Error("no file");
    expect(contentMismatch(dll, BINARY)).toBeUndefined();
    expect(contentMismatch(dll, BINARY.subarray(1))).toBe("299 bytes, the package lists 300");
    const changed = Uint8Array.from(BINARY);
    changed[10] = (changed[10] ?? 0) ^ 1;
    expect(contentMismatch(dll, changed)).toMatch(/^sha1 [0-9a-f]{40}, the package lists [0-9a-f]{40}$/);
  });

  it("refuses a malformed package naming the place", () => {
    const failure = (pkg: Package) => {
      try {
        packageContents(pkg);
      } catch (error) {
        expect(isWatsError(error)).toBe(true);
        return (error as Error).message;
      }
      return "no error";
    };
    expect(
      failure({
        PackageFolders: [{ Name: "a", PackageFolderFiles: [{ RepositoryFolderFile: { Name: "x" } }] }],
      }),
    ).toMatch(/file "a\/x" has no RepositoryFolderFileId/);
    expect(
      failure({ PackageFolders: [{ PackageFolderId: id(1), PackageFolderFiles: [file(1, "x", BINARY)] }] }),
    ).toMatch(/folder .*01 has no Name/);
    expect(failure({ PackageFolders: [config, { ...config, PackageFolderId: id(77) }] })).toMatch(
      /two files have the path "config\/station.ini"/,
    );
    const loopA: PackageFolder = { PackageFolderId: id(1), ParentFolderId: id(2), Name: "a" };
    const loopB: PackageFolder = {
      PackageFolderId: id(2),
      ParentFolderId: id(1),
      Name: "b",
      PackageFolderFiles: [file(1, "x", BINARY)],
    };
    expect(failure({ PackageFolders: [loopA, loopB] })).toMatch(/ParentFolderId cycle/);
  });

  it("fetches with GetPackage and downloads with DownloadFile, refusing damaged bytes by name", async () => {
    let body: Uint8Array = BINARY;
    const transport = new RecordingTransport((op) =>
      op.path.endsWith("/GetPackage")
        ? tree
        : body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength),
    );
    const service = new SoftwareInternalService(transport);
    const { files } = await fetchPackageContents(service, id(99), { timeoutMs: 5_000 });
    expect(transport.calls[0]?.op).toMatchObject({
      path: "/api/internal/Software/GetPackage",
      internal: true,
    });
    expect(transport.calls[0]?.input.params).toEqual({ packageId: id(99) });
    const dll = files[0];
    if (!dll) throw new Error("no file");
    expect(await downloadPackageFile(service, dll)).toEqual(BINARY);
    expect(transport.calls[1]?.op).toMatchObject({
      path: "/api/internal/Software/DownloadFile",
      response: "binary",
    });
    expect(transport.calls[1]?.input.params).toEqual({ repositoryFolderFileId: id(3) });
    body = BINARY.subarray(0, 100);
    await expect(downloadPackageFile(service, dll)).rejects.toThrow(
      /file "bin\/drivers\/fixture.dll" arrived damaged: 100 bytes, the package lists 300/,
    );
  });
});
