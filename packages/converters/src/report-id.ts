/**
 * Deterministic report ids: the same converter reading the same bytes gives the same ids, so a
 * file converted twice (re-dropped, or converted again after a crash before it was moved) replaces
 * its report in WATS instead of duplicating it.
 *
 * The id is a name-based UUID built from SHA-256 as RFC 9562 §5.8 describes for version 8
 * (SHA-256 is not one of the hashes of v3/v5): sha256("tswats-converter\0" + converter + "\0" +
 * sha256(file) + "\0" + index), first 16 bytes, version nibble 8, RFC 4122 variant.
 */
import { createHash } from "node:crypto";

/** sha256 of the bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function deriveReportId(converter: string, contentSha256: string, index: number): string {
  const digest = createHash("sha256")
    .update(`tswats-converter\u0000${converter}\u0000${contentSha256}\u0000${index}`)
    .digest();
  const b = digest.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
