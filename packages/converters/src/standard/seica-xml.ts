/**
 * `seica-xml`: Seica flying-probe / ICT result XML:
 *
 *     <R>
 *       <PrgC>...</PrgC> <FidMrk .../>
 *       <ST NM="<program>_<revision>..." OP="<operator>" NMP="<board name>"/>
 *       <BI BC="<barcode>" BCP="<serial>" SD="dd-MM-yyyy HH:mm:ss">
 *         <TEST F="<group>" NM="<name>" MR="<measured>" ML="<low>" MH="<high>" MU="<unit>" TR="0|1" TT="<ms>"/>
 *       </BI>
 *       <ET ED="dd-MM-yyyy HH:mm:ss" NF="0|1"/>
 *     </R>
 *
 * As WATS's own converter maps it: `ST@NM` split at the first `_` or blank gives part number and
 * revision, `OP` the operator, `NMP` misc `Board Name`; `BI@BCP` the serial number, `SD` the start,
 * `ET@ED` the end (execution time), `ET@NF` the verdict (`0` passed); each `TEST` a numeric step
 * (GELE `ML`..`MH`, unit `MU`, `TR` `0` passed, `TT` milliseconds) in a sequence per `F` group.
 * Several `BI` boards give one report each (their verdicts then come from their tests). Other
 * attributes and elements are kept: as misc infos (header elements) or report text (tests);
 * unknown elements are reported as not mapped. A measured value that is not a number makes a
 * pass/fail step with the text.
 */
import type { NumericInput, Report, ReportResult, StepOptions } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { parseDecimal } from "./shared/engineering-units.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { child, childrenNamed, parseXmlElements, type XmlElement } from "./shared/ict-xml-elements.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import { parseDateAndTime, secondsBetween, zonedDateTime } from "./shared/wall-clock.js";

export const seicaXmlConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "seica-xml",
  description: "Seica flying-probe / ICT result XML (<R> with ST, BI/TEST and ET): one report per board",
  filePatterns: ["*.xml"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 10,
      revision: "1",
      operator: "unknown",
      partNumberSource: "the ST NM attribute up to its first underscore or blank",
    }),
    dateOrder: {
      type: "enum",
      values: ["DMY", "MDY", "YMD"],
      default: "DMY",
      description: "Order of day, month and year in SD and ED (Seica writes dd-MM-yyyy)",
    },
  },
  detect(sample) {
    const t = sample.text;
    return /<R[\s>]/.test(t) && /<ST\s[^>]*NM=/.test(t) && /<BI[\s>]/.test(t) ? 0.9 : 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    const root = parseXmlElements(input.text(p.encoding), input.fileName);
    if (root.name !== "R")
      throw new ConversionError(
        `${input.fileName}: the root element is <${root.name}>, not <R> (not a Seica result)`,
        {
          kind: "content",
          line: root.line,
        },
      );
    return convertSeica(root, input.fileName, p, context.parameters.dateOrder as "DMY", context);
  },
};

const TEST_ATTRIBUTES = new Set(["F", "NM", "MR", "ML", "MH", "MU", "TR", "TT"]);

function fail(fileName: string, e: XmlElement, message: string, field: string): never {
  throw new ConversionError(`${fileName}, line ${e.line}, <${e.name}> ${field}: ${message}`, {
    kind: "content",
    line: e.line,
    field: `${e.name}@${field}`,
  });
}

function attributeMisc(
  e: XmlElement,
  skip: readonly string[],
  label: string,
  misc: [string, string][],
): void {
  for (const [k, v] of Object.entries(e.attributes))
    if (!skip.includes(k) && v.trim() !== "") misc.push([`${label} ${k}`, v]);
}

