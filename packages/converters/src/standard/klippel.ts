/**
 * `klippel`: Klippel QC end-of-line audio test results: a summary file `<DUT ...>.txt` of
 * `Key=Value` lines (with `//` comment lines) and, beside it, a folder of the same name holding
 * the measured data as tab-separated files `<Task>-<result>.txt`: curves (`frq <name> [max]
 * [min]`) and single values (`name value max min`).
 *
 * Header (as WATS's Klippel converter maps it): serial number `Cfg_SerialNumber`, operator
 * `Cfg_UserName`, start `Cfg_DutStartTime` (SciLab getDate fields with the UTC offset in minutes),
 * result `Ctrl_OverallVerdict` (1 pass, 0 fail, 2 warning -> passed, 3 noise -> failed, -1 void
 * and 4 invalid -> error), station `Cfg_PCName` (else the client's); part number, revision,
 * process code and sequence come from parameters (the files carry none). Every other key with a
 * value becomes a misc info, and misc info "FileName" names the summary file.
 *
 * Steps: one sequence per task (`Impedance`, `Sound Pressure`). A curve file gives a chart step
 * (log frequency axis; series values, max, min) with measurements avg, min, max (logged) and
 * "points out of limits" (< 1); a values file gives one numeric step per row (max and min ->
 * GELE, one of them -> LE/GE). A result's status is its verdict list (`Results_Pass`,
 * `Results_Fail`, `Results_Warning` (passed), `Results_Noise` (failed), `Results_Void`,
 * `Results_Invalid` (error)), else what its limits say; verdicts that name a result with no data
 * become pass/fail steps of a "Verdicts" sequence, so no verdict is lost.
 *
 * The set is complete when the curve folder exists, holds files, and none of them changed in the
 * last `curveSettleMs`. Until then the converter answers "not complete yet" (the watcher tries
 * again later). When the folder is still missing `curveWaitS` seconds after the summary file was
 * last written, the summary is converted alone, with a warning.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import {
  evaluateNumeric,
  type Named,
  type NumericInput,
  type Report,
  type ReportResult,
  type StepStatus,
  TEXT_LIMITS,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import { type ConverterContext, type ConverterPluginV1, notYetComplete } from "../plugin-api.js";
import { decodeText } from "../text-decode.js";
import {
  ENCODING_PARAMETER,
  optionalString,
  processCodeParameter,
  TIME_ZONE_PARAMETER,
  textParameter,
} from "./shared/header-parameters.js";
import { searchableIdentifier } from "./shared/identifier-text.js";
import { readKeyValueLines } from "./shared/key-value-lines.js";
import { setRootSequence } from "./shared/report-parts.js";
import { watsDateTime } from "./shared/wats-time.js";

export const klippelConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "klippel",
  description:
    "Klippel QC summary file plus its folder of curve files (curves as charts); waits until the set is complete",
  filePatterns: ["*.txt"],
  parameters: {
    partNumber: textParameter("Unknown", "Part number (Klippel files carry none)"),
    revision: textParameter("1", "Revision (Klippel files carry none)"),
    processCode: processCodeParameter(10, "(Klippel files carry none)"),
    sequenceName: textParameter("Klippel QC", "Name of the root sequence"),
    sequenceVersion: textParameter("", "Version of the root sequence (empty = none)"),
    operator: textParameter("unknown", "Operator when Cfg_UserName is empty"),
    location: textParameter("Unknown", "Location (Klippel files carry none)"),
    purpose: textParameter("Production", "Purpose (Klippel files carry none)"),
    curveSettleMs: {
      type: "integer",
      default: 3000,
      min: 0,
      max: 600_000,
      description: "The curve files must be unchanged this long before the set counts as complete",
    },
    curveWaitS: {
      type: "integer",
      default: 300,
      min: 0,
      max: 86_400,
      description:
        "How long after the summary file was written to wait for its curve folder; then the summary is converted alone, with a warning",
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const t = sample.text;
    if (/^Cfg_DutStartTime=/m.test(t)) return 0.95;
    return /^Ctrl_OverallVerdict=/m.test(t) && /^Cfg_SerialNumber=/m.test(t) ? 0.9 : 0;
  },
  async convert(input, context) {
    const encoding = optionalString(context.parameters.encoding);
    const summary = readSummary(input.text(encoding), input.fileName, context);
    const folder = join(dirname(input.path), basename(input.path, extname(input.path)));
    const curves = await curveSet(folder, input.path, context);
    const files: CurveFile[] = [];
    for (const name of curves)
      files.push(readDataFile(name, decodeText(await readFile(join(folder, name)), name, encoding), context));
    return buildReport(summary, files, basename(folder), input.fileName, context);
  },
};

interface Summary {
  values: Map<string, { value: string; line: number }>;
  verdicts: Map<string, { status: StepStatus; list: string }>;
}

/** Verdict list key -> the status of the results it names. */
const VERDICT_LISTS: readonly [string, StepStatus][] = [
  ["Results_Pass", "P"],
  ["Results_Fail", "F"],
  ["Results_Warning", "P"],
  ["Results_Noise", "F"],
  ["Results_Void", "E"],
  ["Results_Invalid", "E"],
];

