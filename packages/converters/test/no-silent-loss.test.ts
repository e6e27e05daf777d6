/**
 * Nothing lost silently: every real sample a standard converter claims is converted with that
 * converter, and what the reports hold is compared with what the file holds, counted from the
 * file itself (source-census.ts). Where the reports hold less of a kind (steps, measurements,
 * charts, attachments, sub-units, misc infos), a warning must name that kind: a file read only
 * partly never ends as a clean success. The table of counts is printed for the record.
 */
import { join } from "node:path";
import type { Report, Step } from "@tswats/report";
import { validateReport } from "@tswats/report";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConverterHost } from "../src/host.js";
import { REPO_FIXTURES } from "./helpers.js";
import { SAMPLE_MATRIX } from "./sample-matrix.js";
import { type Census, sourceCensus } from "./source-census.js";

type Kind = keyof Census;

/** What a warning says when content of a kind was not mapped: the kind, and that it was not kept. */
const NAMES_KIND: Readonly<Record<Kind, RegExp>> = {
  steps: /step|row|record|test/i,
  measurements: /measure|value|limit|number|NaN/i,
  limits: /limit/i,
  charts: /chart|curve|plot/i,
  attachments: /attach|file|image/i,
  subUnits: /sub-?unit/i,
  miscInfos: /misc|header/i,
};
const NOT_KEPT = /not mapped|skipp|dropp|ignor|left out|cannot be stored|report text only|not kept/i;

/** Parameters a sample needs to be read at all (the CSV sample has a malformed row it must refuse by default). */
const PARAMETERS: Readonly<Record<string, Record<string, unknown>>> = {
  "csv/sample-enhanced.csv": { badRows: "skip-row" },
};

function reportCensus(reports: readonly Report[]): Required<Census> {
  const total: Required<Census> = {
    steps: 0,
    measurements: 0,
    limits: 0,
    charts: 0,
    attachments: 0,
    subUnits: 0,
    miscInfos: 0,
  };
  const walk = (step: Step, root: boolean): void => {
    if (!root) total.steps++;
    total.measurements +=
      (step.numericMeas?.length ?? 0) + (step.booleanMeas?.length ?? 0) + (step.stringMeas?.length ?? 0);
    for (const m of step.numericMeas ?? [])
      if ((m.lowLimit ?? null) !== null || (m.highLimit ?? null) !== null) total.limits++;
    if (step.chart) total.charts++;
    if (step.attachment) total.attachments++;
    for (const child of step.steps ?? []) walk(child, false);
  };
  for (const report of reports) {
    const r = report as Report & { root?: Step; subUnits?: unknown[]; miscInfos?: unknown[] };
    if (r.root) walk(r.root, true);
    total.subUnits += r.subUnits?.length ?? 0;
    total.miscInfos += r.miscInfos?.length ?? 0;
  }
  return total;
}

let host: ConverterHost;
beforeAll(async () => {
  host = await ConverterHost.create({ inProcess: true });
});
afterAll(async () => {
  await host.close();
});

const rows: string[] = [];
afterAll(() => {
  console.log(`no-silent-loss census (file: kind in/out, warnings)\n${rows.join("\n")}`);
});

describe("no silent loss: every claimed sample against what its file holds", () => {
  it.each(SAMPLE_MATRIX)("%s (%s)", async (file, converter) => {
    const path = join(REPO_FIXTURES, file);
    const source = sourceCensus(converter, path);
    const parameters = PARAMETERS[file];
    const result = await host.convertFile(path, { converter, ...(parameters ? { parameters } : {}) });
    expect(result.reports.length).toBeGreaterThan(0);
    // Errors only: status notes (a step the file marks passed whose value is out of its limits) are the file's own word.
    for (const report of result.reports)
      expect(validateReport(report).problems.filter((p) => p.severity === "error")).toEqual([]);
    const out = reportCensus(result.reports);
    const kinds = Object.keys(source) as Kind[];
    rows.push(
      `${file} [${converter}] reports=${result.reports.length} ${kinds.map((k) => `${k} ${source[k]}/${out[k]}`).join(", ")}; warnings ${result.warnings.length}`,
    );
    for (const kind of kinds) {
      const expected = source[kind] as number;
      if (out[kind] >= expected) continue;
      const naming = result.warnings.filter((w) => NAMES_KIND[kind].test(w) && NOT_KEPT.test(w));
      expect(
        naming,
        `${file}: the file holds ${expected} ${kind}, the reports ${out[kind]}, and no warning names what was not mapped`,
      ).not.toEqual([]);
    }
  });
});
