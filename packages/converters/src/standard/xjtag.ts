/**
 * `xjtag`: XJTAG boundary-scan logs: the `.xjlog` archive (a ZIP with `Info.xml`, one
 * `Run N.xml` per test run, checksums and ConnTest output files) and the XML export of one run
 * (`<testrun>` as a plain `.xml` file). One report per test run.
 *
 * As WATS's own converter maps it: `testrun@datetime` is the start (UTC, written in `timeZone`),
 * `testruninfo` `serial` the serial number, `user` the operator, `xjlink-name` the station (when
 * set), `project-description` the comment, `result` the verdict, `time-taken` (ms) the execution
 * time, `xjlink-serial` and `xjtag-version` misc infos; each `testgroup` is a sequence and each
 * `testfunction` a pass/fail step with its `result`, its text output as report text (errors as
 * error message) and `time-taken`. Beyond WATS's converter: the run header and summary text are
 * the root's report text, times missing from a test function are read from the run's summary
 * table, `circuit-refs`/`device-ref`/`pin-ref`/`conntest-errors` are report text, a ConnTest full
 * output file in the archive is attached to the test function that links to it, and other
 * `testruninfo` entries become misc infos. The archive's `.checksum` entries are not verified
 * (their algorithm is not published); an entry nothing refers to is reported as not mapped.
 */
import { parseDateTime, type Report, type ReportResult, type StepStatus } from "@tswats/report";
import { ConversionError } from "../errors.js";
import type { ConverterContext, ConverterPluginV1 } from "../plugin-api.js";
import { decodeText } from "../text-decode.js";
import type { DraftStep } from "./shared/draft-steps.js";
import { type HeaderParameters, headerParameterSpecs, headerParameters } from "./shared/header-defaults.js";
import { child, childrenNamed, parseXmlElements, type XmlElement } from "./shared/ict-xml-elements.js";
import { buildUnitReport } from "./shared/unit-report.js";
import { UnmappedContent } from "./shared/unmapped.js";
import { instantInZone } from "./shared/wall-clock.js";
import { looksLikeZip, readZip, type ZipEntry, ZipFormatError } from "./shared/zip-archive.js";

export const xjtagConverter: ConverterPluginV1 = {
  apiVersion: 1,
  name: "xjtag",
  description:
    "XJTAG boundary-scan logs: .xjlog archives and the XML export of a run; one report per test run",
  filePatterns: ["*.xjlog", "*.xml"],
  parameters: {
    ...headerParameterSpecs({
      processCode: 10,
      revision: "1.0",
      operator: "unknown",
      partNumberSource: "the run's project-description, else the project file name of Info.xml",
    }),
  },
  detect(sample) {
    if (looksLikeZip(sample.bytes)) {
      const names = new TextDecoder("latin1").decode(sample.bytes.subarray(0, 4096));
      return /Run \d+\.xml|Info\.xml/.test(names) && /Run \d+\.(xml|checksum)/.test(names) ? 0.95 : 0;
    }
    const t = sample.text;
    return /<testrun\s+datetime=/.test(t) && /<(testgroup|testruninfo)[\s>]/.test(t) ? 0.9 : 0;
  },
  convert(input, context) {
    const p = headerParameters(context);
    if (looksLikeZip(input.bytes)) return convertArchive(input.bytes, input.fileName, p, context);
    const run = parseXmlElements(input.text(p.encoding), input.fileName);
    const unmapped = new UnmappedContent();
    const report = convertRun(run, input.fileName, p, context, 0, undefined, new Map(), unmapped);
    unmapped.flush((m) => context.warn(m), input.fileName);
    return report;
  },
};

function zipError(fileName: string, error: unknown): never {
  if (error instanceof ZipFormatError)
    throw new ConversionError(`${fileName}: ${error.message}`, { kind: "parse" }, { cause: error });
  throw error;
}

