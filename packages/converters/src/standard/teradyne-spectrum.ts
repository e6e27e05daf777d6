/**
 * `teradyne-spectrum`: Teradyne Spectrum ICT datalogs (the CTRD s-expression text,
 * `(PROGRAM_NAME: "...") (SECTION_NAME: "...") (STEP: ...) (USER: Key: value)`).
 *
 * Header, as WATS's own converter maps it: `PROGRAM_NAME` is the part number, `USER Serialnumber`
 * the serial number, `USER Operator` the operator, `USER STATUS: BOARD PASSED|FAILED` the verdict,
 * `USER OrderNumber` and `CustomerSerialnumber` misc infos (`OrderNumber`, `CustomerSN`), the
 * file name a misc info `File`; the first step's `TIME` is the start. Other `USER` entries and
 * `SUBPROGRAM_NAME` become misc infos. A board ends at its `STATUS: BOARD` entry; a file with
 * several boards gives one report per board.
 *
 * Steps: each `SECTION_NAME` opens a sequence; each `STEP` becomes the test of its one `PAGE`
 * (named by `PAGE_NAME`, plus ` - <TPNAME>` of `CONNECTED_NODES`), or a sequence named `SNAME`
 * holding one step per page. A page's analog results (`ANA`, `INTC` with `INTC_RESULT`) give
 * numeric measurements: `MEASVAL` with `LOLIM`/`LOW` and `HILIM`/`HIGH` limits (GELE, GE or
 * LE), unit from `SCALE` + `UNIT` (`O` is ohm), limits scaled to the measured value's prefix.
 * Results without a measured value give a pass/fail step. `STAT` gives every status. `DESC`,
 * `COMMENT`, `FAIL_MSG`, `NOMVAL`, node lists (`MEAS`, `STIM`, `GUARD`, `..._NODES`),
 * external programs and every other entry of a step are kept as its report text.
 */
import type { Named, NumericInput, Report, ReportResult, StepOptions, StepStatus } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { inUnit, type PrefixedUnit, parseDecimal, splitUnit } from "./shared/engineering-units.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { lineError } from "./shared/line-error.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import {
  parseDate,
  parseDateAndTime,
  parseTime,
  secondsBetween,
  zonedDateTime,
} from "./shared/wall-clock.js";
import {
  describeNode,
  isNode,
  nodeOf,
  nodesOf,
  parseSExpressions,
  SExprSyntaxError,
  type SNode,
  textOf,
} from "./spectrum-sexpr.js";

