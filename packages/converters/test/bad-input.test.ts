import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { decodeText } from "../src/text-decode.js";
import { conversionFailure, richTestStandXml, tempDir } from "./helpers.js";

let host: ConverterHost;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
  tmp = await tempDir();
});
afterAll(async () => {
  await host.close();
  await tmp.cleanup();
});

async function convert(name: string, bytes: Uint8Array | string, parameters?: Record<string, unknown>) {
  const path = join(tmp.dir, name);
  await writeFile(path, bytes);
  return host.convertFile(path, { converter: "teststand-xml", ...(parameters ? { parameters } : {}) });
}

const failure = conversionFailure;

function utf16(text: string, bigEndian: boolean): Buffer {
  const le = Buffer.from(`\uFEFF${text}`, "utf16le");
  if (!bigEndian) return le;
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1] as number;
    be[i + 1] = le[i] as number;
  }
  return be;
}

const xml = richTestStandXml("ENC-Ø1").replace('encoding="utf-8"', 'encoding="utf-16"');

describe("bad and unusual input", () => {
  it("reads UTF-8 with BOM, UTF-16 LE and UTF-16 BE with BOM to the same report", async () => {
    const a = await convert(
      "bom8.xml",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, "utf8")]),
    );
    const b = await convert("le.xml", utf16(xml, false));
    const c = await convert("be.xml", utf16(xml, true));
    for (const r of [a, b, c]) expect(r.reports[0]?.sn).toBe("ENC-Ø1");
    expect(b.reports[0]?.root?.steps?.length).toBe(a.reports[0]?.root?.steps?.length);
  });

  it("honours the XML encoding declaration; bytes that break the declared UTF-8 are refused with byte, line and column", async () => {
    const latin1 = Buffer.from(xml.replace('encoding="utf-16"', 'encoding="iso-8859-1"'), "latin1");
    const declared = await convert("latin1.xml", latin1);
    expect(declared.reports[0]?.sn).toBe("ENC-Ø1");
    const mislabelled = Buffer.from(xml.replace('encoding="utf-16"', 'encoding="utf-8"'), "latin1");
    const e = await failure(convert("mislabelled.xml", mislabelled));
    expect(e.kind).toBe("encoding");
    expect(e.message).toMatch(
      /mislabelled\.xml is not valid UTF-8: byte \d+ \(line \d+, column \d+\) is 0xd8.*parameter "encoding"/,
    );
    const ok = await convert("mislabelled-ok.xml", mislabelled, { encoding: "windows-1252" });
    expect(ok.reports[0]?.sn).toBe("ENC-Ø1");
  });

  it("a BOM that does not match the bytes after it is an encoding error", async () => {
    const utf8BomLatin1 = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("<TSReport>Ø</TSReport>", "latin1"),
    ]);
    const e = await failure(convert("bom-latin1.xml", utf8BomLatin1));
    expect(e).toMatchObject({ kind: "encoding", line: 1, column: 14 });
    const oddUtf16 = Buffer.concat([utf16("<TSReport/>", false), Buffer.from([0x41])]);
    const odd = await failure(convert("odd16.xml", oddUtf16));
    expect(odd.kind).toBe("encoding");
    expect(odd.message).toMatch(/UTF-16LE byte order mark but is not valid UTF-16LE/);
  });

  it("names an unknown encoding parameter", async () => {
    const e = await failure(
      convert("enc.xml", Buffer.from("<TSReport/>", "latin1"), { encoding: "klingon" }),
    );
    expect(e.message).toMatch(/unknown encoding "klingon"/);
  });

  it("truncated XML fails with the line and column where it ends", async () => {
    const text = richTestStandXml("T-1");
    const e = await failure(convert("trunc.xml", text.slice(0, 2000)));
    expect(e.kind).toBe("parse");
    expect(e.line).toBeGreaterThan(1);
    expect(e.message).toMatch(/trunc\.xml is not well-formed XML at line \d+, column \d+/);
  });

  it("binary junk, an empty file and a blank file each get their own reason", async () => {
    const junk = await failure(
      convert(
        "junk.xml",
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      ),
    );
    expect(junk.kind).toBe("binary");
    const nul = await failure(convert("nul.xml", "<TSReport>\n\u0000\u0000</TSReport>"));
    expect(nul).toMatchObject({ kind: "binary", line: 2 });
    expect((await failure(convert("empty.xml", ""))).kind).toBe("empty");
    expect((await failure(convert("blank.xml", "  \r\n\t"))).message).toMatch(/holds only white space/);
  });

  it("a file above the size limit is refused before it is read", async () => {
    const path = join(tmp.dir, "big.xml");
    await writeFile(path, Buffer.alloc(3 * 1024 * 1024, 0x20));
    const e = await failure(host.convertFile(path, { converter: "teststand-xml", maxFileMb: 2 }));
    expect(e.kind).toBe("too-large");
    expect(e.message).toMatch(/big\.xml is 3\.0 MB, more than the limit of 2 MB \(setting maxFileMb\)/);
  });

  it("without --converter, content decides between converters", async () => {
    const path = join(tmp.dir, "mystery.dat");
    await writeFile(path, richTestStandXml("D-1"));
    const r = await host.convertFile(path);
    expect(r.converter).toBe("teststand-xml");
    await writeFile(path, "just some words");
    const e = await failure(host.convertFile(path));
    expect(e.kind).toBe("no-converter");
  });

  it("decodeText keeps valid UTF-8 and reports a stray continuation byte", () => {
    expect(decodeText(Buffer.from("Ωmega\n"), "f")).toBe("Ωmega\n");
    expect(() => decodeText(Buffer.from([0x61, 0x0a, 0x62, 0x80, 0x63]), "f")).toThrow(
      /byte 3 \(line 2, column 2\) is 0x80/,
    );
  });
});
