/** What the ICT / flying-probe / boundary-scan converter tests share. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32, deflateRawSync, inflateRawSync } from "node:zlib";
import { type NumericMeasurement, type Report, type Step, validateReport } from "@tswats/report";
import { expect } from "vitest";
import type { ConversionError } from "../src/errors.js";
import type { ConversionSuccess, ConverterHost } from "../src/host.js";
import { conversionFailure, REPO_FIXTURES } from "./helpers.js";

export const fixturePath = (p: string) => join(REPO_FIXTURES, "converters", p);
export const readFixture = async (p: string) => new Uint8Array(await readFile(fixturePath(p)));
export const fixtureText = async (p: string) =>
  (await readFile(fixturePath(p), "utf8")).replace(/^\uFEFF/, "");

/** Converts bytes as if they were a file called `name`. */
export function convertBytes(
  host: ConverterHost,
  converter: string,
  name: string,
  content: string | Uint8Array,
  parameters: Record<string, unknown> = { timeZone: "Europe/Oslo" },
): Promise<ConversionSuccess> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return host.convertBytes(`/virtual/${name}`, bytes, { converter, parameters });
}

export function refused(
  host: ConverterHost,
  converter: string,
  name: string,
  content: string | Uint8Array,
  parameters?: Record<string, unknown>,
): Promise<ConversionError> {
  return conversionFailure(convertBytes(host, converter, name, content, parameters));
}

/** Every step below the root, pre-order. */
export function allSteps(report: Report): Step[] {
  const out: Step[] = [];
  const walk = (s: Step) => {
    for (const c of s.steps ?? []) {
      out.push(c);
      walk(c);
    }
  };
  if (report.root) walk(report.root);
  return out;
}

/** Steps that are not sequences (the tests themselves). */
export const testSteps = (report: Report): Step[] =>
  allSteps(report).filter((s) => s.stepType !== "SequenceCall");

export const numericOf = (step: Step): NumericMeasurement => {
  const m = step.numericMeas?.[0];
  if (!m) throw new Error(`step ${step.name} has no numeric measurement`);
  return m;
};

/** Every report validates without errors (warnings allowed: they are the file's own disagreements). */
export function expectValid(reports: readonly Report[]): void {
  for (const r of reports) {
    const v = validateReport(r);
    expect(v.errors, `${r.sn}: ${v.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`).toEqual([]);
  }
}

/** Ids are stable across conversions and distinct between the reports of one file. */
export async function expectStableIds(
  again: () => Promise<ConversionSuccess>,
  first: ConversionSuccess,
): Promise<void> {
  const ids = first.reports.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  const second = await again();
  expect(second.reports.map((r) => r.id)).toEqual(ids);
}

/** `a` and `b` equal to 9 significant digits (values scaled between units). */
export function expectClose(a: number | string | null | undefined, b: number): void {
  expect(typeof a).toBe("number");
  const x = a as number;
  expect(Math.abs(x - b)).toBeLessThanOrEqual(Math.abs(b) * 1e-9 + 1e-15);
}

/** SI prefix factors as the tests read them, independently of the converters' own tables. */
export const PREFIX: Readonly<Record<string, number>> = {
  p: 1e-12,
  P: 1e-12,
  n: 1e-9,
  N: 1e-9,
  u: 1e-6,
  U: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
};

/** Factor of a report unit such as `kOhm`, `nF`, `V`, `uH` (prefix then base). */
export function unitFactor(unit: string | null | undefined): number {
  const u = unit ?? "";
  if (u.length > 1 && /^[pnumkMG]/.test(u) && /^(Ohm|F|H|V|A|Hz|s|W)$/.test(u.slice(1)))
    return PREFIX[u[0] as string] ?? 1;
  return 1;
}

/** A ZIP archive of the given entries, deflated (for made .xjlog files). */
export function makeZip(entries: readonly { name: string; data: string | Uint8Array }[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? Buffer.from(e.data, "utf8") : Buffer.from(e.data);
    const packed = deflateRawSync(data);
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    central.push(dir, name);
    offset += 30 + name.length + packed.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dirBytes, end]));
}

/**
 * The entries of a ZIP read front to back through its local headers (a different path from the
 * converter's central-directory reader), for reading samples independently in tests.
 */
export function zipEntriesByLocalHeaders(bytes: Uint8Array): Map<string, Buffer> {
  const b = Buffer.from(bytes);
  const out = new Map<string, Buffer>();
  let p = 0;
  while (p + 30 <= b.length && b.readUInt32LE(p) === 0x04034b50) {
    const method = b.readUInt16LE(p + 8);
    const size = b.readUInt32LE(p + 18);
    const nameLength = b.readUInt16LE(p + 26);
    const extra = b.readUInt16LE(p + 28);
    const name = b.subarray(p + 30, p + 30 + nameLength).toString("utf8");
    const start = p + 30 + nameLength + extra;
    const raw = b.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p = start + size;
  }
  return out;
}
