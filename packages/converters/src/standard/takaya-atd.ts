/**
 * Takaya ATD, tab layout (APT-9xxx): a header block (`Model:`, `DATE d/M/yyyy HH:mm:ss`,
 * `Test time:`, `Test ID :`, `User name :`) and one `* GROUP No.N *` block per board of the
 * panel (`* PASS *`, `Serial No.:`), each with a tab-separated column header row
 * (`Group_No.`, `Step_number`, `Parts`, ...) and one row per test. Columns are found by their
 * header names, so added or moved columns still read.
 */
import type { ReportResult } from "@tswats/report";
import { lineError } from "./shared/line-error.js";
import { parseDateAndTime, zonedDateTime } from "./shared/wall-clock.js";
import {
  boardResult,
  isPlaceholder,
  millisecondsOf,
  type TakayaBoard,
  type TakayaReadOptions,
  takayaValue,
  toleranceOf,
} from "./takaya-board.js";
import { groupByComponent, type TakayaRow, takayaDraft } from "./takaya-steps.js";

/** Columns that hold the same value on every row of a board: misc infos of the report, not step text. */
const BOARD_COLUMNS: Readonly<Record<string, string>> = {
  Model: "Program",
  Testing_time: "Testing time",
  "Serial_No.1": "Serial No.1",
  Tester_ID: "Tester ID",
  Index: "Program description",
  "A/B_Side": "Side",
  "Total_PASS_No.": "Total PASS No.",
  "Total_NG_No.": "Total NG No.",
  "Daily_PASS_No.": "Daily PASS No.",
  "Daily_NG_No.": "Daily NG No.",
  Date_of_test: "Date of test",
  Time_of_test: "Time of test",
};

/** Columns the step mapping uses. */
const USED = new Set([
  "Group_No.",
  "Step_number",
  "Parts",
  "Value",
  "Unit",
  "Comment",
  "Location",
  "H-pin",
  "Net_name",
  "L-pin",
  "Net_name#2",
  "G-P1",
  "Net_name#3",
  "G-P2",
  "Net_name#4",
  "Judgement",
  "Ref._Value_(EL)",
  "Ref._Value_(Fig)",
  "Ref._Value_(Char)",
  "Unit#2",
  "Test_Value_1_(EL)",
  "Test_Value_1_(Fig)",
  "Test_Value_1_(Char)",
  "Unit#3",
  "Test_Value_2_(EL)",
  "Test_Value_2_(Fig)",
  "Test_Value_2_(Char)",
  "Unit#4",
  "Measuring_mode",
  "Measuring_range",
  "Measuring_time",
  "Tolerance_(+)%",
  "Tolerance_(-)%",
  "Function",
]);

const REQUIRED = ["Parts", "Judgement", "Ref._Value_(Char)", "Test_Value_1_(Char)", "Function"];

/** Header names made unique: the second `Unit` is `Unit#2`, and so on. */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw) => {
    const name = raw.trim();
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

interface Group {
  line: number;
  number: string;
  result?: ReportResult;
  sn?: string;
  counters?: string;
  rows: { parts: string; row: TakayaRow }[];
  constants: Map<string, string>;
}

export function readTakayaAtd(lines: readonly string[], o: TakayaReadOptions): TakayaBoard[] {
  const header: {
    model?: string;
    start?: string;
    execTime?: number;
    station?: string;
    operator?: string;
    result?: ReportResult;
    counters?: string;
  } = {};
  const groups: Group[] = [];
  let group: Group | undefined;
  let columns: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === "" || line === "@") continue;
    let m: RegExpExecArray | null = /^\*\s*GROUP No\.\s*(\d+)\s*\*$/i.exec(line);
    if (m) {
      group = { line: lineNo, number: m[1] as string, rows: [], constants: new Map() };
      groups.push(group);
      columns = undefined;
      continue;
    }
    m = /^\*+\s*(PASS|FAIL|NO-TEST)\s*\*+$/i.exec(line);
    if (m) {
      if (group) group.result = boardResult(m[1] as string);
      else header.result = boardResult(m[1] as string);
      continue;
    }
    if (/^D\.T:/.test(line)) {
      if (group) group.counters = line.replace(/\s+/g, " ");
      else header.counters = line.replace(/\s+/g, " ");
      continue;
    }
    m = /^Model\s*:(.*)$/.exec(line);
    if (m) {
      header.model = (m[1] as string).trim();
      continue;
    }
    m = /^DATE\s+(.+)$/.exec(line);
    if (m) {
      const w = parseDateAndTime(m[1] as string, "DMY");
      if (!w)
        throw lineError(o.fileName, lineNo, `${JSON.stringify(m[1])} is not a date (D/M/YYYY HH:MM:SS)`, {
          field: "DATE",
        });
      header.start = zonedDateTime(w, o.timeZone);
      continue;
    }
    m = /^Test time\s*:\s*(\d+(?:\.\d+)?)\s*s/i.exec(line);
    if (m) {
      header.execTime = Number(m[1]);
      continue;
    }
    m = /^Test ID\s*:(.*)$/i.exec(line);
    if (m) {
      header.station = (m[1] as string).trim() || undefined;
      continue;
    }
    m = /^User name\s*:(.*)$/i.exec(line);
    if (m) {
      header.operator = (m[1] as string).trim() || undefined;
      continue;
    }
    m = /^Serial No\.\s*:(.*)$/i.exec(line);
    if (m) {
      if (!group) throw lineError(o.fileName, lineNo, "a Serial No. line before any * GROUP No. * line");
      group.sn = (m[1] as string).trim();
      continue;
    }
    if (/^Group_No\.\t/.test(raw)) {
      columns = uniqueColumnNames(raw.split("\t"));
      const missing = REQUIRED.filter((c) => !columns?.includes(c));
      if (missing.length)
        throw lineError(o.fileName, lineNo, `the column header has no ${missing.join(", ")} column`, {
          field: missing[0] as string,
        });
      continue;
    }
    if (/^\d+\t/.test(raw)) {
      if (!group || !columns)
        throw lineError(
          o.fileName,
          lineNo,
          "a test row before the * GROUP No. * block and its column header",
        );
      group.rows.push(readRow(raw.split("\t"), columns, lineNo, group, o));
      continue;
    }
    o.unmapped.note("unrecognised line", lineNo);
  }
  if (header.start === undefined)
    throw lineError(
      o.fileName,
      1,
      "no DATE line: the file's start time is unknown (not a Takaya ATD file, or truncated?)",
      {
        field: "DATE",
      },
    );
  const start = header.start;
  return groups.map((g) => {
    if (!g.sn)
      throw lineError(o.fileName, g.line, `GROUP No.${g.number} has no Serial No. line`, {
        field: "Serial No.",
      });
    const misc: [string, string][] = [];
    if (header.counters) misc.push(["Counters (file)", header.counters]);
    if (g.counters) misc.push(["Counters", g.counters]);
    for (const [name, value] of g.constants) misc.push([BOARD_COLUMNS[name] ?? name, value]);
    return {
      line: g.line,
      sn: g.sn,
      pn: header.model,
      start,
      execTime: header.execTime,
      station: header.station ?? (g.constants.get("Tester_ID") || undefined),
      operator: header.operator,
      result: g.result,
      sequenceName: header.model,
      socket: groups.length > 1 ? Number(g.number) : undefined,
      misc,
      steps: groupByComponent(
        g.rows.map((r) => ({ parts: r.parts, draft: takayaDraft(r.row, o.unknown) })),
        o.grouping,
      ),
    };
  });
}

