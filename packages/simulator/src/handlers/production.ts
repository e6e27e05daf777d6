/** Production routes: units (phase, process, parent/child), batches, changes, serial numbers, verification. */
import type {
  ProductionBatch,
  PublicUnitVerification,
  PublicUnitVerificationGrade,
  Unit,
} from "@tswats/production";
import { badRequest } from "../errors.js";
import { multipartBoundary, parseMultipart } from "../formats/multipart.js";
import { isObject } from "../formats/wsjf.js";
import { childrenNamed, escapeXml, parseXml, XmlError } from "../formats/xml.js";
import { type HandlerContext, type HandlerTable, json, text } from "../handler.js";
import type { SimState } from "../state.js";
import { isBlank, keyOf } from "../stores/keys.js";
import type { SerialNumberRecord } from "../stores/serial-number-store.js";
import { PHASE_FINALIZED, type StoredUnit, UNIT_PHASES } from "../stores/unit-store.js";

/** A unit as the Unit model (with product, revision and sub-units). */
export function unitView(state: SimState, unit: StoredUnit, depth = 0): Unit {
  return {
    serialNumber: unit.serialNumber,
    partNumber: unit.partNumber,
    revision: unit.revision,
    parentSerialNumber: unit.parentSerialNumber,
    batchNumber: unit.batchNumber,
    serialDate: unit.serialDate,
    currentLocation: unit.currentLocation,
    xmlData: unit.xmlData,
    unitPhaseId: unit.unitPhaseId,
    unitPhase: UNIT_PHASES[unit.unitPhaseId] ?? null,
    processCode: unit.processCode,
    tags: unit.tags,
    product: state.products.get(unit.partNumber) ?? null,
    productRevision: unit.revision ? (state.products.revision(unit.partNumber, unit.revision) ?? null) : null,
    subUnits: depth > 20 ? [] : state.units.children(unit).map((c) => unitView(state, c, depth + 1)),
  };
}

function format(ctx: HandlerContext, required: boolean): "XML" | "CSV" | undefined {
  const value = required ? ctx.query.requireString("format") : ctx.query.string("format");
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper !== "XML" && upper !== "CSV") {
    throw badRequest(`The request is invalid: 'format' must be XML or CSV, not '${value}'.`);
  }
  return upper;
}

function serialDocument(type: string, records: readonly SerialNumberRecord[], kind: "XML" | "CSV"): string {
  if (kind === "CSV") {
    return [
      "SerialNumber;Taken;TakenDate;RefSN;RefPN;StationName",
      ...records.map((r) =>
        [r.serialNumber, r.taken, r.takenDate ?? "", r.refSN ?? "", r.refPN ?? "", r.stationName ?? ""].join(
          ";",
        ),
      ),
    ].join("\r\n");
  }
  return `<?xml version="1.0" encoding="utf-8"?><SerialNumbers type="${escapeXml(type)}">${records
    .map(
      (r) =>
        `<SerialNumber taken="${r.taken}"${r.refSN ? ` refSN="${escapeXml(r.refSN)}"` : ""}${r.refPN ? ` refPN="${escapeXml(r.refPN)}"` : ""}>${escapeXml(r.serialNumber)}</SerialNumber>`,
    )
    .join("")}</SerialNumbers>`;
}

/**
 * The answer of `POST /api/Production/SerialNumbers/Take` in XML, as WATS sends it: one `SN`
 * element per taken number, its value in `id` (the shape pyWATS reads from real servers).
 */
function takenDocument(type: string, records: readonly SerialNumberRecord[]): string {
  const attribute = (name: string, value: string | null) =>
    value === null || value === "" ? "" : ` ${name}="${escapeXml(value)}"`;
  return `<?xml version="1.0" encoding="utf-8"?><SerialNumbers requestType="Take" serialNumberType="${escapeXml(type)}">${records
    .map(
      (r) =>
        `<SN id="${escapeXml(r.serialNumber)}"${attribute("taken", r.takenDate)}${attribute("refSN", r.refSN)}${attribute("refPN", r.refPN)}${attribute("stationName", r.stationName)}/>`,
    )
    .join("")}</SerialNumbers>`;
}

