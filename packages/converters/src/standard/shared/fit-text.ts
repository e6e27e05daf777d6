/**
 * Cuts texts that are longer than WATS stores (the limits of `@tswats/report`'s TEXT_LIMITS, in
 * code points) and removes characters XML cannot hold, as WATS's own converters do, and says so:
 * every cut is a warning naming the field and where it is.
 */
import { type Report, type Step, TEXT_LIMITS, type TextField } from "@tswats/report";
import type { WarningTally } from "./warning-tally.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML cannot hold
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

type Holder = Record<string, unknown>;

function fit(
  holder: Holder | null | undefined,
  key: string,
  field: TextField,
  where: string,
  tally: WarningTally,
): void {
  if (!holder) return;
  const value = holder[key];
  if (typeof value !== "string") return;
  let text = value;
  if (XML_INVALID.test(text)) {
    XML_INVALID.lastIndex = 0;
    text = text.replace(XML_INVALID, "");
    tally.add(`${where}: ${key} holds control characters WATS cannot store: removed`, 0);
  }
  const max = TEXT_LIMITS[field];
  if (text.length > max) {
    const points = Array.from(text);
    if (points.length > max) {
      text = points.slice(0, max).join("");
      tally.add(`${where}: ${key} is ${points.length} characters long, WATS stores ${max}: cut to ${max}`, 0);
    }
  }
  holder[key] = text;
}

/** Fits every text of `report` in place. `lineOf` may name the source line of a step. */
export function fitReportTexts(
  report: Report,
  tally: WarningTally,
  lineOf?: (step: Step) => number | undefined,
): void {
  const r = report as unknown as Holder;
  for (const [key, field] of [
    ["pn", "pn"],
    ["sn", "sn"],
    ["rev", "rev"],
    ["machineName", "machineName"],
    ["location", "location"],
    ["purpose", "purpose"],
  ] as const)
    fit(r, key, field, "report", tally);
  const uut = report.uut as Holder | undefined;
  for (const [key, field] of [
    ["user", "user"],
    ["batchSN", "batchSN"],
    ["fixtureId", "fixtureId"],
    ["comment", "comment"],
    ["errorMessage", "reportErrorMessage"],
  ] as const)
    fit(uut, key, field, "uut", tally);
  for (const m of report.miscInfos ?? []) {
    fit(m as Holder, "description", "miscDescription", "misc info", tally);
    fit(m as Holder, "text", "miscText", `misc info ${JSON.stringify(m.description)}`, tally);
  }
  for (const u of report.subUnits ?? []) fit(u as Holder, "partType", "partType", "sub-unit", tally);
  const stack: { step: Step; path: string }[] = report.root
    ? [{ step: report.root, path: report.root.name ?? "root" }]
    : [];
  while (stack.length > 0) {
    const { step, path } = stack.pop() as { step: Step; path: string };
    const line = lineOf?.(step);
    const where = `step ${JSON.stringify(path)}${line ? ` (line ${line})` : ""}`;
    const s = step as Holder;
    fit(s, "name", "stepName", where, tally);
    fit(s, "errorMessage", "stepErrorMessage", where, tally);
    fit(s, "reportText", "reportText", where, tally);
    for (const m of step.numericMeas ?? []) {
      fit(m as Holder, "name", "measurementName", where, tally);
      fit(m as Holder, "unit", "unit", where, tally);
    }
    for (const m of step.stringMeas ?? []) {
      fit(m as Holder, "name", "measurementName", where, tally);
      fit(m as Holder, "value", "stringValue", where, tally);
      fit(m as Holder, "limit", "stringValue", where, tally);
    }
    for (const m of step.booleanMeas ?? []) fit(m as Holder, "name", "measurementName", where, tally);
    fit(step.seqCall as Holder | undefined, "path", "seqCallPath", where, tally);
    fit(step.seqCall as Holder | undefined, "name", "seqCallName", where, tally);
    fit(step.seqCall as Holder | undefined, "version", "seqCallVersion", where, tally);
    fit(step.messagePopup as Holder | undefined, "response", "popupResponse", where, tally);
    const chart = step.chart as Holder | undefined;
    for (const key of ["label", "xLabel", "yLabel"]) fit(chart, key, "chartLabel", where, tally);
    for (const key of ["xUnit", "yUnit"]) fit(chart, key, "chartUnit", where, tally);
    fit(step.attachment as Holder | undefined, "name", "attachmentName", where, tally);
    for (const c of step.steps ?? []) stack.push({ step: c, path: `${path}/${c.name}` });
  }
}
