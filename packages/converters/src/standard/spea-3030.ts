/**
 * `spea-3030`: SPEA 3030 in-circuit test results (`;`-separated records, no header row), one
 * report per board.
 *
 * Records, as WATS's own converter reads them:
 * - `FORMAT;mmdd` (or `ddmm`): the order of month and day in the dates that follow.
 * - `START;<program>;<sequence>;<version>;<sequence>;<operator>;<date>;<time>`: a test starts;
 *   sequence name and version, operator and start time.
 * - `LOT;<lot>`: the batch serial number (when not empty).
 * - `ANL;<board>;<ref>;<test>;<sub>;<name>;<info>;<result>;<value>;<low>;<high>;<unit>;<pins>;<id>`
 *   (and `FUNC` records of the same layout): one step named `<name>`, grouped into sequences by
 *   the component type of `<ref>` (R -> Resistors, C -> Capacitors, DSC -> Capacitors, ...).
 *   Value and both limits 0: a pass/fail step; else a numeric step, GELE, or GE when the high
 *   limit is 0, or LE when the low limit is 0 (the file has no other "no limit" marker).
 *   `<result>` `PASS...` passes, anything else (`FAIL(+)`, `FAIL(-)`, `FAIL(+/-)`) fails and is
 *   kept as the step's error message. `NAN` values cannot be numbers in WATS: such a step is a
 *   pass/fail step with the text, and a warning says so. A word in the value field (`Automatic`,
 *   written by FLOAT and shorts tests, whose other fields are then not limits) makes a pass/fail
 *   step with the fields as text.
 * - `SN;<serial>`, `BOARDRESULT;<PASS|FAIL>`, `END;<result>;<date>;<time>`: serial, verdict
 *   and end time. Several `SN`/`BOARDRESULT` records in one START..END block (a panel) give one
 *   report per board, matched to the boards numbered in the ANL records in ascending order.
 */
import type { NumericInput, Report, ReportResult, StepOptions } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { parseDecimal } from "./shared/engineering-units.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { lineError, textLines } from "./shared/line-error.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import {
  type DateOrder,
  parseDate,
  parseTime,
  secondsBetween,
  type WallClock,
  zonedDateTime,
} from "./shared/wall-clock.js";

/** Component reference letters -> sequence names (WATS's own grouping). */
const COMPONENT_GROUPS: Readonly<Record<string, string>> = {
  R: "Resistors",
  RP: "Resistors",
  RS: "Resistors",
  C: "Capacitors",
  CS: "Capacitors",
  CP: "Capacitors",
  DSC: "Capacitors",
  L: "Inductors",
  D: "Diodes",
  Q: "Transistors",
  CON: "Connectors",
  SHO: "Short",
  TC: "Thermocouple",
  PTC: "PTC",
  DZ: "ZenerDiodes",
  F: "Fuses",
  J: "Jumpers",
  T: "Transformers",
  ISO: "Isolators",
  U: "ICs",
};

/** Records with the ANL layout. */
const TEST_RECORDS = new Set(["ANL", "FUNC"]);

export const spea3030Converter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "spea-3030",
  description: "SPEA 3030 in-circuit test results (START/ANL/SN/END records): one report per board",
  filePatterns: ["*.csv", "*.txt", "*.log"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 10,
      revision: "1",
      operator: "sysoper",
      partNumberSource: "the sequence (program) name of the START record",
    }),
    dateOrder: {
      type: "enum",
      values: ["MDY", "DMY"],
      default: "MDY",
      description: "Date order when the file has no FORMAT record (FORMAT;mmdd is MDY, FORMAT;ddmm DMY)",
    },
  },
  detect(sample) {
    const t = sample.text;
    const start =
      /^START;[^;\r\n]*;[^;\r\n]*;[^;\r\n]*;[^;\r\n]*;[^;\r\n]*;\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4};\d/m.test(t);
    if (start && /^(ANL|FUNC);/m.test(t)) return 0.95;
    if (/^FORMAT;(mmdd|ddmm)\s*$/im.test(t) && start) return 0.9;
    return 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    return convertSpea(
      textLines(input.text(p.encoding)),
      input.fileName,
      p,
      context.parameters.dateOrder as DateOrder,
      context,
    );
  },
};

