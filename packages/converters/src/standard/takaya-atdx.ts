/**
 * Takaya ATDX (APT-1400F and later): `#############"Main header"############` blocks
 * (`Tester ID:`, `Model:`, `Serial number :`, `Test Date: d/M/yyyy HH:mm:ss`), then per group
 * (board side / panel position) a `#############"Group header"#########` block with
 * `Group No.: 1 Side: A PASS|FAIL` and a `;`-separated table with a header row (`Order;Aux;
 * M.Aux;Parts;Value;Unit;Comment;Loc.;EL;Reference;Unit;Func;+%;Unit;-%;Unit;Test.Base(Test1);
 * Unit;Test.Base(Test2);Unit;Judge;H-pin;...`).
 *
 * As in WATS's converter: the groups of one test run are sequences `Group N` of one report; a
 * `Group No.: 1` after other groups starts the next run (a retest: another report for the same
 * serial); the report fails when any of its groups fails; `Tester ID` is the station, `Model`
 * the part number (text after its first space becomes misc `barcode_suffix`).
 */
import type { ReportResult } from "@tswats/report";
import type { DraftStep } from "./shared/draft-steps.js";
import { splitUnit } from "./shared/engineering-units.js";
import { lineError } from "./shared/line-error.js";
import { parseDateAndTime, zonedDateTime } from "./shared/wall-clock.js";
import { uniqueColumnNames } from "./takaya-atd.js";
import {
  boardResult,
  isPlaceholder,
  type TakayaBoard,
  type TakayaReadOptions,
  takayaValue,
  toleranceOf,
} from "./takaya-board.js";
import { groupByComponent, type TakayaRow, takayaDraft } from "./takaya-steps.js";

const USED = new Set([
  "Order",
  "Parts",
  "Value",
  "Unit",
  "Comment",
  "Loc.",
  "EL",
  "Reference",
  "Unit#2",
  "Func",
  "+%",
  "Unit#3",
  "-%",
  "Unit#4",
  "Test.Base(Test1)",
  "Unit#5",
  "Test.Base(Test2)",
  "Unit#6",
  "Judge",
  "H-pin",
  "Netname-H-pin",
  "L-pin",
  "Netname-L-pin",
]);

const REQUIRED = ["Parts", "Reference", "Func", "Test.Base(Test1)", "Judge"];

interface Group {
  line: number;
  number: number;
  side: string;
  result: ReportResult | undefined;
  rows: { parts: string; draft: DraftStep }[];
}

interface Run {
  line: number;
  header: Record<string, string>;
  groups: Group[];
}

export function readTakayaAtdx(lines: readonly string[], o: TakayaReadOptions): TakayaBoard[] {
  const runs: Run[] = [];
  let header: Record<string, string> = {};
  let headerLine = 1;
  let run: Run | undefined;
  let group: Group | undefined;
  let columns: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === "" || /^-{5,}$/.test(line)) continue;
    if (/^#+\s*"Main header"\s*#+$/i.test(line)) {
      header = {};
      headerLine = lineNo;
      columns = undefined;
      continue;
    }
    if (/^#+\s*"Group header"\s*#+$/i.test(line)) {
      columns = undefined;
      continue;
    }
    let m = /^Group No\.\s*:\s*(\d+)\s*(?:Side\s*:\s*(\S+))?\s*(PASS|FAIL|NO-TEST)?\s*$/i.exec(line);
    if (m) {
      const number = Number(m[1]);
      if (!run || (number === 1 && run.groups.length > 0)) {
        run = { line: headerLine, header, groups: [] };
        runs.push(run);
      }
      group = {
        line: lineNo,
        number,
        side: m[2] ?? "",
        result: m[3] ? boardResult(m[3]) : undefined,
        rows: [],
      };
      run.groups.push(group);
      continue;
    }
    m = /^([A-Za-z][A-Za-z .]*?)\s*:\s*(.*)$/.exec(line);
    if (m && !line.includes(";")) {
      header[(m[1] as string).trim().toLowerCase()] = (m[2] as string).trim();
      continue;
    }
    if (/^Order;/i.test(line)) {
      columns = uniqueColumnNames(line.split(";"));
      const missing = REQUIRED.filter((c) => !columns?.includes(c));
      if (missing.length)
        throw lineError(o.fileName, lineNo, `the column header has no ${missing.join(", ")} column`, {
          field: missing[0] as string,
        });
      continue;
    }
    if (/^\d+;/.test(line)) {
      if (!group || !columns)
        throw lineError(o.fileName, lineNo, "a test row before its Group header and column header");
      const row = readRow(raw.split(";"), columns, lineNo, o);
      group.rows.push({ parts: row.parts, draft: takayaDraft(row, o.unknown) });
      continue;
    }
    o.unmapped.note("unrecognised line", lineNo);
  }
  return runs.map((r, k) => {
    const h = r.header;
    const sn = h["serial number"];
    if (!sn)
      throw lineError(o.fileName, r.line, "the main header has no Serial number line", {
        field: "Serial number",
      });
    const dateText = h["test date"];
    const w = dateText === undefined ? undefined : parseDateAndTime(dateText, "DMY");
    if (!w)
      throw lineError(
        o.fileName,
        r.line,
        `the main header's Test Date ${JSON.stringify(dateText ?? "")} is not a date (D/M/YYYY HH:MM:SS)`,
        {
          field: "Test Date",
        },
      );
    const misc: [string, string][] = [];
    const model = h.model ?? "";
    const space = model.search(/\s/);
    if (space > 0) misc.push(["barcode_suffix", model.slice(space + 1).trim()]);
    if (runs.length > 1) misc.push(["Attempt", String(k + 1)]);
    for (const [key, value] of Object.entries(h))
      if (!["serial number", "test date", "model", "tester id"].includes(key)) misc.push([key, value]);
    const results = r.groups.map((g) => g.result);
    const result: ReportResult | undefined = results.includes("F")
      ? "F"
      : results.every((x) => x === "P")
        ? "P"
        : undefined;
    const steps: DraftStep[] = r.groups.map((g) => ({
      kind: "sequence",
      name: `Group ${g.number}`,
      options: {
        ...(g.result !== undefined ? { status: g.result } : {}),
        ...(g.side ? { reportText: `Side ${g.side}` } : {}),
      },
      steps: groupByComponent(g.rows, o.grouping),
      line: g.line,
    }));
    return {
      line: r.line,
      sn,
      pn: space > 0 ? model.slice(0, space) : model || undefined,
      start: zonedDateTime(w, o.timeZone),
      station: h["tester id"] || undefined,
      result,
      sequenceName: model || undefined,
      misc,
      steps,
    };
  });
}

