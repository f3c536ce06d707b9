// Training mode: mentors, the review requirement, and the review of held replies. Practice
// cases are a flag on the case itself (Ticket.practice, CreateTicketInput.practice).
import { reviewableRepliesWhere } from "../domain/access.js";
import { approveReply, type ReviewResult, rejectReply, setMentor } from "../resolvers/training.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { commonErrors, ticketWriteErrors } from "./errors.js";
import { changedTicketField } from "./ticket/payloads.js";
import { UserRef } from "./user.js";

const ReviewStateEnum = builder.enumType("ReviewState", {
  description: "Where a reviewed reply stands. Ordinary comments have none.",
  values: {
    PENDING_REVIEW: { description: "Held: only its author, the author's mentor and the team's supervisors read it." },
    APPROVED: { description: "Approved and sent: an ordinary public reply since reviewedAt." },
    REJECTED: { description: "Sent back to its author with rejectReason; never reached the customer." },
  } as const,
});

builder.prismaObjectFields("Comment", (t) => ({
  reviewState: t.expose("reviewState", {
    type: ReviewStateEnum,
    nullable: true,
    description: "For a public reply of someone under review: held, approved or rejected. Null for comments that needed no review.",
  }),
  reviewedBy: t.relation("reviewedBy", { nullable: true, description: "Who approved or rejected the reply." }),
  reviewedAt: t.expose("reviewedAt", {
    type: "DateTime",
    nullable: true,
    description: "When the reply was approved (the time the customer got it) or rejected.",
  }),
  rejectReason: t.exposeString("rejectReason", { nullable: true, description: "Why the reply was sent back." }),
  ticket: t.relation("ticket", { description: "The case the comment is on." }),
}));

builder.queryField("repliesAwaitingReview", (t) =>
  t.prismaConnection(
    {
      type: "Comment",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description:
        "Held replies the viewer may approve or reject, oldest first: those of the people they mentor and, for supervisors, of their teams' cases (managers and administrators: all). Never their own.",
      authScopes: { user: true },
      totalCount: (_parent, _args, ctx) => ctx.prisma.comment.count({ where: reviewableRepliesWhere(ctx.viewer!) }),
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.comment.findMany({
          ...query,
          where: reviewableRepliesWhere(ctx.viewer!),
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
    },
    { name: "HeldReplyConnection", description: "A page of held replies.", fields: totalCountField("held replies") },
    { name: "HeldReplyEdge", description: "A held reply and its cursor." },
  ),
);

builder.prismaObjectFields(UserRef, (t) => ({
  mentor: t.relation("mentor", { nullable: true, description: "Who reviews the person's public replies while reviewRequired is on." }),
  reviewRequired: t.exposeBoolean("reviewRequired", {
    description: "The person's public replies are held until their mentor or a supervisor of the case's team approves them.",
  }),
}));

const SetMentorInput = builder.inputType("SetMentorInput", {
  description: "A person's mentor and review requirement; omitted fields stay as they are.",
  fields: (t) => ({
    userId: t.id({ required: true, description: "The person in training." }),
    mentorId: t.id({ description: "Their mentor, an active person other than themselves; null removes the mentor." }),
    reviewRequired: t.boolean({ description: "Whether their public replies are held for review." }),
  }),
});

const SetMentorPayload = builder.objectRef<{ userId: string }>("SetMentorPayload").implement({
  description: "The person after the change.",
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The person.",
      resolve: (query, { userId }, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: userId } }),
    }),
  }),
});

const ReviewReplyPayload = builder.objectRef<ReviewResult>("ReviewReplyPayload").implement({
  description: "The reviewed reply and its case.",
  fields: (t) => ({
    comment: t.prismaField({
      type: "Comment",
      description: "The reply.",
      resolve: (query, { commentId }, _args, ctx) => ctx.prisma.comment.findUniqueOrThrow({ ...query, where: { id: commentId } }),
    }),
    ticket: changedTicketField(t),
  }),
});

const ApproveReplyInput = builder.inputType("ApproveReplyInput", {
  description: "A held reply to send.",
  fields: (t) => ({ commentId: t.id({ required: true, description: "The held reply (a Comment in PENDING_REVIEW)." }) }),
});

const RejectReplyInput = builder.inputType("RejectReplyInput", {
  description: "A held reply to send back.",
  fields: (t) => ({
    commentId: t.id({ required: true, description: "The held reply (a Comment in PENDING_REVIEW)." }),
    reason: t.string({ required: true, description: "What to change, for the author (1-2,000 characters)." }),
  }),
});

builder.mutationFields((t) => ({
  setMentor: t.field({
    type: SetMentorPayload,
    description:
      "Sets a person's mentor and whether their public replies are held for review. Administrators and managers for anyone, supervisors for members of their teams.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: SetMentorInput, required: true, description: "The person, mentor and requirement." }) },
    resolve: (_root, { input }, ctx) => setMentor(ctx, input),
  }),
  approveReply: t.field({
    type: ReviewReplyPayload,
    description:
      "Sends a held reply to the customer: it becomes an ordinary public reply now, and meets the first response or follow-up now. The author's mentor or a supervisor of the case's team; never the author.",
    authScopes: { user: true },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: ApproveReplyInput, required: true, description: "The reply." }) },
    resolve: (_root, { input }, ctx) => approveReply(ctx, input),
  }),
  rejectReply: t.field({
    type: ReviewReplyPayload,
    description:
      "Sends a held reply back to its author with a reason; it never reaches the customer and the author writes a new reply. The author's mentor or a supervisor of the case's team; never the author.",
    authScopes: { user: true },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: RejectReplyInput, required: true, description: "The reply and the reason." }) },
    resolve: (_root, { input }, ctx) => rejectReply(ctx, input),
  }),
}));