interface TestRow {
  line: number;
  board: string;
  draft: DraftStep;
  group: string;
}

interface Block {
  line: number;
  fields: string[];
  start: string;
  lot?: string;
  rows: TestRow[];
  serials: { sn: string; line: number }[];
  results: { result: ReportResult; line: number }[];
}

const RESULTS: Readonly<Record<string, ReportResult>> = { PASS: "P", FAIL: "F" };

function convertSpea(
  lines: readonly string[],
  fileName: string,
  p: HeaderParameters,
  defaultOrder: DateOrder,
  context: ConverterContext,
): Report[] {
  const unmapped = new UnmappedContent();
  let order = defaultOrder;
  let block: Block | undefined;
  const reports: Report[] = [];
  let nanCount = 0;
  let nanFirst = 0;
  const wall = (dateText: string, timeText: string, line: number, what: string): WallClock => {
    const d = parseDate(dateText, order);
    if (!d)
      throw lineError(fileName, line, `${JSON.stringify(dateText)} is not a date (${order})`, {
        field: `${what} date`,
      });
    const t = parseTime(timeText);
    if (!t)
      throw lineError(fileName, line, `${JSON.stringify(timeText)} is not a time`, { field: `${what} time` });
    return { ...d, ...t };
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    const f = line.split(";");
    const kind = (f[0] as string).toUpperCase();
    if (kind === "FORMAT") {
      const fmt = (f[1] ?? "").trim().toLowerCase();
      if (fmt === "mmdd") order = "MDY";
      else if (fmt === "ddmm") order = "DMY";
      else unmapped.note(`FORMAT ${JSON.stringify(f[1] ?? "")} (dates read as ${order})`, lineNo);
      continue;
    }
    if (kind === "START") {
      if (block)
        throw lineError(
          fileName,
          lineNo,
          `a new START before the END of the test started at line ${block.line}`,
        );
      if (f.length < 8)
        throw lineError(fileName, lineNo, `the START record has ${f.length} fields, at least 8 expected`, {
          field: "START",
        });
      block = {
        line: lineNo,
        fields: f,
        start: zonedDateTime(wall(f[6] as string, f[7] as string, lineNo, "start"), p.timeZone),
        rows: [],
        serials: [],
        results: [],
      };
      continue;
    }
    if (!block) {
      unmapped.note(`record ${JSON.stringify(f[0])} outside a START..END block`, lineNo);
      continue;
    }
    switch (kind) {
      case "LOT":
        if ((f[1] ?? "").trim() !== "") block.lot = (f[1] as string).trim();
        break;
      case "SN": {
        const sn = (f[1] ?? "").trim();
        if (sn === "")
          throw lineError(fileName, lineNo, "the SN record has no serial number", { field: "SN" });
        block.serials.push({ sn, line: lineNo });
        break;
      }
      case "BOARDRESULT": {
        const r = RESULTS[(f[1] ?? "").trim().toUpperCase()];
        if (r === undefined)
          throw lineError(
            fileName,
            lineNo,
            `board result ${JSON.stringify(f[1] ?? "")} is not PASS or FAIL`,
            {
              field: "BOARDRESULT",
            },
          );
        block.results.push({ result: r, line: lineNo });
        break;
      }
      case "END": {
        const end = zonedDateTime(wall(f[2] ?? "", f[3] ?? "", lineNo, "end"), p.timeZone);
        const endResult = RESULTS[(f[1] ?? "").trim().toUpperCase()];
        if (endResult === undefined)
          throw lineError(
            fileName,
            lineNo,
            `the END result ${JSON.stringify(f[1] ?? "")} is not PASS or FAIL`,
            {
              field: "END result",
            },
          );
        finishBlock(block, end, endResult, lineNo, fileName, p, context, reports);
        block = undefined;
        break;
      }
      default:
        if (TEST_RECORDS.has(kind)) {
          const row = readTestRow(f, lineNo, fileName);
          if (row.nan) {
            nanCount++;
            nanFirst ||= lineNo;
          }
          block.rows.push(row.row);
        } else unmapped.note(`record ${JSON.stringify(f[0])}`, lineNo);
    }
  }
  if (block)
    throw new ConversionError(
      `${fileName}: the file ends inside the test started at line ${block.line} (no END record): truncated?`,
      { kind: "content", line: lines.length },
    );
  if (reports.length === 0)
    throw new ConversionError(`${fileName}: no START..END test in the file`, { kind: "content", line: 1 });
  if (nanCount > 0)
    context.warn(
      `${fileName}: ${nanCount} measured value(s) NAN (first at line ${nanFirst}) cannot be stored as numbers; those steps are pass/fail steps with the value in their report text`,
    );
  unmapped.flush((m) => context.warn(m), fileName);
  return reports;
}

