// The audit trail: every change to a case is one immutable TicketEvent row, written in
// the same transaction as the change (a database trigger refuses updates and deletes; the
// one change it allows is the commit setting the event's `position` once).
// The transaction and the outbox that publishes its events after commit are the database
// layer's (src/db/transaction.ts).
import { publishEventAfterCommit, type Tx } from "../db/transaction.js";
import type { Viewer } from "../domain/access.js";
import { webhookEventOfTicketEvent } from "../domain/webhooks.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { TicketFacts } from "../realtime/pubsub.js";
import { enqueueTicketWebhooks } from "./webhooks/enqueue.js";

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
  SURVEY_ANSWERED: "The customer answered the satisfaction survey.",
  RULE_FIRED: "A routing rule, tag trigger or time-in-status automation changed the case.",
  RULE_LOOP_STOPPED: "A rule that would undo another rule's change was stopped.",
  MACRO_APPLIED: "A macro was applied; its changes follow as their own events.",
  INCIDENT_LINKED: "The case was linked to an incident.",
  SWARM_STARTED: "A swarm was opened on the case.",
  SWARM_CLOSED: "The case's swarm was closed.",
} as const;
export type TicketEventType = keyof typeof TICKET_EVENT_TYPES;

export function actorOf(viewer: Viewer | null | "customer") {
  if (viewer === "customer") return { actorKind: "CUSTOMER" as const };
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

const json = (value: Prisma.InputJsonValue | undefined) => (value === undefined ? null : JSON.stringify(value));

/**
 * Writes one audit event and, in the same statement, reads the case's access facts for
 * its live message (the statement sees the transaction's earlier changes to the case);
 * returns those facts for other live messages of the same write.
 */
export async function recordEvent(
  tx: Tx,
  viewer: Viewer | null | "customer",
  ticketId: string,
  at: Date,
  event: EventRecord,
): Promise<TicketFacts> {
  const actor: { actorKind: string; actorUserId?: string; actorTokenId?: string } = actorOf(viewer);
  const webhookType = webhookEventOfTicketEvent(event.type);
  // The same statement finds the webhook endpoints listening for the event, so a write
  // costs no extra round trip while none is.
  const [row] = await tx.$queryRaw<(TicketFacts & { seq: bigint; webhookEndpointIds: string[] })[]>`
    WITH event AS (
      INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "actorUserId", "actorTokenId", "before", "after", "note", "at")
      VALUES (${ticketId}::uuid, ${event.type}, ${actor.actorKind}::"ActorKind", ${actor.actorUserId ?? null}::uuid,
              ${actor.actorTokenId ?? null}::uuid, ${json(event.before)}::jsonb, ${json(event.after)}::jsonb, ${event.note ?? null}, ${at})
      RETURNING "seq", "ticketId"
    )
    SELECT event."seq", t."teamId"::text AS "teamId", t."assigneeId"::text AS "assigneeId",
           t."submittedById"::text AS "submittedById", t."status"::text AS "status", t."priority"::text AS "priority",
           ARRAY(SELECT w."id"::text FROM "WebhookEndpoint" w
                 WHERE ${webhookType}::text IS NOT NULL AND w."enabled"
                   AND t."teamId" = ANY(w."teamIds") AND ${webhookType}::text = ANY(w."eventTypes")) AS "webhookEndpointIds"
    FROM event JOIN "Ticket" t ON t."id" = event."ticketId"`;
  if (!row) throw new Error(`No case ${ticketId} to record ${event.type} on`);
  const { seq, webhookEndpointIds, ...facts } = row;
  publishEventAfterCommit(tx, { seq, ticketId, type: event.type, facts });
  if (webhookType && webhookEndpointIds.length) {
    await enqueueTicketWebhooks(tx, webhookEndpointIds, webhookType, ticketId, at, {
      actor: actor.actorKind,
      before: event.before,
      after: event.after,
      note: event.note,
    });
  }
  return facts;
}