function readRow(
  fields: readonly string[],
  columns: readonly string[],
  line: number,
  o: TakayaReadOptions,
): TakayaRow {
  const judgeIndex = columns.indexOf("Judge");
  if (fields.length <= judgeIndex)
    throw lineError(
      o.fileName,
      line,
      `the row has ${fields.length} fields but Judge is column ${judgeIndex + 1} (truncated row?)`,
      {
        field: "Judge",
      },
    );
  const get = (name: string) => {
    const k = columns.indexOf(name);
    return k < 0 ? "" : (fields[k] ?? "").trim();
  };
  const details: string[] = [];
  const loc = get("Loc.");
  details.push(`#${get("Order")} ${get("Comment")}${loc ? ` (${loc})` : ""}`.trim());
  const nominal = `${get("Value")} ${get("Unit")}`.trim();
  if (nominal && !isPlaceholder(get("Value"))) details.push(`value ${nominal}`);
  for (const [pin, net] of [
    ["H-pin", "Netname-H-pin"],
    ["L-pin", "Netname-L-pin"],
  ] as const)
    if (get(pin) !== "" || get(net) !== "") details.push(`${pin} ${get(pin)} ${get(net)}`.trim());
  for (let k = 0; k < columns.length; k++) {
    const name = columns[k] as string;
    const value = (fields[k] ?? "").trim();
    if (USED.has(name) || name === "" || isPlaceholder(value)) continue;
    if (/^(G-P\d|BU\d)$/.test(name) && value === "0") continue;
    details.push(`${name}: ${value}`);
  }
  const plus = get("+%");
  const minus = get("-%");
  if (!isPlaceholder(plus) || !isPlaceholder(minus)) details.push(`tolerance +${plus} -${minus}`);
  const tv1 = takayaValue(get("Test.Base(Test1)"), get("Unit#5"));
  const tv2 = takayaValue(get("Test.Base(Test2)"), get("Unit#6"));
  const measured = tv2 ?? tv1;
  const row: TakayaRow = {
    line,
    parts: get("Parts"),
    comment: get("Comment"),
    nameParts: [get("Netname-H-pin"), get("Netname-L-pin")].filter((n) => !isPlaceholder(n)),
    judgement: get("Judge"),
    functionCode: get("Func"),
    openShortLimits: "reference",
    details,
  };
  const reference = takayaValue(get("Reference"), get("Unit#2"));
  if (reference) row.reference = reference;
  if (measured) row.measured = measured;
  if (tv1 && tv2) row.firstMeasured = tv1;
  const p = toleranceOf(plus);
  const n = toleranceOf(minus);
  if (p !== undefined) row.tolerancePlus = p;
  if (n !== undefined) row.toleranceMinus = n;
  const tolUnit = get("Unit#3") || get("Unit#4");
  if (tolUnit !== "" && tolUnit !== "%") row.toleranceUnit = splitUnit(tolUnit);
  return row;
}