const OVERALL: Readonly<Record<string, { result: ReportResult; word: string }>> = {
  "1": { result: "P", word: "Pass" },
  "0": { result: "F", word: "Fail" },
  "2": { result: "P", word: "Warning" },
  "3": { result: "F", word: "Noise" },
  "-1": { result: "E", word: "Void" },
  "4": { result: "E", word: "Invalid" },
};

/** Keys the header takes (not repeated as misc infos). */
const HEADER_KEYS = new Set([
  "Cfg_SerialNumber",
  "Cfg_DutStartTime",
  "Cfg_UserName",
  "Cfg_PCName",
  "Ctrl_OverallVerdict",
  ...VERDICT_LISTS.map(([key]) => key),
]);

function readSummary(text: string, fileName: string, context: ConverterContext): Summary {
  const { pairs, other } = readKeyValueLines(text, ["="], ["//"]);
  for (const o of other)
    context.warn(`line ${o.line}: not a Key=Value line; not mapped: ${JSON.stringify(o.text.slice(0, 80))}`);
  const values = new Map<string, { value: string; line: number }>();
  for (const { key, value, line } of pairs) {
    if (values.has(key))
      context.warn(
        `line ${line}: ${key} given again; the first value (line ${values.get(key)?.line}) is used`,
      );
    else values.set(key, { value, line });
  }
  for (const key of ["Cfg_SerialNumber", "Cfg_DutStartTime", "Ctrl_OverallVerdict"])
    if (!values.get(key)?.value)
      throw new ConversionError(
        `${fileName}: no ${key} (${values.has(key) ? "empty" : "missing"}); not a complete Klippel QC summary`,
        {
          kind: "content",
          field: key,
          ...(values.has(key) ? { line: values.get(key)?.line as number } : {}),
        },
      );
  const verdicts = new Map<string, { status: StepStatus; list: string }>();
  for (const [key, status] of VERDICT_LISTS)
    for (const name of (values.get(key)?.value ?? "").split("\t").map((n) => n.trim()))
      if (name !== "" && !verdicts.has(name)) verdicts.set(name, { status, list: key });
  return { values, verdicts };
}

