// The frame of every write on a case: one transaction, the signed-in viewer, one instant,
// and the checks every write starts with (may the viewer see and change this case, is the
// version the one they read). Every resolver that changes cases builds on it, so it depends
// on none of them.
import type { Context } from "../context.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import { canEditTicket, canSeeTicket, type TicketAccessFacts, type Viewer } from "../domain/access.js";
import { ForbiddenError, NotFoundError, VersionConflictError } from "../errors.js";
import type { Ticket } from "../generated/prisma/client.js";
import { decodeId } from "./ids.js";

/** What a ticket write hands back to the schema: the case to reload under the viewer's selection. */
export interface TicketResult {
  ticketId: string;
}

export function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw ctx.unauthenticated();
  return ctx.viewer;
}

/** What every step of one write shares: its transaction, its viewer, its instant. */
export interface Write {
  tx: Tx;
  ctx: Context;
  viewer: Viewer;
  now: Date;
}

/** Runs `work` as one write of the signed-in viewer, in one transaction. */
export function write<T>(ctx: Context, work: (w: Write) => Promise<T>): Promise<T> {
  const viewer = viewerOf(ctx);
  return inTransaction(ctx, (tx) => work({ tx, ctx, viewer, now: ctx.clock.now() }));
}

/**
 * The gate of every write on a case: a case the viewer may not see is NOT_FOUND, so its
 * existence does not leak; one they may see but not change this way is FORBIDDEN.
 */
export function permitted<T extends TicketAccessFacts>(
  viewer: Viewer,
  ticket: T | null,
  globalId: string,
  may: (viewer: Viewer, ticket: T) => boolean,
  refusal: string,
  entity = "Ticket",
): asserts ticket is T {
  if (!ticket || !canSeeTicket(viewer, ticket)) throw new NotFoundError(entity, globalId);
  if (!may(viewer, ticket)) throw new ForbiddenError(refusal);
}

/**
 * Loads a case for a write. Invisible cases are NOT_FOUND so their existence does not
 * leak; a stale expectedVersion is a conflict before any rule judges the newer state.
 */
export async function loadForWrite(w: Write, globalId: string, expectedVersion?: number | null, field = "input.id"): Promise<Ticket> {
  const ticket = await w.tx.ticket.findUnique({ where: { id: decodeId(field, globalId, "Ticket") } });
  admitForWrite(w, ticket, globalId, expectedVersion);
  return ticket;
}

/** loadForWrite's checks, for a write that read the case together with more (transitionTicket). */
export function admitForWrite(
  w: Write,
  ticket: Ticket | null,
  globalId: string,
  expectedVersion?: number | null,
): asserts ticket is Ticket {
  permitted(w.viewer, ticket, globalId, canEditTicket, "Your token may read this case but not change it (needs tickets:write)");
  if (expectedVersion !== null && expectedVersion !== undefined && expectedVersion !== ticket.version) {
    throw new VersionConflictError(expectedVersion, ticket.version);
  }
}

/** The case as it is now inside the write, for the next step. */
export function reload(w: Write, ticketId: string): Promise<Ticket> {
  return w.tx.ticket.findUniqueOrThrow({ where: { id: ticketId } });
}
