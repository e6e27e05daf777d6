/**
 * `csv`: one row per step, reports grouped by serial number, part number, revision, start time and
 * operation (the layout of the sample "enhanced" CSV: SerialNumber, PartNumber, TestDate,
 * OperationType, StepName, StepType, Value, LowLimit, HighLimit, Unit, Result). Column names are
 * configurable (`columns`), as are defaults for what the file does not carry.
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
import { CsvSyntaxError, readCsv } from "./csv-reader.js";

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
} as const;

type Column = keyof typeof DEFAULT_CSV_COLUMNS;
const REQUIRED: readonly Column[] = ["serialNumber", "partNumber", "startTime", "stepName"];

export const csvConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "csv",
  description: "CSV logs with one row per step, grouped into reports by serial number and date",
  filePatterns: ["*.csv"],
  parameters: {
    columns: {
      type: "object",
      default: {},
      description: `Header names per logical column (defaults ${JSON.stringify(DEFAULT_CSV_COLUMNS)}); only the ones that differ need to be given`,
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

export function convertCsv(text: string, context: ConverterContext, fileName: string): Report[] {
  const p = context.parameters;
  const columns = { ...DEFAULT_CSV_COLUMNS, ...(p.columns as Record<string, string>) };
  for (const key of Object.keys(p.columns as object)) {
    if (!(key in DEFAULT_CSV_COLUMNS))
      throw new ConversionError(
        `parameter "columns": unknown column "${key}" (known: ${Object.keys(DEFAULT_CSV_COLUMNS).join(", ")})`,
        { kind: "content", field: `columns.${key}` },
      );
  }
  let delimiter = p.delimiter as string;
  if (delimiter === "\\t") delimiter = "\t";
  let records: ReturnType<typeof readCsv>;
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
  const header = records[0];
  if (!header) throw new ConversionError(`${fileName}: no header row`, { kind: "content", line: 1 });
  const names = header.fields.map((f) => f.trim());
  const index = new Map<Column, number>();
  for (const [key, headerName] of Object.entries(columns) as [Column, string][]) {
    const at = names.findIndex((n) => n.toLowerCase() === String(headerName).toLowerCase());
    if (at >= 0) index.set(key, at);
  }
  const mappedAt = new Set(index.values());
  const unmapped = names.filter((n, i) => !mappedAt.has(i) && n !== "");
  if (unmapped.length > 0)
    context.warn(
      `${fileName} line ${header.line}: column(s) ${unmapped.map((n) => JSON.stringify(n)).join(", ")} are not mapped to anything, so their values are not converted (map them with the "columns" parameter)`,
    );
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0)
    throw new ConversionError(
      `${fileName}: the header (line ${header.line}) has no ${missing.map((c) => `"${columns[c]}" column (${c})`).join(", ")}; ` +
        `found ${names.map((n) => JSON.stringify(n)).join(", ")}. Map other names with the "columns" parameter`,
      { kind: "content", line: header.line, field: columns[missing[0] as Column] },
    );
  if (records.length < 2)
    throw new ConversionError(`${fileName}: a header but no data rows`, {
      kind: "content",
      line: header.line,
    });

  const rows: Row[] = [];
  const bad: { line: number; column?: string; message: string }[] = [];
  for (const record of records.slice(1)) {
    try {
      if (record.fields.length !== names.length)
        throw new RowError(
          `${record.fields.length} fields, but the header has ${names.length}` +
            (record.fields.length > names.length ? " (an unquoted delimiter inside a value?)" : ""),
        );
      rows.push(readRow(record.fields, record.line, index, columns, p));
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
      `${fileName}: column ${JSON.stringify(columns[c])} has a value in ${u.rows} row(s) whose step does not use it (first at line ${u.first}); not converted`,
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

function cellOf(fields: readonly string[], index: ReadonlyMap<Column, number>, c: Column): string {
  const at = index.get(c);
  return at === undefined ? "" : (fields[at] ?? "").trim();
}

function requiredCell(
  fields: readonly string[],
  index: ReadonlyMap<Column, number>,
  columns: Readonly<Record<Column, string>>,
  c: Column,
): string {
  const v = cellOf(fields, index, c);
  if (v === "") throw new RowError("is empty", columns[c]);
  return v;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numberCell(
  fields: readonly string[],
  index: ReadonlyMap<Column, number>,
  columns: Readonly<Record<Column, string>>,
  c: Column,
): number | undefined {
  const v = cellOf(fields, index, c);
  if (v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !NUMBER_TEXT.test(v))
    throw new RowError(`${JSON.stringify(v)} is not a number`, columns[c]);
  return n;
}

function readRow(
  fields: readonly string[],
  line: number,
  index: ReadonlyMap<Column, number>,
  columns: Readonly<Record<Column, string>>,
  p: Readonly<Record<string, unknown>>,
): Row {
  const cell = (c: Column) => cellOf(fields, index, c);
  const required = (c: Column) => requiredCell(fields, index, columns, c);
  const number = (c: Column) => numberCell(fields, index, columns, c);
  const sn = required("serialNumber");
  const pn = required("partNumber");
  const startText = required("startTime").replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, "$1T$2");
  if (!parseDateTime(startText))
    throw new RowError(
      `${JSON.stringify(cell("startTime"))} is not a date-time (YYYY-MM-DD HH:MM:SS, optional offset)`,
      columns.startTime,
    );
  const name = required("stepName");
  const resultText = cell("result");
  let status: StepStatus | undefined;
  if (resultText !== "") {
    status = RESULTS[resultText.toLowerCase()];
    if (status === undefined)
      throw new RowError(
        `unknown result ${JSON.stringify(resultText)} (PASS, FAIL, SKIP, ERROR, DONE)`,
        columns.result,
      );
  }
  const measStatus: MeasurementStatus | undefined =
    status === "P" || status === "F" || status === "S" ? status : undefined;
  const typeText = cell("stepType");
  let kind: StepRow["kind"] | undefined = typeText === "" ? undefined : STEP_KINDS[typeText.toLowerCase()];
  if (typeText !== "" && kind === undefined)
    throw new RowError(
      `unknown step type ${JSON.stringify(typeText)} (NumericLimit, PassFail, StringValue, Action)`,
      columns.stepType,
    );
  const valueText = cell("value");
  kind ??= valueText === "" ? "passFail" : Number.isFinite(Number(valueText)) ? "numeric" : "string";
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
    if (value === undefined) throw new RowError("is empty (a numeric step needs a value)", columns.value);
    const low = number("lowLimit");
    const high = number("highLimit");
    const compText = cell("compOp");
    const input: NumericInput = { value };
    const unit = cell("unit");
    if (unit !== "") input.unit = unit;
    if (measStatus) input.status = measStatus;
    if (compText !== "") {
      const op = numericCompOp(compText);
      if (op === undefined)
        throw new RowError(`unknown comparison operator ${JSON.stringify(compText)}`, columns.compOp);
      input.compOp = op;
      const needs = NUMERIC_COMP_OPS[op];
      if (needs === 0) {
        if (low !== undefined) used.delete("lowLimit");
        if (high !== undefined) used.delete("highLimit");
      } else if (needs === 1) {
        const limit = low ?? high;
        if (limit === undefined) throw new RowError(`${op} needs a limit`, columns.lowLimit);
        if (low !== undefined && high !== undefined) used.delete("highLimit");
        input.limit = limit;
      } else if (needs === 2) {
        if (low === undefined) throw new RowError(`${op} needs a low limit`, columns.lowLimit);
        if (high === undefined) throw new RowError(`${op} needs a high limit`, columns.highLimit);
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
      throw new RowError("is empty (a pass/fail step needs a result)", columns.result);
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
    rev: cell("revision") || (p.revision as string),
    start: startText,
    operation: cell("operationType"),
    operator: cell("operator") || (p.operator as string),
    step,
  };
}
