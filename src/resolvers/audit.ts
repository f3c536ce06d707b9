// The audit trail: every change to a case is one immutable TicketEvent row, written in
// the same transaction as the change (a database trigger refuses updates and deletes).
import type { Viewer } from "../domain/access.js";
import type { Prisma } from "../generated/prisma/client.js";

export const TICKET_EVENT_TYPES = {
  CREATED: "The case was created.",
  UPDATED: "Fields of the case changed.",
  STATUS_CHANGED: "The case moved in the workflow.",
  ASSIGNED: "The assignee changed.",
  ESCALATED: "The case moved to another support tier.",
  COMMENTED: "A comment or reply was added.",
  TAGGED: "Tags were added or removed.",
  SLA_WARNING: "An SLA target is about to be missed.",
  SLA_BREACHED: "An SLA target was missed.",
} as const;
export type TicketEventType = keyof typeof TICKET_EVENT_TYPES;

export type Tx = Prisma.TransactionClient;

export function actorOf(viewer: Viewer | null) {
  if (!viewer) return { actorKind: "SYSTEM" as const };
  return viewer.kind === "user"
    ? { actorKind: "USER" as const, actorUserId: viewer.userId }
    : { actorKind: "TOKEN" as const, actorTokenId: viewer.tokenId };
}

export interface EventRecord {
  type: TicketEventType;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  note?: string | null;
}

export async function recordEvent(tx: Tx, viewer: Viewer | null, ticketId: string, at: Date, event: EventRecord) {
  return tx.ticketEvent.create({
    data: { ticketId, at, ...actorOf(viewer), type: event.type, before: event.before, after: event.after, note: event.note },
    select: { seq: true },
  });
}