/** The names of the curve files, once the set is complete (else throws "not complete yet"). */
async function curveSet(folder: string, summaryPath: string, context: ConverterContext): Promise<string[]> {
  const p = context.parameters;
  const settleMs = p.curveSettleMs as number;
  const waitMs = (p.curveWaitS as number) * 1000;
  // Look again after about one settle time (at least 1 s, at most 10 s).
  const retryMs = Math.min(10_000, Math.max(1_000, settleMs));
  const now = Date.now();
  let summaryAge = Number.POSITIVE_INFINITY;
  try {
    summaryAge = now - (await stat(summaryPath)).mtimeMs;
  } catch {
    // bytes given without a file (tests, `convertBytes`): nothing to wait for
  }
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    if (summaryAge < waitMs)
      throw notYetComplete(
        `the curve folder "${basename(folder)}" is not there yet; waiting up to ${p.curveWaitS as number} s after the summary was written (parameter curveWaitS)`,
        retryMs,
      );
    context.warn(
      `no curve folder "${basename(folder)}" beside the summary ${Number.isFinite(summaryAge) ? `${Math.round(summaryAge / 1000)} s after it was written` : ""}; the report holds the header and verdicts only`,
    );
    return [];
  }
  const names: string[] = [];
  let newest = 0;
  for (const e of entries) {
    if (e.isFile() && /\.txt$/i.test(e.name)) {
      names.push(e.name);
      newest = Math.max(newest, (await stat(join(folder, e.name))).mtimeMs);
    } else context.warn(`${basename(folder)}/${e.name}: not a .txt data file; not read`);
  }
  if (names.length === 0 && summaryAge < waitMs)
    throw notYetComplete(`the curve folder "${basename(folder)}" is still empty`, retryMs);
  if (names.length === 0)
    context.warn(
      `the curve folder "${basename(folder)}" holds no .txt data file; the report holds the header and verdicts only`,
    );
  if (names.length > 0 && now - newest < settleMs)
    throw notYetComplete(
      `the curve files in "${basename(folder)}" changed ${Math.max(0, Math.round(now - newest))} ms ago; waiting until they are unchanged for ${settleMs} ms (parameter curveSettleMs)`,
      Math.max(1_000, settleMs - (now - newest)),
    );
  return names.sort((a, b) => a.localeCompare(b));
}

type CurveFile =
  | {
      kind: "curve";
      file: string;
      task: string;
      name: string;
      x: number[];
      y: number[];
      max: (number | undefined)[];
      min: (number | undefined)[];
      missing: number;
      xName: string;
    }
  | {
      kind: "values";
      file: string;
      task: string;
      rows: { name: string; value?: number; max?: number; min?: number; line: number; raw: string }[];
    }
  | { kind: "unknown"; file: string; task: string };

/** "-" or empty: no value at that point. */
const NO_VALUE = /^(-|)$/;

