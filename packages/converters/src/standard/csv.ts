/**
 * `csv`: one row per step, reports grouped by serial number, part number, revision, start time and
 * operation (the layout of the sample "enhanced" CSV: SerialNumber, PartNumber, TestDate,
 * OperationType, StepName, StepType, Value, LowLimit, HighLimit, Unit, Result). Column names are
 * configurable (`columns`), as are defaults for what the file does not carry.
 *
 * Lines before the table (`headerRow`/`tableStartLine`): `Key: Value`, `Key=Value` or
 * `Key<delimiter>Value` lines. A key naming a header field (its column name, its logical name or
 * a common alias: `Serial Number`, `SN`, `Part Number`, `Date`, `Time`, `Operator`, ...) gives
 * that field to every row that has no such column; any other key becomes a misc info; a line
 * that is not a key-value pair is a warning. A table without a header row (`headerRow: false`)
 * names its columns by position (`columns: { stepName: 1, value: 2 }`). Numbers may use a
 * decimal comma (`numberFormat`), dates may be month-first, day-first or year-first
 * (`dateFormat`), and one `Limits` column may hold both limits (`90.0/100.0`, `4,5..5,5`).
 *
 * Nothing is dropped silently: header columns that map to nothing, cells a row's step kind does
 * not use (a unit on a pass/fail step, a high limit beside a one-limit operator) and operators
 * that differ within one report are named in warnings.
 *
 * Bad rows (wrong number of fields, empty required cell, a number that is not one, an unknown
 * step type or result): with `badRows: "fail-file"` (default) the whole file fails and the error
 * lists every bad row with its line and column; with `"skip-row"` the good rows are converted,
 * each bad row is reported as a warning (log + `<file>.warnings.txt` beside the done file), and
 * the file fails only if no good row is left.
 */
import {
  type MeasurementStatus,
  NUMERIC_COMP_OPS,
  type NumericInput,
  numericCompOp,
  parseDateTime,
  type Report,
  type StepStatus,
  type StringInput,
  toWatsDateTime,
  UutReport,
} from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { type CsvRecord, CsvSyntaxError, readCsv } from "./csv-reader.js";
import { normalKey, splitKeyValue } from "./shared/key-value-lines.js";
import { parseLimitPair } from "./shared/limit-pair.js";
import { type DateOrder, guessDateOrder, parseLocaleDateTime } from "./shared/locale-date.js";
import { type DecimalMark, guessDecimalMark, parseLocaleNumber } from "./shared/locale-number.js";

/** Logical column -> header name in the file. */
export const DEFAULT_CSV_COLUMNS = {
  serialNumber: "SerialNumber",
  partNumber: "PartNumber",
  revision: "Revision",
  startTime: "TestDate",
  operationType: "OperationType",
  stepName: "StepName",
  stepType: "StepType",
  value: "Value",
  lowLimit: "LowLimit",
  highLimit: "HighLimit",
  unit: "Unit",
  result: "Result",
  compOp: "CompOp",
  operator: "Operator",
  limits: "Limits",
} as const;

type Column = keyof typeof DEFAULT_CSV_COLUMNS;
/** Required in every row: from a column, or (all but stepName) from a key-value line before the table. */
const REQUIRED: readonly Column[] = ["serialNumber", "partNumber", "startTime", "stepName"];
/** Columns a key-value line before the table can stand in for. */
const HEADER_FIELDS: readonly Column[] = [
  "serialNumber",
  "partNumber",
  "revision",
  "startTime",
  "operationType",
  "operator",
];
/** Common keys for those fields (compared with letters and digits only, lower case). */
const KEY_ALIASES: Readonly<Record<string, Column | "date" | "time">> = {
  serial: "serialNumber",
  serialno: "serialNumber",
  serialnumber: "serialNumber",
  sn: "serialNumber",
  uutserial: "serialNumber",
  part: "partNumber",
  partno: "partNumber",
  partnumber: "partNumber",
  pn: "partNumber",
  rev: "revision",
  revision: "revision",
  datetime: "startTime",
  starttime: "startTime",
  start: "startTime",
  teststart: "startTime",
  date: "date",
  testdate: "date",
  time: "time",
  testtime: "time",
  operation: "operationType",
  operationtype: "operationType",
  process: "operationType",
  processcode: "operationType",
  operator: "operator",
  user: "operator",
  tester: "operator",
};

