/**
 * Minimal ZIP support: writing archives of stored (uncompressed) entries, and reading the entries
 * of an archive from its central directory (software package uploads): names, and the contents
 * of stored and deflated entries (the two methods zip tools write).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * A ZIP archive of stored (or, with `method: "deflate"`, deflated) entries (DOS date fixed at
 * 1980-01-01 so output is reproducible).
 */
export function writeZip(
  entries: readonly ZipEntry[],
  options: { method?: "store" | "deflate" } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const method = options.method === "deflate" ? 8 : 0;
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const crc = crc32(entry.data);
    const stored = method === 8 ? deflateRawSync(entry.data) : Buffer.from(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** The entry names of an archive, or undefined when the data is not a ZIP archive. */
export function listZipEntries(data: Buffer): string[] | undefined {
  return centralDirectory(data)?.map((e) => e.name);
}

/**
 * The entries of an archive with their contents (folders, names ending in `/`, included with
 * no data), or undefined when the data is not a ZIP archive. An entry compressed with another
 * method than stored or deflate, or whose data is cut off or fails its CRC, throws an Error naming it.
 */
export function readZipEntries(data: Buffer): ZipEntry[] | undefined {
  const entries = centralDirectory(data);
  if (!entries) return undefined;
  return entries.map((entry) => ({ name: entry.name, data: entryData(data, entry) }));
}

interface CentralEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function centralDirectory(data: Buffer): CentralEntry[] | undefined {
  const min = Math.max(0, data.length - 22 - 0xffff);
  for (let at = data.length - 22; at >= min; at--) {
    if (data.readUInt32LE(at) !== 0x06054b50) continue;
    const count = data.readUInt16LE(at + 10);
    let pos = data.readUInt32LE(at + 16);
    const entries: CentralEntry[] = [];
    for (let i = 0; i < count; i++) {
      if (pos + 46 > data.length || data.readUInt32LE(pos) !== 0x02014b50) return undefined;
      const nameLength = data.readUInt16LE(pos + 28);
      const extraLength = data.readUInt16LE(pos + 30);
      const commentLength = data.readUInt16LE(pos + 32);
      entries.push({
        name: data.subarray(pos + 46, pos + 46 + nameLength).toString("utf8"),
        method: data.readUInt16LE(pos + 10),
        crc: data.readUInt32LE(pos + 16),
        compressedSize: data.readUInt32LE(pos + 20),
        size: data.readUInt32LE(pos + 24),
        localOffset: data.readUInt32LE(pos + 42),
      });
      pos += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }
  return undefined;
}

function entryData(data: Buffer, entry: CentralEntry): Uint8Array {
  const at = entry.localOffset;
  if (at + 30 > data.length || data.readUInt32LE(at) !== 0x04034b50) {
    throw new Error(`zip entry '${entry.name}': its local header is missing`);
  }
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > data.length) throw new Error(`zip entry '${entry.name}': its data is cut off`);
  const raw = data.subarray(start, end);
  let content: Uint8Array;
  if (entry.method === 0) content = raw;
  else if (entry.method === 8) {
    try {
      content = inflateRawSync(raw);
    } catch (error) {
      throw new Error(`zip entry '${entry.name}': cannot be inflated (${(error as Error).message})`);
    }
  } else {
    throw new Error(
      `zip entry '${entry.name}': compression method ${entry.method} is not supported (stored or deflate)`,
    );
  }
  if (content.length !== entry.size || crc32(content) !== entry.crc) {
    throw new Error(`zip entry '${entry.name}': its contents fail the size or CRC check`);
  }
  return Uint8Array.from(content);
}