function entryText(entry: ZipEntry, fileName: string, encoding: string | undefined): string {
  let bytes: Uint8Array;
  try {
    bytes = entry.read();
  } catch (error) {
    zipError(fileName, error);
  }
  try {
    return decodeText(bytes, entry.name, encoding);
  } catch (error) {
    if (ConversionError.is(error))
      throw new ConversionError(`${fileName}, archive entry "${entry.name}": ${error.message}`, {
        kind: error.kind,
        ...(error.line !== undefined ? { line: error.line } : {}),
        field: entry.name,
      });
    throw error;
  }
}

function parseEntry(entry: ZipEntry, fileName: string, encoding: string | undefined): XmlElement {
  const text = entryText(entry, fileName, encoding);
  try {
    return parseXmlElements(text, `${fileName}, archive entry "${entry.name}"`);
  } catch (error) {
    if (ConversionError.is(error))
      throw new ConversionError(error.message, {
        kind: error.kind,
        ...(error.line !== undefined ? { line: error.line } : {}),
        ...(error.column !== undefined ? { column: error.column } : {}),
        field: entry.name,
      });
    throw error;
  }
}

function convertArchive(
  bytes: Uint8Array,
  fileName: string,
  p: HeaderParameters,
  context: ConverterContext,
): Report[] {
  let entries: ZipEntry[];
  try {
    entries = readZip(bytes);
  } catch (error) {
    zipError(fileName, error);
  }
  const unmapped = new UnmappedContent();
  const runs = entries
    .map((e) => ({ e, n: /^Run (\d+)\.xml$/i.exec(e.name)?.[1] }))
    .filter((x): x is { e: ZipEntry; n: string } => x.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n));
  const infoEntry = entries.find((e) => /^Info\.xml$/i.test(e.name));
  let projectName: string | undefined;
  if (infoEntry) {
    const info = parseEntry(infoEntry, fileName, p.encoding);
    const count = child(info, "TestRunCount")?.text.trim();
    if (count !== undefined && /^\d+$/.test(count) && Number(count) !== runs.length)
      throw new ConversionError(
        `${fileName}: Info.xml says the log holds ${count} test runs but the archive has ${runs.length} "Run N.xml" entries (truncated or damaged?)`,
        { kind: "content", field: "TestRunCount" },
      );
    const path = child(info, "ProjectPath")?.text.trim();
    if (path)
      projectName = path
        .split(/[\\/]/)
        .pop()
        ?.replace(/\.[^.]*$/, "");
    for (const c of info.children)
      if (!["Version", "TestRunCount", "ProjectPath", "ExportedFromOutput"].includes(c.name))
        unmapped.note(`Info.xml <${c.name}>`, c.line);
  }
  if (runs.length === 0)
    throw new ConversionError(
      `${fileName}: the archive has no "Run N.xml" entry (entries: ${entries.map((e) => e.name).join(", ")})`,
      {
        kind: "content",
      },
    );
  // Files other than runs, info and checksums: attached where a run links to them.
  const others = new Map<string, { entry: ZipEntry; used: boolean }>();
  for (const e of entries)
    if (e !== infoEntry && !runs.some((r) => r.e === e) && !/\.checksum$/i.test(e.name))
      others.set(e.name, { entry: e, used: false });
  const reports: Report[] = [];
  for (const { e } of runs) {
    const run = parseEntry(e, fileName, p.encoding);
    reports.push(
      convertRun(run, `${fileName}, ${e.name}`, p, context, reports.length, projectName, others, unmapped),
    );
  }
  for (const [name, o] of others)
    if (!o.used) unmapped.note(`archive entry "${name}" (no test function links to it)`);
  unmapped.flush((m) => context.warn(m), fileName);
  return reports;
}

const STEP_STATUS: Readonly<Record<string, StepStatus>> = {
  passed: "P",
  pass: "P",
  failed: "F",
  fail: "F",
  error: "E",
  skipped: "S",
  notrun: "S",
  "not run": "S",
  terminated: "T",
  aborted: "T",
  stopped: "T",
};

const RUN_RESULT: Readonly<Record<string, ReportResult>> = {
  passed: "P",
  failed: "F",
  error: "E",
  terminated: "T",
  aborted: "T",
  stopped: "T",
};

