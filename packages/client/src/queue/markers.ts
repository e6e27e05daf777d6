/**
 * The id markers in `ids/<report id>`: which version of a report is current and whether it is
 * active (pending, sending or done) or failed. A marker makes duplicate detection O(1) and lets
 * the uploader skip a version that a correction has replaced.
 *
 * `{"v":1,"state":"active","key":"<order key>","sha256":"<content hash>"}` or
 * `{"v":1,"state":"failed",...,"file":"<name in failed/>"}`. Markers of the first queue format
 * (`""` = active, `"failed <name>"`) are still read; their content hash is unknown.
 */
import { createHash } from "node:crypto";
import type { Report } from "@tswats/report";

export interface Marker {
  state: "active" | "failed";
  /** Order key (enqueue time, sequence, id) of the version the marker is about; null when unknown. */
  key: string | null;
  /** sha256 of the version's content (stable JSON); null when unknown (old marker format). */
  sha256: string | null;
  /** failed/: the entry's file name there. */
  file?: string | undefined;
}

export function formatMarker(marker: Marker): string {
  return JSON.stringify({ v: 1, ...marker });
}

export function parseMarker(text: string): Marker {
  const trimmed = text.trim();
  if (trimmed === "") return { state: "active", key: null, sha256: null };
  if (trimmed.startsWith("failed ")) {
    return { state: "failed", key: null, sha256: null, file: trimmed.slice("failed ".length).trim() };
  }
  try {
    const data = JSON.parse(trimmed) as Partial<Marker> & { v?: number };
    if (data.state === "active" || data.state === "failed") {
      return {
        state: data.state,
        key: typeof data.key === "string" ? data.key : null,
        sha256: typeof data.sha256 === "string" ? data.sha256 : null,
        ...(typeof data.file === "string" ? { file: data.file } : {}),
      };
    }
  } catch {
    // fall through: an unreadable marker counts as active with nothing known
  }
  return { state: "active", key: null, sha256: null };
}

/** JSON with object keys sorted, so the same content always gives the same text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The content hash of a report: same content (whatever the key order) -> same hash. */
export function reportHash(report: Report): string {
  return createHash("sha256").update(stableJson(report)).digest("hex");
}
