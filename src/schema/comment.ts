import { encodeGlobalID } from "@pothos/plugin-relay";
import { addComment, type CommentResult, recordCustomerReply } from "../resolvers/comments.js";
import { MARKERS, react } from "../resolvers/reactions.js";
import type { TicketResult } from "../resolvers/write-frame.js";
import { builder } from "./builder.js";
import { CommentVisibilityEnum } from "./enums.js";
import { ticketWriteErrors } from "./errors.js";
import { ActorRef, actorFrom } from "./ticket/actor.js";
import { changedTicketField, ticketPayload } from "./ticket/payloads.js";

const CommentKindEnum = builder.enumType("CommentKind", {
  description: "Where a comment came from.",
  values: {
    NOTE: { description: "An internal note between colleagues." },
    REPLY: { description: "A public reply to the customer." },
    CUSTOMER_REPLY: { description: "What the customer said." },
    SYSTEM: { description: "Written by caseflow." },
  } as const,
});

// Comments are reached through their case, which already decided the viewer may see it.
builder.prismaObject("Comment", {
  description: "A note or reply on a case.",
  fields: (t) => ({
    id: t.id({ description: "Global id of the comment.", resolve: (c) => encodeGlobalID("Comment", c.id) }),
    body: t.exposeString("body", { description: "Text, with personal data redacted." }),
    visibility: t.expose("visibility", { type: CommentVisibilityEnum, description: "INTERNAL or PUBLIC." }),
    kind: t.expose("kind", { type: CommentKindEnum, description: "Note, reply or the customer's words." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was written." }),
    reactions: t.field({
      type: [ReactionSummaryRef],
      description: "Status markers (👀 on it, ✅ resolved): how many and who.",
      select: { reactions: { select: { emoji: true, user: { select: { id: true, name: true } } }, orderBy: { createdAt: "asc" } } },
      resolve: (c) =>
        Object.keys(MARKERS)
          .map((emoji) => ({ emoji, users: c.reactions.filter((r) => r.emoji === emoji).map((r) => r.user) }))
          .filter((r) => r.users.length),
    }),
    author: t.field({
      type: ActorRef,
      description: "Who wrote it.",
      select: { author: { select: { id: true, name: true } }, authorToken: { select: { name: true } }, kind: true },
      resolve: (c) => actorFrom(c.author, c.authorToken, c.kind === "CUSTOMER_REPLY" ? "CUSTOMER" : "SYSTEM"),
    }),
  }),
});

const ReactionSummaryRef = builder.objectRef<{ emoji: string; users: { id: string; name: string }[] }>("ReactionSummary").implement({
  description: "One status marker on a comment.",
  fields: (t) => ({
    emoji: t.exposeString("emoji", { description: "👀 (someone is on it) or ✅ (resolved)." }),
    count: t.int({ description: "How many people put it.", resolve: (r) => r.users.length }),
    names: t.stringList({ description: "Who, in the order they put it.", resolve: (r) => r.users.map((u) => u.name) }),
  }),
});

const ReactInput = builder.inputType("ReactInput", {
  description: "A status marker on a comment.",
  fields: (t) => ({
    commentId: t.id({ required: true, description: "The comment." }),
    emoji: t.string({ required: true, description: "👀 or ✅." }),
  }),
});

const ReactPayload = builder.objectRef<{ commentId: string; ticketId: string }>("ReactPayload").implement({
  description: "The comment with its markers.",
  fields: (t) => ({
    comment: t.prismaField({
      type: "Comment",
      description: "The comment.",
      resolve: (query, { commentId }, _args, ctx) => ctx.prisma.comment.findUniqueOrThrow({ ...query, where: { id: commentId } }),
    }),
  }),
});

const AddCommentPayload = builder.objectRef<CommentResult>("AddCommentPayload").implement({
  description: "The new comment and its case.",
  fields: (t) => ({
    comment: t.prismaField({
      type: "Comment",
      description: "The comment.",
      resolve: (query, { commentId }, _args, ctx) => ctx.prisma.comment.findUniqueOrThrow({ ...query, where: { id: commentId } }),
    }),
    ticket: changedTicketField(t),
  }),
});

const AddCommentInput = builder.inputType("AddCommentInput", {
  description: "A note or reply.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    body: t.string({ required: true, description: "Text, up to 10,000 characters." }),
    visibility: t.field({ type: CommentVisibilityEnum, description: "INTERNAL (default) or PUBLIC." }),
  }),
});

const RecordCustomerReplyInput = builder.inputType("RecordCustomerReplyInput", {
  description: "What the customer said.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    body: t.string({ required: true, description: "The customer's words." }),
  }),
});

builder.mutationFields((t) => ({
  react: t.field({
    type: ReactPayload,
    description: "Puts a status marker (👀 on it, ✅ resolved) on a comment; putting it twice changes nothing.",
    authScopes: { user: true },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: ReactInput, required: true, description: "The marker." }) },
    resolve: (_root, { input }, ctx) => react(ctx, { commentId: input.commentId, emoji: input.emoji }, "add"),
  }),
  unreact: t.field({
    type: ReactPayload,
    description: "Takes back one's own status marker from a comment.",
    authScopes: { user: true },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: ReactInput, required: true, description: "The marker." }) },
    resolve: (_root, { input }, ctx) => react(ctx, { commentId: input.commentId, emoji: input.emoji }, "remove"),
  }),
  addComment: t.field({
    type: AddCommentPayload,
    description: "Adds a note or a public reply. A public reply by the owning team counts as first response.",
    authScopes: { scope: "comments:write" },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: AddCommentInput, required: true, description: "The comment." }) },
    resolve: (_root, { input }, ctx) => addComment(ctx, input),
  }),
  recordCustomerReply: t.field({
    type: ticketPayload("RecordCustomerReplyPayload", "The case after the customer's reply."),
    description: "Records the customer's reply; a case in INFORM_CUSTOMER goes back to NOT_STARTED.",
    authScopes: { scope: "comments:write" },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: RecordCustomerReplyInput, required: true, description: "The reply." }) },
    resolve: (_root, { input }, ctx): Promise<TicketResult> => recordCustomerReply(ctx, input),
  }),
}));
