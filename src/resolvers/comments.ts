// Comments are how colleagues hand a case over: every update someone needs to pick the
// case up is a comment. A customer's reply to a case waiting on them sends it back to
// the team through the workflow's own rule.
import type { Context } from "../context.js";
import { actsForTeam, canComment } from "../domain/access.js";
import { commentBody, parseInput } from "../domain/input.js";
import { redactionsIn } from "../domain/privacy.js";
import { holdsReply } from "../domain/training.js";
import { isFirstResponse } from "../domain/workflow.js";
import type { Prisma, Ticket } from "../generated/prisma/client.js";
import type { CommentVisibility } from "../generated/prisma/enums.js";
import { recordEvent } from "./audit.js";
import { decodeId } from "./ids.js";
import { slaOnPublicReply } from "./sla/clocks.js";
import { addCommentRow, saveTicket } from "./ticket-rows.js";
import { transitionTicket } from "./tickets/transition.js";
import { holdReply, reviewerOf } from "./training.js";
import { permitted, type TicketResult, type Write, write } from "./write-frame.js";

export interface CommentResult extends TicketResult {
  commentId: string;
}

/**
 * Writes a comment (its body already redacted by its input type or, rendered from a
 * template, by renderForTicket) and its COMMENTED event (`details` go into
 * the event). A swarm's thread is the case's comments tagged with the swarm.
 */
export async function writeComment(
  w: Write,
  ticketId: string,
  body: string,
  visibility: CommentVisibility,
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY",
  details: Record<string, unknown> = {},
  swarmId: string | null = null,
) {
  const row = await addCommentRow(w.tx, w.viewer, { ticketId, at: w.now, body, visibility, kind, swarmId });
  await recordEvent(w.tx, w.viewer, ticketId, w.now, {
    type: "COMMENTED",
    after: {
      commentId: row.id,
      visibility,
      kind,
      ...(swarmId ? { swarmId } : {}),
      ...details,
      ...redactionsIn(body),
    } as Prisma.InputJsonValue,
  });
  return row;
}

/**
 * Adds a comment to a loaded case, with its SLA effect and one COMMENTED event. A public
 * reply by a person under review (macros' replies included) is held instead (holdReply).
 */
export async function commentStep(
  w: Write,
  ticket: Ticket,
  body: string,
  visibility: CommentVisibility,
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY",
  extra: Record<string, string> = {},
) {
  const { tx, viewer, now } = w;
  // A reply of someone whose replies need review waits for their mentor (src/domain/training.ts).
  if (kind === "REPLY") {
    const author = await reviewerOf(w);
    if (author && holdsReply(kind, author)) return holdReply(w, ticket, body, author, extra);
  }
  // A public reply from the owning team is a first response, as much as picking the case up is.
  const byOwningTeam = actsForTeam(viewer, ticket.teamId);
  const firstResponse = kind === "REPLY" && isFirstResponse({ kind: "publicReply", byOwningTeam }, ticket.firstRespondedAt !== null);
  await saveTicket(tx, ticket, null, { updatedAt: now, ...(firstResponse ? { firstRespondedAt: now } : {}) });
  if (kind === "REPLY") await slaOnPublicReply(tx, ticket, byOwningTeam, now);
  return writeComment(w, ticket.id, body, visibility, kind, { ...extra, ...(firstResponse ? { firstResponse: true } : {}) });
}

async function comment(
  ctx: Context,
  globalTicketId: string,
  rawBody: string,
  visibility: CommentVisibility,
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY",
): Promise<CommentResult> {
  const body = parseInput(commentBody, rawBody, "input.body");
  const id = decodeId("input.ticketId", globalTicketId, "Ticket");
  return write(ctx, async (w) => {
    const ticket = await w.tx.ticket.findUnique({ where: { id } });
    permitted(w.viewer, ticket, globalTicketId, canComment, "Your token may not comment (needs comments:write)");
    const row = await commentStep(w, ticket, body, visibility, kind);
    return { ticketId: ticket.id, commentId: row.id };
  });
}

export function addComment(ctx: Context, args: { ticketId: string; body: string; visibility?: CommentVisibility | null }) {
  const visibility = args.visibility ?? "INTERNAL";
  return comment(ctx, args.ticketId, args.body, visibility, visibility === "PUBLIC" ? "REPLY" : "NOTE");
}

/**
 * Records what the customer said. On a case waiting on the customer (INFORM_CUSTOMER)
 * the reply sends it back to NOT_STARTED; otherwise it is kept as a public comment.
 */
export async function recordCustomerReply(ctx: Context, args: { ticketId: string; body: string }): Promise<TicketResult> {
  const id = decodeId("input.ticketId", args.ticketId, "Ticket");
  const ticket = await ctx.prisma.ticket.findUnique({ where: { id }, select: { status: true } });
  if (ticket?.status === "INFORM_CUSTOMER") {
    return transitionTicket(ctx, { id: args.ticketId, to: "NOT_STARTED", note: parseInput(commentBody, args.body, "input.body") });
  }
  return comment(ctx, args.ticketId, args.body, "PUBLIC", "CUSTOMER_REPLY");
}
