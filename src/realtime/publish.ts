// Publishing after commit: the events of a committed write go out with the current
// access facts of their cases, so subscribers can filter without a query each.
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Outbox } from "../resolvers/audit.js";
import type { Realtime, TicketFacts } from "./pubsub.js";

export const TICKET_FACTS = {
  id: true,
  teamId: true,
  assigneeId: true,
  submittedById: true,
  status: true,
  priority: true,
} as const;

export async function loadTicketFacts(prisma: PrismaClient, ticketIds: readonly string[]): Promise<Map<string, TicketFacts>> {
  const rows = await prisma.ticket.findMany({ where: { id: { in: [...new Set(ticketIds)] } }, select: TICKET_FACTS });
  return new Map(rows.map(({ id, ...facts }) => [id, facts]));
}

/**
 * Never fails the write that committed: a subscriber that missed an event catches up
 * from the audit table (ticketEvents(after:)).
 */
export async function publishOutbox(realtime: Realtime, prisma: PrismaClient, outbox: Outbox): Promise<void> {
  if (!outbox.length) return;
  const facts = await loadTicketFacts(prisma, outbox.map((e) => e.ticketId)).catch(() => new Map<string, TicketFacts>());
  for (const event of outbox) {
    const ticketFacts = facts.get(event.ticketId);
    if (ticketFacts) {
      realtime.pubsub.publish("ticket-event", { seq: event.seq.toString(), ticketId: event.ticketId, type: event.type, facts: ticketFacts });
    }
  }
}
