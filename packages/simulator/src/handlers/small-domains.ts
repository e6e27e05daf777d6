/** Routes of the small domains: auth, mes, workflow, barcode identifiers, export. */
import type { BarcodeIdentifier } from "@tswats/barcode-identifiers";
import type { WatsFilter } from "@tswats/export";
import type { CommonUserSettings } from "@tswats/mes";
import { filterReports } from "../analytics/filter.js";
import { badRequest, notFound } from "../errors.js";
import { writeZip } from "../formats/zip.js";
import { binary, type HandlerTable, json } from "../handler.js";

export const authHandlers: HandlerTable = {
  getToken: (ctx) => {
    const issued = ctx.tokens.issue(ctx.auth.user, ctx.auth, ctx.query.bool("reset") ?? false);
    return json({ identifier: issued.identifier, token: issued.token });
  },

  getTokenByIdentifier: (ctx) => {
    const identifier = ctx.params.identifier ?? "";
    if (identifier.trim() === "") throw badRequest("The token identifier must not be empty.");
    const issued = ctx.tokens.issue(identifier, ctx.auth, ctx.query.bool("reset") ?? false);
    return json({ identifier: issued.identifier, token: issued.token });
  },
};

export const mesHandlers: HandlerTable = {
  getCommonUserSettings: (ctx) => {
    const name = ctx.query.requireString("UserName");
    const user = ctx.state.users.byUserName(name);
    if (!user) throw notFound(`User '${name}' was not found.`);
    const settings: CommonUserSettings = {
      fullName: user.fullName,
      cultureCode: user.cultureCode,
      email: user.email,
      roles: user.roles,
      levels: user.levels,
      productGroups: user.productGroups,
    };
    return json(settings);
  },
};

export const workflowHandlers: HandlerTable = {
  /** True when the unit's test activity started (a unit that does not exist is a 400). */
  startTest: (ctx) => {
    const unit = ctx.state.units.find(
      ctx.query.requireString("serialNumber"),
      ctx.query.requireString("partNumber"),
    );
    if (!unit) throw badRequest("The unit does not exist in WATS MES.");
    const status = ctx.query.int("status") ?? 2;
    if (status < 0 || status > 3)
      throw badRequest(`The request is invalid: 'status' must be 0-3, not ${status}.`);
    if (unit.testInProgress) return json(false);
    unit.testInProgress = true;
    return json(true);
  },

  /** True when a started test activity ended; false when none was started. */
  endTest: (ctx) => {
    const unit = ctx.state.units.find(
      ctx.query.requireString("serialNumber"),
      ctx.query.requireString("partNumber"),
    );
    if (!unit) throw badRequest("The unit does not exist in WATS MES.");
    ctx.query.bool("passed");
    if (!unit.testInProgress) return json(false);
    unit.testInProgress = false;
    return json(true);
  },
};

export const barcodeHandlers: HandlerTable = {
  putBarcodeIdentifier: (ctx) => json(ctx.state.barcodes.put(ctx.body as BarcodeIdentifier)),

  deleteBarcodeIdentifier: (ctx) => {
    const id = Number(ctx.params.id);
    if (!Number.isInteger(id))
      throw badRequest(`The request is invalid: '${ctx.params.id ?? ""}' is not an integer id.`);
    return json(ctx.state.barcodes.delete(id));
  },

  getBarcodeIdentifiers: (ctx) => json(ctx.state.barcodes.list()),

  getIdentifiedBarcode: (ctx) => json(ctx.state.barcodes.identify(ctx.query.requireString("code"))),
};

export const exportHandlers: HandlerTable = {
  /** Builds the certificate export at once (WATS queues it and mails a link). */
  queueExportCertificate: (ctx) => {
    const filter = (ctx.body ?? {}) as WatsFilter;
    const reports = filterReports(ctx.state, "T", filter).slice(0, filter.topCount ?? 1000);
    const asIndividualFiles = ctx.query.bool("asIndividualFiles") ?? false;
    const headerOnly = ctx.query.bool("headerDataOnly") ?? false;
    const lines = (r: (typeof reports)[number]) =>
      [
        `Report ${r.id}`,
        `PN ${String(r.report.pn)} Rev ${String(r.report.rev)} SN ${String(r.report.sn)}`,
        `Process ${String(r.report.processCode)} Result ${String(r.report.result)} Start ${String(r.report.start)}`,
        ...(headerOnly ? [] : [`Station ${String(r.report.machineName)}`]),
      ].join("\r\n");
    const entries = asIndividualFiles
      ? reports.map((r) => ({ name: `${r.id}.txt`, data: Buffer.from(lines(r)) }))
      : [{ name: "certificates.txt", data: Buffer.from(reports.map(lines).join("\r\n\r\n")) }];
    const fileName = `Certificates_${ctx.state.exports.list(ctx.auth.user).length + 1}.zip`;
    ctx.state.exports.add({
      fileName,
      user: ctx.auth.user,
      created: ctx.state.nowIso(),
      contentType: "application/zip",
      data: writeZip(entries),
    });
    // WATS answers the name to wait for in GET /api/Export/List ("exportFileName").
    return json({ exportFileName: fileName });
  },

  getExportList: (ctx) => json(ctx.state.exports.list(ctx.auth.user).map((f) => f.fileName)),

  getExportedFile: (ctx) => {
    const file = ctx.state.exports.require(ctx.auth.user, ctx.params.fileName ?? "");
    return binary(file.data, file.contentType, file.fileName);
  },
};