function convertSeica(
  root: XmlElement,
  fileName: string,
  p: HeaderParameters,
  dateOrder: "DMY" | "MDY" | "YMD",
  context: ConverterContext,
): Report[] {
  const unmapped = new UnmappedContent();
  const st = child(root, "ST");
  if (!st)
    throw new ConversionError(`${fileName}: no <ST> element (program, operator, board)`, {
      kind: "content",
      line: root.line,
      field: "ST",
    });
  const boards = childrenNamed(root, "BI");
  if (boards.length === 0)
    throw new ConversionError(`${fileName}: no <BI> element (board with its tests): truncated?`, {
      kind: "content",
      line: root.line,
      field: "BI",
    });
  const et = child(root, "ET");
  const time = (e: XmlElement, attr: string): string | undefined => {
    const text = e.attributes[attr];
    if (text === undefined || text.trim() === "") return undefined;
    const w = parseDateAndTime(text, dateOrder);
    if (!w) fail(fileName, e, `${JSON.stringify(text)} is not a date and time (${dateOrder} HH:MM:SS)`, attr);
    return zonedDateTime(w, p.timeZone);
  };
  const headerMisc: [string, string][] = [];
  const nm = (st.attributes.NM ?? "").trim();
  const [programPart, revisionPart] = nm.split(/[_\s]/);
  if (st.attributes.NMP) headerMisc.push(["Board Name", st.attributes.NMP]);
  attributeMisc(st, ["NM", "OP", "NMP"], "ST", headerMisc);
  for (const c of root.children) {
    if (["ST", "BI", "ET"].includes(c.name)) continue;
    if (c.name === "PrgC" || c.name === "FidMrk") {
      const text = [c.text.trim(), ...Object.entries(c.attributes).map(([k, v]) => `${k}=${v}`)]
        .filter(Boolean)
        .join(" ");
      if (text) headerMisc.push([c.name, text]);
      for (const g of c.children) unmapped.note(`<${g.name}> in <${c.name}>`, g.line);
    } else unmapped.note(`<${c.name}>`, c.line);
  }
  const end = et ? time(et, "ED") : undefined;
  const nf = et?.attributes.NF?.trim();
  const fileResult: ReportResult | undefined =
    nf === undefined || nf === "" ? undefined : nf === "0" || nf === "00" ? "P" : "F";
  if (et) attributeMisc(et, ["ED", "NF"], "ET", headerMisc);
  const reports: Report[] = [];
  boards.forEach((bi, k) => {
    const sn = (bi.attributes.BCP ?? "").trim() || (bi.attributes.BC ?? "").trim();
    if (sn === "") fail(fileName, bi, "the board has no serial number (BCP, or BC)", "BCP");
    const start = time(bi, "SD");
    if (start === undefined) fail(fileName, bi, "the board has no start time", "SD");
    const misc: [string, string][] = [...headerMisc];
    if (bi.attributes.BC && bi.attributes.BC.trim() !== sn) misc.push(["Barcode", bi.attributes.BC.trim()]);
    attributeMisc(bi, ["BCP", "BC", "SD"], "BI", misc);
    const steps = readTests(bi, fileName, unmapped);
    reports.push(
      buildUnitReport(
        {
          pn: p.partNumber ?? (programPart || nm || fileName),
          sn,
          rev: revisionPart || p.revision,
          processCode: p.processCode,
          operator: (st.attributes.OP ?? "").trim() || p.operator,
          location: p.location,
          purpose: p.purpose,
          start,
          execTime: end === undefined ? undefined : secondsBetween(start, end),
          sequenceName: nm || undefined,
          testSocketIndex: boards.length > 1 ? k + 1 : undefined,
          misc,
          result: boards.length === 1 ? fileResult : undefined,
        },
        steps,
        context,
        reports.length,
        `board SN ${sn} (line ${bi.line})`,
      ),
    );
  });
  unmapped.flush((m) => context.warn(m), fileName);
  return reports;
}

function readTests(bi: XmlElement, fileName: string, unmapped: UnmappedContent): DraftStep[] {
  const out: DraftStep[] = [];
  let group: { name: string; steps: DraftStep[] } | undefined;
  for (const test of bi.children) {
    if (test.name !== "TEST") {
      unmapped.note(`<${test.name}> in <BI>`, test.line);
      continue;
    }
    const a = test.attributes;
    const groupName = (a.F ?? "").trim() || "Tests";
    if (!group || group.name !== groupName) {
      group = { name: groupName, steps: [] };
      out.push({ kind: "sequence", name: groupName, steps: group.steps, options: {}, line: test.line });
    }
    const name = (a.NM ?? "").trim();
    if (name === "") fail(fileName, test, "the test has no name", "NM");
    const tr = (a.TR ?? "").trim();
    if (tr === "") fail(fileName, test, "the test has no result", "TR");
    const passed = tr === "0" || tr === "00";
    const options: StepOptions = { status: passed ? "P" : "F" };
    const tt = (a.TT ?? "").trim();
    if (tt !== "") {
      const ms = parseDecimal(tt);
      if (ms === undefined)
        fail(fileName, test, `${JSON.stringify(tt)} is not a number of milliseconds`, "TT");
      options.totTime = ms / 1000;
    }
    const text = Object.entries(a)
      .filter(([k]) => !TEST_ATTRIBUTES.has(k))
      .map(([k, v]) => `${k}=${v}`);
    if (!passed) text.unshift(`result code ${tr}`);
    for (const g of test.children) unmapped.note(`<${g.name}> in <TEST>`, g.line);
    const limit = (attr: "ML" | "MH") => {
      const t = (a[attr] ?? "").trim();
      if (t === "") return undefined;
      const n = parseDecimal(t);
      if (n === undefined) fail(fileName, test, `${JSON.stringify(t)} is not a number`, attr);
      return n;
    };
    const low = limit("ML");
    const high = limit("MH");
    const mr = (a.MR ?? "").trim();
    const value = parseDecimal(mr);
    const unit = (a.MU ?? "").trim();
    if (value === undefined) {
      text.unshift(
        `measured ${mr === "" ? "(none)" : mr}${unit ? ` ${unit}` : ""}, limits ${low ?? "-"} .. ${high ?? "-"}`,
      );
      options.reportText = text.join("\n");
      group.steps.push({ kind: "passFail", name, passed, options, line: test.line });
      continue;
    }
    const m: NumericInput = { value, status: passed ? "P" : "F" };
    if (unit !== "") m.unit = unit;
    if (low !== undefined) m.low = low;
    if (high !== undefined) m.high = high;
    if (text.length) options.reportText = text.join("\n");
    group.steps.push({ kind: "numeric", name, measurement: m, options, line: test.line });
  }
  return out;
}
