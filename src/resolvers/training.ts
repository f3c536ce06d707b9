// Training mode's writes: mentors, and the public replies held for their review. A held
// reply is a Comment in PENDING_REVIEW: no SLA effect, no COMMENTED event (so no webhook),
// readable only by those canSeeComment names. Approval makes it the customer's reply at
// that instant: the SLA effects of a public reply, the COMMENTED event and its webhook.
import type { Context } from "../context.js";
import { type CommentAccessFacts, canSeeComment, canSeeTicket, mayMentor, mayReviewReply, type Viewer } from "../domain/access.js";
import { parseInput, reason as reasonText } from "../domain/input.js";
import { redactionsIn } from "../domain/privacy.js";
import { reviewable } from "../domain/training.js";
import { isFirstResponse } from "../domain/workflow.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { Prisma, Ticket } from "../generated/prisma/client.js";
import { raiseAlert } from "../realtime/alerts.js";
import { recordEvent } from "./audit.js";
import { decodeId } from "./ids.js";
import { slaOnPublicReply } from "./sla/clocks.js";
import { addCommentRow, saveTicket } from "./ticket-rows.js";
import { type Write, write } from "./write-frame.js";

/** The author of a public reply, as far as review goes; null for tokens. */
export async function reviewerOf(w: Write): Promise<{ reviewRequired: boolean; mentorId: string | null; name: string } | null> {
  if (w.viewer.kind !== "user") return null;
  return w.tx.user.findUnique({ where: { id: w.viewer.userId }, select: { reviewRequired: true, mentorId: true, name: true } });
}

/**
 * Holds a public reply for review: the comment row in PENDING_REVIEW, a REPLY_HELD event
 * (not a webhook event) and an alert to the author's mentor, or to the team's
 * supervisors when the author has none.
 */
export async function holdReply(
  w: Write,
  ticket: Ticket,
  body: string,
  author: { mentorId: string | null; name: string },
  extra: Record<string, string> = {},
) {
  const { tx, viewer, now } = w;
  const row = await addCommentRow(tx, viewer, {
    ticketId: ticket.id,
    at: now,
    body,
    visibility: "PUBLIC",
    kind: "REPLY",
    reviewState: "PENDING_REVIEW",
  });
  await saveTicket(tx, ticket, null, { updatedAt: now });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "REPLY_HELD",
    after: { commentId: row.id, ...extra, ...redactionsIn(body) } as Prisma.InputJsonValue,
    commentId: row.id,
  });
  const message = `A reply by ${author.name} on ${ticket.number} waits for review`;
  raiseAlert(tx, {
    kind: "REPLY_AWAITING_REVIEW",
    ...(author.mentorId ? { audience: "PEOPLE" as const, userIds: [author.mentorId] } : { audience: "SUPERVISORS" as const }),
    teamIds: [ticket.teamId],
    ticketId: ticket.id,
    message,
    at: now,
  });
  return row;
}

/** A held reply with what deciding on it needs: its case, its author's mentor and teams. */
async function loadForReview(w: Write, globalId: string) {
  const id = decodeId("input.commentId", globalId, "Comment");
  const comment = await w.tx.comment.findUnique({
    where: { id },
    include: { ticket: true, author: { select: { id: true, name: true, mentorId: true, memberships: { select: { teamId: true } } } } },
  });
  const facts: CommentAccessFacts | null = comment && {
    reviewState: comment.reviewState,
    authorId: comment.authorId,
    authorMentorId: comment.author?.mentorId ?? null,
  };
  // A comment on a case the viewer may not see, or one they may not read, does not exist for them.
  if (!comment || !facts || !canSeeTicket(w.viewer, comment.ticket) || !canSeeComment(w.viewer, facts, comment.ticket)) {
    throw new NotFoundError("Comment", globalId);
  }
  if (!mayReviewReply(w.viewer, facts, comment.ticket)) {
    throw new ForbiddenError("Only the author's mentor or a supervisor of the case's team reviews a reply, never its author");
  }
  if (!reviewable(comment.reviewState)) throw ValidationError.of("input.commentId", "is not a reply waiting for review");
  // Claimed by a conditional update, so two reviewers deciding at once cannot both win.
  return { comment, claim: { id, reviewState: "PENDING_REVIEW" as const } };
}

const reviewerId = (viewer: Viewer) => (viewer.kind === "user" ? viewer.userId : null);

export interface ReviewResult {
  ticketId: string;
  commentId: string;
}

/**
 * Releases a held reply: from now on it is an ordinary public reply. The customer reads
 * it now, so the first response and follow-up are met now, as for a reply written now
 * by its author (a first response if the author works for the owning team).
 */
