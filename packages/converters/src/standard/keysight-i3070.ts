/**
 * `keysight-i3070`: Keysight (Agilent) Medalist i3070 in-circuit test logs (log records
 * `{@BATCH|...}`, `{@BTEST|...}` with `{@BLOCK|...}` test blocks; see i3070-records.ts). One
 * report per `@BTEST` (board): a panel's boards, or several boards of a batch, each get one.
 *
 * Header, as WATS's own converter maps it: `@BATCH` testplan id -> part number and testplan rev ->
 * revision (parameter `partNumberField` picks UUT type or version label instead), controller ->
 * station; beyond it, fixture id -> fixture, batch id -> batch serial, operator id -> operator,
 * the other fields -> misc infos. `@BTEST`: board id -> serial, start datetime (YYMMDDHHMMSS) ->
 * start, duration -> execution time, test status -> verdict (0 passed; 1-10, 14-17 and 90-99
 * failed; 11, 12 and 80 error; 81, 82 aborted; 13 "Xd out" boards are not tested: no report,
 * with a warning), status qualifier -> comment, board number -> test socket (and a leading
 * `N%` of a block designator, as WATS reads it), parent panel id -> misc.
 *
 * Steps: one sequence per kind of test record in file order (`A-RES`, `A-CAP`, `D-T`, ...); an
 * analog test (`@A-RES`, `@A-CAP`, ...) is a numeric step named by its block, GELE with the
 * `@LIM2` (high|low) or `@LIM3` (nominal|high|low) limits, unit from the record kind (ohm for
 * resistors, F for capacitors, ...) with an engineering prefix; several analog tests in one block
 * form one multiple-numeric step named by their subtest designators. Digital (`@D-T`), TestJet
 * (`@TJET`), boundary scan (`@BS-CON`), shorts (`@TS`), pins (`@PF`), probe (`@PRB`), polarity
 * and connect checks (`@PCHK`, `@CCHK`), digitizer (`@ARRAY`) and PLD programming (`@D-PLD`)
 * records are pass/fail steps with their status; their counts and subrecords (`@DPIN`, `@PIN`,
 * `@NODE`, `@BS-O`, `@BS-S`, `@TS-S`, ...) are the step's report text. `@RPT` messages are the
 * report text of their block, or the report comment. Other records are reported as not mapped.
 */
import type { Named, NumericInput, Report, ReportResult, StepOptions, StepStatus } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { describeRecord, type LogRecord, LogRecordSyntaxError, parseLogRecords } from "./i3070-records.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { engineeringUnit, inUnit, type PrefixedUnit, parseDecimal } from "./shared/engineering-units.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { lineError } from "./shared/line-error.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import { parseCompactStamp, zonedDateTime } from "./shared/wall-clock.js";

/** Analog record kinds and the unit their value is in (Virinco's unit table). */
const ANALOG_UNITS: Readonly<Record<string, string>> = {
  "@A-CAP": "F",
  "@A-DIO": "V",
  "@A-FUS": "A",
  "@A-IND": "H",
  "@A-JUM": "Ohm",
  "@A-MEA": "",
  "@A-NFE": "",
  "@A-NPN": "",
  "@A-PFE": "",
  "@A-PNP": "",
  "@A-POT": "Ohm",
  "@A-RES": "Ohm",
  "@A-SWI": "",
  "@A-ZEN": "V",
};