export const csvConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "csv",
  description: "CSV logs with one row per step, grouped into reports by serial number and date",
  filePatterns: ["*.csv"],
  parameters: {
    columns: {
      type: "object",
      default: {},
      description: `Header names per logical column (defaults ${JSON.stringify(DEFAULT_CSV_COLUMNS)}); only the ones that differ need to be given. With headerRow false: 1-based column numbers`,
    },
    headerRow: {
      type: "boolean",
      default: true,
      description: "Whether the table starts with a row of column names (false: columns are given by number)",
    },
    tableStartLine: {
      type: "integer",
      default: 0,
      min: 0,
      description:
        "Line where the table (its header row, or its first row) starts; 0 = the first line holding the stepName column name (without header row: the first line with enough fields)",
    },
    numberFormat: {
      type: "enum",
      values: ["point", "comma", "auto"],
      default: "point",
      description: 'Decimal mark of numbers: "point" (3.5), "comma" (3,5), "auto" = as the file writes them',
    },
    dateFormat: {
      type: "enum",
      values: ["ISO", "MDY", "DMY", "YMD", "auto"],
      default: "ISO",
      description:
        'Dates: "ISO" (2026-02-03 10:00:00), "MDY" (2/3/2026 10:00 AM), "DMY" (03.02.2026 10:00), "YMD", "auto" = from the file',
    },
    delimiter: {
      type: "string",
      default: ",",
      description: 'Field delimiter (one character; "\\t" for tab)',
    },
    badRows: {
      type: "enum",
      values: ["fail-file", "skip-row"],
      default: "fail-file",
      description: "What a malformed row does: fail the whole file, or skip it with a warning",
    },
    processCode: {
      type: "integer",
      default: 10,
      min: 0,
      max: 32767,
      description: "Process code when OperationType is empty or unknown",
    },
    operationCodes: {
      type: "object",
      default: {},
      description:
        'OperationType text -> process code, e.g. { "ICT": 30 } (numeric OperationType values are used as they are)',
    },
    revision: { type: "string", default: "1", description: "Revision when the file has no revision column" },
    operator: {
      type: "string",
      default: "unknown",
      description: "Operator when the file has no operator column",
    },
    location: { type: "string", default: "Unknown" },
    purpose: { type: "string", default: "Production" },
    timeZone: {
      type: "string",
      description: "IANA zone of dates without UTC offset (default: this machine's zone)",
    },
    encoding: { type: "string", description: "Text encoding when the file has no BOM (default UTF-8)" },
  },
  detect(sample) {
    const first = sample.text.split(/\r?\n/, 1)[0] ?? "";
    if (!first.includes(",") && !first.includes(";") && !first.includes("\t")) return 0;
    return /serial/i.test(first) && /step/i.test(first) ? 0.8 : 0.2;
  },
  convert(input, context) {
    return convertCsv(input.text(context.parameters.encoding as string | undefined), context, input.fileName);
  },
};

interface Row {
  line: number;
  /** Columns with a value this row's step kind does not use (e.g. a unit on a pass/fail step). */
  unused: Column[];
  sn: string;
  pn: string;
  rev: string;
  start: string;
  operation: string;
  operator: string;
  step: StepRow;
}
type StepRow =
  | { kind: "numeric"; name: string; input: NumericInput; status?: StepStatus }
  | { kind: "passFail"; name: string; passed: boolean; status?: StepStatus }
  | { kind: "string"; name: string; input: StringInput; status?: StepStatus }
  | { kind: "action"; name: string; status?: StepStatus };

class RowError extends Error {
  constructor(
    message: string,
    readonly column?: string,
  ) {
    super(message);
  }
}

const STEP_KINDS: Readonly<Record<string, StepRow["kind"]>> = {
  numericlimit: "numeric",
  numericlimittest: "numeric",
  numeric: "numeric",
  et_nlt: "numeric",
  passfail: "passFail",
  passfailtest: "passFail",
  boolean: "passFail",
  et_pft: "passFail",
  stringvalue: "string",
  stringvaluetest: "string",
  string: "string",
  et_svt: "string",
  action: "action",
  log: "action",
};