function readDataFile(file: string, text: string, context: ConverterContext): CurveFile {
  const stem = file.replace(/\.txt$/i, "");
  const dash = stem.lastIndexOf("-");
  const task = dash > 0 ? stem.slice(0, dash).trim() : stem;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const header = (lines[0] ?? "").split("\t").map((h) => h.trim());
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const number = (cell: string | undefined, line: number, column: string): number | undefined => {
    const t = (cell ?? "").trim();
    if (NO_VALUE.test(t)) return undefined;
    const n = Number(t);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || !Number.isFinite(n))
      throw new ConversionError(
        `${file}: line ${line}, column ${column}: ${JSON.stringify(t)} is not a number`,
        {
          kind: "content",
          line,
          field: `${file}:${column}`,
        },
      );
    return n;
  };
  const dataLines = lines
    .map((l, i) => ({ l, line: i + 1 }))
    .slice(1)
    .filter(({ l }) => l.trim() !== "");
  if (header[0]?.toLowerCase() === "name") {
    const [value, max, min] = [col("value"), col("max"), col("min")];
    if (value < 0)
      throw new ConversionError(`${file}: line 1: a values file without a "value" column`, {
        kind: "content",
        line: 1,
        field: `${file}:value`,
      });
    for (const h of header)
      if (!["name", "value", "max", "min", ""].includes(h.toLowerCase()))
        context.warn(`${file}: line 1: column ${JSON.stringify(h)} is not mapped`);
    const rows = dataLines.map(({ l, line }) => {
      const cells = l.split("\t");
      const name = (cells[0] ?? "").trim();
      if (name === "")
        throw new ConversionError(`${file}: line ${line}: a value without a name`, {
          kind: "content",
          line,
          field: `${file}:name`,
        });
      const v = number(cells[value], line, "value");
      const hi = max >= 0 ? number(cells[max], line, "max") : undefined;
      const lo = min >= 0 ? number(cells[min], line, "min") : undefined;
      return {
        name,
        line,
        raw: (cells[value] ?? "").trim(),
        ...(v !== undefined ? { value: v } : {}),
        ...(hi !== undefined ? { max: hi } : {}),
        ...(lo !== undefined ? { min: lo } : {}),
      };
    });
    return { kind: "values", file, task, rows };
  }
  if (header.length >= 2 && /^(frq|freq|frequency|f|time|t)$/i.test(header[0] ?? "")) {
    const name = header[1] as string;
    const [max, min] = [col("max"), col("min")];
    for (const h of header.slice(2))
      if (!["max", "min", ""].includes(h.toLowerCase()))
        context.warn(`${file}: line 1: column ${JSON.stringify(h)} is not mapped`);
    const curve = {
      kind: "curve" as const,
      file,
      task,
      name,
      xName: header[0] as string,
      x: [] as number[],
      y: [] as number[],
      max: [] as (number | undefined)[],
      min: [] as (number | undefined)[],
      missing: 0,
    };
    for (const { l, line } of dataLines) {
      const cells = l.split("\t");
      const x = number(cells[0], line, header[0] as string);
      if (x === undefined)
        throw new ConversionError(`${file}: line ${line}: a point without ${header[0]}`, {
          kind: "content",
          line,
          field: `${file}:${header[0]}`,
        });
      const y = number(cells[1], line, name);
      if (y === undefined) {
        curve.missing++;
        continue;
      }
      curve.x.push(x);
      curve.y.push(y);
      curve.max.push(max >= 0 ? number(cells[max], line, "max") : undefined);
      curve.min.push(min >= 0 ? number(cells[min], line, "min") : undefined);
    }
    return curve;
  }
  context.warn(`${file}: line 1: neither a curve ("frq" first) nor a values file ("name" first); not mapped`);
  return { kind: "unknown", file, task };
}

