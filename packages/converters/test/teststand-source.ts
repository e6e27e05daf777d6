/**
 * For the TestStand tests: an independent, deliberately simple reading of a TestStand XML file
 * (every `<Prop Type="TEResult">` anywhere in the document, with the direct members it holds),
 * used to check the converter's output against what the source file says; and a generator of
 * plain TestStand `<Reports>` files (the layout TestStand writes without the WATS add-on) with
 * any step results, for the variant corpus.
 */
import { XMLParser } from "fast-xml-parser";

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === "Prop" || name === "Value" || name === "Report",
});

const props = (n: unknown): Node[] =>
  typeof n === "object" && n !== null && Array.isArray((n as Node).Prop) ? ((n as Node).Prop as Node[]) : [];
const named = (n: unknown, name: string): Node | undefined => props(n).find((p) => p["@Name"] === name);
const text = (n: Node | undefined): string | undefined => {
  const v = n?.Value;
  if (!Array.isArray(v)) return undefined;
  const first = v[0];
  return typeof first === "string"
    ? first
    : typeof first === "object" && first !== null
      ? String((first as Node)["#text"] ?? "")
      : undefined;
};

export interface SourceResult {
  name: string;
  stepType: string;
  status: string;
  startTime?: number;
  totalTime?: number;
  numeric?: { value: string; low?: string; high?: string; comp?: string; units?: string };
  passFail?: string;
  string?: { value: string; limit?: string; comp?: string };
}

/** Every TEResult of the file (the main sequence's included), in document order. */
export function sourceResults(xml: string): SourceResult[] {
  const out: SourceResult[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (typeof n !== "object" || n === null) return;
    const node = n as Node;
    if (node["@Type"] === "TEResult") {
      const ts = named(node, "TS");
      const r: SourceResult = {
        name: text(named(ts, "StepName")) ?? "",
        stepType: text(named(ts, "StepType")) ?? "",
        status: text(named(node, "Status")) ?? "",
      };
      const start = text(named(ts, "StartTime"));
      if (start !== undefined) r.startTime = Number(start);
      const total = text(named(ts, "TotalTime"));
      if (total !== undefined) r.totalTime = Number(total);
      const numeric = named(node, "Numeric");
      if (numeric) {
        const limits = named(node, "Limits");
        r.numeric = { value: text(numeric) ?? "" };
        const low = text(named(limits, "Low"));
        const high = text(named(limits, "High"));
        if (low !== undefined) r.numeric.low = low;
        if (high !== undefined) r.numeric.high = high;
        const comp = text(named(node, "Comp"));
        if (comp !== undefined) r.numeric.comp = comp;
        const units = text(named(node, "Units"));
        if (units !== undefined) r.numeric.units = units;
      }
      const pf = named(node, "PassFail");
      if (pf) r.passFail = text(pf) ?? "";
      const str = named(node, "String");
      if (str) {
        r.string = { value: text(str) ?? "" };
        const limit = text(named(named(node, "Limits"), "String"));
        if (limit !== undefined) r.string.limit = limit;
        const comp = text(named(node, "Comp"));
        if (comp !== undefined) r.string.comp = comp;
      }
      out.push(r);
    }
    // ArrayElementPrototype: the template of an array's elements, not a result
    for (const [k, v] of Object.entries(node))
      if (!k.startsWith("@") && k !== "#text" && k !== "ArrayElementPrototype") visit(v);
  };
  visit(parser.parse(xml));
  return out;
}

/** A header container's scalar members: `header(xml, "UUT")` -> { SerialNumber: "...", ... }. */
export function sourceHeader(xml: string, container: string, reportIndex = 0): Record<string, string> {
  const doc = parser.parse(xml) as Node;
  const report =
    (doc.TSReport as Node | undefined) ??
    (((doc.Reports as Node | undefined)?.Report as Node[] | undefined)?.[reportIndex] as Node);
  const c = named(report, container);
  const out: Record<string, string> = {};
  for (const p of props(c)) {
    const t = text(p);
    if (typeof p["@Name"] === "string" && t !== undefined) out[p["@Name"]] = t;
  }
  return out;
}

/** The ReportInfo key/value pairs of a `<TSReport>`. */
export function sourceReportInfo(xml: string): Record<string, string> {
  const doc = parser.parse(xml) as Node;
  const infos = (doc.TSReport as Node | undefined)?.ReportInfo;
  const list = Array.isArray(infos) ? infos : infos ? [infos] : [];
  return Object.fromEntries(list.map((i: Node) => [i["@key"], i["@value"]]));
}

// --- generator of plain TestStand <Reports> files -------------------------------------------

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/'/g, "&apos;");
export const p = (name: string | undefined, type: string, inner: string, extra = "") =>
  `<Prop${name === undefined ? "" : ` Name='${esc(name)}'`} Type='${type}'${extra} Flags='0x0'>${inner}</Prop>`;
export const s = (name: string, v: string) => p(name, "String", `<Value>${esc(v)}</Value>`);
export const n = (name: string, v: number | string) => p(name, "Number", `<Value>${v}</Value>`);
export const b = (name: string, v: boolean) => p(name, "Boolean", `<Value>${v ? "True" : "False"}</Value>`);
export const arr = (name: string, elements: string[], elementType = "Obj") =>
  p(
    name,
    "Array",
    elements.map((e, i) => `\n<Value ID='[${i}]'>${e}</Value>`).join(""),
    ` LBound='[0]' HBound='[${Math.max(0, elements.length - 1)}]' ElementType='${elementType}'`,
  );

