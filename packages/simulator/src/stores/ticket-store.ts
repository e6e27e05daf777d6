/** Root-cause tickets, their update history and attachments. */
import type { Ticket, TicketUpdate } from "@tswats/root-cause";
import { badRequest, notFound } from "../errors.js";
import type { Random } from "../random.js";
import { isBlank, keyOf } from "./keys.js";

/** Ticket status flags (WATS `status` enum 1..32). */
export const TICKET_STATUS = {
  open: 1,
  inProgress: 2,
  onHold: 4,
  solved: 8,
  closed: 16,
  archived: 32,
} as const;

const STATUSES = Object.values(TICKET_STATUS) as number[];

export type StoredTicket = Ticket & { ticketId: string; ticketNumber: number; history: TicketUpdate[] };

export interface StoredAttachment {
  attachmentId: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export class TicketStore {
  readonly #tickets = new Map<string, StoredTicket>();
  readonly #attachments = new Map<string, StoredAttachment>();
  readonly #random: Random;
  #nextNumber = 1001;

  constructor(random: Random) {
    this.#random = random;
  }

  list(): StoredTicket[] {
    return [...this.#tickets.values()];
  }

  require(ticketId: string): StoredTicket {
    const ticket = this.#tickets.get(keyOf(ticketId));
    if (!ticket) throw notFound(`Ticket '${ticketId}' was not found.`);
    return ticket;
  }

  create(input: Ticket, user: string, now: string): StoredTicket {
    if (isBlank(input.subject)) throw badRequest("The ticket field 'subject' is required.");
    checkStatus(input.status);
    const ticket: StoredTicket = {
      ticketId: this.#random.uuid(),
      ticketNumber: this.#nextNumber++,
      progress: input.progress ?? null,
      owner: input.owner ?? user,
      assignee: input.assignee ?? null,
      subject: input.subject,
      status: input.status ?? TICKET_STATUS.open,
      priority: input.priority ?? 1,
      reportUuid: input.reportUuid ?? null,
      createdUtc: now,
      updatedUtc: now,
      team: input.team ?? null,
      origin: input.origin ?? null,
      tags: input.tags ?? [],
      history: [],
      update: null,
    };
    this.#addUpdate(ticket, input.update ?? { content: "Ticket created", updateType: 0 }, user, now);
    this.#tickets.set(keyOf(ticket.ticketId), ticket);
    return ticket;
  }

  update(input: Ticket, user: string, now: string): StoredTicket {
    if (isBlank(input.ticketId))
      throw badRequest("The ticket field 'ticketId' is required to update a ticket.");
    const ticket = this.require(input.ticketId);
    checkStatus(input.status);
    for (const key of [
      "progress",
      "assignee",
      "subject",
      "status",
      "priority",
      "reportUuid",
      "team",
      "tags",
    ] as const) {
      if (input[key] !== undefined) (ticket as unknown as Record<string, unknown>)[key] = input[key];
    }
    if (input.update) this.#addUpdate(ticket, input.update, user, now);
    ticket.updatedUtc = now;
    return ticket;
  }

  /** Archives solved tickets; any other status is refused, naming the ticket. */
  archive(ids: readonly string[], user: string, now: string): StoredTicket[] {
    const tickets = ids.map((id) => this.require(id));
    for (const ticket of tickets) {
      if (ticket.status !== TICKET_STATUS.solved) {
        throw badRequest(
          `Ticket ${ticket.ticketNumber} ('${ticket.ticketId}') is not Solved; only Solved tickets can be archived.`,
        );
      }
    }
    for (const ticket of tickets) {
      ticket.status = TICKET_STATUS.archived;
      ticket.updatedUtc = now;
      this.#addUpdate(ticket, { content: "Ticket archived", updateType: 0 }, user, now);
    }
    return tickets;
  }

  #addUpdate(ticket: StoredTicket, update: TicketUpdate, user: string, now: string): void {
    ticket.history.push({
      updateId: this.#random.uuid(),
      updateUtc: now,
      updateUser: user,
      content: update.content ?? null,
      updateType: update.updateType ?? 0,
      attachments: update.attachments ?? [],
    });
  }

  addAttachment(filename: string, contentType: string, data: Buffer): StoredAttachment {
    const attachment = { attachmentId: this.#random.uuid(), filename, contentType, data };
    this.#attachments.set(keyOf(attachment.attachmentId), attachment);
    return attachment;
  }

  attachment(id: string): StoredAttachment {
    const attachment = this.#attachments.get(keyOf(id));
    if (!attachment) throw notFound(`Attachment '${id}' was not found.`);
    return attachment;
  }
}

function checkStatus(status: Ticket["status"]): void {
  if (status !== undefined && status !== null && !STATUSES.includes(status)) {
    throw badRequest(`Ticket status ${status} does not exist; use one of ${STATUSES.join(", ")}.`);
  }
}
