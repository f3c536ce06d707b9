// Row-level helpers every write on a case uses, whatever started it: a person, a macro,
// a rule or the SLA monitor.

import { assignments, IF_MAIN, together, typed } from "../db/sql.js";
import type { Tx } from "../db/transaction.js";
import type { Viewer } from "../domain/access.js";
import { VersionConflictError } from "../errors.js";
import { Prisma, type Ticket } from "../generated/prisma/client.js";
import type { CommentVisibility, ReviewState } from "../generated/prisma/enums.js";
import type { TicketFacts } from "../realtime/pubsub.js";
import { type EventRecord, recordEvents } from "./audit.js";

/** Ticket columns whose values PostgreSQL does not take as text parameters. */
const TICKET_CASTS: Readonly<Record<string, string>> = {
  channel: '"Channel"',
  type: '"TicketType"',
  priority: '"Priority"',
  status: '"TicketStatus"',
  teamId: "uuid",
  tierId: "uuid",
  assigneeId: "uuid",
  submittedById: "uuid",
  submittedByTokenId: "uuid",
  customerId: "uuid",
  incidentId: "uuid",
};

/** saveTicket's UPDATE: `data` and the next version, only where the version is still the one read. */
function ticketUpdate(ticket: Pick<Ticket, "id" | "version">, data: Prisma.TicketUncheckedUpdateManyInput, returning: Prisma.Sql) {
  return Prisma.sql`UPDATE "Ticket" SET ${assignments({ ...data, version: { increment: 1 } }, TICKET_CASTS)}
    WHERE "id" = ${ticket.id}::uuid AND "version" = ${ticket.version} ${returning}`;
}

async function conflict(tx: Tx, ticket: Pick<Ticket, "id" | "version">, expectedVersion: number | null | undefined): Promise<never> {
  const current = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { version: true } });
  throw new VersionConflictError(expectedVersion ?? ticket.version, current.version);
}

/**
 * Applies `data` only if nobody changed the case since it was read: the version in the
 * WHERE clause makes the update lose cleanly instead of overwriting a concurrent write.
 * `alongside`: other row writes of the same change (SLA targets, automation checks, a
 * comment), sent in the same statement; on a conflict the error thrown rolls them back
 * with the rest of the transaction.
 */
export async function saveTicket(
  tx: Tx,
  ticket: Pick<Ticket, "id" | "version">,
  expectedVersion: number | null | undefined,
  data: Prisma.TicketUncheckedUpdateManyInput,
  alongside: readonly Prisma.Sql[] = [],
) {
  const [{ rows } = { rows: 0 }] = await tx.$queryRaw<{ rows: number }[]>(
    together(ticketUpdate(ticket, data, Prisma.sql`RETURNING 1`), alongside),
  );
  if (rows === 0) await conflict(tx, ticket, expectedVersion);
}

/**
 * saveTicket and recordEvent in one statement: the case's versioned update, the other row
 * writes of the change, and its audit event carrying the facts the update left.
 */
export async function saveTicketWithEvent(
  tx: Tx,
  viewer: Viewer,
  ticket: Pick<Ticket, "id" | "version">,
  expectedVersion: number | null | undefined,
  data: Prisma.TicketUncheckedUpdateManyInput,
  alongside: readonly Prisma.Sql[],
  at: Date,
  event: EventRecord,
): Promise<TicketFacts> {
  const caseUpdate = ticketUpdate(ticket, data, Prisma.sql`RETURNING "id", "teamId", "assigneeId", "submittedById", "status", "priority"`);
  const [facts] = await recordEvents(tx, viewer, at, [{ ticketId: ticket.id, ...event }], { caseUpdate, alongside });
  return facts ?? conflict(tx, ticket, expectedVersion);
}

export async function ensureTags(tx: Tx, names: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (!names.length) return [];
  // INSERT … ON CONFLICT DO NOTHING: concurrent writers may introduce the same new tag.
  await tx.tag.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
  return tx.tag.findMany({ where: { name: { in: [...names] } }, select: { id: true, name: true } });
}

/** Sets a case's tags to exactly `names`, adding and removing rows as needed. */
export async function setTags(tx: Tx, ticketId: string, current: readonly string[], names: readonly string[], at: Date) {
  const adding = names.filter((n) => !current.includes(n));
  const removing = current.filter((n) => !names.includes(n));
  if (adding.length) {
    const rows = await ensureTags(tx, adding);
    await tx.ticketTag.createMany({ data: rows.map((tag) => ({ ticketId, tagId: tag.id, addedAt: at })), skipDuplicates: true });
  }
  if (removing.length) await tx.ticketTag.deleteMany({ where: { ticketId, tag: { name: { in: removing } } } });
}

export async function tagNamesOf(tx: Tx, ticketId: string): Promise<string[]> {
  const rows = await tx.ticketTag.findMany({ where: { ticketId }, select: { tag: { select: { name: true } } } });
  return rows.map((r) => r.tag.name).sort();
}

/** Who wrote a comment, as its author columns. */
function authorOf(viewer: Viewer | null) {
  return {
    authorId: viewer?.kind === "user" ? viewer.userId : null,
    authorTokenId: viewer?.kind === "token" ? viewer.tokenId : null,
  };
}

/** A comment as written beside a case's change; who wrote it is the write's viewer. */
export interface CommentRow {
  ticketId: string;
  at: Date;
  body: string;
  visibility: CommentVisibility;
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY" | "SYSTEM";
  /** The swarm whose thread it belongs to. */
  swarmId?: string | null;
  /** PENDING_REVIEW for a reply held for its author's mentor (domain/training.ts). */
  reviewState?: ReviewState | null;
}

/** The INSERT of a comment row (what addCommentRow writes), for a statement that writes it beside a case's UPDATE (only if that happened, IF_MAIN). */
export function commentInsert(viewer: Viewer | null, row: Omit<CommentRow, "swarmId" | "reviewState">): Prisma.Sql {
  const { authorId, authorTokenId } = authorOf(viewer);
  return Prisma.sql`INSERT INTO "Comment" ("id", "ticketId", "authorId", "authorTokenId", "body", "visibility", "kind", "createdAt")
    SELECT gen_random_uuid(), ${typed(row.ticketId, "uuid")}, ${typed(authorId, "uuid")}, ${typed(authorTokenId, "uuid")}, ${typed(row.body, "text")},
           ${typed(row.visibility, '"CommentVisibility"')}, ${typed(row.kind, '"CommentKind"')}, ${typed(row.at, "timestamp(3)")}
    WHERE ${IF_MAIN}`;
}

export async function addCommentRow(tx: Tx, viewer: Viewer | null, row: CommentRow) {
  return tx.comment.create({
    data: {
      ticketId: row.ticketId,
      body: row.body,
      visibility: row.visibility,
      kind: row.kind,
      swarmId: row.swarmId ?? null,
      reviewState: row.reviewState ?? null,
      createdAt: row.at,
      ...authorOf(viewer),
    },
    select: { id: true, reviewState: true },
  });
}
