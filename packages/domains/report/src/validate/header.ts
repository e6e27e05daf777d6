/** Checks of the report header and the blocks beside the step tree: uut/uur, misc infos, sub-units, assets, attachments. */
import { REPORT_RESULTS, REPORT_TYPES, type ReportType } from "../model/codes.js";
import { child } from "../problems.js";
import { parseDateTime, sameInstant } from "../time.js";
import { checkAdditionalData, checkAttachment } from "./attachments.js";
import type { Checker, Obj } from "./checker.js";

const PROCESS_CODE = { min: 0, max: 32767 } as const;
const COUNT = { min: 0, max: 2147483647 } as const;
const DAY_MS = 86_400_000;

function checkMiscInfo(c: Checker, misc: Obj, at: string): void {
  c.text(misc.description, at, "description", "miscDescription", true);
  c.text(misc.text, at, "text", "miscText");
  c.int16(misc.numeric, at, "numeric");
  c.text(misc.numericFormat, at, "numericFormat");
  c.text(misc.typedef, at, "typedef");
  c.guid(misc.id, at, "id");
  if (misc.text == null && misc.numeric == null) {
    c.problems.warn(at, "empty", "has neither text nor numeric: it records nothing");
  }
}

const FAILURE_TEXTS = [
  "comRef",
  "funcBlock",
  "artNumber",
  "artRev",
  "artVendor",
  "artDescription",
  "refStepName",
];

function checkFailure(c: Checker, failure: Obj, at: string): void {
  c.text(failure.category, at, "category", "failureText", true);
  c.text(failure.code, at, "code", "failureText", true);
  c.text(failure.comment, at, "comment", "failureComment");
  for (const key of FAILURE_TEXTS) c.text(failure[key], at, key, "failureText");
  c.integer(failure.refStepId, at, "refStepId");
  const attachments = c.array(failure.attachments, at, "attachments");
  if (attachments)
    c.each(attachments, child(at, "attachments"), (a, aPath) => checkAttachment(c, a, aPath, true));
}

function checkSubUnits(
  c: Checker,
  list: readonly unknown[],
  path: string,
  type: ReportType | undefined,
): void {
  const indexes = new Set<number>();
  let failures = 0;
  let hasMain = false;
  c.each(list, path, (unit, at) => {
    const idx = c.int16(unit.idx, at, "idx");
    const main = type === "R" && idx === 0;
    if (main) hasMain = true;
    c.identifier(unit.pn, at, "pn", "pn");
    c.identifier(unit.sn, at, "sn", "sn", !main);
    c.text(unit.rev, at, "rev", "rev", true);
    c.text(unit.partType, at, "partType", "partType");
    c.int16(unit.position, at, "position");
    c.int16(unit.parentIdx, at, "parentIdx");
    c.int16(unit.replacedIdx, at, "replacedIdx");
    if (idx !== undefined) {
      if (indexes.has(idx))
        c.problems.error(child(at, "idx"), "duplicate-id", `sub-unit index ${idx} is used twice`);
      indexes.add(idx);
    }
    const unitFailures = c.array(unit.failures, at, "failures");
    if (unitFailures) {
      if (type === "T" && unitFailures.length > 0) {
        c.problems.warn(
          child(at, "failures"),
          "ignored",
          "failures belong to repair reports; a test report's are ignored",
        );
      }
      failures += unitFailures.length;
      c.each(unitFailures, child(at, "failures"), (f, fPath) => checkFailure(c, f, fPath));
    }
  });
  if (type !== "R") return;
  c.each(list, path, (unit, at) => {
    for (const key of ["parentIdx", "replacedIdx"]) {
      const ref = unit[key];
      if (typeof ref === "number" && !indexes.has(ref)) {
        c.problems.warn(child(at, key), "repair", `refers to sub-unit index ${ref}, which no sub-unit has`);
      }
    }
  });
  if (!hasMain)
    c.problems.warn(
      path,
      "repair",
      "a repair report should list the repaired unit as the sub-unit with idx 0",
    );
  if (failures === 0) c.problems.warn(path, "repair", "a repair report should record at least one failure");
}

const UUT_FORMATS = [
  "execTimeFormat",
  "testSocketIndexFormat",
  "errorCodeFormat",
  "batchFailCountFormat",
  "batchLoopIndexFormat",
];

function checkUut(c: Checker, uut: Obj, path: string): void {
  c.text(uut.user, path, "user", "user", true);
  c.number(uut.execTime, path, "execTime");
  c.int16(uut.testSocketIndex, path, "testSocketIndex");
  c.text(uut.batchSN, path, "batchSN", "batchSN");
  c.text(uut.comment, path, "comment", "comment");
  c.integer(uut.errorCode, path, "errorCode");
  c.text(uut.errorMessage, path, "errorMessage", "reportErrorMessage");
  c.text(uut.fixtureId, path, "fixtureId", "fixtureId");
  c.integer(uut.batchFailCount, path, "batchFailCount");
  c.integer(uut.batchLoopIndex, path, "batchLoopIndex");
  c.integer(uut.stepIdCausedUUTFailure, path, "stepIdCausedUUTFailure");
  c.array(uut.refUURs, path, "refUURs");
  for (const key of UUT_FORMATS) c.text(uut[key], path, key);
}