export interface PlainStep {
  name: string;
  type: string;
  status: string;
  group?: string;
  start?: number;
  total?: number;
  /** Raw result members (Numeric, Limits, PassFail, Measurement, Chart, ...). */
  result?: string;
  /** Raw TS members (loop counters, ...). */
  ts?: string;
  id?: number;
  children?: PlainStep[];
}

/** One TEResult (and, for a step with children, its sequence call). */
export function teResult(step: PlainStep): string {
  let ts =
    n("StartTime", step.start ?? 1) +
    n("TotalTime", step.total ?? 0.001) +
    s("StepName", step.name) +
    s("StepGroup", step.group ?? "Main") +
    s("StepType", step.type) +
    n("Id", step.id ?? 0) +
    (step.ts ?? "");
  if (step.children)
    ts =
      p(
        "SequenceCall",
        "Obj",
        arr(
          "ResultList",
          step.children.map((c) => `\n${teResult(c)}`),
        ) +
          s("SequenceFile", "C:\\seq\\Sub.seq") +
          s("SequenceFileVersion", "1.0.0.0") +
          s("Sequence", step.name) +
          s("Status", step.status),
      ) + ts;
  return p(
    undefined,
    "TEResult",
    `\n${p("Error", "Obj", n("Code", 0) + s("Msg", "") + b("Occurred", false), " TypeName='Error'")}\n${s("Status", step.status)}\n${step.result ?? ""}\n${p("TS", "Obj", ts)}\n`,
  );
}

export interface PlainReport {
  sn?: string;
  pn?: string;
  /** UUT members beside SerialNumber/PartNumber (raw XML). */
  uut?: string;
  station?: string;
  date?: { year: number; month: number; day: number; text?: string };
  time?: { h: number; m: number; s: number; ms: number };
  status?: string;
  stepCount?: number;
  steps: PlainStep[];
  /** Raw top-level props of the report. */
  extra?: string;
  type?: string;
}

export function plainReport(r: PlainReport): string {
  const date = r.date ?? { year: 2024, month: 3, day: 9 };
  const time = r.time ?? { h: 13, m: 5, s: 7, ms: 250 };
  const count = r.stepCount ?? countSteps(r.steps);
  const main = p(
    undefined,
    "TEResult",
    p(
      "TS",
      "Obj",
      p(
        "SequenceCall",
        "Obj",
        arr(
          "ResultList",
          r.steps.map((st) => `\n${teResult(st)}`),
        ) +
          s("SequenceFile", "C:\\seq\\Main.seq") +
          s("SequenceFileVersion", "3.1.0.0") +
          s("Sequence", "MainSequence") +
          s("Status", r.status ?? "Passed"),
      ) +
        n("StartTime", 100) +
        n("TotalTime", 20.5) +
        s("StepName", "MainSequence Callback") +
        s("StepType", "SequenceCall") +
        s("StepGroup", "Main"),
    ) +
      p("Error", "Obj", n("Code", 0) + s("Msg", "") + b("Occurred", false)) +
      s("Status", r.status ?? "Passed"),
  );
  return `<Report Type='${r.type ?? "UUT"}' Title='UUT Report' UUTResult='${r.status ?? "Passed"}' StepCount='${count}'>
${p("UUT", "Obj", `${r.sn === undefined ? "" : s("SerialNumber", r.sn)}${n("TestSocketIndex", -1)}${r.pn === undefined ? "" : s("PartNumber", r.pn)}${r.uut ?? ""}`, " TypeName='UUT'")}
${p("ReportOptions", "Obj", b("IncludeTimes", true), " TypeName='ReportOptions'")}
${p("StartTime", "Obj", s("Text", `${time.h}:${time.m}:${time.s}`) + n("Hours", time.h) + n("Minutes", time.m) + n("Seconds", time.s) + n("Milliseconds", time.ms), " TypeName='TimeDetails'")}
${p("StartDate", "Obj", s("Text", date.text ?? `Saturday, March ${date.day}, ${date.year}`) + s("ShortText", `${date.month}/${date.day}/${date.year}`) + n("Year", date.year) + n("Month", date.month) + n("MonthDay", date.day), " TypeName='DateDetails'")}
${r.station ?? p("StationInfo", "Obj", s("StationID", "TS-PLAIN-1") + s("LoginName", "operator1"), " TypeName='NI_StationInfo'")}
${r.extra ?? ""}
${main}
</Report>`;
}

function countSteps(steps: PlainStep[]): number {
  return steps.reduce((sum, st) => sum + 1 + countSteps(st.children ?? []), 0);
}

export function plainReports(
  reports: PlainReport[],
  declaration = `<?xml version="1.0" encoding="iso-8859-1" ?>`,
): string {
  return `${declaration}<?xml-stylesheet type="text/xsl" href="C:\\horizontal.xsl"?>\n\n<Reports>\n${reports.map(plainReport).join("\n")}\n</Reports>\n`;
}
