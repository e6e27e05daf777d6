/**
 * `listen`: Listen SoundCheck "AutoSave to Text - Append" exports: tab-separated blocks, each
 * starting with a header line whose first cell is `Serial #:`.
 *
 * - Results blocks (`Serial #: [Operator:] Time: Lot #: Name Margin Unit Result Tolerance
 *   Limits`): one numeric step per row, named `Name`, value `Margin` with `Unit`; `Limits`
 *   holding two numbers (`100.0/90.0` under `Tolerance` `Max/Min`) give GELE with the smaller as
 *   low limit; other limits (`Floating Limits` of tolerance curves) give a logged value with
 *   `Tolerance` and `Limits` in the step's report text. `Result` (PASS/FAIL) is the status.
 * - Data blocks (`Serial #: Time: Lot #: <curve name> ... x data lin, y data dB ... x axis log,
 *   y axis lin ... <x unit> <y unit> <z unit>`): rows come in pairs, x values then y values; each
 *   pair is a chart step named after the curve (chart type from the axis scales, units from the
 *   header). A header applies to every pair until the next header.
 *
 * One report per test run (serial number + time), in file order: serial number = `Serial #`,
 * part number = `Lot #` (as WATS's Listen converter maps it; parameter `partNumber` when the file
 * has no Lot # column), operator = `Operator` (parameter `operator` when absent), start = `Time`.
 * Numbers and dates follow the file's locale: `numberFormat` and `dateFormat` "auto" (default)
 * read them from the file (decimal comma -> day-month-year dates, decimal point -> month-day-year,
 * unless a day above 12 or a four-digit year first decides).
 */
import { type Report, type StepStatus, statusCode, UutReport } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import {
  ENCODING_PARAMETER,
  optionalString,
  processCodeParameter,
  TIME_ZONE_PARAMETER,
  textParameter,
} from "./shared/header-parameters.js";
import { searchableIdentifier } from "./shared/identifier-text.js";
import { normalKey } from "./shared/key-value-lines.js";
import { parseLimitPair } from "./shared/limit-pair.js";
import { type DateOrder, guessDateOrder, parseLocaleDateTime } from "./shared/locale-date.js";
import { type DecimalMark, guessDecimalMark, parseLocaleNumber } from "./shared/locale-number.js";
import { watsDateTime } from "./shared/wats-time.js";

export const listenConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "listen",
  description: "Listen SoundCheck text exports (results and curve data), EU and US number and date styles",
  filePatterns: ["*.txt"],
  parameters: {
    processCode: processCodeParameter(10, "(SoundCheck exports name none)"),
    partNumber: textParameter("", "Part number when the file has no Lot # column"),
    revision: textParameter("1", "Revision (SoundCheck exports carry none)"),
    operator: textParameter("unknown", "Operator when the file has no Operator column"),
    location: textParameter("Unknown", "Location (SoundCheck exports carry none)"),
    purpose: textParameter("Production", "Purpose (SoundCheck exports carry none)"),
    numberFormat: {
      type: "enum",
      values: ["auto", "point", "comma"],
      default: "auto",
      description: 'Decimal mark: "point" (95.50, US), "comma" (95,50, EU), "auto" = as the file writes them',
    },
    dateFormat: {
      type: "enum",
      values: ["auto", "MDY", "DMY", "YMD"],
      default: "auto",
      description: 'Order of the date fields in Time: "auto" = from the file (see README)',
    },
    timeZone: TIME_ZONE_PARAMETER,
    encoding: ENCODING_PARAMETER,
  },
  detect(sample) {
    const first = sample.text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
    const cells = first.split("\t").map(normalKey);
    if (cells[0] !== "serial" || !cells.includes("time")) return 0;
    return cells.includes("lot") || cells.includes("margin") || cells.some((c) => c.startsWith("xdata"))
      ? 0.9
      : 0.6;
  },
  convert(input, context) {
    return convertSoundCheck(
      input.text(optionalString(context.parameters.encoding)),
      context,
      input.fileName,
    );
  },
};

interface Columns {
  serial: number;
  time: number;
  lot?: number;
  operator?: number;
}

type Header =
  | {
      kind: "results";
      line: number;
      columns: Columns &
        Record<"name" | "value", number> &
        Partial<Record<"unit" | "result" | "tolerance" | "limits", number>>;
    }
  | {
      kind: "curve";
      line: number;
      columns: Columns;
      name: string;
      first: number;
      chartType: string;
      xUnit?: string;
      yUnit?: string;
    };

interface Run {
  sn: string;
  time: string;
  pn: string | undefined;
  operator: string | undefined;
  line: number;
  steps: StepEntry[];
}

type StepEntry =
  | {
      kind: "numeric";
      line: number;
      name: string;
      valueText: string;
      unit: string;
      result: string;
      tolerance: string;
      limits: string;
    }
  | {
      kind: "curve";
      xLine: number;
      yLine: number;
      header: Extract<Header, { kind: "curve" }>;
      x: string[];
      y: string[];
    };

const META = { serial: "serial", time: "time", lot: "lot", operator: "operator" } as const;