export const keysightI3070Converter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "keysight-i3070",
  description:
    "Keysight/Agilent Medalist i3070 ICT log records ({@BATCH}, {@BTEST}, {@BLOCK}): one report per board",
  filePatterns: ["*.log", "*.txt", "*.dat"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 30,
      revision: "1.0",
      operator: "sysoper",
      partNumberSource: "the @BATCH field named by partNumberField",
    }),
    partNumberField: {
      type: "enum",
      values: ["testplan-id", "uut-type", "version-label"],
      default: "testplan-id",
      description:
        "@BATCH field that holds the part number: testplan id (with testplan rev, as WATS's converter), UUT type (with UUT type rev) or version label (with testplan rev)",
    },
    engineeringPrefixes: {
      type: "boolean",
      default: true,
      description:
        "Write analog values with an engineering prefix (4.7 kOhm) instead of in base units (4700 Ohm)",
    },
  },
  detect(sample) {
    const t = sample.text;
    if (/\{@BTEST\|/.test(t)) return 0.95;
    if (/\{@BATCH\|/.test(t)) return 0.9;
    return /\{@(BLOCK|A-RES|A-CAP|TS|D-T)\|/.test(t) ? 0.6 : 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    let parsed: ReturnType<typeof parseLogRecords>;
    try {
      parsed = parseLogRecords(input.text(p.encoding));
    } catch (error) {
      if (error instanceof LogRecordSyntaxError)
        throw lineError(input.fileName, error.line, error.message, { kind: "parse" });
      throw error;
    }
    const unmapped = new UnmappedContent();
    for (const [line, text] of parsed.stray)
      unmapped.note(`text outside the log records (${JSON.stringify(text.slice(0, 30))})`, line);
    for (const line of parsed.truncatedAt)
      context.warn(
        `${input.fileName}, line ${line}: the tester marked a record as truncated (CTRL-D); what precedes it is converted`,
      );
    const reports = convertLog(parsed.records, input.fileName, p, context, unmapped);
    unmapped.flush((m) => context.warn(m), input.fileName);
    return reports;
  },
};

interface Board {
  batch: LogRecord | undefined;
  btest: LogRecord;
}

function collectBoards(records: readonly LogRecord[], unmapped: UnmappedContent): Board[] {
  const boards: Board[] = [];
  let batch: LogRecord | undefined;
  const walk = (list: readonly LogRecord[]) => {
    for (const r of list) {
      if (r.prefix === "@BATCH") {
        batch = r;
        walk(r.children);
      } else if (r.prefix === "@BTEST") boards.push({ batch, btest: r });
      else if (r.prefix === "@NETV" || r.prefix === "@ALM")
        unmapped.note(`record {${r.prefix}} (system records)`, r.line);
      else unmapped.note(`record {${r.prefix}} outside a board test`, r.line);
    }
  };
  walk(records);
  return boards;
}

const BATCH_FIELDS = [
  "UUT type",
  "UUT type rev",
  "fixture id",
  "testhead number",
  "testhead type",
  "process step",
  "batch id",
  "operator id",
  "controller",
  "testplan id",
  "testplan rev",
  "parent panel type",
  "parent panel type rev",
  "version label",
];

function boardVerdict(code: number): ReportResult | "xd-out" | undefined {
  if (code === 0) return "P";
  if ((code >= 1 && code <= 10) || (code >= 14 && code <= 17) || (code >= 90 && code <= 99)) return "F";
  if (code === 11 || code === 12 || code === 80) return "E";
  if (code === 81 || code === 82) return "T";
  if (code === 13) return "xd-out";
  return undefined;
}

function convertLog(
  records: readonly LogRecord[],
  fileName: string,
  p: HeaderParameters,
  context: ConverterContext,
  unmapped: UnmappedContent,
): Report[] {
  const boards = collectBoards(records, unmapped);
  if (boards.length === 0)
    throw new ConversionError(`${fileName}: no {@BTEST|...} board record in the file`, {
      kind: "content",
      line: 1,
    });
  const reports: Report[] = [];
  const prefixes = context.parameters.engineeringPrefixes !== false;
  for (const { batch, btest } of boards) {
    const f = btest.fields;
    const sn = (f[0] ?? "").trim();
    if (sn === "")
      throw lineError(fileName, btest.line, "the @BTEST record has no board id (serial number)", {
        field: "board id",
      });
    const where = `board SN ${sn} (line ${btest.line})`;
    const statusText = (f[1] ?? "").trim() || "0";
    const status = Number(statusText);
    const verdict = /^\d+$/.test(statusText) ? boardVerdict(status) : undefined;
    if (verdict === "xd-out") {
      context.warn(`${where}: test status 13 (Xd out: the board was not tested); no report for it`);
      continue;
    }
    if (verdict === undefined) unmapped.note(`@BTEST test status ${JSON.stringify(statusText)}`, btest.line);
    const startText = (f[2] ?? "").trim();
    const start = parseCompactStamp(startText);
    if (!start)
      throw lineError(
        fileName,
        btest.line,
        `start datetime ${JSON.stringify(startText)} is not YYMMDDHHMMSS`,
        {
          field: "start datetime",
        },
      );
    const misc: [string, string][] = [];
    const b = batch?.fields ?? [];
    const batchField = (k: number) => (b[k] ?? "").trim();
    for (let k = 0; k < BATCH_FIELDS.length; k++) {
      const value = batchField(k);
      if (value !== "" && ![2, 6, 7, 8].includes(k)) misc.push([BATCH_FIELDS[k] as string, value]);
    }
    for (let k = BATCH_FIELDS.length; k < b.length; k++)
      if (batchField(k)) misc.push([`BATCH field ${k + 1}`, batchField(k)]);
    const pnField = context.parameters.partNumberField;
    const [pnIndex, revIndex] =
      pnField === "uut-type" ? [0, 1] : pnField === "version-label" ? [13, 10] : [9, 10];
    const btestLabels = [
      "",
      "",
      "",
      "",
      "multiple test",
      "log level",
      "log set",
      "learning",
      "known good",
      "end datetime",
      "status qualifier",
      "board number",
      "parent panel id",
    ];
    for (const k of [4, 5, 6, 7, 8, 9, 12])
      if ((f[k] ?? "").trim()) misc.push([btestLabels[k] as string, (f[k] as string).trim()]);
    for (let k = btestLabels.length; k < f.length; k++)
      if ((f[k] ?? "").trim()) misc.push([`BTEST field ${k + 1}`, (f[k] as string).trim()]);
    const board = {
      socket: undefined as number | undefined,
      comment: [] as string[],
      retest: [] as string[],
    };
    const boardNumber = Number((f[11] ?? "").trim());
    if ((f[11] ?? "").trim() !== "" && Number.isInteger(boardNumber) && boards.length > 1)
      board.socket = boardNumber;
    const steps = readTests(btest, fileName, prefixes, board, unmapped);
    for (const r of board.retest) misc.push(["Log cleared for retest", r]);
    const qualifier = (f[10] ?? "").trim();
    const duration = Number((f[3] ?? "").trim());
    reports.push(
      buildUnitReport(
        {
          pn: p.partNumber ?? (batchField(pnIndex) || batchField(0) || fileName),
          sn,
          rev: batchField(revIndex) || p.revision,
          processCode: p.processCode,
          operator: batchField(7) || p.operator,
          station: batchField(8) || undefined,
          location: p.location,
          purpose: p.purpose,
          start: zonedDateTime(start, p.timeZone),
          execTime: (f[3] ?? "").trim() !== "" && Number.isFinite(duration) ? duration : undefined,
          fixtureId: batchField(2) || undefined,
          batchSN: batchField(6) || undefined,
          testSocketIndex: board.socket,
          comment: [qualifier, ...board.comment].filter(Boolean).join("\n") || undefined,
          misc,
          result: verdict,
        },
        steps,
        context,
        reports.length,
        where,
      ),
    );
  }
  if (reports.length === 0)
    throw new ConversionError(`${fileName}: every board in the file is marked "Xd out" (not tested)`, {
      kind: "content",
    });
  return reports;
}

interface Analog {
  kind: string;
  status: string;
  value: number;
  designator: string;
  low?: number;
  high?: number;
  nominal?: number;
  text: string[];
  line: number;
}

const ANALOG_STATUS: Readonly<Record<string, StepStatus>> = {
  "0": "P",
  "1": "F",
  "2": "F",
  "3": "F",
  "7": "F",
  "11": "T",
};
const ANALOG_STATUS_TEXT: Readonly<Record<string, string>> = {
  "1": "failed",
  "2": "failed (compliance limit)",
  "3": "failed (detector timeout)",
  "7": "failed",
  "11": "aborted by operator",
};

function num(
  text: string | undefined,
  fileName: string,
  r: LogRecord,
  field: string,
  fallback?: number,
): number {
  const t = (text ?? "").trim();
  if (t === "" && fallback !== undefined) return fallback;
  const n = parseDecimal(t);
  if (n === undefined)
    throw lineError(fileName, r.line, `${r.prefix} ${field} ${JSON.stringify(t)} is not a number`, {
      field: `${r.prefix} ${field}`,
    });
  return n;
}

function readAnalog(r: LogRecord, fileName: string): Analog {
  const [status, value, designator] = r.fields;
  const a: Analog = {
    kind: r.prefix,
    status: (status ?? "").trim() || "0",
    value: num(value, fileName, r, "measured value", 0),
    designator: (designator ?? "").trim(),
    text: [],
    line: r.line,
  };
  for (const c of r.children) {
    if (c.prefix === "@LIM2") {
      a.high = num(c.fields[0], fileName, c, "high limit");
      a.low = num(c.fields[1], fileName, c, "low limit");
    } else if (c.prefix === "@LIM3") {
      a.nominal = num(c.fields[0], fileName, c, "nominal value");
      a.high = num(c.fields[1], fileName, c, "high limit");
      a.low = num(c.fields[2], fileName, c, "low limit");
    } else a.text.push(describeRecord(c));
  }
  return a;
}

function analogInput(a: Analog, prefixes: boolean): NumericInput {
  const base = ANALOG_UNITS[a.kind] ?? "";
  const unit: PrefixedUnit = prefixes
    ? engineeringUnit(a.low ?? a.high ?? a.value, base)
    : engineeringUnit(1, base);
  const m: NumericInput = { value: inUnit(a.value, unit) };
  if (unit.text !== "") m.unit = unit.text;
  if (a.low !== undefined) m.low = inUnit(a.low, unit);
  if (a.high !== undefined) m.high = inUnit(a.high, unit);
  const s = ANALOG_STATUS[a.status];
  if (s === "P" || s === "F") m.status = s;
  return m;
}

function analogText(a: Analog, prefixes: boolean): string[] {
  const out = [...a.text];
  if (a.nominal !== undefined) {
    const unit = prefixes
      ? engineeringUnit(a.low ?? a.high ?? a.value, ANALOG_UNITS[a.kind] ?? "")
      : engineeringUnit(1, ANALOG_UNITS[a.kind] ?? "");
    out.unshift(
      `${a.designator ? `${a.designator}: ` : ""}nominal ${inUnit(a.nominal, unit)} ${unit.text}`.trim(),
    );
  }
  const why = ANALOG_STATUS_TEXT[a.status];
  if (why) out.unshift(`${a.designator ? `${a.designator}: ` : ""}${why} (status ${a.status})`);
  return out;
}

/** Digital and other test records with a status field: where the status and designator are. */
const STATUS_RECORDS: Readonly<
  Record<
    string,
    { status: number; designator: number; labels: Record<number, string>; codes: Record<string, StepStatus> }
  >
> = {
  "@D-T": {
    status: 0,
    designator: 4,
    labels: { 1: "substatus", 2: "failing vector", 3: "failing pins" },
    codes: { "0": "P", "1": "F", "5": "F", "7": "E", "8": "F" },
  },
  "@TJET": {
    status: 0,
    designator: 2,
    labels: { 1: "failing pins" },
    codes: { "0": "P", "00": "P", "1": "F", "01": "F", "7": "E", "07": "E" },
  },
  "@CCHK": {
    status: 0,
    designator: 2,
    labels: { 1: "failing pins" },
    codes: { "0": "P", "00": "P", "1": "F", "01": "F", "7": "E", "07": "E" },
  },
  "@PCHK": {
    status: 0,
    designator: 1,
    labels: {},
    codes: { "0": "P", "00": "P", "1": "F", "01": "F", "7": "E", "07": "E" },
  },
  "@PRB": { status: 0, designator: 2, labels: { 1: "failing pins" }, codes: { "0": "P", "1": "F" } },
  "@PF": { status: 1, designator: 0, labels: { 2: "failing pins" }, codes: { "0": "P", "1": "F" } },
  "@BS-CON": {
    status: 1,
    designator: 0,
    labels: { 2: "shorts", 3: "opens" },
    codes: { "0": "P", "1": "F", "7": "E" },
  },
  "@TS": {
    status: 0,
    designator: 4,
    labels: { 1: "shorts", 2: "opens", 3: "phantoms" },
    codes: { "0": "P", "1": "F", "20": "P" },
  },
  "@ARRAY": {
    status: 1,
    designator: 0,
    labels: { 2: "failures", 3: "samples" },
    codes: { "0": "P", "1": "F", "7": "E" },
  },
};

const D_T_SUBSTATUS = ["fail", "SAFEGUARD timeout", "hardware error", "pause", "halt", "overvoltage"];

function statusStep(r: LogRecord, blockName: string | undefined, unmapped: UnmappedContent): DraftStep {
  const spec = STATUS_RECORDS[r.prefix] as (typeof STATUS_RECORDS)[string];
  const f = r.fields;
  const code = (f[spec.status] ?? "").trim() || "0";
  const designator = (f[spec.designator] ?? "").trim();
  const kind = r.prefix.slice(1);
  const name = designator || blockName || kind;
  const text: string[] = [];
  for (const [k, label] of Object.entries(spec.labels)) {
    const v = (f[Number(k)] ?? "").trim();
    if (v === "") continue;
    if (r.prefix === "@D-T" && label === "substatus" && /^\d+$/.test(v)) {
      const bits = D_T_SUBSTATUS.filter((_, bit) => (Number(v) >> bit) & 1);
      text.push(`substatus ${v}${bits.length ? ` (${bits.join(", ")})` : ""}`);
    } else text.push(`${label} ${v}`);
  }
  for (const c of r.children) text.push(describeRecord(c));
  let status = spec.codes[code];
  if (status === undefined) {
    unmapped.note(`${r.prefix} status ${JSON.stringify(code)}`, r.line);
    text.unshift(`status ${code}`);
    status = "F";
  }
  const options: StepOptions = {
    status,
    reportText: [
      `${kind}${blockName && designator && blockName !== designator ? ` in block ${blockName}` : ""}`,
      ...text,
    ].join("\n"),
  };
  if (status !== "P") options.errorMessage = `${kind} status ${code}`;
  return status === "E" || status === "T"
    ? { kind: "passFail", name, passed: false, options, line: r.line }
    : { kind: "passFail", name, passed: status === "P", options, line: r.line };
}

function pldStep(r: LogRecord): DraftStep {
  const [file, action, code, message, counter] = r.fields.map((x) => x.trim());
  const passed = code === undefined || code === "" || code === "0";
  const text = [
    `file ${file ?? ""}`,
    ...(message ? [message] : []),
    ...(counter && counter !== "0" ? [`program counter ${counter}`] : []),
  ];
  for (const c of r.children) text.push(describeRecord(c));
  const options: StepOptions = { status: passed ? "P" : "F", reportText: text.join("\n") };
  if (!passed) options.errorMessage = `return code ${code}${message ? `: ${message}` : ""}`;
  return { kind: "passFail", name: action || file || "D-PLD", passed, options, line: r.line };
}

/** `1%r12` -> socket 1, name `r12` (WATS's reading of the board-number prefix). */
function blockDesignator(text: string): { socket?: number; name: string } {
  const m = /^(\d+)%(.*)$/.exec(text.trim());
  if (!m) return { name: text.trim().replace(/%/g, " ") };
  return { socket: Number(m[1]), name: (m[2] as string).replace(/%/g, " ").trim() };
}

function readTests(
  btest: LogRecord,
  fileName: string,
  prefixes: boolean,
  board: { socket: number | undefined; comment: string[]; retest: string[] },
  unmapped: UnmappedContent,
): DraftStep[] {
  const out: DraftStep[] = [];
  let current: { kind: string; steps: DraftStep[] } | undefined;
  const add = (kind: string, step: DraftStep) => {
    if (!current || current.kind !== kind) {
      current = { kind, steps: [] };
      out.push({
        kind: "sequence",
        name: kind,
        steps: current.steps,
        options: {},
        line: step.line as number,
      });
    }
    current.steps.push(step);
  };
  const analogStep = (list: Analog[], name: string, extra: string[], line: number): DraftStep => {
    const text = [...list.flatMap((a) => analogText(a, prefixes)), ...extra];
    const statuses = list.map((a) => ANALOG_STATUS[a.status]);
    const options: StepOptions = {};
    if (statuses.includes("T")) options.status = "T";
    if (text.length) options.reportText = text.join("\n");
    if (list.length === 1)
      return { kind: "numeric", name, measurement: analogInput(list[0] as Analog, prefixes), options, line };
    const measurements: Named<NumericInput>[] = list.map((a, k) => ({
      ...analogInput(a, prefixes),
      name: a.designator || `${a.kind.slice(1)} ${k + 1}`,
    }));
    return { kind: "multiNumeric", name, measurements, options, line };
  };
  for (const r of btest.children) {
    if (r.prefix === "@BLOCK") {
      const d = blockDesignator(r.fields[0] ?? "");
      if (d.socket !== undefined) board.socket = d.socket;
      const name = d.name || "BLOCK";
      const analogs: Analog[] = [];
      const reports: string[] = [];
      const others: LogRecord[] = [];
      for (const c of r.children) {
        if (c.prefix in ANALOG_UNITS) analogs.push(readAnalog(c, fileName));
        else if (c.prefix === "@RPT") reports.push(c.fields.join("|"));
        else others.push(c);
      }
      const steps: [string, DraftStep][] = [];
      if (analogs.length)
        steps.push([(analogs[0] as Analog).kind.slice(1), analogStep(analogs, name, [], r.line)]);
      for (const c of others) {
        if (c.prefix in STATUS_RECORDS) steps.push([c.prefix.slice(1), statusStep(c, name, unmapped)]);
        else if (c.prefix === "@D-PLD") steps.push(["D-PLD", pldStep(c)]);
        else unmapped.note(`record {${c.prefix}} in a block`, c.line);
      }
      if (reports.length) {
        const first = steps[0]?.[1];
        if (first)
          first.options.reportText = [first.options.reportText, ...reports].filter(Boolean).join("\n");
        else board.comment.push(...reports.map((x) => `${name}: ${x}`));
      }
      for (const [kind, step] of steps) add(kind, step);
      continue;
    }
    if (r.prefix in ANALOG_UNITS) {
      const a = readAnalog(r, fileName);
      add(r.prefix.slice(1), analogStep([a], a.designator || r.prefix.slice(1), [], r.line));
    } else if (r.prefix in STATUS_RECORDS) add(r.prefix.slice(1), statusStep(r, undefined, unmapped));
    else if (r.prefix === "@D-PLD") add("D-PLD", pldStep(r));
    else if (r.prefix === "@RPT") board.comment.push(r.fields.join("|"));
    else if (r.prefix === "@RETEST") board.retest.push((r.fields[0] ?? "").trim());
    else unmapped.note(`record {${r.prefix}}`, r.line);
  }
  return out;
}
