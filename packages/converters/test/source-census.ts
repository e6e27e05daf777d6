/**
 * What a sample file holds, counted from its text with patterns of its own format, independent of
 * the converter that reads it: the no-silent-loss audit compares these counts with the reports.
 * Every count is a lower bound of what the reports must hold (a converter may add grouping steps).
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { zipEntriesByLocalHeaders } from "./ict-helpers.js";
import { sourceResults } from "./teststand-source.js";

export interface Census {
  /** Test items that each become a step (sequence calls and groups included where the format has them). */
  steps?: number;
  /** Measured values (numeric, pass/fail, string) that each become a measurement. */
  measurements?: number;
  /** Numeric measurements that carry at least one limit (their comparison is not LOG). */
  limits?: number;
  charts?: number;
  attachments?: number;
  subUnits?: number;
  miscInfos?: number;
}

const count = (text: string, re: RegExp): number => (text.match(re) ?? []).length;
const lines = (text: string): string[] => text.split(/\r?\n/);

/** WSJF as JSON: steps below the root and their measurements, walked without the report model. */
function jsonCensus(text: string): Census {
  const doc = JSON.parse(text) as Record<string, unknown>;
  let steps = 0;
  let measurements = 0;
  let charts = 0;
  let attachments = 0;
  let limits = 0;
  const walk = (step: Record<string, unknown>, root: boolean): void => {
    if (!root) steps++;
    for (const m of (step.numericMeas as Record<string, unknown>[] | undefined) ?? [])
      if ((m.lowLimit ?? null) !== null || (m.highLimit ?? null) !== null) limits++;
    for (const key of ["numericMeas", "booleanMeas", "stringMeas"]) {
      const list = step[key];
      if (Array.isArray(list)) measurements += list.length;
    }
    if (step.chart) charts++;
    if (step.attachment) attachments++;
    for (const child of (step.steps as Record<string, unknown>[] | undefined) ?? []) walk(child, false);
  };
  if (doc.root) walk(doc.root as Record<string, unknown>, true);
  const subUnits = Array.isArray(doc.subUnits) ? doc.subUnits.length : 0;
  const miscInfos = Array.isArray(doc.miscInfos) ? doc.miscInfos.length : 0;
  return { steps, measurements, limits, charts, attachments, subUnits, miscInfos };
}

/**
 * WATS Standard Text: the rows of the step section. A row with a step name starts a step unless
 * it repeats the name of the row above it (more measurements of one step); a row with a value is
 * a measurement. `EndSequenceCall` rows close a sequence and hold nothing.
 */
function watsTextCensus(text: string): Census {
  const all = lines(text);
  const stepStart = all.findIndex((l) => l.startsWith("--Step-Data-Start--"));
  const stepEnd = all.findIndex((l) => l.startsWith("--Step-Data-End--"));
  const rows = all
    .slice(stepStart + 2, stepEnd)
    .map((l) => l.split("\t"))
    .filter((cells) => (cells[0] ?? "").trim() !== "" && cells[0] !== "EndSequenceCall");
  let steps = 0;
  let previous = "";
  for (const cells of rows) {
    const name = (cells[1] ?? "").trim();
    if (name !== "" && name !== previous) steps++;
    if (name !== "") previous = name;
  }
  const measurements = rows.filter((cells) => (cells[3] ?? "").trim() !== "").length;
  const limits = rows.filter(
    (cells) =>
      /Numeric/i.test(cells[0] ?? "") && ((cells[4] ?? "").trim() !== "" || (cells[5] ?? "").trim() !== ""),
  ).length;
  const subUnits = all.slice(0, stepStart).filter((l) => l.startsWith("Subunit\t")).length;
  return { steps, measurements, limits, subUnits };
}

/** Klippel: the curve files of the unit's folder (charts) and the rows of its value files. */
function klippelCensus(path: string): Census {
  const folder = join(dirname(path), basename(path, ".txt"));
  const files = readdirSync(folder);
  const curves = files.filter((f) => !/-values\.txt$/i.test(f)).length;
  let measurements = 0;
  for (const f of files.filter((name) => /-values\.txt$/i.test(name))) {
    const text = readFileSync(join(folder, f), "latin1");
    // Every row below the column titles (name, value, max, min) is a value, "-" (not measured) included.
    measurements += lines(text).filter((l, i) => i > 0 && l.trim() !== "").length;
  }
  return { charts: curves, measurements };
}

