/**
 * The demo's test-equipment output, made here rather than copied from anywhere: NI TestStand XML
 * reports, CSV step logs and WSJF files for a few part numbers, with a realistic mix of passes,
 * failures and retests. Deterministic (seeded), so every run tells the same story.
 */
import { serialiseReport, UutReport } from "@tswats/report";

export interface SampleFile {
  /** teststand | csv | wsjf: which watch folder it goes to. */
  kind: "teststand" | "csv" | "wsjf";
  name: string;
  content: string;
  /** Reports the file holds. */
  reports: number;
}

/** A small linear congruential generator: the same numbers on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");
const prop = (name: string, type: string, inner: string) =>
  `<Prop Name='${name}' Type='${type}' Flags='0x0'>${inner}</Prop>`;
const text = (name: string, value: string) => prop(name, "String", `<Value>${xml(value)}</Value>`);
const num = (name: string, value: number) => prop(name, "Number", `<Value>${value}</Value>`);
const flag = (name: string, value: boolean) =>
  prop(name, "Boolean", `<Value>${value ? "True" : "False"}</Value>`);

interface TsStep {
  name: string;
  type: "NumericLimitTest" | "PassFailTest";
  passed: boolean;
  value?: number;
  low?: number;
  high?: number;
  units?: string;
  offset: number;
}

function tsResult(step: TsStep): string {
  let inner = text("Status", step.passed ? "Passed" : "Failed");
  if (step.type === "NumericLimitTest") {
    inner += num("Numeric", step.value ?? 0);
    inner += prop("Limits", "Obj", num("Low", step.low ?? 0) + num("High", step.high ?? 0));
    inner += text("Comp", "GELE") + text("Units", step.units ?? "");
  } else {
    inner += flag("PassFail", step.passed);
  }
  inner += prop(
    "TS",
    "Obj",
    num("StartTime", step.offset) +
      num("TotalTime", 0.2) +
      text("StepName", step.name) +
      text("StepType", step.type),
  );
  return `<Prop Type='TEResult' Flags='0x0'>${inner}</Prop>`;
}

function testStandReport(sn: string, pn: string, start: Date, steps: TsStep[]): string {
  const passed = steps.every((s) => s.passed);
  const list = steps.map((s, i) => `<Value ID='[${i}]'>${tsResult(s)}</Value>`).join("");
  const main = prop(
    "TS",
    "Obj",
    `<Prop Name='SequenceCall' Type='Obj' Flags='0x0'><Prop Name='ResultList' Type='Array' LBound='[0]' HBound='[${steps.length - 1}]' ElementType='Obj' Flags='0x0'>${list}</Prop>${text("Sequence", "MainSequence")}${text("SequenceFileVersion", "1.4.0.0")}${text("Status", passed ? "Passed" : "Failed")}</Prop>` +
      num("StartTime", 0) +
      num("TotalTime", steps.length * 0.2) +
      text("StepName", "MainSequence Callback") +
      text("StepType", "SequenceCall"),
  );
  const info = (key: string, value: string, type = "System.String") =>
    `\t<ReportInfo key="${key}" value="${xml(value)}" type="${type}" />\n`;
  return `<?xml version="1.0" encoding="utf-8"?>
<TSReport>
${info("Start", start.toISOString().replace("Z", "+00:00"), "System.DateTime")}${info("EngineStarted", start.toISOString(), "System.DateTime")}${info("SN", sn)}${info("PN", pn)}${info("Rev", "B")}${info("PCode", "10")}\t${prop("UUT", "Obj", text("SerialNumber", sn) + text("PartNumber", pn))}
\t${prop("StationInfo", "Obj", text("StationID", "ICT-01") + text("LoginName", "demo") + text("Location", "Line 1") + text("Purpose", "Production"))}
\t<Prop Name='MainSequenceResults' Type='TEResult' Flags='0x0'>${main}${text("Status", passed ? "Passed" : "Failed")}</Prop>
</TSReport>
`;
}

function csvRows(sn: string, pn: string, start: Date, railV: number): string[] {
  const date = start.toISOString().slice(0, 19).replace("T", " ");
  const pass = railV >= 4.9 && railV <= 5.1;
  return [
    `${sn},${pn},${date},10,Supply voltage,NumericLimit,${railV.toFixed(3)},4.90,5.10,V,${pass ? "PASS" : "FAIL"}`,
    `${sn},${pn},${date},10,Continuity,PassFail,,,,,PASS`,
    `${sn},${pn},${date},10,Firmware version,StringValue,v2.1.5,v2.1.5,,,PASS`,
  ];
}

/**
 * `units` units of each of three products: PCBA-100 through TestStand, PSU-20 through CSV logs,
 * CTRL-7 as WSJF files written by the report builder. About one in six units fails its first
 * run and passes a retest, so first-pass yield comes out below 100 %.
 */
