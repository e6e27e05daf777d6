/**
 * `teradyne-gr228x`: Teradyne GR228X in-circuit test logs, one report per board.
 *
 * The log is line based:
 * - `F:\BOARDS\43420_BIO2_PROGRAM\43420_BIO2.obc[31-JUL-12  14:17:35`: the test program loaded;
 *   its path is the sequence name, its file name up to the first `_` the part number (as WATS's
 *   own converter derives it).
 * - `@31-JUL-12  14:18:51 SN 65428553938829725787`: a board test starts (start time, serial).
 * - `TOP_OF_LOOP-A` .. `-H`: panel position of the board (test socket 1..8).
 * - `WATS_partNumber=`, `WATS_partRevision=`, `WATS_sequenceName=`, `WATS_sequenceVersion=`,
 *   `WATS_operator=`, `WATS_stationName=` (the "extended" log): header values for this board;
 *   other `WATS_<name>=` lines become misc infos.
 * - `(S` shorts, `(O` opens, `(B` bus, `(C` scratch-probing, `(F` contact failures with their
 *   node list (a trailing `+` continues on the next line): a failed step each.
 * - `R508=100.20007K(92.919K,105.131K)R`: component `R508`, result (`=` pass, `#` logged only,
 *   `<` `>` `%` fail), measured value, `(low,high)` limits and the test type (`R` resistance,
 *   `CP` capacitance, `V` DC volts, ...); values carry SPICE suffixes (`M` milli, `MEG` mega).
 *   Steps are named `R508(R)` and grouped into sequences by the component letter, as WATS does.
 * - `"` passed, `/` failed, `?` aborted, `!` cancelled, `*` error, `&` system error, each with
 *   the end time: the board's verdict. `]` (return to diagnose) is recorded as a misc info.
 */
import type { NumericInput, Report, ReportResult, StepOptions } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { inUnit, parseSpiceNumber, splitUnit } from "./shared/engineering-units.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { lineError, textLines } from "./shared/line-error.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import { parseDateAndTime, secondsBetween, zonedDateTime } from "./shared/wall-clock.js";

/** Test types of the measurement lines: what WATS's converter calls them, and their base unit. */
const TEST_TYPES: Readonly<Record<string, { description: string; base: string }>> = {
  AC: { description: "MEAS DVM ACV", base: "V" },
  AI: { description: "MEAS ACI ACM", base: "A" },
  AR: { description: "TEST ARITH", base: "" },
  AV: { description: "MEAS ACV ACM", base: "V" },
  AY: { description: "MEAS DVM/DMM", base: "" },
  CP: { description: "MEAS ACZ CP", base: "F" },
  CS: { description: "MEAS ACZ CS", base: "F" },
  DC: { description: "MEAS DVM DCV", base: "V" },
  DD: { description: "MEAS ACZ D", base: "" },
  EV: { description: "FTM EVENT", base: "" },
  HZ: { description: "FTM FREQ", base: "Hz" },
  I: { description: "MEAS DCM DCI", base: "A" },
  IS: { description: "TEST DCS DCI", base: "A" },
  LP: { description: "MEAS ACZ LP", base: "H" },
  LS: { description: "MEAS ACZ LS", base: "H" },
  PS: { description: "MEAS", base: "" },
  QQ: { description: "MEAS ACZ Q", base: "" },
  R: { description: "MEAS R", base: "Ohm" },
  RA: { description: "FTM RATIO", base: "" },
  RP: { description: "MEAS ACZ RP", base: "Ohm" },
  RS: { description: "MEAS ACZ RS", base: "Ohm" },
  S: { description: "FTM PERIOD", base: "s" },
  TI: { description: "FTM INTERVAL", base: "s" },
  V: { description: "MEAS DCM DCV", base: "V" },
  VS: { description: "TEST DCS DCV", base: "V" },
  XP: { description: "MEAS ACZ XP", base: "Ohm" },
  XS: { description: "MEAS ACZ XS", base: "Ohm" },
  ZM: { description: "MEAS ACZ Z", base: "Ohm" },
};