const RESULTS: Readonly<Record<string, StepStatus>> = {
  pass: "P",
  passed: "P",
  p: "P",
  ok: "P",
  true: "P",
  fail: "F",
  failed: "F",
  f: "F",
  ng: "F",
  false: "F",
  skip: "S",
  skipped: "S",
  s: "S",
  error: "E",
  e: "E",
  terminated: "T",
  done: "D",
};

/** Header fields and misc infos from the key-value lines before the table. */
interface Preamble {
  fields: Partial<Record<Column, string>>;
  date?: string;
  time?: string;
  misc: { key: string; value: string }[];
}

/** How the rows of one file are read: column positions, formats, what the preamble supplies. */
interface RowReading {
  index: ReadonlyMap<Column, number>;
  label: (c: Column) => string;
  preamble: Preamble;
  mark: DecimalMark;
  order: DateOrder | "ISO";
  p: Readonly<Record<string, unknown>>;
}

export function convertCsv(text: string, context: ConverterContext, fileName: string): Report[] {
  const p = context.parameters;
  const headerRow = p.headerRow !== false;
  const given = p.columns as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_CSV_COLUMNS))
      throw new ConversionError(
        `parameter "columns": unknown column "${key}" (known: ${Object.keys(DEFAULT_CSV_COLUMNS).join(", ")})`,
        { kind: "content", field: `columns.${key}` },
      );
    const ok = headerRow ? typeof value === "string" : Number.isInteger(value) && (value as number) >= 1;
    if (!ok)
      throw new ConversionError(
        `parameter "columns": ${key} must be ${headerRow ? "a header name (text)" : "a column number from 1 (headerRow is false)"}, not ${JSON.stringify(value)}`,
        { kind: "content", field: `columns.${key}` },
      );
  }
  const columns = { ...(headerRow ? DEFAULT_CSV_COLUMNS : {}), ...given } as Record<Column, string | number>;
  let delimiter = p.delimiter as string;
  if (delimiter === "\\t") delimiter = "\t";
  let records: CsvRecord[];
  try {
    records = readCsv(text, delimiter);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new ConversionError(
        `${fileName}: CSV syntax error at line ${error.line}, column ${error.column}: ${error.message}`,
        {
          kind: "parse",
          line: error.line,
          column: error.column,
        },
      );
    throw error;
  }
  if (records.length === 0) throw new ConversionError(`${fileName}: no rows`, { kind: "content", line: 1 });
  const startAt = tableStart(records, p, columns, headerRow, fileName);
  const preamble = readPreamble(records.slice(0, startAt), columns, context);

  // Column positions: from the header row, or the numbers given.
  const index = new Map<Column, number>();
  let header: CsvRecord | undefined;
  let names: string[] = [];
  if (headerRow) {
    header = records[startAt] as CsvRecord;
    names = header.fields.map((f) => f.trim());
    for (const [key, headerName] of Object.entries(columns) as [Column, string][]) {
      const at = names.findIndex((n) => n.toLowerCase() === String(headerName).toLowerCase());
      if (at >= 0) index.set(key, at);
    }
  } else
    for (const [key, position] of Object.entries(columns) as [Column, number][]) index.set(key, position - 1);
  if (header) {
    const mappedAt = new Set(index.values());
    const unmapped = names.filter((n, i) => !mappedAt.has(i) && n !== "");
    if (unmapped.length > 0)
      context.warn(
        `${fileName} line ${header.line}: column(s) ${unmapped.map((n) => JSON.stringify(n)).join(", ")} are not mapped to anything, so their values are not converted (map them with the "columns" parameter)`,
      );
  }
  const label = (c: Column) => (headerRow ? String(columns[c]) : `${c} (column ${columns[c]})`);
  const missing = REQUIRED.filter((c) => !index.has(c) && (c === "stepName" || !fromPreamble(preamble, c)));
  if (missing.length > 0) {
    const where = header ? `the header (line ${header.line})` : "the columns parameter";
    throw new ConversionError(
      `${fileName}: ${where} has no ${missing.map((c) => `"${columns[c] ?? c}" column (${c})`).join(", ")}` +
        (missing.some((c) => c !== "stepName") ? " and no key-value line before the table gives it" : "") +
        (header
          ? `; found ${names.map((n) => JSON.stringify(n)).join(", ")}. Map other names with the "columns" parameter`
          : ""),
      {
        kind: "content",
        ...(header ? { line: header.line } : {}),
        field: String(columns[missing[0] as Column] ?? missing[0]),
      },
    );
  }
  const data = records.slice(headerRow ? startAt + 1 : startAt);
  if (data.length === 0)
    throw new ConversionError(`${fileName}: ${header ? "a header but no data rows" : "no data rows"}`, {
      kind: "content",
      line: header?.line ?? (records[records.length - 1] as CsvRecord).line,
    });

  // Number and date styles ("auto": from the file).
  const column = (c: Column) =>
    data.map((r) => (index.has(c) ? (r.fields[index.get(c) as number] ?? "").trim() : ""));
  const numberTexts = [
    ...column("value"),
    ...column("lowLimit"),
    ...column("highLimit"),
    ...column("limits"),
  ];
  const mark: DecimalMark =
    p.numberFormat === "comma"
      ? "comma"
      : p.numberFormat === "auto"
        ? (guessDecimalMark(numberTexts) ?? "point")
        : "point";
  let order: DateOrder | "ISO" = "ISO";
  if (p.dateFormat === "MDY" || p.dateFormat === "DMY" || p.dateFormat === "YMD") order = p.dateFormat;
  else if (p.dateFormat === "auto") {
    const dates = [...column("startTime"), fromPreamble(preamble, "startTime") ?? ""].filter((d) => d !== "");
    const guessed = guessDateOrder(dates);
    order = guessed ?? (mark === "comma" ? "DMY" : "MDY");
    if (guessed === undefined && guessDecimalMark(numberTexts) === undefined && dates.length > 0)
      context.warn(
        `the dates (${JSON.stringify(dates[0])}) and numbers do not show the locale; dates read month first (set the parameter "dateFormat")`,
      );
  }
  const reading: RowReading = { index, label, preamble, mark, order, p };
  const need = Math.max(...index.values()) + 1;

  const rows: Row[] = [];
  const bad: { line: number; column?: string; message: string }[] = [];
  for (const record of data) {
    try {
      if (header && record.fields.length !== names.length)
        throw new RowError(
          `${record.fields.length} fields, but the header has ${names.length}` +
            (record.fields.length > names.length ? " (an unquoted delimiter inside a value?)" : ""),
        );
      if (!header && record.fields.length < need)
        throw new RowError(`${record.fields.length} fields, but the columns parameter reads column ${need}`);
      rows.push(readRow(record.fields, record.line, reading));
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      bad.push({
        line: record.line,
        ...(error.column ? { column: error.column } : {}),
        message: error.message,
      });
    }
  }
  const badText = bad.map((b) => `line ${b.line}${b.column ? `, column ${b.column}` : ""}: ${b.message}`);
  if (bad.length > 0 && (p.badRows === "fail-file" || rows.length === 0)) {
    const first = bad[0] as (typeof bad)[number];
    const why = p.badRows === "fail-file" ? 'badRows is "fail-file"' : "no good row is left";
    throw new ConversionError(
      `${fileName}: ${bad.length} malformed row(s) (${why}):\n${badText.slice(0, 20).join("\n")}${bad.length > 20 ? `\n... and ${bad.length - 20} more` : ""}`,
      {
        kind: "content",
        line: first.line,
        ...(first.column ? { field: first.column } : {}),
        problems: badText,
      },
    );
  }
  for (const t of badText) context.warn(`skipped row: ${t}`);
  const unused = new Map<Column, { rows: number; first: number }>();
  for (const row of rows)
    for (const c of row.unused) {
      const u = unused.get(c);
      if (u) u.rows++;
      else unused.set(c, { rows: 1, first: row.line });
    }
  for (const [c, u] of unused)
    context.warn(
      `${fileName}: column ${JSON.stringify(label(c))} has a value in ${u.rows} row(s) whose step does not use it (first at line ${u.first}); not converted`,
    );

  // Group rows into reports (order of first appearance).
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = [row.sn, row.pn, row.rev, row.start, row.operation].join("\u0000");
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(row);
  }
  const reports: Report[] = [];
  let reportIndex = 0;
  const startTexts = new Map<string, string>();
  for (const group of groups.values()) {
    const first = group[0] as Row;
    const builder = new UutReport({
      id: context.reportId(reportIndex++),
      pn: first.pn,
      sn: first.sn,
      rev: first.rev,
      processCode: processCode(first.operation, p, context, first.line),
      operator: first.operator,
      ...(context.station !== undefined ? { station: context.station } : {}),
      location: p.location as string,
      purpose: p.purpose as string,
      start: withOffset(first.start, p.timeZone as string | undefined, startTexts),
    });
    for (const { key, value } of preamble.misc) builder.miscInfo(key, value);
    const otherOperators = new Set(group.filter((r) => r.operator !== first.operator).map((r) => r.operator));
    if (otherOperators.size > 0)
      context.warn(
        `${fileName} line ${first.line}: the rows of ${first.sn} name other operators (${[...otherOperators].map((o) => JSON.stringify(o)).join(", ")}) than its first row; a report has one, ${JSON.stringify(first.operator)} is used`,
      );
    for (const { step } of group) {
      const options = step.status !== undefined ? { status: step.status } : {};
      switch (step.kind) {
        case "numeric":
          builder.root.numericLimit(step.name, step.input, options);
          break;
        case "passFail":
          builder.root.passFail(step.name, step.passed, options);
          break;
        case "string":
          builder.root.stringValue(step.name, step.input, options);
          break;
        case "action":
          builder.root.action(step.name, options);
          break;
      }
    }
    reports.push(builder.build());
  }
  return reports;
}