export function sampleFiles(units: number, seed = 42): SampleFile[] {
  const random = seeded(seed);
  const files: SampleFile[] = [];
  const day = Date.UTC(2026, 10, 20, 7, 0, 0);
  const runsFor = () => (random() < 1 / 6 ? [false, true] : [true]);

  for (let unit = 1; unit <= units; unit++) {
    const sn = `PCBA-${String(unit).padStart(4, "0")}`;
    for (const [run, passes] of runsFor().entries()) {
      const start = new Date(day + unit * 60_000 + run * 20_000);
      const rail = passes ? 3.3 + (random() - 0.5) * 0.1 : 3.55;
      const steps: TsStep[] = [
        {
          name: "3V3 rail",
          type: "NumericLimitTest",
          passed: passes,
          value: rail,
          low: 3.2,
          high: 3.4,
          units: "V",
          offset: 0.1,
        },
        { name: "Boot", type: "PassFailTest", passed: true, offset: 0.4 },
      ];
      files.push({
        kind: "teststand",
        name: `${sn}-run${run + 1}.xml`,
        content: testStandReport(sn, "PCBA-100", start, steps),
        reports: 1,
      });
    }
  }

  // CSV: one file per shift of five units (every run of a unit is its own group of rows).
  const header =
    "SerialNumber,PartNumber,TestDate,OperationType,StepName,StepType,Value,LowLimit,HighLimit,Unit,Result";
  for (let first = 1; first <= units; first += 5) {
    const rows: string[] = [];
    let reports = 0;
    for (let unit = first; unit < first + 5 && unit <= units; unit++) {
      const sn = `PSU-${String(unit).padStart(4, "0")}`;
      for (const [run, passes] of runsFor().entries()) {
        const start = new Date(day + 3_600_000 + unit * 60_000 + run * 20_000);
        rows.push(...csvRows(sn, "PSU-20", start, passes ? 5 + (random() - 0.5) * 0.1 : 5.3));
        reports++;
      }
    }
    files.push({
      kind: "csv",
      name: `psu-shift-${first}.csv`,
      content: `${[header, ...rows].join("\n")}\n`,
      reports,
    });
  }

  for (let unit = 1; unit <= units; unit++) {
    const sn = `CTRL-${String(unit).padStart(4, "0")}`;
    for (const [run, passes] of runsFor().entries()) {
      const uut = new UutReport({
        pn: "CTRL-7",
        sn,
        rev: "C",
        processCode: 10,
        operator: "demo",
        station: "FCT-02",
        location: "Line 2",
        purpose: "Production",
        start: new Date(day + 7_200_000 + unit * 60_000 + run * 20_000),
      });
      uut.root
        .numericLimit("Clock frequency", {
          value: passes ? 16 + random() * 0.01 : 15.2,
          low: 15.9,
          high: 16.1,
          unit: "MHz",
        })
        .passFail("Relay click", true);
      const content = `${JSON.stringify(serialiseReport(uut.build()), null, 2)}\n`;
      files.push({ kind: "wsjf", name: `${sn}-run${run + 1}.json`, content, reports: 1 });
    }
  }
  return files;
}
