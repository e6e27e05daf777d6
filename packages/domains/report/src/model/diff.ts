/**
 * Compares two reports the way WATS data should be compared: `null`, a missing key and an empty
 * list are the same, GUIDs compare case-insensitively, numbers by value (NaN equals NaN), and the fields the
 * server adds on read are left out. For checking a read-back, a converter's output, or the JSON
 * and XML forms of one report.
 */
import { canonicalGuid } from "../guid.js";
import { stripServerFields } from "./serialise.js";
import type { Report } from "./types.js";

export interface ReportDifference {
  /** JSON path of the first place the two differ along this branch. */
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

export interface DiffOptions {
  /** Compare the server-added fields too (default false). */
  includeServerFields?: boolean;
  /** Stop after this many differences (default 100). */
  limit?: number;
}

type Obj = Record<string, unknown>;

function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === "string" && typeof b === "string") {
    const ga = canonicalGuid(a);
    return ga !== undefined && ga === canonicalGuid(b);
  }
  return false;
}

function compare(a: unknown, b: unknown, path: string, out: ReportDifference[], limit: number): void {
  if (out.length >= limit) return;
  const none = (v: unknown) => v == null || (Array.isArray(v) && v.length === 0);
  if (none(a) && none(b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push({ path: `${path}.length`, left: a.length, right: b.length });
    }
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) compare(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  const objA = typeof a === "object" && a !== null && !Array.isArray(a);
  const objB = typeof b === "object" && b !== null && !Array.isArray(b);
  if (objA && objB) {
    const keys = new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)]);
    for (const key of keys) compare((a as Obj)[key], (b as Obj)[key], `${path}.${key}`, out, limit);
    return;
  }
  if (!sameScalar(a, b)) out.push({ path, left: a, right: b });
}

/** Where two reports differ (empty when they are the same report). */
export function diffReports(left: Report, right: Report, options: DiffOptions = {}): ReportDifference[] {
  const out: ReportDifference[] = [];
  const strip = options.includeServerFields !== true;
  compare(
    strip ? stripServerFields(left) : left,
    strip ? stripServerFields(right) : right,
    "$",
    out,
    options.limit ?? 100,
  );
  return out;
}