/** The start text with its UTC offset (naive texts read in `timeZone`), computed once per distinct text. */
function withOffset(text: string, timeZone: string | undefined, cache: Map<string, string>): string {
  let out = cache.get(text);
  if (out === undefined) {
    out = toWatsDateTime(text, timeZone);
    cache.set(text, out);
  }
  return out;
}

const warnedOperations = new WeakMap<ConverterContext, Set<string>>();

function processCode(
  operation: string,
  p: Readonly<Record<string, unknown>>,
  context: ConverterContext,
  line: number,
): number {
  if (/^\d+$/.test(operation)) return Number(operation);
  const map = p.operationCodes as Record<string, unknown>;
  const mapped = Object.entries(map).find(([k]) => k.toLowerCase() === operation.toLowerCase())?.[1];
  if (typeof mapped === "number" && Number.isInteger(mapped)) return mapped;
  if (operation !== "") {
    let seen = warnedOperations.get(context);
    if (!seen) {
      seen = new Set();
      warnedOperations.set(context, seen);
    }
    if (!seen.has(operation)) {
      seen.add(operation);
      context.warn(
        `line ${line}: OperationType ${JSON.stringify(operation)} is not a process code and not in "operationCodes"; used processCode ${p.processCode}`,
      );
    }
  }
  return p.processCode as number;
}