/** Times per test function and test group from the run's HTML summary (`4,474` or `8.025` seconds). */
function summaryTimes(run: XmlElement): Map<string, number> {
  const html: string[] = [];
  const collect = (e: XmlElement) => {
    if (e.name === "html-output" || e.name === "snippet-html") html.push(e.text);
    for (const c of e.children) collect(c);
  };
  for (const c of run.children) if (c.name === "summary" || c.name === "snippets") collect(c);
  const times = new Map<string, number>();
  const re =
    /<td class="firstcol(?:func|test)">(?:(?:(?!<\/td>)[\s\S])*?<img[^>]*\/>)?\s*([^<]+?)\s*(?:<\/a>\s*)?<\/td>(?:(?!<\/tr>)[\s\S])*?<td class="testtime">\s*([\d.,]+)\s*<\/td>/g;
  for (const text of html)
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const name = (m[1] as string).trim();
      if (!times.has(name)) times.set(name, Number((m[2] as string).replace(",", ".")));
    }
  return times;
}

function convertRun(
  run: XmlElement,
  where: string,
  p: HeaderParameters,
  context: ConverterContext,
  index: number,
  projectName: string | undefined,
  others: Map<string, { entry: ZipEntry; used: boolean }>,
  unmapped: UnmappedContent,
): Report {
  if (run.name !== "testrun")
    throw new ConversionError(
      `${where}: the root element is <${run.name}>, not <testrun> (not an XJTAG run)`,
      {
        kind: "content",
        line: run.line,
      },
    );
  const info = child(run, "testruninfo");
  if (!info)
    throw new ConversionError(`${where}: no <testruninfo> (serial number, user, result): truncated run?`, {
      kind: "content",
      line: run.line,
      field: "testruninfo",
    });
  const infoText = (name: string) => child(info, name)?.text.trim() ?? "";
  const sn = infoText("serial");
  if (sn === "")
    throw new ConversionError(`${where}: <testruninfo> has no serial number`, {
      kind: "content",
      line: info.line,
      field: "serial",
    });
  const stamp = run.attributes.datetime ?? "";
  const parsed = parseDateTime(stamp);
  if (!parsed || parsed.offsetMinutes === undefined)
    throw new ConversionError(
      `${where}: testrun datetime ${JSON.stringify(stamp)} is not an ISO date-time with a zone`,
      {
        kind: "content",
        line: run.line,
        field: "datetime",
      },
    );
  const start = instantInZone(parsed.epochMs, p.timeZone);
  const misc: [string, string][] = [];
  const known = new Set(["project-description", "user", "serial", "xjlink-name", "result", "time-taken"]);
  for (const c of info.children) {
    if (known.has(c.name)) continue;
    if (c.text.trim() !== "") misc.push([c.name, c.text.trim()]);
  }
  const resultText = infoText("result");
  const result = RUN_RESULT[resultText.toLowerCase()];
  if (resultText !== "" && result === undefined)
    unmapped.note(`run result ${JSON.stringify(resultText)}`, info.line);
  const timeTaken = Number(infoText("time-taken"));
  const times = summaryTimes(run);
  const rootText: string[] = [];
  const steps: DraftStep[] = [];
  for (const c of run.children) {
    switch (c.name) {
      case "testgroup":
        steps.push(readGroup(c, times, others, unmapped));
        break;
      case "header":
        if (c.text.trim()) rootText.push(c.text.trim());
        break;
      case "summary":
        for (const t of childrenNamed(c, "text-output")) if (t.text.trim()) rootText.push(t.text.trim());
        break;
      case "text-output":
        // Between groups XJTAG notes the test functions it skipped ("IC3.TestDestructive skipped").
        for (const line of c.text.split(/\r?\n/)) {
          const t = line.trim();
          if (t === "") continue;
          const skipped = /^(.+?)\s+skipped$/i.exec(t);
          if (skipped)
            steps.push({
              kind: "action",
              name: skipped[1] as string,
              options: { status: "S", reportText: t },
              line: c.line,
            });
          else rootText.push(t);
        }
        break;
      case "testruninfo":
      case "snippets":
        break;
      default:
        unmapped.note(`<${c.name}> in <testrun>`, c.line);
    }
  }
  const description = infoText("project-description");
  return buildUnitReport(
    {
      pn: p.partNumber ?? (description || projectName || "PN"),
      sn,
      rev: p.revision,
      processCode: p.processCode,
      operator: infoText("user") || p.operator,
      station: infoText("xjlink-name") || undefined,
      location: p.location,
      purpose: p.purpose,
      start,
      execTime: Number.isFinite(timeTaken) && infoText("time-taken") !== "" ? timeTaken / 1000 : undefined,
      comment: description || undefined,
      rootReportText: rootText.join("\n") || undefined,
      misc,
      result,
    },
    steps,
    context,
    index,
    `${where}, SN ${sn}`,
  );
}

