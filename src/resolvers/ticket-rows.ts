// Row-level helpers every write on a case uses, whatever started it: a person, a macro,
// a rule or the SLA monitor.

import type { Tx } from "../db/transaction.js";
import type { Viewer } from "../domain/access.js";
import { VersionConflictError } from "../errors.js";
import type { Prisma, Ticket } from "../generated/prisma/client.js";
import type { CommentVisibility, ReviewState } from "../generated/prisma/enums.js";

/**
 * Applies `data` only if nobody changed the case since it was read: the version in the
 * WHERE clause makes the update lose cleanly instead of overwriting a concurrent write.
 */
export async function saveTicket(
  tx: Tx,
  ticket: Pick<Ticket, "id" | "version">,
  expectedVersion: number | null | undefined,
  data: Prisma.TicketUncheckedUpdateManyInput,
) {
  const { count } = await tx.ticket.updateMany({
    where: { id: ticket.id, version: ticket.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) {
    const current = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { version: true } });
    throw new VersionConflictError(expectedVersion ?? ticket.version, current.version);
  }
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

export async function addCommentRow(
  tx: Tx,
  viewer: Viewer | null,
  ticketId: string,
  at: Date,
  body: string,
  visibility: CommentVisibility,
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY" | "SYSTEM",
  swarmId: string | null = null,
  reviewState: ReviewState | null = null,
) {
  return tx.comment.create({
    data: {
      ticketId,
      body,
      visibility,
      kind,
      swarmId,
      reviewState,
      createdAt: at,
      authorId: viewer?.kind === "user" ? viewer.userId : null,
      authorTokenId: viewer?.kind === "token" ? viewer.tokenId : null,
    },
    select: { id: true, reviewState: true },
  });
}
