/**
 * One unit's report from what a converter collected: header fields, draft steps, misc infos and
 * the verdict the file states. Statuses the file gives are kept; the ones it leaves out are
 * computed from limits and children (active mode). When the file's verdict disagrees with its
 * steps, the report keeps the file's verdict and the converter says so. Texts longer than WATS
 * stores are cut to the limit with a warning naming the field and the lines.
 */
import { type Report, type ReportResult, TEXT_LIMITS, UutReport } from "@tswats/report";
import type { ConverterContext } from "../../plugin-api.js";
import { addDraftSteps, type DraftStep, textOverflows } from "./draft-steps.js";

export interface UnitHeader {
  pn: string;
  sn: string;
  rev: string;
  processCode: number;
  operator: string;
  /** From the file; the context's station (then the host name) when undefined. */
  station?: string | undefined;
  location: string;
  purpose: string;
  /** WSJF date-time with offset. */
  start: string;
  execTime?: number | undefined;
  sequenceName?: string | undefined;
  sequenceVersion?: string | undefined;
  sequenceFile?: string | undefined;
  testSocketIndex?: number | undefined;
  fixtureId?: string | undefined;
  batchSN?: string | undefined;
  comment?: string | undefined;
  misc?: readonly (readonly [string, string])[];
  /** Text shown with the root step (e.g. a test run's header output). */
  rootReportText?: string | undefined;
  /** The verdict the file states for this unit, if it states one. */
  result?: ReportResult | undefined;
}

const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * Builds the report. `where` names the unit in messages (e.g. `unit SN 1234 (line 8)`).
 */
export function buildUnitReport(
  header: UnitHeader,
  steps: readonly DraftStep[],
  context: ConverterContext,
  index: number,
  where: string,
): Report {
  const overflows = textOverflows(steps);
  const checkHeader = (label: string, text: string | undefined, limit: number) => {
    if (text !== undefined && [...text].length > limit)
      overflows.set(`${label} (limit ${limit})`, [undefined]);
  };
  checkHeader("comment", header.comment, TEXT_LIMITS.comment);
  checkHeader("root report text", header.rootReportText, TEXT_LIMITS.reportText);
  checkHeader("sequence name", header.sequenceName, TEXT_LIMITS.seqCallName);
  checkHeader("sequence version", header.sequenceVersion, TEXT_LIMITS.seqCallVersion);
  for (const [description, text] of header.misc ?? []) {
    checkHeader(`misc info "${description.slice(0, 40)}"`, text, TEXT_LIMITS.miscText);
    checkHeader("misc info description", description, TEXT_LIMITS.miscDescription);
  }
  for (const [key, value] of Object.entries({
    pn: header.pn,
    sn: header.sn,
    rev: header.rev,
    operator: header.operator,
    station: header.station,
  }))
    checkHeader(key, value, TEXT_LIMITS.pn);
  for (const [label, lines] of overflows) {
    const known = lines.filter((l): l is number => l !== undefined);
    context.warn(
      `${where}: ${lines.length === 1 ? "a" : lines.length} ${label} longer than WATS stores, cut to the limit` +
        (known.length
          ? ` (line${known.length > 1 ? "s" : ""} ${known.slice(0, 5).join(", ")}${known.length > 5 ? ", ..." : ""})`
          : ""),
    );
  }
  const builder = new UutReport(
    clean({
      id: context.reportId(index),
      pn: header.pn,
      sn: header.sn,
      rev: header.rev,
      processCode: header.processCode,
      operator: header.operator,
      station: header.station ?? context.station,
      location: header.location,
      purpose: header.purpose,
      start: header.start,
      execTime: header.execTime,
      testSocketIndex: header.testSocketIndex,
      fixtureId: header.fixtureId,
      batchSN: header.batchSN,
      comment: header.comment,
      sequenceVersion:
        header.sequenceVersion === undefined
          ? undefined
          : [...header.sequenceVersion].slice(0, TEXT_LIMITS.seqCallVersion).join(""),
      sequenceFile: header.sequenceFile,
      textOverflow: "truncate" as const,
    }),
  );
  if (header.rootReportText)
    builder.root.step.reportText = [...header.rootReportText].slice(0, TEXT_LIMITS.reportText).join("");
  const seqCall = builder.root.step.seqCall;
  if (header.sequenceName !== undefined && seqCall)
    seqCall.name = [...header.sequenceName].slice(0, TEXT_LIMITS.seqCallName).join("");
  for (const [description, text] of header.misc ?? []) builder.miscInfo(description, text);
  addDraftSteps(builder.root, steps);
  const report = builder.build();
  const fileResult = header.result;
  if (fileResult !== undefined && fileResult !== report.result) {
    const computed = report.result;
    report.result = fileResult;
    if (report.root) report.root.status = fileResult;
    if ((fileResult === "P" && computed !== "P") || (fileResult === "F" && computed === "P"))
      context.warn(
        `${where}: the file's verdict is ${verdictWord(fileResult)} but its steps give ${verdictWord(computed)}; the report keeps the file's verdict`,
      );
  }
  return report;
}

const verdictWord = (r: string | null | undefined) =>
  ({ P: "passed", F: "failed", E: "error", T: "terminated" })[r ?? ""] ?? String(r);