/** The record index where the table starts (its header row, or its first row without one). */
function tableStart(
  records: readonly CsvRecord[],
  p: Readonly<Record<string, unknown>>,
  columns: Readonly<Record<Column, string | number>>,
  headerRow: boolean,
  fileName: string,
): number {
  const line = p.tableStartLine as number;
  if (line > 0) {
    const at = records.findIndex((r) => r.line >= line);
    if (at < 0)
      throw new ConversionError(`${fileName}: tableStartLine ${line} is after the last row`, {
        kind: "content",
        field: "tableStartLine",
      });
    return at;
  }
  if (headerRow) {
    const stepHeader = String(columns.stepName).toLowerCase();
    const at = records.findIndex((r) => r.fields.some((f) => f.trim().toLowerCase() === stepHeader));
    return Math.max(at, 0);
  }
  const need = Math.max(...Object.values(columns).map(Number));
  const at = records.findIndex((r) => r.fields.length >= need);
  if (at < 0)
    throw new ConversionError(`${fileName}: no line has the ${need} fields the columns parameter reads`, {
      kind: "content",
      field: "columns",
    });
  return at;
}

/** The key-value lines before the table: header fields for every row, other keys as misc infos. */
function readPreamble(
  records: readonly CsvRecord[],
  columns: Readonly<Record<Column, string | number>>,
  context: ConverterContext,
): Preamble {
  const preamble: Preamble = { fields: {}, misc: [] };
  for (const record of records) {
    const cells = record.fields.map((f) => f.trim()).filter((f) => f !== "");
    if (cells.length === 0) continue;
    let kv = splitKeyValue(cells[0] as string, [":", "="]);
    if (kv && kv.value === "" && cells.length === 2) kv = { key: kv.key, value: cells[1] as string };
    else if (!kv && cells.length === 2)
      kv = { key: (cells[0] as string).replace(/:$/, ""), value: cells[1] as string };
    else if (kv && cells.length > 1)
      kv = { key: kv.key, value: [kv.value, ...cells.slice(1)].filter(Boolean).join(" ") };
    if (!kv || (cells.length > 2 && !splitKeyValue(cells[0] as string, [":", "="]))) {
      context.warn(
        `line ${record.line}: text before the table is not a key-value line; not mapped: ${JSON.stringify(record.fields.join(" ").slice(0, 80))}`,
      );
      continue;
    }
    const key = normalKey(kv.key);
    const target =
      HEADER_FIELDS.find((c) => typeof columns[c] === "string" && normalKey(columns[c] as string) === key) ??
      HEADER_FIELDS.find((c) => normalKey(c) === key) ??
      KEY_ALIASES[key];
    if (target === "date" || target === "time") {
      if (preamble[target] === undefined) preamble[target] = kv.value;
      else context.warn(`line ${record.line}: ${kv.key} given again; the first one is used`);
    } else if (target !== undefined) {
      if (preamble.fields[target] === undefined) preamble.fields[target] = kv.value;
      else context.warn(`line ${record.line}: ${kv.key} given again; the first one is used`);
    } else preamble.misc.push({ key: kv.key, value: kv.value });
  }
  return preamble;
}

