// Quick status markers on comments: 👀 someone is on it, ✅ resolved. Visible at a glance
// as counts and names; each person marks a comment with each marker at most once.
import type { Context } from "../context.js";
import { inTransaction } from "../db/transaction.js";
import { canComment, canSeeComment } from "../domain/access.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { recordEvent } from "./audit.js";
import { decodeId } from "./ids.js";
import { permitted, viewerOf } from "./write-frame.js";

export const MARKERS = { "👀": "Someone is on it.", "✅": "Resolved." } as const;

export async function react(ctx: Context, args: { commentId: string; emoji: string }, mode: "add" | "remove") {
  const viewer = viewerOf(ctx);
  if (viewer.kind !== "user") throw new ForbiddenError("Markers are put by people, not tokens");
  const emoji = args.emoji.trim();
  if (!(emoji in MARKERS)) throw ValidationError.of("input.emoji", `must be one of ${Object.keys(MARKERS).join(" ")}`);
  const commentId = decodeId("input.commentId", args.commentId, "Comment");
  return inTransaction(ctx, async (tx) => {
    const comment = await tx.comment.findUnique({
      where: { id: commentId },
      include: { ticket: true, author: { select: { mentorId: true } } },
    });
    const ticket = comment?.ticket ?? null;
    permitted(viewer, ticket, args.commentId, canComment, "You may not mark comments on this case", "Comment");
    // A held reply the viewer may not read does not exist for them.
    const facts = { reviewState: comment!.reviewState, authorId: comment!.authorId, authorMentorId: comment!.author?.mentorId ?? null };
    if (!canSeeComment(viewer, facts, ticket)) throw new NotFoundError("Comment", args.commentId);
    const key = { commentId, userId: viewer.userId, emoji };
    const changed =
      mode === "add"
        ? (await tx.commentReaction.createMany({ data: [{ ...key, createdAt: ctx.clock.now() }], skipDuplicates: true })).count
        : (await tx.commentReaction.deleteMany({ where: key })).count;
    if (changed) {
      await recordEvent(tx, viewer, ticket.id, ctx.clock.now(), {
        type: "COMMENTED",
        after: { commentId, marker: emoji, [mode === "add" ? "added" : "removed"]: true },
      });
    }
    return { commentId, ticketId: ticket.id };
  });
}
