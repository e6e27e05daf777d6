/** What the ICT / flying-probe / boundary-scan converter tests share. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
