// One write, one transaction, and its live messages only after it commits (the outbox).
// Audit events get their `position` from the database at commit (migration
// ticket_event_position); they are read back after the commit and published with it, so
// a subscriber can tell when it has not yet heard of an earlier event.
import type { Deadline } from "../context.js";
import type { CommentAccessFacts } from "../domain/access.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { timeoutError } from "../http/limits.js";
import { publishOutbox } from "../realtime/publish.js";
import type { Realtime, TicketFacts } from "../realtime/pubsub.js";

export type Tx = Prisma.TransactionClient;

/** An audit event written in a transaction, with its case's access facts at that moment. */
export interface OutboxEvent {
  seq: bigint;
  ticketId: string;
  type: string;
  facts: TicketFacts;
  /** For an event about a reply held for review: who may read that reply (canSeeEvent). */
  comment: CommentAccessFacts | null;
}

/** A committed event as it is published: with the position its commit gave it. */
export type Outbox = (OutboxEvent & { position: bigint })[];

interface Pending {
  events: OutboxEvent[];
  /** Other live messages of the transaction (alerts, incident events). */
  publications: ((realtime: Realtime) => void)[];
}

const pending = new WeakMap<Tx, Pending>();

/** Queues an audit event's live message for after the commit; nothing outside inTransaction. */
export function publishEventAfterCommit(tx: Tx, event: OutboxEvent) {
  pending.get(tx)?.events.push(event);
}

/** Publishes a live message once the transaction has committed; never if it rolls back. */
export function publishAfterCommit(tx: Tx, publish: (realtime: Realtime) => void) {
  pending.get(tx)?.publications.push(publish);
}

/** How long a transaction may wait for a connection when the request sets no deadline. */
const MAX_WAIT_MS = 10_000;
/** How far past the request's deadline a blocked transaction is given up. */
const DEADLINE_GRACE_MS = 100;

/** How many times a write is tried when PostgreSQL aborts it to break a deadlock. */
const ATTEMPTS = 4;

/**
 * PostgreSQL aborted the transaction to break a deadlock (40P01) or a serialization
 * failure (40001); nothing of it was written and trying again is the documented remedy.
 * Prisma reports it as P2034 for its own queries and as P2010 with the driver's code for raw ones.
 */
function isWriteConflict(error: unknown): boolean {
  const { code, meta } = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return code === "P2034" || meta?.driverAdapterError?.cause?.kind === "TransactionWriteConflict";
}

/**
 * Runs `work` in one transaction; the events it records are published once the
 * transaction has committed, and not at all if it rolls back. Under a request deadline
 * (Context.deadline) the commit must be claimed from it after the work is done: refused
 * once the operation may have answered TIMEOUT, and then the transaction rolls back, so a
 * request answered TIMEOUT leaves nothing behind; granted, and the answer waits for the
 * commit and reports it.
 *
 * Writes that lock the same rows in different orders (a transition locks its case, then its
 * SLA targets; the SLA monitor claims targets, then escalates their case) can deadlock, and
 * PostgreSQL then aborts one of them. That one runs again from the start, reading afresh,
 * so `work` must keep its effects inside the transaction (publish through the outbox).
 */
export async function inTransaction<T>(
  services: { prisma: PrismaClient; realtime: Realtime; deadline?: Deadline | null },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptTransaction(services, work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isWriteConflict(error)) throw error;
    }
  }
}

async function attemptTransaction<T>(
  services: { prisma: PrismaClient; realtime: Realtime; deadline?: Deadline | null },
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const { deadline } = services;
  const late = () => timeoutError("The operation ran out of time; nothing was changed");
  if (deadline && !deadline.open) throw late();
  const remaining = deadline ? deadline.at - Date.now() : null;
  // Each attempt has its own outbox: an aborted attempt's events are never published.
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
      remaining === null
        ? undefined
        : { maxWait: Math.min(MAX_WAIT_MS, remaining + DEADLINE_GRACE_MS), timeout: remaining + DEADLINE_GRACE_MS },
    )
    .catch((error: unknown) => {
      // P2028: the transaction could not start, or expired, within the time left.
      throw deadline && (error as { code?: string }).code === "P2028" ? late() : error;
    });
  if (outbox.events.length) publishOutbox(services.realtime, await committedPositions(services.prisma, outbox.events));
  for (const publish of outbox.publications) publish(services.realtime);
  return result;
}

/**
 * The positions the commit gave the transaction's events. Publishing never fails the
 * write: if they cannot be read, the events go unpublished, and subscribers read them from
 * the table when the next event shows them the hole (schema/ticket/live-events.ts).
 */
async function committedPositions(prisma: PrismaClient, events: OutboxEvent[]): Promise<Outbox> {
  const rows = await prisma.$queryRaw<{ seq: bigint; position: bigint | null }[]>`
      SELECT "seq", "position" FROM "TicketEvent" WHERE "seq" = ANY(${events.map((event) => event.seq.toString())}::bigint[])`.catch(
    () => [],
  );
  const positions = new Map(rows.map((row) => [row.seq, row.position]));
  return events.flatMap((event) => {
    const position = positions.get(event.seq);
    return position === null || position === undefined ? [] : [{ ...event, position }];
  });
}