/** A header field the key-value lines give (the start time from Date and Time lines too). */
function fromPreamble(preamble: Preamble, c: Column): string | undefined {
  const v = preamble.fields[c];
  if (v !== undefined && v !== "") return v;
  if (c === "startTime" && preamble.date)
    return preamble.time ? `${preamble.date} ${preamble.time}` : preamble.date;
  return undefined;
}

/** A cell's text; for a header field without a column, what the key-value lines give. */
function cellOf(fields: readonly string[], r: RowReading, c: Column): string {
  const at = r.index.get(c);
  return at === undefined ? (fromPreamble(r.preamble, c) ?? "") : (fields[at] ?? "").trim();
}

function requiredCell(fields: readonly string[], r: RowReading, c: Column): string {
  const v = cellOf(fields, r, c);
  if (v === "") throw new RowError("is empty", r.label(c));
  return v;
}

function numberCell(fields: readonly string[], r: RowReading, c: Column): number | undefined {
  const v = cellOf(fields, r, c);
  if (v === "") return undefined;
  const n = parseLocaleNumber(v, r.mark);
  if (n === undefined)
    throw new RowError(
      `${JSON.stringify(v)} is not a number${r.mark === "comma" ? " (decimal comma)" : ""}`,
      r.label(c),
    );
  return n;
}

/** The start time as ISO-8601 text (offset kept when written). */
function startOf(text: string, r: RowReading): string | undefined {
  if (r.order === "ISO") {
    const iso = text.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, "$1T$2");
    return parseDateTime(iso) ? iso : undefined;
  }
  return parseLocaleDateTime(text, r.order);
}

