/**
 * Takaya ATD as the APT94xx testers write it: the same `@` blocks and `* PASS *` lines as the
 * tab layout, but dates as `dd/MM/yy HH:mm:ss`, the operator(s) inside the serial line
 * (`Serial No.:999-BM0001 (AT1)`, `... (FP1 - OP819)`), and step lines of quoted, space-padded
 * fields without a header row:
 *
 *     000001 "Parts" "Value" "Comment" H-pin L-pin "ref" "meas 1" ["meas 2"] +tol% -tol%
 *            "judgement" "mode" "range" "time" "probes" "function" n n ["program path"]
 *
 * Header, as WATS's converter maps it: `Model:` `<pn>[T|B][_PANEL|_SINGLE]_<version>.<file>` gives
 * the part number, revision (`<version>.<file>`), side (misc `Side`; bottom uses the bottom
 * process code), sequence name and version; the serial line gives batch (before the first `-`),
 * serial and operator (the second operator as misc `Operator 2`); `Test ID :` the station.
 * A file may hold several test runs (`@` blocks, e.g. bottom and top): one report each. The
 * execution time is the sum of the steps' measuring times.
 */
import type { ReportResult } from "@tswats/report";
import type { DraftStep } from "./shared/draft-steps.js";
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
import { groupByComponent, type TakayaRow, type TakayaValue, takayaDraft } from "./takaya-steps.js";

const FUNCTION_CODES = new Set(["**", "OP", "SH", "JP", "D", "E", "F", "EQ", "GE", "LE"]);

interface Token {
  text: string;
  quoted: boolean;
}