export function approveReply(ctx: Context, args: { commentId: string }): Promise<ReviewResult> {
  return write(ctx, async (w) => {
    const { tx, viewer, now } = w;
    const { comment, claim } = await loadForReview(w, args.commentId);
    const { count } = await tx.comment.updateMany({
      where: claim,
      data: { reviewState: "APPROVED", reviewedById: reviewerId(viewer), reviewedAt: now },
    });
    if (!count) throw ValidationError.of("input.commentId", "is not a reply waiting for review");
    const ticket = comment.ticket;
    const byOwningTeam = ticket.teamId !== null && (comment.author?.memberships ?? []).some((m) => m.teamId === ticket.teamId);
    const firstResponse = isFirstResponse({ kind: "publicReply", byOwningTeam }, ticket.firstRespondedAt !== null);
    await saveTicket(tx, ticket, null, { updatedAt: now, ...(firstResponse ? { firstRespondedAt: now } : {}) });
    await slaOnPublicReply(tx, ticket, byOwningTeam, now);
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "REPLY_APPROVED",
      after: { commentId: comment.id },
      commentId: comment.id,
    });
    // The reply reaches the customer now: the COMMENTED event (and its webhook) is sent only now.
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "COMMENTED",
      after: {
        commentId: comment.id,
        visibility: "PUBLIC",
        kind: "REPLY",
        approved: true,
        ...(firstResponse ? { firstResponse: true } : {}),
      },
    });
    if (comment.authorId) {
      raiseAlert(tx, {
        kind: "REPLY_APPROVED",
        audience: "PEOPLE",
        userIds: [comment.authorId],
        teamIds: [ticket.teamId],
        ticketId: ticket.id,
        message: `Your reply on ${ticket.number} was approved and sent`,
        at: now,
      });
    }
    return { ticketId: ticket.id, commentId: comment.id };
  });
}

/**
 * Sends a held reply back to its author with the reason. It stays REJECTED (readable by
 * the same people as while held) and never reaches the customer; the author writes a new
 * reply, which is held in turn.
 */
export function rejectReply(ctx: Context, args: { commentId: string; reason: string }): Promise<ReviewResult> {
  const why = parseInput(reasonText, args.reason, "input.reason");
  return write(ctx, async (w) => {
    const { tx, viewer, now } = w;
    const { comment, claim } = await loadForReview(w, args.commentId);
    const { count } = await tx.comment.updateMany({
      where: claim,
      data: { reviewState: "REJECTED", reviewedById: reviewerId(viewer), reviewedAt: now, rejectReason: why },
    });
    if (!count) throw ValidationError.of("input.commentId", "is not a reply waiting for review");
    const ticket = comment.ticket;
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "REPLY_REJECTED",
      after: { commentId: comment.id, ...redactionsIn(why) } as Prisma.InputJsonValue,
      note: why,
      commentId: comment.id,
    });
    if (comment.authorId) {
      raiseAlert(tx, {
        kind: "REPLY_REJECTED",
        audience: "PEOPLE",
        userIds: [comment.authorId],
        teamIds: [ticket.teamId],
        ticketId: ticket.id,
        message: `Your reply on ${ticket.number} was sent back: ${why}`,
        at: now,
      });
    }
    return { ticketId: ticket.id, commentId: comment.id };
  });
}

export interface SetMentorArgs {
  userId: string;
  /** null removes the mentor; omitted keeps it. */
  mentorId?: string | null;
  /** Omitted keeps it. */
  reviewRequired?: boolean | null;
}

/**
 * Sets a person's mentor and whether their public replies need review. Administrators
 * and managers for anyone, supervisors for members of their teams (mayMentor). The
 * mentor is an active person other than the trainee.
 */
export function setMentor(ctx: Context, args: SetMentorArgs): Promise<{ userId: string }> {
  const userId = decodeId("input.userId", args.userId, "User");
  const mentorId = args.mentorId ? decodeId("input.mentorId", args.mentorId, "User") : args.mentorId;
  return write(ctx, async ({ tx, viewer }) => {
    const trainee = await tx.user.findUnique({ where: { id: userId }, select: { id: true, memberships: { select: { teamId: true } } } });
    if (!trainee) throw ValidationError.of("input.userId", "names no person");
    if (!mayMentor(viewer, { teamIds: trainee.memberships.map((m) => m.teamId) })) {
      throw new ForbiddenError("Administrators and managers set mentors; supervisors for the members of their teams");
    }
    if (mentorId) {
      if (mentorId === userId) throw ValidationError.of("input.mentorId", "must be someone other than the person");
      const mentor = await tx.user.findUnique({ where: { id: mentorId }, select: { active: true } });
      if (!mentor?.active) throw ValidationError.of("input.mentorId", "names no active person");
    }
    if (args.reviewRequired === null) throw ValidationError.of("input.reviewRequired", "must be true or false when given");
    await tx.user.update({
      where: { id: userId },
      data: {
        ...(mentorId !== undefined ? { mentorId } : {}),
        ...(args.reviewRequired !== undefined ? { reviewRequired: args.reviewRequired } : {}),
      },
    });
    return { userId };
  });
}