function fail(fileName: string, line: number, message: string, field?: string): never {
  throw new ConversionError(`${fileName}: line ${line}: ${message}`, {
    kind: "content",
    line,
    ...(field ? { field } : {}),
  });
}

function readHeader(cells: string[], line: number, fileName: string): Header {
  const keys = cells.map(normalKey);
  const at = (key: string) => {
    const i = keys.indexOf(key);
    return i >= 0 ? i : undefined;
  };
  const serial = at(META.serial) as number;
  const time = at(META.time);
  if (time === undefined) fail(fileName, line, 'the header has no "Time:" column', "Time");
  const columns: Columns = {
    serial,
    time,
    ...(at(META.lot) !== undefined ? { lot: at(META.lot) as number } : {}),
    ...(at(META.operator) !== undefined ? { operator: at(META.operator) as number } : {}),
  };
  const name = at("name");
  const value = at("margin") ?? at("value");
  if (name !== undefined && value !== undefined) {
    const optional = (key: string) => (at(key) !== undefined ? { [key]: at(key) as number } : {});
    return {
      kind: "results",
      line,
      columns: {
        ...columns,
        name,
        value,
        ...optional("unit"),
        ...optional("result"),
        ...optional("tolerance"),
        ...optional("limits"),
      },
    };
  }
  const first = Math.max(...Object.values(columns)) + 1;
  const curveName = cells[first]?.trim() ?? "";
  if (curveName === "")
    fail(fileName, line, "a data header without a curve name after the Serial/Time/Lot columns", "name");
  const axis = (letter: string) =>
    keys.findIndex((k) => k === `${letter}axislog` || k === `${letter}axislin`);
  const xAxis = axis("x");
  const yAxis = axis("y");
  const log = (i: number) => i >= 0 && keys[i]?.endsWith("log") === true;
  const chartType =
    log(xAxis) && log(yAxis) ? "LineLogXY" : log(xAxis) ? "LineLogX" : log(yAxis) ? "LineLogY" : "Line";
  const zAxis = axis("z");
  // The units follow the axis scales after one empty cell: x unit, y unit, z unit.
  const unitsAt = zAxis >= 0 ? zAxis + 2 : -1;
  const xUnit = unitsAt >= 0 ? cells[unitsAt]?.trim() : undefined;
  const yUnit = unitsAt >= 0 ? cells[unitsAt + 1]?.trim() : undefined;
  return {
    kind: "curve",
    line,
    columns,
    name: curveName,
    first,
    chartType,
    ...(xUnit ? { xUnit } : {}),
    ...(yUnit ? { yUnit } : {}),
  };
}