function readRow(
  fields: readonly string[],
  columns: readonly string[],
  line: number,
  group: Group,
  o: TakayaReadOptions,
): { parts: string; row: TakayaRow } {
  const functionIndex = columns.indexOf("Function");
  if (fields.length <= functionIndex)
    throw lineError(
      o.fileName,
      line,
      `the row has ${fields.length} fields but the Function column is number ${functionIndex + 1} (truncated row?)`,
      { field: "Function" },
    );
  const get = (name: string) => {
    const k = columns.indexOf(name);
    return k < 0 ? "" : (fields[k] ?? "").trim();
  };
  const details: string[] = [];
  const location = get("Location");
  details.push(`#${get("Step_number")} ${get("Comment")}${location ? ` (${location})` : ""}`.trim());
  const nominal = `${get("Value")} ${get("Unit")}`.trim();
  if (nominal) details.push(`value ${nominal}`);
  const pins: [string, string, string][] = [
    ["H-pin", "H-pin", "Net_name"],
    ["L-pin", "L-pin", "Net_name#2"],
    ["G-P1", "G-P1", "Net_name#3"],
    ["G-P2", "G-P2", "Net_name#4"],
  ];
  for (const [label, pin, net] of pins) {
    const p = get(pin);
    const n = get(net);
    if ((p !== "" && p !== "0") || !isPlaceholder(n))
      details.push(`${label} ${p} ${isPlaceholder(n) ? "" : n}`.trim());
  }
  const tolPlus = get("Tolerance_(+)%");
  const tolMinus = get("Tolerance_(-)%");
  if (tolPlus || tolMinus) details.push(`tolerance ${tolPlus} ${tolMinus}`.trim());
  const mode = [get("Measuring_mode"), get("Measuring_range"), get("Measuring_time")]
    .filter(Boolean)
    .join(", ");
  if (mode) details.push(`measuring ${mode}`);
  for (let k = 0; k < columns.length; k++) {
    const name = columns[k] as string;
    const value = (fields[k] ?? "").trim();
    if (USED.has(name)) continue;
    if (name in BOARD_COLUMNS) {
      if (isPlaceholder(value)) continue;
      if (!group.constants.has(name)) group.constants.set(name, value);
      else if (group.constants.get(name) !== value) details.push(`${name}: ${value}`);
      continue;
    }
    if (!isPlaceholder(value) && name !== "") details.push(`${name}: ${value}`);
  }
  const tv1 = takayaValue(get("Test_Value_1_(Char)"), get("Unit#3"));
  const tv2 = takayaValue(get("Test_Value_2_(Char)"), get("Unit#4"));
  const measured = tv2 ?? tv1;
  const row: TakayaRow = {
    line,
    parts: get("Parts"),
    comment: get("Comment"),
    nameParts: [get("Net_name"), get("Net_name#2")].filter((n) => !isPlaceholder(n)),
    judgement: get("Judgement"),
    functionCode: get("Function"),
    details,
  };
  const reference = takayaValue(get("Ref._Value_(Char)"), get("Unit#2"));
  if (reference) row.reference = reference;
  if (measured) row.measured = measured;
  if (tv2 && tv1) row.firstMeasured = tv1;
  if (!measured && !isPlaceholder(get("Test_Value_1_(Char)"))) row.measuredText = get("Test_Value_1_(Char)");
  const plus = toleranceOf(tolPlus);
  const minus = toleranceOf(tolMinus);
  if (plus !== undefined) row.tolerancePlus = plus;
  if (minus !== undefined) row.toleranceMinus = minus;
  const ms = millisecondsOf(get("Measuring_time"));
  if (ms !== undefined) row.timeMs = ms;
  return { parts: row.parts, row };
}