function readSerialFile(ctx: HandlerContext, kind: "XML" | "CSV"): string[] {
  const boundary = multipartBoundary(ctx.contentType);
  let data = ctx.rawBody;
  if (boundary) {
    const parts = parseMultipart(ctx.rawBody, boundary);
    const file = parts?.find((p) => p.filename !== undefined) ?? parts?.[0];
    if (!file) throw badRequest("The multipart body has no file part.");
    data = file.data;
  }
  const content = data.toString("utf8");
  if (content.trim() === "") throw badRequest("The uploaded serial number file is empty.");
  if (kind === "CSV") {
    return content
      .split(/\r?\n/)
      .map((line) => line.split(/[;,]/)[0]?.trim() ?? "")
      .filter((sn) => sn !== "" && sn.toLowerCase() !== "serialnumber");
  }
  try {
    const root = parseXml(content);
    return childrenNamed(root, "SerialNumber").map((e) => e.text.trim() || (e.attributes.value ?? ""));
  } catch (error) {
    if (error instanceof XmlError)
      throw badRequest(`The serial number file is not well-formed XML: ${error.message}.`);
    throw error;
  }
}

/** Answer of the CheckChildUnits route (untyped in the spec). */
export interface ChildUnitCheck {
  parentSerialNumber: string;
  parentPartNumber: string;
  valid: boolean;
  children: {
    serialNumber: string;
    partNumber: string;
    revision: string | null;
    unitPhaseId: number;
    unitPhase: string | null;
    valid: boolean;
    message: string;
  }[];
}

function verification(
  state: SimState,
  serialNumber: string,
  partNumber: string | undefined,
): PublicUnitVerificationGrade {
  const reports = state.reports
    .list()
    .filter((r) => keyOf(String(r.report.sn)) === keyOf(serialNumber))
    .filter((r) => isBlank(partNumber) || keyOf(String(r.report.pn)) === keyOf(partNumber))
    .sort((a, b) => a.startMs - b.startMs);
  const tests = reports.filter((r) => r.report.type === "T");
  const repairs = reports.filter((r) => r.report.type === "R");
  if (reports.length === 0) state.units.require(serialNumber, partNumber);
  const order: number[] = [];
  for (const r of tests)
    if (!order.includes(r.report.processCode as number)) order.push(r.report.processCode as number);
  const results: PublicUnitVerification[] = order.map((code, processIndex) => {
    const runs = tests.filter((r) => r.report.processCode === code);
    const last = runs[runs.length - 1];
    return {
      processCode: code,
      processName: state.system.process(code)?.name ?? (last?.report.processName as string | null) ?? null,
      processIndex,
      status: last?.report.result === "P" ? "Passed" : "Failed",
      startUtc: (last?.report.startUTC as string | undefined) ?? null,
      stationName: (last?.report.machineName as string | undefined) ?? null,
      totalCount: runs.length,
      nonPassedCount: runs.filter((r) => r.report.result !== "P").length,
      repairCount: repairs.filter((r) => isObject(r.report.uur) && r.report.uur.processCode === code).length,
    };
  });
  const firstRun = order.every(
    (code) => tests.find((r) => r.report.processCode === code)?.report.result === "P",
  );
  const lastRun = results.every((r) => r.status === "Passed");
  const anyRun = order.every((code) =>
    tests.some((r) => r.report.processCode === code && r.report.result === "P"),
  );
  const noRepairs = repairs.length === 0;
  const grade =
    results.length === 0
      ? null
      : firstRun && noRepairs
        ? "A"
        : lastRun && noRepairs
          ? "B"
          : lastRun
            ? "C"
            : "F";
  return {
    status: results.length === 0 ? "Unknown" : lastRun ? "Passed" : "Failed",
    grade,
    allProcessesExecutedInCorrectOrder: true,
    allProcessesPassedFirstRun: results.length > 0 && firstRun,
    allProcessesPassedAnyRun: results.length > 0 && anyRun,
    allProcessesPassedLastRun: results.length > 0 && lastRun,
    noRepairs,
    results,
  };
}

