/** Root-cause routes: tickets (create, update, list, archive) and their attachments. */
import type { Ticket } from "@tswats/root-cause";
import { badRequest } from "../errors.js";
import { multipartBoundary, parseMultipart } from "../formats/multipart.js";
import { binary, type HandlerTable, json } from "../handler.js";
import { keyOf } from "../stores/keys.js";
import { requireGuid } from "./report.js";

export const rootCauseHandlers: HandlerTable = {
  postTicket: (ctx) => json(ctx.state.tickets.create(ctx.body as Ticket, ctx.auth.user, ctx.state.nowIso())),

  putTicket: (ctx) => json(ctx.state.tickets.update(ctx.body as Ticket, ctx.auth.user, ctx.state.nowIso())),

  getTicket: (ctx) => json(ctx.state.tickets.require(requireGuid(ctx.query.string("ticketId"), "ticketId"))),

  getTickets: (ctx) => {
    const status = ctx.query.requireInt("status");
    const view = ctx.query.requireInt("view");
    if (status < 1 || status > 63)
      throw badRequest(`The request is invalid: 'status' flags ${status} are out of range (1-63).`);
    if (view < 0 || view > 2)
      throw badRequest(`The request is invalid: 'view' must be 0, 1 or 2, not ${view}.`);
    const search = ctx.query.string("searchString")?.toLowerCase();
    const user = keyOf(ctx.auth.user);
    return json(
      ctx.state.tickets.list().filter((t) => {
        if (((t.status ?? 0) & status) === 0) return false;
        if (view === 0 && keyOf(t.assignee) !== user) return false;
        if (view === 1 && keyOf(t.owner) !== user && keyOf(t.assignee) !== user) return false;
        if (search) {
          const haystack = [t.subject ?? "", ...(t.tags ?? []).flatMap((g) => [g.key ?? "", g.value ?? ""])];
          if (!haystack.some((h) => h.toLowerCase().includes(search))) return false;
        }
        return true;
      }),
    );
  },

  archiveTickets: (ctx) => {
    const ids = (ctx.body as string[]).map((id, i) => requireGuid(id, `body[${i}]`));
    if (ids.length === 0) throw badRequest("The request body must list at least one ticket id.");
    const archived = ctx.state.tickets.archive(ids, ctx.auth.user, ctx.state.nowIso());
    // The spec declares one Ticket as the answer: the last archived one.
    return json(archived[archived.length - 1]);
  },

  postAttachment: (ctx) => {
    const boundary = multipartBoundary(ctx.contentType);
    if (!boundary) throw badRequest("The attachment must be sent as multipart/form-data.");
    const file = parseMultipart(ctx.rawBody, boundary)?.find((p) => p.data.length > 0);
    if (!file) throw badRequest("The multipart body has no file.");
    const stored = ctx.state.tickets.addAttachment(
      file.filename ?? file.name ?? "attachment",
      file.contentType ?? "application/octet-stream",
      Buffer.from(file.data),
    );
    return json(stored.attachmentId);
  },

  getAttachment: (ctx) => {
    const attachment = ctx.state.tickets.attachment(
      requireGuid(ctx.query.string("attachmentId"), "attachmentId"),
    );
    return binary(
      attachment.data,
      attachment.contentType,
      ctx.query.string("fileName") ?? attachment.filename,
    );
  },
};