function componentGroup(ref: string): string {
  const letters = /^[A-Za-z]+/.exec(ref)?.[0];
  if (!letters) return ref;
  return COMPONENT_GROUPS[letters.toUpperCase()] ?? letters;
}

function readTestRow(f: readonly string[], line: number, fileName: string): { row: TestRow; nan: boolean } {
  if (f.length < 12)
    throw lineError(
      fileName,
      line,
      `the ${f[0]} record has ${f.length} fields, at least 12 expected (truncated?)`,
    );
  const [, board, ref, test, sub, name, info, resultText, valueText, lowText, highText, unitText, pins, id] =
    f as string[];
  const result = (resultText ?? "").trim();
  if (result === "") throw lineError(fileName, line, "the result is empty", { field: "result" });
  const passed = result.toUpperCase().startsWith("PASS");
  // Some tests (FLOAT, shorts) write a mode word ("Automatic") where the value goes, and no limits.
  const textual =
    /^[A-Za-z][A-Za-z _-]*$/.test((valueText ?? "").trim()) && !/^[+-]?nan$/i.test((valueText ?? "").trim());
  const number = (text: string | undefined, field: string): number | "nan" => {
    const t = (text ?? "").trim();
    if (/^[+-]?nan$/i.test(t)) return "nan";
    if (t === "") return 0;
    const n = parseDecimal(t);
    if (n === undefined) throw lineError(fileName, line, `${JSON.stringify(t)} is not a number`, { field });
    return n;
  };
  const value = textual ? 0 : number(valueText, "value");
  const low = textual ? 0 : number(lowText, "low limit");
  const high = textual ? 0 : number(highText, "high limit");
  const stepName = (name ?? "").trim() || (ref ?? "").trim();
  const text: string[] = [];
  if ((info ?? "").trim()) text.push((info as string).trim());
  text.push(
    `test ${(test ?? "").trim()}.${(sub ?? "").trim()}${(id ?? "").trim() ? ` (id ${(id as string).trim()})` : ""}, ref ${(ref ?? "").trim()}`,
  );
  if ((pins ?? "").trim()) text.push(`pins ${(pins as string).trim()}`);
  const options: StepOptions = { status: passed ? "P" : "F" };
  if (!passed) options.errorMessage = result;
  const unit = (unitText ?? "").trim();
  let draft: DraftStep;
  const nan = value === "nan" || low === "nan" || high === "nan";
  if (textual) {
    text.unshift(
      `value ${valueText?.trim()}${lowText?.trim() || highText?.trim() ? `, ${lowText?.trim() ?? ""} .. ${highText?.trim() ?? ""}` : ""}`,
    );
    options.reportText = text.join("\n");
    draft = { kind: "passFail", name: stepName, passed, options, line };
  } else if (nan) {
    text.unshift(
      `value ${valueText?.trim()}, limits ${lowText?.trim()} .. ${highText?.trim()} ${unit}`.trim(),
    );
    options.reportText = text.join("\n");
    draft = { kind: "passFail", name: stepName, passed, options, line };
  } else if (value === 0 && low === 0 && high === 0) {
    options.reportText = text.join("\n");
    draft = { kind: "passFail", name: stepName, passed, options, line };
  } else {
    const m: NumericInput = { value: value as number, status: passed ? "P" : "F" };
    if (unit !== "") m.unit = unit;
    if (high === 0) {
      m.compOp = "GE";
      m.limit = low as number;
    } else if (low === 0) {
      m.compOp = "LE";
      m.limit = high as number;
    } else {
      m.low = low as number;
      m.high = high as number;
    }
    options.reportText = text.join("\n");
    draft = { kind: "numeric", name: stepName, measurement: m, options, line };
  }
  return {
    row: { line, board: (board ?? "").trim(), draft, group: componentGroup((ref ?? "").trim()) },
    nan,
  };
}