function tokens(line: string): Token[] | undefined {
  const out: Token[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[1] !== undefined) out.push({ text: m[1], quoted: true });
    else out.push({ text: m[2] as string, quoted: false });
  }
  return (line.match(/"/g)?.length ?? 0) % 2 === 0 ? out : undefined;
}

/** `409.5 O`, `0.300 V`, `........` */
function measurement(text: string): TakayaValue | undefined {
  const m = /^\s*(\S+)\s*(\S*)\s*$/.exec(text);
  return m ? takayaValue(m[1], m[2]) : undefined;
}

export function parseModel(model: string): {
  pn: string;
  rev: string;
  side: "T" | "B" | undefined;
  version: string | undefined;
  file: string | undefined;
} {
  const underscore = model.indexOf("_");
  let left = underscore > 0 ? model.slice(0, underscore) : model;
  const right =
    underscore > 0
      ? model
          .slice(underscore + 1)
          .replace(/^(?:panel|single)_?/i, "")
          .replace(/^_+|_+$/g, "")
      : "";
  let side: "T" | "B" | undefined;
  if (left.length >= 2 && /\d[TBtb]$/.test(left)) {
    side = left.slice(-1).toUpperCase() as "T" | "B";
    left = left.slice(0, -1);
  }
  const dot = right.indexOf(".");
  return {
    pn: left,
    rev: right,
    side,
    version: right === "" ? undefined : dot > 0 ? right.slice(0, dot) : right,
    file: dot > 0 ? right.slice(dot + 1) : undefined,
  };
}

export function parseSerialLine(text: string): {
  sn: string;
  batch?: string;
  operator1?: string;
  operator2?: string;
} {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const serialPart = (open > 0 ? text.slice(0, open) : text).trim();
  const dash = serialPart.indexOf("-");
  const out: { sn: string; batch?: string; operator1?: string; operator2?: string } =
    dash > 0
      ? { batch: serialPart.slice(0, dash).trim(), sn: serialPart.slice(dash + 1).trim() }
      : { sn: serialPart };
  if (open >= 0 && close > open) {
    const inner = text.slice(open + 1, close).trim();
    const sep = inner.indexOf(" - ");
    if (sep > 0) {
      out.operator1 = inner.slice(0, sep).trim();
      out.operator2 = inner.slice(sep + 3).trim();
    } else if (inner !== "") out.operator1 = inner;
  }
  return out;
}

interface Run {
  line: number;
  serialLine?: number;
  serial?: ReturnType<typeof parseSerialLine>;
  result?: ReportResult;
  rows: { parts: string; draft: DraftStep }[];
  totalMs: number;
  model?: string;
  start?: string;
  station?: string;
}

export function readTakayaApt94xx(
  lines: readonly string[],
  o: TakayaReadOptions,
  stationFromOperator: boolean,
): TakayaBoard[] {
  const runs: Run[] = [];
  let pending: Omit<Run, "line" | "rows" | "totalMs"> = {};
  let run: Run | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] as string).trim();
    if (line === "" || line === "@" || /^\*\s*GROUP No\./i.test(line) || /^D\.T:/.test(line)) continue;
    let m: RegExpExecArray | null = /^\*+\s*(PASS|FAIL|NO-TEST)\s*\*+$/i.exec(line);
    if (m) {
      if (run && run.rows.length === 0 && run.result === undefined) run.result = boardResult(m[1] as string);
      else pending.result = boardResult(m[1] as string);
      continue;
    }
    m = /^Model\s*:(.*)$/.exec(line);
    if (m) {
      pending.model = (m[1] as string).trim();
      continue;
    }
    m = /^DATE\s+(.+)$/.exec(line);
    if (m) {
      const w = parseDateAndTime(m[1] as string, "DMY");
      if (!w)
        throw lineError(o.fileName, lineNo, `${JSON.stringify(m[1])} is not a date (DD/MM/YY HH:MM:SS)`, {
          field: "DATE",
        });
      pending.start = zonedDateTime(w, o.timeZone);
      continue;
    }
    m = /^Test ID\s*:(.*)$/i.exec(line);
    if (m) {
      pending.station = (m[1] as string).trim() || undefined;
      continue;
    }
    m = /^Serial No\.\s*:(.*)$/i.exec(line);
    if (m) {
      run = {
        ...pending,
        line: lineNo,
        serialLine: lineNo,
        serial: parseSerialLine(m[1] as string),
        rows: [],
        totalMs: 0,
      };
      // The header values stay for the next run unless it brings its own.
      pending = { ...pending, result: undefined };
      runs.push(run);
      continue;
    }
    if (/^\d{4,}\s+"/.test(line)) {
      if (!run) throw lineError(o.fileName, lineNo, "a step line before the Serial No. line of its test");
      const step = readStepLine(line, lineNo, o);
      run.totalMs += step.row.timeMs ?? 0;
      run.rows.push({ parts: step.row.parts, draft: takayaDraft(step.row, o.unknown) });
      continue;
    }
    o.unmapped.note("unrecognised line", lineNo);
  }
  return runs.map((r) => {
    if (!r.start)
      throw lineError(o.fileName, r.line, "no DATE line for this test run: its start time is unknown", {
        field: "DATE",
      });
    const serial = r.serial as ReturnType<typeof parseSerialLine>;
    if (!serial.sn)
      throw lineError(o.fileName, r.line, "the Serial No. line has no serial number", {
        field: "Serial No.",
      });
    const model = r.model ? parseModel(r.model) : undefined;
    const misc: [string, string][] = [];
    if (model?.side) misc.push(["Side", model.side === "T" ? "Top" : "Bottom"]);
    const operator = stationFromOperator ? serial.operator2 : serial.operator1;
    const station = r.station ?? (stationFromOperator ? serial.operator1 : undefined);
    if (!stationFromOperator && serial.operator2) misc.push(["Operator 2", serial.operator2]);
    if (r.model) misc.push(["Model", r.model]);
    return {
      line: r.line,
      sn: serial.sn,
      pn: model?.pn || undefined,
      rev: model?.rev || undefined,
      start: r.start,
      execTime: r.totalMs > 0 ? r.totalMs / 1000 : undefined,
      station,
      operator,
      batchSN: serial.batch,
      result: r.result,
      bottomSide: model?.side === "B",
      sequenceName: model?.file,
      sequenceVersion: model?.version,
      misc,
      steps: groupByComponent(r.rows, o.grouping),
    };
  });
}