function checkUur(c: Checker, uur: Obj, path: string): void {
  c.text(uur.user, path, "user", "user", true);
  c.text(uur.comment, path, "comment", "comment");
  c.integer(uur.processCode, path, "processCode", PROCESS_CODE, true);
  c.text(uur.processCodeFormat, path, "processCodeFormat");
  c.text(uur.processName, path, "processName");
  c.guid(uur.refUUT, path, "refUUT");
  c.guid(uur.parent, path, "parent");
  c.dateTime(uur.confirmDate, path, "confirmDate");
  c.dateTime(uur.finalizeDate, path, "finalizeDate");
  c.number(uur.execTime, path, "execTime");
  const children = c.array(uur.children, path, "children");
  if (children) {
    children.forEach((id, i) => {
      if (typeof id !== "string") c.problems.error(`${path}.children[${i}]`, "type", "must be a GUID string");
    });
  }
}

/** Checks everything but the step tree; returns the report type when it is valid. */
export function checkHeader(c: Checker, r: Obj): ReportType | undefined {
  const $ = "$";
  const type = c.code(r.type, $, "type", REPORT_TYPES, "report type");
  c.guid(r.id, $, "id", true);
  c.identifier(r.pn, $, "pn", "pn");
  c.identifier(r.sn, $, "sn", "sn");
  c.text(r.rev, $, "rev", "rev", true);
  c.text(r.machineName, $, "machineName", "machineName", true);
  c.text(r.location, $, "location", "location", true);
  c.text(r.purpose, $, "purpose", "purpose", true);
  c.integer(r.processCode, $, "processCode", PROCESS_CODE, true);
  c.code(r.result, $, "result", REPORT_RESULTS, "report result");
  for (const key of ["processCodeFormat", "productName", "processName", "origin"]) c.text(r[key], $, key);
  const start = c.dateTime(r.start, $, "start", true);
  const startUtc = c.dateTime(r.startUTC, $, "startUTC");
  if (start !== undefined && startUtc !== undefined && !sameInstant(start, startUtc)) {
    c.problems.error(
      child($, "startUTC"),
      "date-time",
      `${startUtc} is not the same instant as start (${start})`,
    );
  }
  if (start !== undefined && (parseDateTime(start)?.epochMs ?? 0) > c.nowMs + DAY_MS) {
    c.problems.warn(
      child($, "start"),
      "date-time",
      "is more than a day in the future; WATS may delay processing it",
    );
  }

  const misc = c.array(r.miscInfos, $, "miscInfos");
  if (misc) c.each(misc, child($, "miscInfos"), (m, at) => checkMiscInfo(c, m, at));
  const units = c.array(r.subUnits, $, "subUnits", type === "R");
  if (units) checkSubUnits(c, units, child($, "subUnits"), type);
  const assets = c.array(r.assets, $, "assets");
  if (assets) {
    c.each(assets, child($, "assets"), (asset, at) => {
      c.identifier(asset.assetSN, at, "assetSN", "assetSN");
      c.integer(asset.usageCount, at, "usageCount", COUNT, true);
      c.text(asset.usageCountFormat, at, "usageCountFormat");
    });
  }
  c.array(r.assetStats, $, "assetStats");
  const binary = c.array(r.binaryData, $, "binaryData");
  if (binary) {
    if (type === "T" && binary.length > 0) {
      c.problems.warn(
        child($, "binaryData"),
        "ignored",
        "report-level attachments belong to repair reports; attach files to a step instead",
      );
    }
    c.each(binary, child($, "binaryData"), (b, at) => checkAttachment(c, b, at, true));
  }
  const additional = c.array(r.additionalData, $, "additionalData");
  if (additional) checkAdditionalData(c, additional, child($, "additionalData"));

  if (type === "T") {
    c.object(r.root, $, "root", true);
    const uut = c.object(r.uut, $, "uut", true);
    if (uut) checkUut(c, uut, child($, "uut"));
    if (r.uur != null) c.problems.warn(child($, "uur"), "ignored", "a test report's uur block is ignored");
  } else if (type === "R") {
    const uur = c.object(r.uur, $, "uur", true);
    if (uur) checkUur(c, uur, child($, "uur"));
    if (r.root != null)
      c.problems.warn(child($, "root"), "ignored", "a repair report has no step tree; root is ignored");
    if (r.uut != null) c.problems.warn(child($, "uut"), "ignored", "a repair report's uut block is ignored");
  }
  return type;
}