/** XJTAG: every test function (a step) in each run of the log (a zip of run XML files) or the export. */
function xjtagCensus(path: string, bytes: Uint8Array): Census {
  const texts = path.endsWith(".xjlog")
    ? [...zipEntriesByLocalHeaders(bytes).entries()]
        .filter(([name]) => /^Run \d+\.xml$/i.test(name))
        .map(([, data]) => data.toString("utf8"))
    : [Buffer.from(bytes).toString("utf8")];
  return { steps: texts.reduce((n, t) => n + count(t, /<testfunction\b/g), 0) };
}

/** The census of `file` (a path under fixtures/) read by converter `converter`. */
export function sourceCensus(converter: string, path: string): Census {
  const bytes = new Uint8Array(readFileSync(path));
  const text = Buffer.from(bytes).toString(converter === "klippel" ? "latin1" : "utf8");
  switch (converter) {
    case "teststand-xml": {
      // Every TEResult but each report's main sequence result (the report's root).
      const results = sourceResults(text);
      return {
        steps: results.length - Math.max(1, count(text, /<Report Type=/g)),
        limits: results.filter(
          (r) =>
            r.numeric &&
            r.numeric.comp !== "LOG" &&
            (r.numeric.low !== undefined || r.numeric.high !== undefined),
        ).length,
      };
    }
    case "wsjf-json":
      return jsonCensus(text);
    case "wsxf-xml":
    case "wrml":
      return {
        steps: count(text, /<Step\b/g) - (count(text, /<UUT\b/g) > 0 ? 1 : 0),
        measurements: count(text, /<(NumericLimit|StringValue|PassFail)\b/g),
        limits: count(text, /<NumericLimit\b[^>]*\b(LowLimit|HighLimit)=/g),
        // A chart is one `<Chart ChartType=...>` element (WRML writes its series as further `<Chart>`s).
        charts: count(text, /<Chart\b[^>]*\bChartType="(?!ATTACHMENT)/g),
        attachments: count(text, /<Chart\b[^>]*\bChartType="ATTACHMENT"/g),
        subUnits: count(text, /<PartInfo\b/g) + count(text, /<ReportUnitHierarchy\b/g),
        miscInfos: count(text, /<MiscInfo\b/g),
      };
    case "csv":
      // Data rows: every line after the column titles (rows a converter skips must warn).
      return { steps: lines(text).filter((l) => l.trim() !== "").length - 1 };
    case "atml":
      return {
        // A group for the main sequence itself (ATML 2.02 writes one) is the report's root.
        steps:
          count(text, /<tr:(Test|TestGroup|SessionAction)\b/g) -
          count(text, /<tr:TestGroup\b[^>]*\bname="[^"]*#MainSequence"/g),
        measurements: count(text, /<tr:TestResult\b/g),
        limits: count(text, /<tr:Limits\b/g),
      };
    case "wats-text":
      return watsTextCensus(text);
    case "sigmaquest":
      return {
        // The outermost TestRun is the report's root.
        steps: count(text, /<TestRun\b/g) - 1,
        measurements: count(text, /<ValueDouble\b(?![^>]*\/>)[^>]*>(?!\s*null\s*<)/g),
      };
    case "saki":
      return { measurements: count(text, /<Reference\b/g) };
    case "stepwize":
      return { measurements: count(text, /<Config_and_Data_Result>/g) };
    case "listen":
      return text.includes("Margin\tUnit\tResult")
        ? { measurements: lines(text).filter((l) => /\t/.test(l) && !l.startsWith("Serial #")).length }
        : // Data logging: a curve is a row of x values followed by a row of y values.
          { charts: lines(text).filter((l) => /\t/.test(l) && !l.startsWith("Serial #")).length / 2 };
    case "klippel":
      return klippelCensus(path);
    case "teradyne-gr228x":
      // A measured component: `name=value(low,high)` (`#` marks a failing one).
      return { steps: count(text, /^\S+[=#].*\(.*,.*\)/gm) };
    case "teradyne-spectrum":
      return { steps: count(text, /\(STEP:/g), measurements: count(text, /\(PAGE:/g) };
    case "spea-3030":
      return { steps: count(text, /^ANL;/gm) };
    case "takaya":
      return path.endsWith(".atdx")
        ? { steps: count(text, /^\d+;/gm) }
        : { steps: count(text, /^\d{6} "/gm) + count(text, /^\d\d\t\d{6}\t/gm) };
    case "xjtag":
      return xjtagCensus(path, bytes);
    default:
      throw new Error(`no census for converter ${converter} (${path})`);
  }
}
