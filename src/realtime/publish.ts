// Publishing after commit: the events of a committed write go out with the current
// access facts of their cases, so subscribers can filter without a query each.
import type { Outbox } from "../db/transaction.js";
import type { Realtime, TicketFacts } from "./pubsub.js";

export const TICKET_FACTS = {
  id: true,
  teamId: true,
  assigneeId: true,
  submittedById: true,
  status: true,
  priority: true,
} as const;

/**
 * Publishes a committed write's events, in position order, each with its position. Every event goes out with its case's facts as of
 * the write's last event on that case: every change to a case is followed by its event
 * in the same transaction, so those are the facts the write committed, and subscribers
 * are chosen by where the case ended up (a case a rule moved to another team reaches
 * that team's subscribers with its CREATED event too). Publishing never fails the write:
 * a subscriber that missed an event catches up from the audit table (ticketEvents(after:)).
 */
export function publishOutbox(realtime: Realtime, outbox: Outbox): void {
  const committed = new Map<string, TicketFacts>(outbox.map((event) => [event.ticketId, event.facts]));
  for (const event of outbox) {
    realtime.pubsub.publish("ticket-event", {
      seq: event.seq.toString(),
      position: event.position.toString(),
      ticketId: event.ticketId,
      type: event.type,
      facts: committed.get(event.ticketId)!,
      comment: event.comment,
    });
  }
}
