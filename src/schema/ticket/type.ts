// The case: the Ticket type with its fields, its requester and attachments. Other
// domains add their fields to it (Ticket.sla, survey fields) where they are defined.
import { canSeeTicket, canViewContact, visibleCommentsWhere, visibleEventsWhere } from "../../domain/access.js";
import { availableTransitions } from "../../domain/workflow.js";
import { builder, maxPageSize } from "../builder.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum, TicketTypeEnum } from "../enums.js";
import { ActorRef, actorFrom } from "./actor.js";

builder.prismaObject("Customer", {
  name: "Requester",
  description: "The customer who raised the case. Contact data is masked unless the viewer may see it.",
  fields: (t) => ({
    accountId: t.exposeString("accountId", { description: "The customer's account ID." }),
    name: t.exposeString("name", { nullable: true, description: "Nickname or name." }),
    maskedContact: t.exposeString("contactMasked", { nullable: true, description: "Phone or e-mail, masked: 138****5678." }),
    contact: t.string({
      nullable: true,
      description: "Phone or e-mail in full; null unless the viewer has the contact permission.",
      resolve: (customer, _args, ctx) =>
        customer.contactEncrypted && canViewContact(ctx.viewer) ? ctx.cipher.decrypt(customer.contactEncrypted) : null,
    }),
  }),
});

builder.prismaObject("Attachment", {
  description: "A file attached to a case; the file itself lives elsewhere.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "File name." }),
    kind: t.exposeString("kind", { description: "Media type, e.g. image/png." }),
    size: t.exposeInt("size", { description: "Size in bytes." }),
    url: t.exposeString("url", { nullable: true, description: "Where the file can be fetched." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was attached." }),
  }),
});

/** Comments of a case, oldest first (Ticket.comments, also in the compiled case list). */
export const COMMENT_ORDER = [{ createdAt: "asc" }, { id: "asc" }] as const;

export const TicketRef = builder.prismaNode("Ticket", {
  description: "An escalated customer case, tracked until the customer has a final answer.",
  id: { field: "id" },
  // Whoever may see the case; a write's payload also shows its writer the result.
  authScopes: (ticket, ctx) => (canSeeTicket(ctx.viewer, ticket) ? true : { $granted: "writtenTicket" }),
  fields: (t) => ({
    number: t.exposeString("number", { description: "Human-readable number: <CHANNEL>-<YYYYMMDD>-<NNN>." }),
    title: t.exposeString("title", { description: "Account ID and a short statement." }),
    accountId: t.exposeString("accountId", { description: "The customer's account ID." }),
    externalRef: t.exposeString("externalRef", { nullable: true, description: "The front-line ticket in the chat or e-mail tool." }),
    channel: t.expose("channel", { type: ChannelEnum, description: "Where the customer reached us." }),
    type: t.expose("type", { type: TicketTypeEnum, description: "Kind of request." }),
    subcategory: t.exposeString("subcategory", { nullable: true, description: "Finer kind, e.g. refund." }),
    priority: t.expose("priority", { type: PriorityEnum, description: "Urgency; decides SLA targets." }),
    severity: t.exposeInt("severity", { nullable: true, description: "Incident severity 0 (trivial) to 4 (major)." }),
    status: t.expose("status", { type: TicketStatusEnum, description: "Where the case is in the workflow." }),
    description: t.exposeString("description", { nullable: true, description: "Brief statement with keywords." }),
    details: t.exposeString("details", { nullable: true, description: "Everything the customer tried and said." }),
    resolution: t.exposeString("resolution", { nullable: true, description: "The final answer, set when the case is DONE." }),
    version: t.exposeInt("version", { description: "Bumped by every change; send it back as expectedVersion." }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true, description: "When the customer must have an answer." }),
    atRisk: t.exposeBoolean("atRisk", { description: "Flagged as a churn risk." }),
    reopenCount: t.exposeInt("reopenCount", { description: "How often the case was reopened after DONE." }),
    practice: t.exposeBoolean("practice", {
      description: "A practice case for training: never counted in reports, SLA attainment, live metrics, exports or webhooks.",
    }),
    firstRespondedAt: t.expose("firstRespondedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the owning team first responded.",
    }),
    answeredAt: t.expose("answeredAt", {
      type: "DateTime",
      nullable: true,
      description: "When the team last had an answer (INFORM_CUSTOMER).",
    }),
    doneAt: t.expose("doneAt", { type: "DateTime", nullable: true, description: "When the case was closed." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the case was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the case last changed." }),
    team: t.relation("team", { nullable: true, description: "The owning team." }),
    tier: t.relation("tier", { nullable: true, description: "The support tier working the case." }),
    assignee: t.relation("assignee", { nullable: true, description: "Who is on the case." }),
    requester: t.relation("customer", { nullable: true, description: "The customer." }),
    attachments: t.relation("attachments", { description: "Attached files.", query: { orderBy: { createdAt: "asc" } } }),
    submittedBy: t.field({
      type: ActorRef,
      description: "Who created the case.",
      select: { submittedBy: { select: { id: true, name: true } }, submittedByToken: { select: { name: true } } },
      resolve: (ticket) => actorFrom(ticket.submittedBy, ticket.submittedByToken),
    }),
    tags: t.stringList({
      description: "Tag names, sorted.",
      select: { tags: { select: { tag: { select: { name: true } } } } },
      resolve: (ticket) => ticket.tags.map((t) => t.tag.name).sort(),
    }),
    comments: t.relatedConnection(
      "comments",
      {
        cursor: "id",
        maxSize: maxPageSize,
        description:
          "Comments and replies, oldest first. `last: 3` gives the latest three. Replies held for review (or rejected) only for their author, the author's mentor and the team's supervisors.",
        // Held and rejected replies follow canSeeComment (src/domain/access.ts).
        query: (_args, ctx) => ({
          where: visibleCommentsWhere(ctx.viewer),
          orderBy: [...COMMENT_ORDER],
        }),
      },
      { name: "CommentConnection", description: "A page of comments." },
      { name: "CommentEdge", description: "A comment and its cursor." },
    ),
    events: t.relatedConnection(
      "events",
      {
        // Commit order, the order live streams deliver in.
        cursor: "position",
        maxSize: maxPageSize,
        description:
          "The audit trail, oldest first. Events about a reply held for review (or rejected) only for those who may read the reply.",
        // Review events follow their reply's readers (canSeeEvent, src/domain/access.ts).
        query: (_args, ctx) => ({ where: visibleEventsWhere(ctx.viewer), orderBy: { position: "asc" as const } }),
      },
      { name: "TicketEventConnection", description: "A page of audit events." },
      { name: "TicketEventEdge", description: "An audit event and its cursor." },
    ),
    availableTransitions: t.field({
      type: [TicketStatusEnum],
      description: "The statuses the viewer may move the case to now.",
      resolve: (ticket, _args, ctx) => availableTransitions(ctx.viewer, ticket),
    }),
  }),
});