function readRow(fields: readonly string[], line: number, r: RowReading): Row {
  const cell = (c: Column) => cellOf(fields, r, c);
  const required = (c: Column) => requiredCell(fields, r, c);
  const number = (c: Column) => numberCell(fields, r, c);
  const sn = required("serialNumber");
  const pn = required("partNumber");
  const startText = startOf(required("startTime"), r);
  if (startText === undefined)
    throw new RowError(
      `${JSON.stringify(cell("startTime"))} is not a date-time (${r.order === "ISO" ? "YYYY-MM-DD HH:MM:SS, optional offset" : `${r.order} order`}; parameter "dateFormat")`,
      r.label("startTime"),
    );
  const name = required("stepName");
  const resultText = cell("result");
  let status: StepStatus | undefined;
  if (resultText !== "") {
    status = RESULTS[resultText.toLowerCase()];
    if (status === undefined)
      throw new RowError(
        `unknown result ${JSON.stringify(resultText)} (PASS, FAIL, SKIP, ERROR, DONE)`,
        r.label("result"),
      );
  }
  const measStatus: MeasurementStatus | undefined =
    status === "P" || status === "F" || status === "S" ? status : undefined;
  const typeText = cell("stepType");
  let kind: StepRow["kind"] | undefined = typeText === "" ? undefined : STEP_KINDS[typeText.toLowerCase()];
  if (typeText !== "" && kind === undefined)
    throw new RowError(
      `unknown step type ${JSON.stringify(typeText)} (NumericLimit, PassFail, StringValue, Action)`,
      r.label("stepType"),
    );
  const valueText = cell("value");
  kind ??=
    valueText === "" ? "passFail" : parseLocaleNumber(valueText, r.mark) !== undefined ? "numeric" : "string";
  let step: StepRow;
  const used = new Set<Column>([
    "serialNumber",
    "partNumber",
    "startTime",
    "stepName",
    "stepType",
    "result",
    "revision",
    "operationType",
    "operator",
  ]);
  if (kind === "numeric") {
    for (const c of ["value", "lowLimit", "highLimit", "unit", "compOp"] as const) used.add(c);
    const value = number("value");
    if (value === undefined) throw new RowError("is empty (a numeric step needs a value)", r.label("value"));
    let low = number("lowLimit");
    let high = number("highLimit");
    const compText = cell("compOp");
    const limitsText = cell("limits");
    if (limitsText !== "") {
      if (low !== undefined || high !== undefined)
        throw new RowError(
          "holds limits, and so do the low/high limit columns; give one or the other",
          r.label("limits"),
        );
      const pair = parseLimitPair(limitsText, r.mark);
      const single = pair ? undefined : parseLocaleNumber(limitsText, r.mark);
      if (pair) ({ low, high } = pair);
      else if (single !== undefined && compText !== "") low = single;
      else
        throw new RowError(
          `${JSON.stringify(limitsText)} is not two limits (like 4.5/5.5 or 4.5..5.5)${single !== undefined ? ", and a single limit needs a CompOp" : ""}`,
          r.label("limits"),
        );
    }
    const input: NumericInput = { value };
    const unit = cell("unit");
    if (unit !== "") input.unit = unit;
    if (measStatus) input.status = measStatus;
    if (compText !== "") {
      const op = numericCompOp(compText);
      if (op === undefined)
        throw new RowError(`unknown comparison operator ${JSON.stringify(compText)}`, r.label("compOp"));
      input.compOp = op;
      const needs = NUMERIC_COMP_OPS[op];
      if (needs === 0) {
        if (low !== undefined) used.delete("lowLimit");
        if (high !== undefined) used.delete("highLimit");
      } else if (needs === 1) {
        const limit = low ?? high;
        if (limit === undefined) throw new RowError(`${op} needs a limit`, r.label("lowLimit"));
        if (low !== undefined && high !== undefined) used.delete("highLimit");
        input.limit = limit;
      } else if (needs === 2) {
        if (low === undefined) throw new RowError(`${op} needs a low limit`, r.label("lowLimit"));
        if (high === undefined) throw new RowError(`${op} needs a high limit`, r.label("highLimit"));
        input.low = low;
        input.high = high;
      }
    } else {
      if (low !== undefined) input.low = low;
      if (high !== undefined) input.high = high;
    }
    step = { kind, name, input, ...(status ? { status } : {}) };
  } else if (kind === "string") {
    used.add("value");
    used.add("lowLimit");
    const limit = cell("lowLimit");
    const input: StringInput = { value: valueText, ...(limit !== "" ? { limit } : {}) };
    if (measStatus) input.status = measStatus;
    step = { kind, name, input, ...(status ? { status } : {}) };
  } else if (kind === "passFail") {
    if (status === undefined)
      throw new RowError("is empty (a pass/fail step needs a result)", r.label("result"));
    step = { kind, name, passed: status !== "F" && status !== "E" && status !== "T", status };
  } else step = { kind, name, ...(status ? { status } : {}) };
  const unused = (["value", "lowLimit", "highLimit", "unit", "compOp"] as const).filter(
    (c) => !used.has(c) && cell(c) !== "",
  );
  return {
    line,
    unused,
    sn,
    pn,
    rev: cell("revision") || (r.p.revision as string),
    start: startText,
    operation: cell("operationType"),
    operator: cell("operator") || (r.p.operator as string),
    step,
  };
}
