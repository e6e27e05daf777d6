/**
 * The WATS filter (`WatsFilter` body of the `/api/App/...` POST routes, or the query parameters
 * of their GET twins) applied to stored reports. Supported: partNumber, revision, serialNumber,
 * batchNumber, stationName, testOperation, status, productGroup, level, miscDescription,
 * miscValue, swFilename, swVersion, socket, dateFrom, dateTo, and `days` (GET routes). Text
 * filters accept `*`/`%` wildcards and `;` between alternatives.
 */
import type { WatsFilter } from "@tswats/analytics";
import { badRequest } from "../errors.js";
import { isObject } from "../formats/wsjf.js";
import type { SimState } from "../state.js";
import { isBlank, keyOf, wildcardMatch } from "../stores/keys.js";
import type { StoredReport } from "../stores/report-store.js";
import { parseInstant } from "../time.js";

export interface ReportFilter extends WatsFilter {
  /** Only reports started within this many days before now. */
  days?: number | undefined;
}

const anyOf = (pattern: string | null | undefined, value: unknown): boolean =>
  isBlank(pattern) ||
  pattern
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .some((p) => typeof value === "string" && wildcardMatch(p, value));

function instant(text: string | null | undefined, name: string): number | undefined {
  if (isBlank(text)) return undefined;
  const parsed = parseInstant(text);
  if (!parsed) throw badRequest(`The filter field '${name}' is not a valid date: '${text}'.`);
  return parsed.epochMs;
}

const STATUS: Record<string, string> = { passed: "P", failed: "F", error: "E", terminated: "T" };

/** The reports of a type ("T" test, "R" repair) that pass the filter, newest first. */
export function filterReports(state: SimState, type: "T" | "R", filter: ReportFilter): StoredReport[] {
  const from = instant(filter.dateFrom, "dateFrom");
  const to = instant(filter.dateTo, "dateTo");
  const since = filter.days === undefined ? undefined : state.now() - filter.days * 86_400_000;
  const statuses = isBlank(filter.status)
    ? undefined
    : filter.status.split(";").map((s) => STATUS[s.trim().toLowerCase()] ?? s.trim().toUpperCase());
  const groups = isBlank(filter.productGroup)
    ? undefined
    : filter.productGroup.split(";").map((g) => {
        const group = state.products.findGroup(g.trim());
        if (!group) throw badRequest(`Product group '${g.trim()}' does not exist.`);
        return group.productGroupId;
      });
  const levels = isBlank(filter.level)
    ? undefined
    : filter.level.split(";").map((l) => {
        const name = l.trim();
        const level = /^\d+$/.test(name)
          ? state.system.level(Number(name))
          : state.system.levels().find((x) => keyOf(x.name) === keyOf(name));
        if (!level) throw badRequest(`Level '${name}' does not exist.`);
        return level.levelId;
      });
  return state.reports
    .list()
    .filter((stored) => {
      const r = stored.report;
      if (r.type !== type) return false;
      if (from !== undefined && stored.startMs < from) return false;
      if (to !== undefined && stored.startMs > to) return false;
      if (since !== undefined && stored.startMs < since) return false;
      if (
        !anyOf(filter.partNumber, r.pn) ||
        !anyOf(filter.revision, r.rev) ||
        !anyOf(filter.serialNumber, r.sn)
      ) {
        return false;
      }
      if (!anyOf(filter.stationName, r.machineName)) return false;
      const uut = isObject(r.uut) ? r.uut : {};
      if (!anyOf(filter.batchNumber, uut.batchSN)) return false;
      if (!isBlank(filter.socket) && String(uut.testSocketIndex ?? "") !== filter.socket) return false;
      if (!isBlank(filter.testOperation)) {
        const wanted = filter.testOperation.split(";").map((t) => t.trim());
        const code = type === "R" && isObject(r.uur) ? r.uur.processCode : r.processCode;
        const name = type === "R" && isObject(r.uur) ? r.uur.processName : r.processName;
        const byName = state.system.process(code as number)?.name ?? name;
        if (!wanted.some((w) => w === String(code) || keyOf(w) === keyOf(String(byName ?? "")))) return false;
      }
      if (statuses && !statuses.includes(String(r.result))) return false;
      if (groups) {
        const own = state.products.groupsOf(String(r.pn), String(r.rev)).map((g) => g.productGroupId);
        if (!groups.some((g) => own.includes(g))) return false;
      }
      if (levels) {
        const client = state.system.clients().find((c) => keyOf(c.name) === keyOf(String(r.machineName)));
        if (!client || !levels.includes(client.clientGroupId ?? -1)) return false;
      }
      const root = isObject(r.root) ? r.root : {};
      const seqCall = isObject(root.seqCall) ? root.seqCall : {};
      if (!anyOf(filter.swFilename, seqCall.path) || !anyOf(filter.swVersion, seqCall.version)) return false;
      if (!isBlank(filter.miscDescription) || !isBlank(filter.miscValue)) {
        const misc = Array.isArray(r.miscInfos) ? r.miscInfos.filter(isObject) : [];
        const hit = misc.some(
          (m) =>
            anyOf(filter.miscDescription, m.description) &&
            anyOf(filter.miscValue, typeof m.text === "string" ? m.text : String(m.numeric ?? "")),
        );
        if (!hit) return false;
      }
      return true;
    })
    .sort((a, b) => b.startMs - a.startMs);
}

/** The filter of a GET route's query parameters (productGroupId/levelId lists use `;`). */
export function filterFromQuery(q: {
  string(name: string): string | undefined;
  int(name: string): number | undefined;
}): ReportFilter {
  return {
    partNumber: q.string("partNumber"),
    revision: q.string("revision"),
    serialNumber: q.string("serialNumber"),
    batchNumber: q.string("batchNumber"),
    stationName: q.string("stationName"),
    testOperation: q.string("testOperation") ?? q.string("processCode"),
    status: q.string("status"),
    productGroup: q.string("productGroupId"),
    level: q.string("levelId"),
    dateFrom: q.string("dateFrom"),
    dateTo: q.string("dateTo"),
    days: q.int("days"),
  };
}
