// The audit trail: every change to a case is one immutable TicketEvent row, written in
// the same transaction as the change (a database trigger refuses updates and deletes).
import type { Deadline } from "../context.js";
import type { Viewer } from "../domain/access.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { timeoutError } from "../http/limits.js";
import { publishOutbox } from "../realtime/publish.js";
import type { Realtime, TicketFacts } from "../realtime/pubsub.js";

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
  RULE_FIRED: "A routing rule or tag trigger changed the case.",
  RULE_LOOP_STOPPED: "A rule that would undo another rule's change was stopped.",
  MACRO_APPLIED: "A macro was applied; its changes follow as their own events.",
  INCIDENT_LINKED: "The case was linked to an incident.",
  SWARM_STARTED: "A swarm was opened on the case.",
  SWARM_CLOSED: "The case's swarm was closed.",
} as const;
export type TicketEventType = keyof typeof TICKET_EVENT_TYPES;

export type Tx = Prisma.TransactionClient;

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

/**
 * Events written in a transaction, to publish once it has committed (never before), each
 * with its case's access facts as they stood when the event was written.
 */
export type Outbox = { seq: bigint; ticketId: string; type: TicketEventType; facts: TicketFacts }[];

interface Pending {
  events: Outbox;
  /** Other live messages of the transaction (alerts, incident events). */
  publications: ((realtime: Realtime) => void)[];
}

const pending = new WeakMap<Tx, Pending>();

/** Publishes a live message once the transaction has committed; never if it rolls back. */
export function publishAfterCommit(tx: Tx, publish: (realtime: Realtime) => void) {
  pending.get(tx)?.publications.push(publish);
}

/** How long a transaction may wait for a connection when the request sets no deadline. */
const MAX_WAIT_MS = 10_000;
/** How far past the request's deadline a blocked transaction is given up. */
const DEADLINE_GRACE_MS = 100;

/**
 * Runs `work` in one transaction; the events it records are published once the
 * transaction has committed, and not at all if it rolls back. Under a request deadline
 * (Context.deadline) the commit must be claimed from it after the work is done: refused
 * once the operation may have answered TIMEOUT, and then the transaction rolls back, so a
 * request answered TIMEOUT leaves nothing behind; granted, and the answer waits for the
 * commit and reports it.
 */
export async function inTransaction<T>(
  services: { prisma: PrismaClient; realtime: Realtime; deadline?: Deadline | null },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const { deadline } = services;
  const late = () => timeoutError("The operation ran out of time; nothing was changed");
  if (deadline && !deadline.open) throw late();
  const remaining = deadline ? deadline.at - Date.now() : null;
  const outbox: Pending = { events: [], publications: [] };
  const result = await services.prisma
    .$transaction(
      async (tx) => {
        pending.set(tx, outbox);
        const value = await work(tx);
        if (deadline && !deadline.claimCommit()) throw late();
        return value;
      },
      // Prisma's own limits only free a connection held by a transaction blocked past the
      // deadline; whether the work commits is decided by the claim above. Its timeout
      // cannot undo a commit once it has started.
      remaining === null ? undefined : { maxWait: Math.min(MAX_WAIT_MS, remaining + DEADLINE_GRACE_MS), timeout: remaining + DEADLINE_GRACE_MS },
    )
    .catch((error: unknown) => {
      // P2028: the transaction could not start, or expired, within the time left.
      throw deadline && (error as { code?: string }).code === "P2028" ? late() : error;
    });
  publishOutbox(services.realtime, outbox.events);
  for (const publish of outbox.publications) publish(services.realtime);
  return result;
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
  const [row] = await tx.$queryRaw<(TicketFacts & { seq: bigint })[]>`
    WITH event AS (
      INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "actorUserId", "actorTokenId", "before", "after", "note", "at")
      VALUES (${ticketId}::uuid, ${event.type}, ${actor.actorKind}::"ActorKind", ${actor.actorUserId ?? null}::uuid,
              ${actor.actorTokenId ?? null}::uuid, ${json(event.before)}::jsonb, ${json(event.after)}::jsonb, ${event.note ?? null}, ${at})
      RETURNING "seq", "ticketId"
    )
    SELECT event."seq", t."teamId"::text AS "teamId", t."assigneeId"::text AS "assigneeId",
           t."submittedById"::text AS "submittedById", t."status"::text AS "status", t."priority"::text AS "priority"
    FROM event JOIN "Ticket" t ON t."id" = event."ticketId"`;
  if (!row) throw new Error(`No case ${ticketId} to record ${event.type} on`);
  const { seq, ...facts } = row;
  pending.get(tx)?.events.push({ seq, ticketId, type: event.type, facts });
  return facts;
}