function readGroup(
  group: XmlElement,
  times: Map<string, number>,
  others: Map<string, { entry: ZipEntry; used: boolean }>,
  unmapped: UnmappedContent,
): DraftStep {
  const name = group.attributes.name ?? "testgroup";
  const steps: DraftStep[] = [];
  for (const c of group.children) {
    if (c.name === "testfunction") steps.push(readFunction(c, times, others, unmapped));
    else unmapped.note(`<${c.name}> in <testgroup>`, c.line);
  }
  const totTime = times.get(name);
  return {
    kind: "sequence",
    name,
    steps,
    options: totTime !== undefined ? { totTime } : {},
    line: group.line,
  };
}

function readFunction(
  fn: XmlElement,
  times: Map<string, number>,
  others: Map<string, { entry: ZipEntry; used: boolean }>,
  unmapped: UnmappedContent,
): DraftStep {
  const name = fn.attributes.name ?? "testfunction";
  const text: string[] = [];
  const errors: string[] = [];
  let status: StepStatus | undefined;
  let totTime: number | undefined;
  let attachment: { name: string; contentType: string; data: Uint8Array } | undefined;
  for (const c of fn.children) {
    switch (c.name) {
      case "text-output": {
        const t = c.text.trim();
        if (t === "") break;
        text.push(t);
        if (c.attributes["output-type"] === "Error") errors.push(t);
        break;
      }
      case "result": {
        const value = c.attributes.value ?? c.text.trim();
        status = STEP_STATUS[value.toLowerCase()];
        if (status === undefined) {
          unmapped.note(`test function result ${JSON.stringify(value)}`, c.line);
          text.push(`result: ${value}`);
        }
        break;
      }
      case "time-taken": {
        const ms = Number(c.text.trim());
        if (Number.isFinite(ms) && c.text.trim() !== "") totTime = ms / 1000;
        break;
      }
      case "html-output": {
        // Links to the ConnTest full output: attach that file when the archive holds it.
        for (const [entryName, o] of others)
          if (!o.used && c.text.includes(entryName)) {
            attachment = { name: entryName, contentType: "text/plain", data: o.entry.read() };
            o.used = true;
          }
        break;
      }
      case "plain-text":
        // The same text as the text-output elements, without their types.
        break;
      case "conntest-errors":
      case "circuit-refs":
      case "device-ref":
      case "pin-ref":
        if (c.text.trim() || c.children.length)
          text.push(
            `${c.name}: ${[c.text.trim(), ...c.children.map((x) => x.text.trim() || x.name)].filter(Boolean).join(", ")}`,
          );
        break;
      default:
        unmapped.note(`<${c.name}> in <testfunction>`, c.line);
    }
  }
  if (status === undefined) unmapped.note("test function without a result", fn.line);
  const options: DraftStep["options"] = {};
  if (status !== undefined) options.status = status;
  if (text.length) options.reportText = text.join("\n");
  if (errors.length && (status === "F" || status === "E"))
    options.errorMessage = [...errors.join(" ")].slice(0, 200).join("");
  const time = totTime ?? times.get(name);
  if (time !== undefined) options.totTime = time;
  if (attachment) options.attachment = attachment;
  if (status === "P" || status === "F")
    return { kind: "passFail", name, passed: status === "P", options, line: fn.line };
  return { kind: "action", name, options, line: fn.line };
}