export const productionHandlers: HandlerTable = {
  getUnit: (ctx) => {
    const partNumber = ctx.params.partNumber === "-" ? undefined : ctx.params.partNumber;
    return json(unitView(ctx.state, ctx.state.units.require(ctx.params.serialNumber ?? "", partNumber)));
  },

  putUnits: (ctx) => {
    const now = ctx.state.nowIso();
    const stored = (ctx.body as Unit[]).map((u, i) => {
      try {
        return ctx.state.units.upsert(u, now);
      } catch (error) {
        if (error instanceof Error) error.message = `Unit ${i}: ${error.message}`;
        throw error;
      }
    });
    return json(stored.map((u) => unitView(ctx.state, u)));
  },

  setUnitPhase: (ctx) => {
    const unit = ctx.state.units.require(
      ctx.query.requireString("serialNumber"),
      ctx.query.requireString("partNumber"),
    );
    ctx.state.units.setPhase(unit, ctx.query.requireInt("phase"));
    return json(unitView(ctx.state, unit));
  },

  setUnitProcess: (ctx) => {
    const unit = ctx.state.units.require(
      ctx.query.requireString("serialNumber"),
      ctx.query.requireString("partNumber"),
    );
    const name = ctx.query.requireString("processName");
    const process = ctx.state.system.process(name);
    if (!process) throw badRequest(`Process '${name}' does not exist.`);
    unit.processCode = String(process.code);
    return json(unitView(ctx.state, unit));
  },

  addChildUnit: (ctx) => {
    const units = ctx.state.units;
    const parent = units.require(
      ctx.query.requireString("parentSerialNumber"),
      ctx.query.string("parentPartNumber"),
    );
    const child = units.require(
      ctx.query.requireString("childSerialNumber"),
      ctx.query.string("childPartNumber"),
    );
    if (child === parent) throw badRequest("A unit cannot be its own child.");
    if (child.parentSerialNumber) {
      throw badRequest(`Unit '${child.serialNumber}' already has the parent '${child.parentSerialNumber}'.`);
    }
    for (let p: StoredUnit | undefined = parent; p; ) {
      if (p === child) throw badRequest("The relation would create a loop of parent/child relations.");
      p = p.parentSerialNumber ? units.find(p.parentSerialNumber, p.parentPartNumber) : undefined;
    }
    const checkPartNumber = ctx.query.string("checkPartNumber");
    const checkRevision = ctx.query.string("checkRevision");
    if (checkPartNumber !== undefined && keyOf(checkPartNumber) !== keyOf(child.partNumber)) {
      throw badRequest(
        `Unit '${child.serialNumber}' has part number '${child.partNumber}', not '${checkPartNumber}'.`,
      );
    }
    if (checkRevision !== undefined && keyOf(checkRevision) !== keyOf(child.revision)) {
      throw badRequest(
        `Unit '${child.serialNumber}' has revision '${child.revision ?? ""}', not '${checkRevision}'.`,
      );
    }
    if (child.unitPhaseId !== PHASE_FINALIZED) {
      throw badRequest(
        `Unit '${child.serialNumber}' is in phase '${UNIT_PHASES[child.unitPhaseId] ?? child.unitPhaseId}'; a child unit must be Finalized.`,
      );
    }
    units.setParent(child, parent);
    return json(unitView(ctx.state, parent));
  },

  removeChildUnit: (ctx) => {
    const units = ctx.state.units;
    const parent = units.require(
      ctx.query.requireString("parentSerialNumber"),
      ctx.query.string("parentPartNumber"),
    );
    const child = units.require(
      ctx.query.requireString("childSerialNumber"),
      ctx.query.string("childPartNumber"),
    );
    if (!units.children(parent).includes(child)) {
      throw badRequest(`Unit '${child.serialNumber}' is not a child of '${parent.serialNumber}'.`);
    }
    units.setParent(child, null);
    return json(unitView(ctx.state, parent));
  },

  checkChildUnits: (ctx) => {
    const parent = ctx.state.units.require(
      ctx.query.requireString("parentSerialNumber"),
      ctx.query.string("parentPartNumber"),
    );
    const children = ctx.state.units.children(parent).map((c) => {
      const valid = c.unitPhaseId === PHASE_FINALIZED;
      return {
        serialNumber: c.serialNumber,
        partNumber: c.partNumber,
        revision: c.revision,
        unitPhaseId: c.unitPhaseId,
        unitPhase: UNIT_PHASES[c.unitPhaseId] ?? null,
        valid,
        message: valid ? "OK" : "The child unit is not Finalized",
      };
    });
    const result: ChildUnitCheck = {
      parentSerialNumber: parent.serialNumber,
      parentPartNumber: parent.partNumber,
      valid: children.every((c) => c.valid),
      children,
    };
    return json(result);
  },

  putBatches: (ctx) => json((ctx.body as ProductionBatch[]).map((b) => ctx.state.units.putBatch(b))),

  getUnitChanges: (ctx) => {
    const maxCount = ctx.query.requireInt("maxCount");
    if (maxCount < 0) throw badRequest("The request is invalid: 'maxCount' must not be negative.");
    return json(ctx.state.units.changes(maxCount));
  },

  deleteUnitChange: (ctx) => {
    const id = Number(ctx.params.id);
    if (!Number.isInteger(id))
      throw badRequest(`The request is invalid: the change id '${ctx.params.id}' is not an integer.`);
    return json(ctx.state.units.deleteChange(id));
  },

  getUnitVerification: (ctx) =>
    json(verification(ctx.state, ctx.query.requireString("serialNumber"), ctx.query.string("partNumber"))),

  getSerialNumberTypes: (ctx) => json(ctx.state.serialNumbers.types()),

  takeSerialNumbers: (ctx) => {
    const type = ctx.query.requireString("serialNumberType");
    const kind = format(ctx, false);
    const taken = ctx.state.serialNumbers.take(
      type,
      ctx.query.requireInt("quantity"),
      {
        refSN: ctx.query.string("refSN") ?? null,
        refPN: ctx.query.string("refPN") ?? null,
        stationName: ctx.query.string("stationName") ?? null,
      },
      ctx.query.bool("onlyInSequence") ?? false,
      ctx.state.nowIso(),
    );
    // WATS answers XML unless asked for CSV (the spec: "in either XML or CSV format").
    return kind === "CSV"
      ? text(serialDocument(type, taken, "CSV"), "text/csv; charset=utf-8")
      : text(takenDocument(type, taken), "application/xml; charset=utf-8");
  },

  getSerialNumbersByRange: (ctx) =>
    json(
      ctx.state.serialNumbers.range(ctx.query.requireString("serialNumberType"), {
        startAddress: ctx.query.requireString("startAddress"),
        endAddress: ctx.query.requireString("endAddress"),
        startDate: ctx.query.date("startDate"),
        endDate: ctx.query.date("endDate"),
      }),
    ),

  getSerialNumbersByReference: (ctx) => {
    const type = ctx.query.requireString("serialNumberType");
    const from = ctx.query.date("startDate");
    const to = ctx.query.date("endDate");
    const records = ctx.state.serialNumbers
      .byReference(type, ctx.query.string("refSN"), ctx.query.string("refPN"))
      .filter(
        (r) =>
          (from === undefined || Date.parse(r.takenDate ?? "") >= from) &&
          (to === undefined || Date.parse(r.takenDate ?? "") <= to),
      );
    return json(records);
  },

  exportSerialNumbers: (ctx) => {
    const type = ctx.query.requireString("serialNumberType");
    const kind = format(ctx, true) as "XML" | "CSV";
    const records = ctx.state.serialNumbers.range(type, {
      startAddress: ctx.query.string("startAddress"),
      endAddress: ctx.query.string("endAddress"),
      startDate: ctx.query.date("startDate"),
      endDate: ctx.query.date("endDate"),
    });
    return text(
      serialDocument(type, records, kind),
      kind === "XML" ? "application/xml; charset=utf-8" : "text/csv; charset=utf-8",
    );
  },

  uploadSerialNumbers: (ctx) => {
    const type = ctx.query.requireString("serialNumberType");
    const kind = format(ctx, true) as "XML" | "CSV";
    const serialNumbers = readSerialFile(ctx, kind);
    const added = ctx.state.serialNumbers.add(type, serialNumbers, ctx.state.nowIso());
    return json({ serialNumberType: type, received: serialNumbers.length, added });
  },
};
