/**
 * Reads ZIP archives (XJTAG `.xjlog` files are one) from memory: the central directory, then
 * each entry on demand, stored or deflated, with its size and CRC-32 checked. About a hundred
 * lines on node:zlib instead of a dependency: the logs are small, we need only reading, and the
 * errors must say what is wrong and where (a truncated download, a damaged entry).
 * Not supported (refused with a clear error): ZIP64, encryption, compression other than deflate.
 */
import { crc32, inflateRawSync } from "node:zlib";

export class ZipFormatError extends Error {
  override readonly name = "ZipFormatError";
}

export interface ZipEntry {
  name: string;
  /** Uncompressed size as the directory states it. */
  size: number;
  /** The entry's bytes (inflated and checked). */
  read(): Uint8Array;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when the bytes start like a ZIP archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

export function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new ZipFormatError(
      `no ZIP end-of-directory record in the last ${Math.min(n, 65557)} bytes: the archive is truncated or not a ZIP file`,
    );
  const count = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  const dirOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff)
    throw new ZipFormatError("ZIP64 archives are not supported");
  if (dirOffset + dirSize > eocd)
    throw new ZipFormatError(
      `the ZIP directory (byte ${dirOffset}, ${dirSize} bytes) lies beyond the end record at byte ${eocd}: the archive is damaged`,
    );
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL)
      throw new ZipFormatError(`ZIP directory entry ${k + 1} of ${count} at byte ${p} is damaged`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? "utf-8" : "latin1").decode(nameBytes);
    p += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      size,
      read() {
        if (flags & 1) throw new ZipFormatError(`ZIP entry "${name}" is encrypted`);
        if (localOffset + 30 > n || view.getUint32(localOffset, true) !== LOCAL)
          throw new ZipFormatError(`ZIP entry "${name}": no local header at byte ${localOffset}`);
        const start =
          localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
        if (start + compressed > n)
          throw new ZipFormatError(
            `ZIP entry "${name}" needs bytes up to ${start + compressed} but the archive has ${n}: it is truncated`,
          );
        const raw = bytes.subarray(start, start + compressed);
        let data: Uint8Array;
        if (method === 0) data = raw;
        else if (method === 8) {
          try {
            data = inflateRawSync(raw);
          } catch (error) {
            throw new ZipFormatError(`ZIP entry "${name}" cannot be inflated: ${(error as Error).message}`);
          }
        } else
          throw new ZipFormatError(
            `ZIP entry "${name}" uses compression method ${method} (only 0 and 8 are read)`,
          );
        if (data.length !== size)
          throw new ZipFormatError(
            `ZIP entry "${name}" inflates to ${data.length} bytes, the directory says ${size}`,
          );
        if (crc32(data) !== crc)
          throw new ZipFormatError(`ZIP entry "${name}" is damaged: its CRC-32 does not match the directory`);
        return data;
      },
    });
  }
  return entries;
}