function readStepLine(line: string, lineNo: number, o: TakayaReadOptions): { row: TakayaRow } {
  const t = tokens(line);
  const bad = (why: string) =>
    lineError(o.fileName, lineNo, `the step line does not have the APT94xx layout: ${why}`, {
      kind: "parse",
    });
  if (!t) throw bad("a quoted field is not closed (truncated line?)");
  const q = (k: number) => t[k]?.quoted === true;
  if (t.length < 12 || q(0) || !q(1) || !q(2) || !q(3))
    throw bad("expected a step number and three quoted fields");
  let k = 4;
  const pins: string[] = [];
  while (k < t.length && !q(k)) pins.push((t[k++] as Token).text);
  const values: string[] = [];
  while (k < t.length && q(k)) values.push((t[k++] as Token).text);
  const tolerances: string[] = [];
  while (k < t.length && !q(k) && /%$/.test((t[k] as Token).text)) tolerances.push((t[k++] as Token).text);
  if (values.length < 2 || tolerances.length < 2)
    throw bad("expected reference and measured values, then +tol% -tol%");
  const rest = t.slice(k);
  const quotedRest = rest.filter((x) => x.quoted).map((x) => x.text.trim());
  const bare = rest.filter((x) => !x.quoted).map((x) => x.text);
  if (quotedRest.length < 1) throw bad("no judgement after the tolerances");
  const [judgement, mode, range, time, probes, ...more] = quotedRest as [string, ...string[]];
  const fnIndex = more.findIndex((x) => FUNCTION_CODES.has(x.trim().toUpperCase()));
  const functionCode = fnIndex >= 0 ? (more[fnIndex] as string) : (more[0] ?? "");
  const extra = more.filter((_, i) => i !== Math.max(fnIndex, 0));
  const parts = (t[1] as Token).text.trim();
  const value = (t[2] as Token).text.trim();
  const comment = (t[3] as Token).text.trim();
  const [refText, meas1Text, meas2Text] = values as [string, string, string | undefined];
  const details: string[] = [`#${(t[0] as Token).text} ${value} ${comment}`.trim()];
  if (pins.length)
    details.push(
      `H-pin ${pins[0]}${pins[1] !== undefined ? `, L-pin ${pins[1]}` : ""}${pins.length > 2 ? `, ${pins.slice(2).join(" ")}` : ""}`,
    );
  details.push(`tolerance ${tolerances.join(" ")}`);
  const measuring = [mode, range, time].filter((x) => x && !isPlaceholder(x)).join(", ");
  if (measuring) details.push(`measuring ${measuring}`);
  if (probes && !isPlaceholder(probes)) details.push(`probes ${probes}`);
  for (const x of extra) if (!isPlaceholder(x)) details.push(x);
  if (bare.some((b) => b !== "0")) details.push(`counters ${bare.join(" ")}`);
  if (values.length > 3) details.push(`more values: ${values.slice(3).join(" | ")}`);
  const m1 = measurement(meas1Text);
  const m2 = meas2Text === undefined ? undefined : measurement(meas2Text);
  const row: TakayaRow = {
    line: lineNo,
    parts,
    comment,
    // The pin text names a component test (P5-6); shorts tests ("P-Auto") are named by their nets.
    nameParts: [isPlaceholder(value) || /^P-Auto$/i.test(value) ? comment : value],
    judgement,
    functionCode,
    openShortLimits: "none",
    details,
  };
  const reference = measurement(refText);
  if (reference) row.reference = reference;
  const decisive = m2 ?? m1;
  if (decisive) row.measured = decisive;
  if (m2 && m1) row.firstMeasured = m1;
  if (!decisive && !isPlaceholder(meas1Text)) row.measuredText = meas1Text.trim();
  const plus = toleranceOf(tolerances[0]);
  const minus = toleranceOf(tolerances[1]);
  if (plus !== undefined) row.tolerancePlus = plus;
  if (minus !== undefined) row.toleranceMinus = minus;
  const ms = millisecondsOf(time);
  if (ms !== undefined) row.timeMs = ms;
  return { row };
}
