// The audit trail: every change to a case is one immutable TicketEvent row, written in
// the same transaction as the change (a database trigger refuses updates and deletes; the
// one change it allows is the commit setting the event's `position` once).
// The transaction and the outbox that publishes its events after commit are the database
// layer's (src/db/transaction.ts).
import { withMembers } from "../db/sql.js";
import { publishEventAfterCommit, type Tx } from "../db/transaction.js";
import type { CommentAccessFacts, Viewer } from "../domain/access.js";
import { webhookEventOfTicketEvent } from "../domain/webhooks.js";
import { Prisma } from "../generated/prisma/client.js";
import type { TicketFacts } from "../realtime/pubsub.js";
import { enqueueTicketSlack } from "./slack/enqueue.js";
import { enqueueTicketWebhooks, type TicketWebhook } from "./webhooks/enqueue.js";

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
  REPLY_HELD: "A public reply of someone under review was held for their mentor; the customer does not see it yet.",
  REPLY_APPROVED: "A held reply was approved and sent to the customer (a COMMENTED event follows).",
  REPLY_REJECTED: "A held reply was sent back to its author; the reason is the note.",
  IMPORTED: "The case was imported from a CSV file, with its original creation time, status and number when kept.",
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
  /** The reply held for review that the event is about: its readers are the event's (canSeeEvent). */
  commentId?: string | null;
}

const json = (value: Prisma.InputJsonValue | undefined) => (value === undefined ? null : JSON.stringify(value));

/** One audit event of a set written together (recordEvents). */
export interface CaseEventRecord extends EventRecord {
  ticketId: string;
}

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
  const [facts] = await recordEvents(tx, viewer, at, [{ ticketId, ...event }]);
  return facts!;
}

/**
 * The change itself, written by the events' statement: `caseUpdate` updates the case
 * (the events' one case) and returns its row's facts ("id", "teamId", "assigneeId",
 * "submittedById", "status", "priority"), which the events then carry; `alongside` are
 * other row writes of the change. When `caseUpdate` changes no row (a stale version),
 * no event is written and recordEvents answers no facts.
 */
export interface CaseWrite {
  caseUpdate: Prisma.Sql;
  alongside: readonly Prisma.Sql[];
}

/**
 * Writes a set of audit events by one actor at one instant in one statement (in the given
 * order), reading each case's access facts in the same statement, and queues their
 * webhook messages in one more; returns the facts, one per event in the given order.
 * Every case event passes here (recordEvent is the set of one). With `write`, the same
 * statement also writes the change (CaseWrite).
 */
export async function recordEvents(
  tx: Tx,
  viewer: Viewer | null | "customer",
  at: Date,
  events: readonly CaseEventRecord[],
  write?: CaseWrite,
): Promise<TicketFacts[]> {
  if (!events.length) return [];
  const actor: { actorKind: string; actorUserId?: string; actorTokenId?: string } = actorOf(viewer);
  // Which webhook event each audit event type is sent as, for the statement to find the
  // endpoints listening, so a write costs no extra round trip while none is.
  const webhookTypes = Object.fromEntries(events.map((e) => [e.type, webhookEventOfTicketEvent(e.type)]));
  const rows = await tx.$queryRaw<
    (TicketFacts & {
      seq: bigint;
      ticketId: string;
      type: string;
      webhookEndpointIds: string[];
      slackRouted: boolean;
      comment: CommentAccessFacts | null;
    })[]
  >`
    WITH ${write ? Prisma.sql`${withMembers(write.caseUpdate, write.alongside)},` : Prisma.empty} input AS (
      SELECT * FROM unnest(${events.map((e) => e.ticketId)}::uuid[], ${events.map((e) => e.type)}::text[],
                           ${events.map((e) => json(e.before))}::jsonb[], ${events.map((e) => json(e.after))}::jsonb[],
                           ${events.map((e) => e.note ?? null)}::text[], ${events.map((e) => e.commentId ?? null)}::uuid[])
        WITH ORDINALITY AS i("ticketId", "type", "before", "after", "note", "commentId", "ord")
    ), event AS (
      INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "actorUserId", "actorTokenId", "before", "after", "note", "commentId", "at")
      SELECT i."ticketId", i."type", ${actor.actorKind}::"ActorKind", ${actor.actorUserId ?? null}::uuid,
             ${actor.actorTokenId ?? null}::uuid, i."before", i."after", i."note", i."commentId", ${at}
      FROM input i ${write ? Prisma.sql`WHERE EXISTS (SELECT 1 FROM main)` : Prisma.empty} ORDER BY i."ord"
      RETURNING "seq", "ticketId", "type", "commentId"
    )
    SELECT event."seq", event."ticketId"::text AS "ticketId", event."type",
           t."teamId"::text AS "teamId", t."assigneeId"::text AS "assigneeId",
           t."submittedById"::text AS "submittedById", t."status"::text AS "status", t."priority"::text AS "priority",
           ARRAY(SELECT w."id"::text FROM "WebhookEndpoint" w
                 WHERE (${JSON.stringify(webhookTypes)}::jsonb ->> event."type") IS NOT NULL AND w."enabled"
                   AND t."teamId" = ANY(w."teamIds")
                   AND (${JSON.stringify(webhookTypes)}::jsonb ->> event."type") = ANY(w."eventTypes")) AS "webhookEndpointIds",
           EXISTS(SELECT 1 FROM "SlackChannel" s WHERE s."teamId" = t."teamId") AS "slackRouted",
           (SELECT json_build_object('reviewState', c."reviewState", 'authorId', c."authorId", 'authorMentorId', u."mentorId")
            FROM "Comment" c LEFT JOIN "User" u ON u."id" = c."authorId" WHERE c."id" = event."commentId") AS "comment"
    FROM event JOIN ${write ? Prisma.sql`main` : Prisma.sql`"Ticket"`} t ON t."id" = event."ticketId"
    ORDER BY event."seq"`;
  if (write && !rows.length) return [];
  // The rows were inserted in the given order, so their seqs follow it.
  if (rows.length !== events.length || rows.some((row, i) => row.ticketId !== events[i]!.ticketId || row.type !== events[i]!.type))
    throw new Error(`Recording ${events.length} events returned ${rows.length} rows out of order`);
  const webhooks: TicketWebhook[] = [];
  const facts = rows.map(({ seq, ticketId, type, webhookEndpointIds, slackRouted: _, comment, ...facts }, i) => {
    publishEventAfterCommit(tx, { seq, ticketId, type, facts, comment });
    const event = events[i]!;
    const webhookType = webhookTypes[type];
    if (webhookType && webhookEndpointIds.length)
      webhooks.push({
        endpointIds: webhookEndpointIds,
        type: webhookType,
        ticketId,
        change: { actor: actor.actorKind, before: event.before, after: event.after, note: event.note },
      });
    return facts;
  });
  await enqueueTicketWebhooks(tx, webhooks, at);
  // Slack channels of the cases' teams, when the statement found any.
  const slack = rows.flatMap((row, i) =>
    row.slackRouted ? [{ ticketId: row.ticketId, teamId: row.teamId, type: row.type, after: events[i]!.after, note: events[i]!.note }] : [],
  );
  if (slack.length) await enqueueTicketSlack(tx, slack, at);
  return facts;
}