const GENERAL_FAILURES: Readonly<Record<string, string>> = {
  S: "SHORTS test, failed",
  O: "OPENS test, failed",
  B: "BUSTEST, failure caused by bus",
  C: "SCRATCHPROBING connection failure",
  F: "CONTACT fixture failure",
};

const END_EVENTS: Readonly<Record<string, { result: ReportResult | undefined; word: string }>> = {
  '"': { result: "P", word: "passed" },
  "/": { result: "F", word: "failed" },
  "?": { result: "T", word: "aborted" },
  "!": { result: "T", word: "cancelled" },
  "*": { result: "E", word: "error" },
  "&": { result: "E", word: "system error" },
  "]": { result: undefined, word: "return to diagnose" },
};

const OVERRIDES = new Set([
  "partNumber",
  "partRevision",
  "sequenceName",
  "sequenceVersion",
  "operator",
  "stationName",
]);

const PROGRAM = /^(.*?)([^\\/]+)\.obc\[(.*)$/i;
const UNIT_START = /^@(.+?)\s+SN\s+(.*)$/;
const END_EVENT = /^(["/?!*&\]])(\d.*)$/;
const SOCKET = /^TOP_OF_LOOP-([A-H])\b/i;
const OVERRIDE = /^WATS_(\w+)=(.*)$/;
const GENERAL = /^\(([SOBCF])\s*(.*)$/;
const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:MEG|[PNUMKG])?`;
const MEASURE = new RegExp(
  String.raw`^([^=<>#%()\s][^=<>#%()]*?)([=<>#%])(${NUMBER})?(?:\(([^,()]*),([^()]*)\))?([A-Z]{0,3})(?:(?:\s+|=)=*\s*(.*))?$`,
);
/** Starts like a measurement line (reference and result character). */
const MEASURE_LIKE = /^[^=<>#%()\s][^=<>#%()]*[=<>#%]/;

export const teradyneGr228xConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "teradyne-gr228x",
  description:
    "Teradyne GR228X in-circuit test logs (plain and extended with WATS_ header lines): one report per board",
  filePatterns: ["*.log"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 10,
      revision: "1",
      operator: "sysoper",
      partNumberSource:
        "a WATS_partNumber line, else the program file name up to its first underscore, else the log's file name up to its first dot",
    }),
  },
  detect(sample) {
    const t = sample.text;
    if (/^@\d{1,2}-[A-Za-z]{3}-\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+SN\s/m.test(t)) return 0.9;
    if (/\.obc\[\d{1,2}-[A-Za-z]{3}-\d{2}/i.test(t)) return 0.85;
    return 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    return convertGr228x(textLines(input.text(p.encoding)), input.fileName, p, context);
  },
};

interface Unit {
  line: number;
  sn: string;
  start: string;
  socket?: number;
  overrides: Map<string, string>;
  misc: [string, string][];
  /** Top-level steps; `group` is the component-letter sequence being filled. */
  steps: DraftStep[];
  group?: { letter: string; steps: DraftStep[] };
  groupCount: Map<string, number>;
  /** The last general failure step, while its text continues on the next line. */
  continues?: DraftStep;
  program: { path: string; name: string } | undefined;
}

interface Finished {
  unit: Unit;
  end: string;
  event: string;
  endLine: number;
}

function convertGr228x(
  lines: readonly string[],
  fileName: string,
  p: HeaderParameters,
  context: ConverterContext,
): Report[] {
  const unmapped = new UnmappedContent();
  let program: Unit["program"];
  let unit: Unit | undefined;
  const finished: Finished[] = [];
  const pendingOverrides = new Map<string, string>();
  const time = (text: string, line: number, field: string): string => {
    const w = parseDateAndTime(text, "DMY");
    if (!w)
      throw lineError(
        fileName,
        line,
        `${JSON.stringify(text.trim())} is not a date and time (DD-MMM-YY HH:MM:SS)`,
        {
          field,
        },
      );
    return zonedDateTime(w, p.timeZone);
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === "") continue;
    let m: RegExpExecArray | null;
    m = UNIT_START.exec(line);
    if (m) {
      if (unit)
        throw lineError(
          fileName,
          lineNo,
          `a new board test starts, but the test of SN ${unit.sn} (line ${unit.line}) has no end line (" / ? ! * & ])`,
        );
      const sn = (m[2] as string).trim();
      if (sn === "")
        throw lineError(fileName, lineNo, "the board test has no serial number after SN", { field: "SN" });
      unit = {
        line: lineNo,
        sn,
        start: time(m[1] as string, lineNo, "start time"),
        overrides: new Map(pendingOverrides),
        misc: [],
        steps: [],
        groupCount: new Map(),
        program,
      };
      pendingOverrides.clear();
      continue;
    }
    m = END_EVENT.exec(line);
    if (m) {
      const event = m[1] as string;
      const end = time(m[2] as string, lineNo, "end time");
      if (unit) {
        finished.push({ unit, end, event, endLine: lineNo });
        unit = undefined;
      } else if (event === "]" && finished.length > 0) {
        (finished[finished.length - 1] as Finished).unit.misc.push(["Return to diagnose", end]);
      } else unmapped.note(`end line "${event}" outside a board test`, lineNo);
      continue;
    }
    m = PROGRAM.exec(line);
    if (m) {
      program = { path: `${m[1] as string}${m[2] as string}.obc`, name: m[2] as string };
      if (unit) unit.program = program;
      continue;
    }
    m = OVERRIDE.exec(line);
    if (m) {
      (unit ? unit.overrides : pendingOverrides).set(m[1] as string, (m[2] as string).trim());
      continue;
    }
    if (!unit) {
      unmapped.note("text outside a board test", lineNo);
      continue;
    }
    m = SOCKET.exec(line);
    if (m) {
      unit.socket = (m[1] as string).toUpperCase().charCodeAt(0) - 64;
      unit.continues = undefined;
      continue;
    }
    m = GENERAL.exec(line);
    if (m) {
      const info = (m[2] as string).trim();
      const step: DraftStep = {
        kind: "passFail",
        name: GENERAL_FAILURES[m[1] as string] as string,
        passed: false,
        options: { status: "F", reportText: info },
        line: lineNo,
      };
      unit.group = undefined;
      unit.steps.push(step);
      unit.continues = info.endsWith("+") ? step : undefined;
      continue;
    }
    if (unit.continues && /^[\d,\s+-]+$/.test(line)) {
      unit.continues.options.reportText = `${unit.continues.options.reportText ?? ""}\n${line}`;
      if (!line.endsWith("+")) unit.continues = undefined;
      continue;
    }
    m = MEASURE.exec(line);
    if (m) {
      unit.continues = undefined;
      addMeasurement(unit, m, lineNo, fileName);
      continue;
    }
    if (MEASURE_LIKE.test(line))
      throw lineError(
        fileName,
        lineNo,
        `${JSON.stringify(line)} is not a measurement line (<ref><result><value>(<low>,<high>)<type>)`,
        { kind: "parse" },
      );
    unmapped.note("unrecognised line", lineNo);
  }
  if (unit)
    throw new ConversionError(
      `${fileName}: the file ends inside the test of SN ${unit.sn} (started at line ${unit.line}): no end line (" / ? ! * & ]); truncated?`,
      { kind: "content", line: lines.length },
    );
  if (finished.length === 0)
    throw new ConversionError(`${fileName}: no board test (a line "@<date> SN <serial>") in the file`, {
      kind: "content",
      line: 1,
    });

  const reports: Report[] = [];
  for (const f of finished) {
    const u = f.unit;
    const where = `board SN ${u.sn} (line ${u.line})`;
    const ev = END_EVENTS[f.event] as { result: ReportResult | undefined; word: string };
    if (u.steps.length === 0 && ev.result === "T") {
      context.warn(`${where}: ${ev.word} at line ${f.endLine} before any test; no report for it`);
      continue;
    }
    if (ev.result === undefined) u.misc.push(["Return to diagnose", f.end]);
    const o = u.overrides;
    for (const [key, value] of o) if (!OVERRIDES.has(key)) u.misc.push([`WATS_${key}`, value]);
    const pn =
      o.get("partNumber") ||
      p.partNumber ||
      u.program?.name.split("_")[0] ||
      (fileName.split(".")[0] as string) ||
      fileName;
    reports.push(
      buildUnitReport(
        {
          pn,
          sn: u.sn,
          rev: o.get("partRevision") || p.revision,
          processCode: p.processCode,
          operator: o.get("operator") || p.operator,
          station: o.get("stationName") || undefined,
          location: p.location,
          purpose: p.purpose,
          start: u.start,
          execTime: secondsBetween(u.start, f.end),
          sequenceName: o.get("sequenceName") || u.program?.path,
          sequenceVersion: o.get("sequenceVersion") || undefined,
          testSocketIndex: u.socket,
          misc: u.misc,
          result: ev.result,
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

function addMeasurement(unit: Unit, m: RegExpExecArray, line: number, fileName: string): void {
  const ref = (m[1] as string).trim();
  const result = m[2] as string;
  const measText = m[3] ?? "";
  const lowText = (m[4] ?? "").trim();
  const highText = (m[5] ?? "").trim();
  const type = m[6] ?? "";
  const message = (m[7] ?? "").trim();
  const typeInfo = TEST_TYPES[type];
  const name = type === "" ? ref : `${ref}(${type})`;
  const number = (text: string, field: string) => {
    if (text === "") return undefined;
    const n = parseSpiceNumber(text);
    if (!n) throw lineError(fileName, line, `${JSON.stringify(text)} is not a number`, { field });
    return n;
  };
  const meas = number(measText, "measured value");
  const low = number(lowText, "low limit");
  const high = number(highText, "high limit");
  const failed = result === "<" || result === ">" || result === "%";
  const options: StepOptions = {};
  const text: string[] = [];
  if (message !== "") text.push(message);
  if (failed) {
    options.status = "F";
    options.errorMessage = `${typeInfo?.description ?? (type || "test")} failed${result === "<" ? " (below the low limit)" : result === ">" ? " (above the high limit)" : ""}`;
  }
  let step: DraftStep;
  if (meas) {
    const unit = splitUnit(`${(low ?? high ?? meas).prefix}${typeInfo?.base ?? ""}`);
    const input: NumericInput = { value: inUnit(meas.value, unit) };
    if (unit.text !== "") input.unit = unit.text;
    if (low) input.low = inUnit(low.value, unit);
    if (high) input.high = inUnit(high.value, unit);
    if (result === "=") input.status = "P";
    else if (failed) input.status = "F";
    if (text.length) options.reportText = text.join("\n");
    step = { kind: "numeric", name, measurement: input, options, line };
  } else {
    if (low || high) {
      const base = typeInfo?.base ?? "";
      text.push(
        `limits: ${low ? `${lowText}${base}` : "-"} .. ${high ? `${highText}${base}` : "-"} (no measured value)`,
      );
    }
    if (text.length) options.reportText = text.join("\n");
    step =
      result === "#"
        ? { kind: "action", name, options, line }
        : { kind: "passFail", name, passed: result === "=", options, line };
  }
  const letter = ref[0]?.toUpperCase() ?? "?";
  if (!unit.group || unit.group.letter !== letter) {
    const n = (unit.groupCount.get(letter) ?? 0) + 1;
    unit.groupCount.set(letter, n);
    unit.group = { letter, steps: [] };
    unit.steps.push({
      kind: "sequence",
      name: `${letter}-Group${n}`,
      steps: unit.group.steps,
      options: {},
      line,
    });
  }
  unit.group.steps.push(step);
}