function buildReport(
  summary: Summary,
  files: CurveFile[],
  folderName: string,
  fileName: string,
  context: ConverterContext,
): Report {
  const p = context.parameters;
  const get = (key: string) => summary.values.get(key)?.value ?? "";
  const line = (key: string) => summary.values.get(key)?.line;
  const start = klippelStart(
    get("Cfg_DutStartTime"),
    line("Cfg_DutStartTime") as number,
    fileName,
    optionalString(p.timeZone),
  );
  const verdictText = get("Ctrl_OverallVerdict");
  const overall = OVERALL[verdictText];
  if (!overall)
    throw new ConversionError(
      `${fileName}: line ${line("Ctrl_OverallVerdict")}: Ctrl_OverallVerdict ${JSON.stringify(verdictText)} is not -1, 0, 1, 2, 3 or 4`,
      {
        kind: "content",
        line: line("Ctrl_OverallVerdict") as number,
        field: "Ctrl_OverallVerdict",
      },
    );
  const pcName = optionalString(get("Cfg_PCName"));
  const builder = new UutReport({
    id: context.reportId(0),
    pn: searchableIdentifier(p.partNumber as string, "part number", context),
    sn: searchableIdentifier(get("Cfg_SerialNumber"), "serial number", context, line("Cfg_SerialNumber")),
    rev: p.revision as string,
    processCode: p.processCode as number,
    operator: optionalString(get("Cfg_UserName")) ?? (p.operator as string),
    ...(pcName !== undefined
      ? { station: pcName }
      : context.station !== undefined
        ? { station: context.station }
        : {}),
    location: p.location as string,
    purpose: p.purpose as string,
    start,
    mode: "import",
    result: overall.result,
  });
  builder.root.step.status = overall.result;
  setRootSequence(builder, optionalString(p.sequenceName), optionalString(p.sequenceVersion));
  builder.miscInfo("FileName", fileName);
  builder.miscInfo("Ctrl_OverallVerdict", `${verdictText} (${overall.word})`);
  for (const [key, { value, line: at }] of summary.values) {
    if (HEADER_KEYS.has(key) || value === "") continue;
    const max = TEXT_LIMITS.miscText;
    if ([...value].length > max)
      context.warn(
        `line ${at}: ${key} is longer than ${max} characters; the misc info keeps the first ${max}`,
      );
    builder.miscInfo(key, [...value].slice(0, max).join(""));
  }

  const used = new Set<string>();
  const statusOf = (
    name: string,
    evaluated: "P" | "F" | undefined,
  ): { status: StepStatus; note?: string } => {
    const v = summary.verdicts.get(name);
    if (v) {
      used.add(name);
      return v.list === "Results_Pass" || v.list === "Results_Fail"
        ? { status: v.status }
        : { status: v.status, note: `verdict: ${v.list.slice("Results_".length)}` };
    }
    return { status: evaluated ?? "D" };
  };
  const sequences = new Map<string, ReturnType<typeof builder.root.addSequence>>();
  const sequenceFor = (task: string) => {
    let s = sequences.get(task);
    if (!s) {
      s = builder.root.addSequence(task, { status: "P" });
      sequences.set(task, s);
    }
    return s;
  };
  for (const f of files) {
    if (f.kind === "unknown") continue;
    const sequence = sequenceFor(f.task);
    if (f.kind === "values") {
      for (const row of f.rows) {
        const limits = {
          ...(row.min !== undefined ? { low: row.min } : {}),
          ...(row.max !== undefined ? { high: row.max } : {}),
        };
        const op =
          row.min !== undefined && row.max !== undefined
            ? "GELE"
            : row.min !== undefined
              ? "GE"
              : row.max !== undefined
                ? "LE"
                : "LOG";
        const evaluated =
          row.value !== undefined
            ? evaluateNumeric(
                op,
                row.value,
                row.min ?? row.max ?? null,
                row.min !== undefined ? (row.max ?? null) : null,
              )
            : undefined;
        const { status, note } = statusOf(row.name, evaluated);
        if (row.value === undefined) {
          const text = [
            `no value measured (${JSON.stringify(row.raw)})`,
            row.min !== undefined || row.max !== undefined
              ? `limits: min ${row.min ?? "-"}, max ${row.max ?? "-"}`
              : "",
            note ?? "",
          ]
            .filter(Boolean)
            .join("\n");
          if (status === "P" || status === "F")
            sequence.passFail(row.name, status === "P", { status, reportText: text });
          else sequence.action(row.name, { status, reportText: text });
          continue;
        }
        sequence.numericLimit(
          row.name,
          { value: row.value, ...limits, status: measurementStatus(status, evaluated) },
          { status, ...(note ? { reportText: note } : {}) },
        );
      }
      continue;
    }
    if (f.y.length === 0) {
      context.warn(
        `${folderName}/${f.file}: the curve "${f.name}" has no measured point; recorded without a chart`,
      );
      const { status, note } = statusOf(f.name, undefined);
      sequence.action(f.name, { status, reportText: [`no measured point`, note].filter(Boolean).join("\n") });
      continue;
    }
    let outside = 0;
    f.y.forEach((y, i) => {
      const hi = f.max[i];
      const lo = f.min[i];
      if ((hi !== undefined && y > hi) || (lo !== undefined && y < lo)) outside++;
    });
    const sum = f.y.reduce((a, b) => a + b, 0);
    const measurements: Named<NumericInput>[] = [
      { name: "avg", value: sum / f.y.length, status: "P" },
      { name: "min", value: Math.min(...f.y), status: "P" },
      { name: "max", value: Math.max(...f.y), status: "P" },
      {
        name: "points out of limits",
        value: outside,
        compOp: "LT",
        limit: 1,
        status: outside < 1 ? "P" : "F",
      },
    ];
    const { status, note } = statusOf(f.name, outside < 1 ? "P" : "F");
    const series = [{ name: f.name, x: f.x, y: f.y }];
    for (const [label, limit] of [
      ["max", f.max],
      ["min", f.min],
    ] as const) {
      const xs: number[] = [];
      const ys: number[] = [];
      limit.forEach((v, i) => {
        if (v !== undefined) {
          xs.push(f.x[i] as number);
          ys.push(v);
        }
      });
      if (ys.length > 0) series.push({ name: label, x: xs, y: ys });
    }
    const notes = [
      f.missing > 0 ? `${f.missing} point(s) without a measured value ("-")` : "",
      note ?? "",
    ].filter(Boolean);
    sequence.chart(
      f.name,
      {
        chartType: /^(frq|freq|frequency|f)$/i.test(f.xName) ? "LineLogX" : "Line",
        label: f.name,
        xLabel: /^(frq|freq|frequency|f)$/i.test(f.xName) ? "Frequency" : f.xName,
        ...(/^(frq|freq|frequency|f)$/i.test(f.xName) ? { xUnit: "Hz" } : {}),
        yLabel: f.name,
        series,
        measurements,
      },
      { status, ...(notes.length > 0 ? { reportText: notes.join("\n") } : {}) },
    );
  }
  // Verdicts that name a result no data file holds (a polarity check, a derived parameter): pass/fail steps.
  const unmatched = [...summary.verdicts].filter(([name]) => !used.has(name));
  const all = [...sequences.values()];
  if (unmatched.length > 0) {
    const verdicts = builder.root.addSequence("Verdicts", { status: "P" });
    for (const [name, v] of unmatched) {
      const text = `listed in ${v.list}; no data file holds it`;
      if (v.status === "P" || v.status === "F")
        verdicts.passFail(name, v.status === "P", { status: v.status, reportText: text });
      else verdicts.action(name, { status: v.status, reportText: text });
    }
    all.push(verdicts);
  }
  // Import mode keeps what is set: a sequence fails (or errs) with a failing (erring) child.
  for (const sequence of all)
    sequence.step.status = sequence.steps.some((c) => c.status === "F")
      ? "F"
      : sequence.steps.some((c) => c.status === "E")
        ? "E"
        : "P";
  return builder.build();
}