export const teradyneSpectrumConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "teradyne-spectrum",
  description: "Teradyne Spectrum ICT datalogs (CTRD s-expression text): one report per board",
  filePatterns: ["*.txt", "*.dat", "*.log"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 30,
      revision: "1",
      operator: "sysoper",
      partNumberSource: "the PROGRAM_NAME entry",
    }),
    dateOrder: {
      type: "enum",
      values: ["MDY", "DMY", "YMD"],
      default: "MDY",
      description: "Order of month, day and year in TIME and Date entries (Spectrum writes MM/DD/YYYY)",
    },
  },
  detect(sample) {
    const t = sample.text;
    if (/^\s*\(PROGRAM_NAME:\s*"/m.test(t) && /\(STEP:/.test(t)) return 0.95;
    if (/\(STEP:\s*\(TYPE:/.test(t) && /\(PAGE:/.test(t)) return 0.85;
    return 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    const text = input.text(p.encoding);
    let nodes: SNode[];
    try {
      nodes = parseSExpressions(text);
    } catch (error) {
      if (error instanceof SExprSyntaxError)
        throw lineError(input.fileName, error.line, error.message, { kind: "parse" });
      throw error;
    }
    return convertSpectrum(nodes, input.fileName, p, context.parameters.dateOrder as "MDY", context);
  },
};

const STATUS: Readonly<Record<string, StepStatus>> = {
  PASS: "P",
  PASSED: "P",
  FAIL: "F",
  FAILED: "F",
  SKIP: "S",
  SKIPPED: "S",
  NOTEST: "S",
  NOT_TESTED: "S",
  ERROR: "E",
  ABORT: "T",
  ABORTED: "T",
};

const BOARD_RESULT: Readonly<Record<string, ReportResult>> = {
  PASSED: "P",
  PASS: "P",
  FAILED: "F",
  FAIL: "F",
  ERROR: "E",
  ABORTED: "T",
  ABORT: "T",
};

/** Keys whose content is a node list (test points). */
const NODE_LIST = /(^|_)(NODES|FROM|TO|STIM|MEAS|GUARD|ANODE|CATH|BASE|EMIT|COLL|PINS|DEVICE_PIN)$/;
/** Test result kinds inside a PAGE. */
const TEST_KEYS = new Set(["ANA", "INTC", "DSCAN", "FSCAN", "CSCAN", "BSCAN", "DIGITAL"]);

interface Unit {
  line: number;
  program: string | undefined;
  misc: [string, string][];
  sn?: string;
  operator?: string;
  result?: ReportResult;
  closed: boolean;
  date?: string;
  endTime?: string;
  /** Top-level drafts; `section` is the sequence being filled. */
  steps: DraftStep[];
  section?: DraftStep[];
  times: { at: string; step: DraftStep }[];
}

function convertSpectrum(
  nodes: readonly SNode[],
  fileName: string,
  p: HeaderParameters,
  dateOrder: "MDY" | "DMY" | "YMD",
  context: ConverterContext,
): Report[] {
  const unmapped = new UnmappedContent();
  const units: Unit[] = [];
  let program: string | undefined;
  let subProgram: string | undefined;
  let unit: Unit | undefined;
  const open = (line: number): Unit => {
    if (!unit || unit.closed) {
      unit = { line, program, misc: [], closed: false, steps: [], times: [] };
      if (subProgram !== undefined) unit.misc.push(["SubProgram", subProgram]);
      units.push(unit);
    }
    return unit;
  };
  for (const node of nodes) {
    switch (node.key) {
      case "PROGRAM_NAME":
        program = textOf(node);
        if (unit && !unit.closed) unit.program = program;
        break;
      case "SUBPROGRAM_NAME":
        subProgram = textOf(node);
        if (unit && !unit.closed) unit.misc.push(["SubProgram", subProgram]);
        break;
      case "SECTION_NAME": {
        const u = open(node.line);
        u.section = [];
        u.steps.push({
          kind: "sequence",
          name: textOf(node) || "Section",
          steps: u.section,
          options: {},
          line: node.line,
        });
        break;
      }
      case "STEP": {
        const u = open(node.line);
        const step = readStep(node, fileName, dateOrder, p, unmapped);
        (u.section ?? u.steps).push(step.draft);
        if (step.time) u.times.push({ at: step.time, step: step.draft });
        break;
      }
      case "USER":
        readUser(node, fileName, dateOrder, unmapped, () => open(node.line), unit);
        break;
      default:
        unmapped.note(`(${node.key}: ...)`, node.line);
    }
  }
  if (units.length === 0)
    throw new ConversionError(`${fileName}: no (STEP: ...) and no (USER: Serialnumber: ...) in the file`, {
      kind: "content",
      line: 1,
    });
  const reports: Report[] = [];
  for (const u of units) {
    if (u.sn === undefined)
      throw lineError(
        fileName,
        u.line,
        `the board whose data starts here has no serial number (a "(USER: Serialnumber: ...)" entry)`,
        { field: "Serialnumber" },
      );
    const first = u.times[0]?.at;
    const where = `board SN ${u.sn} (line ${u.line})`;
    if (first === undefined)
      throw lineError(fileName, u.line, `${where} has no step with a TIME, so its start time is unknown`, {
        field: "TIME",
      });
    // Each step lasts until the next one starts.
    for (let k = 0; k + 1 < u.times.length; k++) {
      const d = secondsBetween(
        (u.times[k] as Unit["times"][number]).at,
        (u.times[k + 1] as Unit["times"][number]).at,
      );
      if (d !== undefined && d >= 0) (u.times[k] as Unit["times"][number]).step.options.totTime = d;
    }
    let end = u.times[u.times.length - 1]?.at;
    if (u.date !== undefined && u.endTime !== undefined) {
      const d = parseDate(u.date, dateOrder);
      const t = parseTime(u.endTime);
      if (d && t) end = zonedDateTime({ ...d, ...t }, p.timeZone);
    }
    u.misc.push(["File", fileName]);
    reports.push(
      buildUnitReport(
        {
          pn: p.partNumber ?? u.program ?? fileName,
          sn: u.sn,
          rev: p.revision,
          processCode: p.processCode,
          operator: u.operator ?? p.operator,
          location: p.location,
          purpose: p.purpose,
          start: first,
          execTime: end === undefined ? undefined : secondsBetween(first, end),
          misc: u.misc,
          result: u.result,
        },
        u.steps,
        context,
        reports.length,
        where,
      ),
    );
  }
  unmapped.flush((m) => context.warn(m), fileName);
  return reports;
}

function readUser(
  node: SNode,
  fileName: string,
  dateOrder: "MDY" | "DMY" | "YMD",
  unmapped: UnmappedContent,
  openUnit: () => Unit,
  current: Unit | undefined,
): void {
  const text = textOf(node);
  const m = /^([^:]+):\s*(.*)$/s.exec(text);
  if (!m) {
    unmapped.note('a USER entry without "Key: value"', node.line);
    return;
  }
  const key = (m[1] as string).trim();
  const value = (m[2] as string).trim();
  const lower = key.toLowerCase();
  // A new serial number after a board's verdict starts the next board.
  const unit = lower === "serialnumber" || !current ? openUnit() : current;
  switch (lower) {
    case "serialnumber":
      if (unit.sn !== undefined && unit.sn !== value)
        throw lineError(
          fileName,
          node.line,
          `a second serial number ${JSON.stringify(value)} for the board with SN ${unit.sn} (line ${unit.line}) before its STATUS: BOARD entry`,
          { field: "Serialnumber" },
        );
      if (value === "")
        throw lineError(fileName, node.line, "the serial number is empty", { field: "Serialnumber" });
      unit.sn = value;
      break;
    case "operator":
      unit.operator = value;
      break;
    case "ordernumber":
      unit.misc.push(["OrderNumber", value]);
      break;
    case "customerserialnumber":
      unit.misc.push(["CustomerSN", value]);
      break;
    case "status": {
      const r = /^BOARD\s+(\w+)/i.exec(value);
      const result = r ? BOARD_RESULT[(r[1] as string).toUpperCase()] : undefined;
      if (result === undefined) {
        unit.misc.push(["STATUS", value]);
        unmapped.note(`USER STATUS ${JSON.stringify(value)} (not a BOARD PASSED/FAILED verdict)`, node.line);
      } else {
        unit.result = result;
        unit.closed = true;
      }
      break;
    }
    case "date":
      unit.date = value;
      unit.misc.push([key, value]);
      if (!parseDate(value, dateOrder))
        throw lineError(fileName, node.line, `${JSON.stringify(value)} is not a date (${dateOrder})`, {
          field: "Date",
        });
      break;
    case "endtime":
      unit.endTime = value;
      unit.misc.push([key, value]);
      if (!parseTime(value))
        throw lineError(fileName, node.line, `${JSON.stringify(value)} is not a time of day`, {
          field: "EndTime",
        });
      break;
    default:
      unit.misc.push([key, value]);
  }
}

interface TestResult {
  type: string;
  status: StepStatus | undefined;
  line: number;
  value?: { n: number; unit: PrefixedUnit };
  low?: { n: number; unit: PrefixedUnit };
  high?: { n: number; unit: PrefixedUnit };
  text: string[];
}

function statusOf(text: string | undefined, line: number, unmapped: UnmappedContent): StepStatus | undefined {
  if (text === undefined || text === "") return undefined;
  const s = STATUS[text.toUpperCase()];
  if (s === undefined) unmapped.note(`status ${JSON.stringify(text)}`, line);
  return s;
}

function readValue(node: SNode, fileName: string): { n: number; unit: PrefixedUnit } {
  const valText = nodeOf(node, "VAL") ? textOf(nodeOf(node, "VAL") as SNode) : "";
  const n = parseDecimal(valText);
  if (n === undefined)
    throw lineError(fileName, node.line, `${node.key} VAL ${JSON.stringify(valText)} is not a number`, {
      field: `${node.key}.VAL`,
    });
  const scale = nodeOf(node, "SCALE") ? textOf(nodeOf(node, "SCALE") as SNode) : "";
  const unitText = nodeOf(node, "UNIT") ? textOf(nodeOf(node, "UNIT") as SNode) : "";
  const unit = splitUnit(`${scale}${unitText}`);
  return { n: n * unit.factor, unit };
}

/** Collects one test result (ANA, INTC with its INTC_RESULT, ...) into `out`. */
function readTest(node: SNode, fileName: string, unmapped: UnmappedContent, out: TestResult): void {
  for (const item of node.items) {
    if (!isNode(item)) {
      if (item.text !== "") out.text.push(item.text);
      continue;
    }
    switch (item.key) {
      case "TYPE":
        out.type ||= textOf(item);
        break;
      case "STAT":
        out.status = statusOf(textOf(item), item.line, unmapped) ?? out.status;
        break;
      case "MEASVAL": {
        out.value = readValue(item, fileName);
        const overflow = nodeOf(item, "OVRFLOW");
        if (overflow) out.text.push(`measured value overflow: ${textOf(overflow)}`);
        break;
      }
      case "LOLIM":
      case "LOW":
        out.low = readValue(item, fileName);
        break;
      case "HILIM":
      case "HIGH":
        out.high = readValue(item, fileName);
        break;
      case "NOMVAL": {
        const v = readValue(item, fileName);
        out.text.push(`nominal ${textOf(nodeOf(item, "VAL") as SNode)} ${v.unit.text}`.trim());
        break;
      }
      case "INTC_RESULT":
        readTest(item, fileName, unmapped, out);
        break;
      default:
        if (NODE_LIST.test(item.key)) out.text.push(nodeListText(item));
        else out.text.push(describeNode(item));
    }
  }
}

function nodeListText(node: SNode): string {
  const names = nodesOf(node, "TPNAME").map(textOf);
  const nums = nodesOf(node, "TPNUM").map(textOf);
  const rest = node.items.filter((i) => isNode(i) && i.key !== "TPNAME" && i.key !== "TPNUM");
  const points = names.map((n, k) => (nums[k] ? `${n} (${nums[k]})` : n));
  const extra = rest.map((i) => describeNode(i as SNode));
  return `${node.key}: ${[...points, ...extra].join(", ")}`;
}

function readPage(
  page: SNode,
  fileName: string,
  unmapped: UnmappedContent,
): { draft: DraftStep; status: StepStatus | undefined } {
  let name = "";
  let status: StepStatus | undefined;
  const text: string[] = [];
  const tests: TestResult[] = [];
  let failMessage: string | undefined;
  for (const item of page.items) {
    if (!isNode(item)) {
      if (item.text !== "") text.push(item.text);
      continue;
    }
    if (TEST_KEYS.has(item.key)) {
      const t: TestResult = { type: "", status: undefined, line: item.line, text: [] };
      readTest(item, fileName, unmapped, t);
      t.type ||= item.key;
      tests.push(t);
      continue;
    }
    switch (item.key) {
      case "PAGE_NAME":
        name = textOf(item);
        break;
      case "STAT":
        status = statusOf(textOf(item), item.line, unmapped);
        break;
      case "TYPE":
        text.push(`type: ${textOf(item)}`);
        break;
      case "COMMENT": {
        const c = textOf(item).replace("Analysis Comments:", "").trim();
        if (c !== "") text.push(c);
        break;
      }
      case "FAIL_MSG":
        failMessage = textOf(item);
        text.push(failMessage);
        break;
      case "CONNECTED_NODES": {
        const tp = nodesOf(item, "TPNAME").map(textOf);
        if (tp.length) name = `${name} - ${tp.join(", ")}`;
        text.push(nodeListText(item));
        break;
      }
      case "EXTPROG": {
        const prog = nodeOf(item, "PROG_NAME");
        text.push(prog ? `EXT_PROG: ${textOf(prog)}` : describeNode(item));
        break;
      }
      default:
        text.push(NODE_LIST.test(item.key) ? nodeListText(item) : describeNode(item));
    }
  }
  const options: StepOptions = {};
  if (status !== undefined) options.status = status;
  if (status === "F" && failMessage) options.errorMessage = failMessage;
  const measured = tests.filter((t) => t.value !== undefined);
  for (const t of tests) {
    const lines = [...t.text];
    if (t.value === undefined && (t.low || t.high))
      lines.unshift(
        `limits ${t.low ? `${inUnit(t.low.n, t.low.unit)} ${t.low.unit.text}` : "-"} .. ${t.high ? `${inUnit(t.high.n, t.high.unit)} ${t.high.unit.text}` : "-"}`,
      );
    if (lines.length) text.push(`${t.type}: ${lines.join("; ")}`);
  }
  if (text.length) options.reportText = text.join("\n");
  const line = page.line;
  if (name === "") name = tests[0]?.type || "PAGE";
  if (measured.length === 0)
    return {
      draft:
        status === "P" || status === "F"
          ? { kind: "passFail", name, passed: status === "P", options, line }
          : { kind: "action", name, options, line },
      status,
    };
  const inputs = measured.map((t) => numericInput(t));
  if (inputs.length === 1)
    return {
      draft: { kind: "numeric", name, measurement: inputs[0] as NumericInput, options, line },
      status,
    };
  const named: Named<NumericInput>[] = inputs.map((m, k) => ({
    ...m,
    name: (measured[k] as TestResult).type,
  }));
  return { draft: { kind: "multiNumeric", name, measurements: named, options, line }, status };
}

function numericInput(t: TestResult): NumericInput {
  const v = t.value as NonNullable<TestResult["value"]>;
  const unit = v.unit;
  const input: NumericInput = { value: inUnit(v.n, unit) };
  if (unit.text !== "") input.unit = unit.text;
  if (t.low) input.low = inUnit(t.low.n, unit);
  if (t.high) input.high = inUnit(t.high.n, unit);
  if (t.status === "P" || t.status === "F" || t.status === "S") input.status = t.status;
  return input;
}

function readStep(
  node: SNode,
  fileName: string,
  dateOrder: "MDY" | "DMY" | "YMD",
  p: HeaderParameters,
  unmapped: UnmappedContent,
): { draft: DraftStep; time: string | undefined } {
  let time: string | undefined;
  let sname = "";
  let status: StepStatus | undefined;
  const text: string[] = [];
  const pages: { draft: DraftStep; status: StepStatus | undefined }[] = [];
  for (const item of node.items) {
    if (!isNode(item)) {
      if (item.text !== "") text.push(item.text);
      continue;
    }
    switch (item.key) {
      case "TIME": {
        const t = textOf(item);
        const w = parseDateAndTime(t, dateOrder);
        if (!w)
          throw lineError(
            fileName,
            item.line,
            `${JSON.stringify(t)} is not a date and time (${dateOrder} HH:MM:SS)`,
            {
              field: "TIME",
            },
          );
        time = zonedDateTime(w, p.timeZone);
        break;
      }
      case "SNAME":
        sname = textOf(item);
        break;
      case "STAT":
        status = statusOf(textOf(item), item.line, unmapped);
        break;
      case "PAGE":
        pages.push(readPage(item, fileName, unmapped));
        break;
      case "DESC":
        text.push(textOf(item).trim());
        break;
      case "TYPE":
        if (textOf(item).toUpperCase() !== "RAW") text.push(`step type: ${textOf(item)}`);
        break;
      case "BNAME":
        text.push(`board: ${textOf(item)}`);
        break;
      case "PNAME":
        text.push(`panel: ${textOf(item)}`);
        break;
      case "CTYPE":
        text.push(`component type: ${textOf(item)}`);
        break;
      case "DIAG":
        text.push(`diagnosis: ${textOf(item)}`);
        break;
      default:
        text.push(describeNode(item));
    }
  }
  const options: StepOptions = {};
  if (time !== undefined) options.start = time;
  if (pages.length === 1) {
    const only = (pages[0] as (typeof pages)[number]).draft;
    if (text.length) only.options.reportText = [...text, only.options.reportText].filter(Boolean).join("\n");
    if (only.options.status === undefined && status !== undefined) only.options.status = status;
    if (time !== undefined) only.options.start = time;
    return { draft: only, time };
  }
  if (status !== undefined) options.status = status;
  if (text.length) options.reportText = text.join("\n");
  const name = sname || "STEP";
  if (pages.length === 0)
    return {
      draft:
        status === "P" || status === "F"
          ? { kind: "passFail", name, passed: status === "P", options, line: node.line }
          : { kind: "action", name, options, line: node.line },
      time,
    };
  return {
    draft: { kind: "sequence", name, steps: pages.map((pg) => pg.draft), options, line: node.line },
    time,
  };
}