function groupSteps(rows: readonly TestRow[]): DraftStep[] {
  const out: DraftStep[] = [];
  let current: { group: string; steps: DraftStep[] } | undefined;
  for (const r of rows) {
    if (!current || current.group !== r.group) {
      current = { group: r.group, steps: [] };
      out.push({ kind: "sequence", name: r.group, steps: current.steps, options: {}, line: r.line });
    }
    current.steps.push(r.draft);
  }
  return out;
}

function finishBlock(
  block: Block,
  end: string,
  endResult: ReportResult,
  endLine: number,
  fileName: string,
  p: HeaderParameters,
  context: ConverterContext,
  reports: Report[],
): void {
  const f = block.fields;
  if (block.serials.length === 0)
    throw lineError(
      fileName,
      endLine,
      `the test started at line ${block.line} has no SN record before its END`,
      {
        field: "SN",
      },
    );
  const boards = [...new Set(block.rows.map((r) => r.board))].sort(
    (a, b) => Number(a) - Number(b) || a.localeCompare(b),
  );
  const panel = block.serials.length > 1;
  if (panel && boards.length !== block.serials.length)
    throw lineError(
      fileName,
      endLine,
      `${block.serials.length} SN records but the test records name ${boards.length} board(s) (${boards.join(", ")}): cannot tell which results belong to which serial`,
      { field: "SN" },
    );
  if (panel && block.results.length !== 0 && block.results.length !== block.serials.length)
    throw lineError(
      fileName,
      endLine,
      `${block.serials.length} SN records but ${block.results.length} BOARDRESULT records`,
      { field: "BOARDRESULT" },
    );
  const misc: [string, string][] = [];
  if ((f[1] ?? "").trim()) misc.push(["Program", (f[1] as string).trim()]);
  if ((f[4] ?? "").trim() && (f[4] as string).trim() !== (f[2] as string).trim())
    misc.push(["Sequence 2", (f[4] as string).trim()]);
  block.serials.forEach((serial, k) => {
    const rows = panel ? block.rows.filter((r) => r.board === boards[k]) : block.rows;
    const result = (block.results[k] ?? block.results[0])?.result ?? endResult;
    reports.push(
      buildUnitReport(
        {
          pn: p.partNumber ?? ((f[2] ?? "").trim() || fileName),
          sn: serial.sn,
          rev: p.revision,
          processCode: p.processCode,
          operator: (f[5] ?? "").trim() || p.operator,
          location: p.location,
          purpose: p.purpose,
          start: block.start,
          execTime: secondsBetween(block.start, end),
          sequenceName: (f[2] ?? "").trim() || undefined,
          sequenceVersion: (f[3] ?? "").trim() || undefined,
          batchSN: block.lot,
          testSocketIndex: panel ? k + 1 : undefined,
          misc,
          result: panel ? result : (block.results[0]?.result ?? endResult),
        },
        groupSteps(rows),
        context,
        reports.length,
        `board SN ${serial.sn} (lines ${block.line}-${endLine})`,
      ),
    );
  });
}