const measurementStatus = (status: StepStatus, evaluated: "P" | "F" | undefined) =>
  status === "P" || status === "F" || status === "S" ? status : (evaluated ?? "P");

/**
 * `Cfg_DutStartTime`: SciLab `getDate()` fields joined by "-": year, month, week, day of year,
 * weekday, day, hour, minute, second, millisecond, UTC offset in minutes, then seconds since 1970.
 */
export function klippelStart(
  text: string,
  line: number,
  fileName: string,
  timeZone: string | undefined,
): string {
  const m =
    /^(\d{4})-(\d{1,2})-(-?\d+)-(-?\d+)-(\d+)-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,2})-(\d{1,3})(?:-(-?\d+))?(?:-.*)?$/.exec(
      text.trim(),
    );
  if (!m)
    throw new ConversionError(
      `${fileName}: line ${line}: Cfg_DutStartTime ${JSON.stringify(text)} is not year-month-week-yearday-weekday-day-hour-minute-second-ms-offset`,
      {
        kind: "content",
        line,
        field: "Cfg_DutStartTime",
      },
    );
  const two = (s: string | undefined) => String(Number(s)).padStart(2, "0");
  let offset = "";
  if (m[11] !== undefined) {
    const minutes = Number(m[11]);
    const abs = Math.abs(minutes);
    offset = `${minutes < 0 ? "-" : "+"}${two(String(Math.floor(abs / 60)))}:${two(String(abs % 60))}`;
  }
  const iso = `${m[1]}-${two(m[2])}-${two(m[6])}T${two(m[7])}:${two(m[8])}:${two(m[9])}.${String(Number(m[10])).padStart(3, "0")}${offset}`;
  return watsDateTime(iso, timeZone, { line, field: "Cfg_DutStartTime" });
}
