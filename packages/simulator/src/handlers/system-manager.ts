/** System manager routes: clients (stations), their logs, levels; system status. */
import type { Client } from "@tswats/system-manager";
import { badRequest, notFound } from "../errors.js";
import { type HandlerTable, json } from "../handler.js";
import type { StoredClient } from "../stores/system-store.js";

/** A client without the simulator-only `log` text. */
function publicClient(client: StoredClient): Omit<StoredClient, "log"> {
  const { log: _log, ...rest } = client;
  return rest;
}

export const systemManagerHandlers: HandlerTable = {
  client: (ctx) => {
    const found = ctx.state.system.findClient(ctx.query.string("name"), ctx.query.string("identifier"));
    if (!found) throw notFound("No client matches the given name/identifier.");
    return json(publicClient(found));
  },

  putClient: (ctx) => {
    ctx.query.bool("moveWithHistory");
    return json(publicClient(ctx.state.system.updateClient(ctx.body as Client)));
  },

  clients: (ctx) => json(ctx.state.system.clients().map(publicClient)),

  clientLog: (ctx) => {
    const client = ctx.state.system.findClient(undefined, ctx.params.identifier);
    if (!client) throw notFound(`Client '${ctx.params.identifier ?? ""}' was not found.`);
    return json({
      identifier: client.identifier,
      name: client.name,
      timestamp: client.lastReport,
      log: client.log,
    });
  },

  levelByHierarchy: (ctx) => {
    const names = ctx.query.all("hierarchy");
    if (names.length === 0)
      throw badRequest("The request is invalid: the query parameter 'hierarchy' is required.");
    // WATS answers the leaf level's id, or null when the hierarchy is missing.
    return json(ctx.state.system.findHierarchy(names)?.levelId ?? null);
  },

  postLevelByHierarchy: (ctx) => json(ctx.state.system.ensureHierarchy(ctx.body as string[]).levelId),

  getSystemStatus: (ctx) =>
    json({
      Status: "OK",
      Version: ctx.state.version,
      Database: "OK",
      ReportProcessing: "OK",
      Reports: String(ctx.state.reports.size),
      ServerTimeUtc: ctx.state.nowIso(),
      Simulator: "tswats-simulator",
    }),
};