export function convertSoundCheck(text: string, context: ConverterContext, fileName: string): Report[] {
  const p = context.parameters;
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  let header: Header | undefined;
  let pendingX: { line: number; cells: string[] } | undefined;
  const runs = new Map<string, Run>();
  const numberTexts: string[] = [];
  const timeTexts: string[] = [];
  const runOf = (cells: string[], columns: Columns, line: number): Run => {
    const cell = (i: number | undefined) => (i === undefined ? undefined : (cells[i]?.trim() ?? ""));
    const sn = cell(columns.serial) ?? "";
    if (sn === "") fail(fileName, line, "no serial number in the Serial # column", "Serial #");
    const time = cell(columns.time) ?? "";
    if (time === "") fail(fileName, line, "no time in the Time column", "Time");
    const key = `${sn}\u0000${time}`;
    let run = runs.get(key);
    if (!run) {
      run = {
        sn,
        time,
        pn: optionalString(cell(columns.lot)),
        operator: optionalString(cell(columns.operator)),
        line,
        steps: [],
      };
      runs.set(key, run);
      timeTexts.push(time);
    }
    return run;
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    const cells = raw.split("\t");
    if (normalKey(cells[0] ?? "") === "serial") {
      if (pendingX)
        fail(
          fileName,
          pendingX.line,
          "curve x values without the line of y values that must follow them",
          "y data",
        );
      header = readHeader(cells, line, fileName);
      return;
    }
    if (!header)
      fail(
        fileName,
        line,
        'data before the first header line (one that starts with "Serial #:")',
        "Serial #",
      );
    if (header.kind === "results") {
      const c = header.columns;
      const cell = (i: number | undefined) => (i === undefined ? "" : (cells[i]?.trim() ?? ""));
      const run = runOf(cells, c, line);
      const valueText = cell(c.value);
      numberTexts.push(valueText);
      run.steps.push({
        kind: "numeric",
        line,
        name: cell(c.name),
        valueText,
        unit: cell(c.unit),
        result: cell(c.result),
        tolerance: cell(c.tolerance),
        limits: cell(c.limits),
      });
      return;
    }
    if (!pendingX) {
      pendingX = { line, cells };
      return;
    }
    const xRow = pendingX;
    pendingX = undefined;
    const run = runOf(cells, header.columns, line);
    const xRun = runOf(xRow.cells, header.columns, xRow.line);
    if (xRun !== run)
      fail(
        fileName,
        line,
        `the y values belong to ${run.sn} at ${run.time} but the x values on line ${xRow.line} to ${xRun.sn} at ${xRun.time}`,
        "Serial #",
      );
    const values = (row: string[]) => {
      const out = row.slice((header as Extract<Header, { kind: "curve" }>).first).map((v) => v.trim());
      while (out.length > 0 && out[out.length - 1] === "") out.pop();
      return out;
    };
    const x = values(xRow.cells);
    const y = values(cells);
    numberTexts.push(...x.slice(0, 50), ...y.slice(0, 50));
    run.steps.push({ kind: "curve", xLine: xRow.line, yLine: line, header, x, y });
  });
  if (pendingX)
    fail(
      fileName,
      pendingX.line,
      "curve x values at the end of the file without their y values (truncated?)",
      "y data",
    );
  if (runs.size === 0) fail(fileName, 1, "no result or curve rows", "Serial #");

  const mark: DecimalMark =
    p.numberFormat === "point" || p.numberFormat === "comma"
      ? (p.numberFormat as DecimalMark)
      : (guessDecimalMark(numberTexts) ?? "point");
  let order: DateOrder;
  if (p.dateFormat === "MDY" || p.dateFormat === "DMY" || p.dateFormat === "YMD") order = p.dateFormat;
  else {
    const fromDates = guessDateOrder(timeTexts);
    const fromNumbers = guessDecimalMark(numberTexts);
    order = fromDates ?? (fromNumbers === "comma" ? "DMY" : "MDY");
    if (fromDates === undefined && fromNumbers === undefined)
      context.warn(
        `the dates (${JSON.stringify(timeTexts[0])}) and numbers do not show the locale; dates read month first (set the parameter "dateFormat")`,
      );
  }

  const number = (textValue: string, line: number, field: string): number => {
    const n = parseLocaleNumber(textValue, mark);
    if (n === undefined)
      fail(
        fileName,
        line,
        `${JSON.stringify(textValue)} is not a number (decimal ${mark}; parameter "numberFormat")`,
        field,
      );
    return n;
  };
  const reports: Report[] = [];
  for (const run of runs.values()) {
    const iso = parseLocaleDateTime(run.time, order);
    if (iso === undefined)
      fail(
        fileName,
        run.line,
        `${JSON.stringify(run.time)} is not a date and time in ${order} order (parameter "dateFormat")`,
        "Time",
      );
    const pn = run.pn ?? optionalString(p.partNumber);
    if (pn === undefined)
      fail(
        fileName,
        run.line,
        'no part number: the file has no Lot # column and the parameter "partNumber" is not set',
        "Lot #",
      );
    const builder = new UutReport({
      id: context.reportId(reports.length),
      pn: searchableIdentifier(pn, "part number", context, run.line),
      sn: searchableIdentifier(run.sn, "serial number", context, run.line),
      rev: p.revision as string,
      processCode: p.processCode as number,
      operator: run.operator ?? (p.operator as string),
      ...(context.station !== undefined ? { station: context.station } : {}),
      location: p.location as string,
      purpose: p.purpose as string,
      start: watsDateTime(iso, optionalString(p.timeZone), { line: run.line, field: "Time" }),
    });
    for (const step of run.steps) {
      if (step.kind === "numeric") {
        if (step.name === "") fail(fileName, step.line, "a result row without a Name", "Name");
        const value = number(step.valueText, step.line, "Margin");
        const status: StepStatus | undefined = step.result === "" ? undefined : statusCode(step.result);
        if (step.result !== "" && (status === undefined || !["P", "F", "S"].includes(status)))
          fail(fileName, step.line, `Result ${JSON.stringify(step.result)} is not PASS or FAIL`, "Result");
        const pair = parseLimitPair(step.limits, mark);
        const notes = [
          step.tolerance && `Tolerance: ${step.tolerance}`,
          !pair && step.limits && `Limits: ${step.limits}`,
        ].filter(Boolean);
        const measurement = {
          value,
          ...(step.unit !== "" ? { unit: step.unit } : {}),
          ...(pair ? { low: pair.low, high: pair.high } : {}),
          ...(status === "P" || status === "F" || status === "S" ? { status } : {}),
        };
        builder.root.numericLimit(step.name, measurement, {
          ...(status ? { status } : {}),
          ...(notes.length > 0 ? { reportText: notes.join("\n") } : {}),
        });
      } else {
        const { header: h, x, y } = step;
        if (x.length !== y.length)
          fail(
            fileName,
            step.yLine,
            `curve "${h.name}" has ${y.length} y values but line ${step.xLine} has ${x.length} x values`,
            h.name,
          );
        builder.root.chart(h.name, {
          chartType: h.chartType,
          label: h.name,
          xLabel: "X",
          yLabel: h.name,
          ...(h.xUnit ? { xUnit: h.xUnit } : {}),
          ...(h.yUnit ? { yUnit: h.yUnit } : {}),
          series: [
            {
              name: h.name,
              x: x.map((v) => number(v, step.xLine, h.name)),
              y: y.map((v) => number(v, step.yLine, h.name)),
            },
          ],
        });
      }
    }
    reports.push(builder.build());
  }
  return reports;
}
