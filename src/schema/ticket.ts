// Cases: the Ticket type, its audit events, the queries that find cases and the
// mutations that move them. Resolvers hand their arguments to src/resolvers/tickets/
// and reload the case with Pothos' `query`, so nested selections stay one SQL statement.
import { canSeeTicket, canViewContact } from "../domain/access.js";
import { availableTransitions } from "../domain/workflow.js";
import { TICKET_EVENT_TYPES } from "../resolvers/audit.js";
import { decodeId } from "../resolvers/ids.js";
import { assignTicket } from "../resolvers/tickets/assign.js";
import { createTicket } from "../resolvers/tickets/create.js";
import { escalateTicket } from "../resolvers/tickets/escalate.js";
import { ticketListWhere, visibleTicketWhere } from "../resolvers/tickets/reads.js";
import { changeTags } from "../resolvers/tickets/tags.js";
import { type TransitionResult, transitionTicket } from "../resolvers/tickets/transition.js";
import { updateTicket } from "../resolvers/tickets/update.js";
import type { TicketResult } from "../resolvers/write-frame.js";
import { builder, maxPageSize, type Types, totalCountField } from "./builder.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum, TicketTypeEnum } from "./enums.js";
import { ticketWriteErrors } from "./errors.js";
import { UserRef } from "./user.js";

// ─── who did it ─────────────────────────────────────────────────────────────

export const ActorKindEnum = builder.enumType("ActorKind", {
  description: "Who made a change.",
  values: {
    USER: { description: "A person." },
    TOKEN: { description: "A bot or integration through an API token." },
    SYSTEM: { description: "caseflow itself: SLA clocks, rules." },
    CUSTOMER: { description: "The customer, through a survey link." },
  } as const,
});

export interface ActorShape {
  kind: "USER" | "TOKEN" | "SYSTEM" | "CUSTOMER";
  user: { id: string; name: string } | null;
  tokenName: string | null;
}

/** The actor of a row that names a person or a token (or neither: the system). */
export function actorFrom(
  user: { id: string; name: string } | null,
  token: { name: string } | null,
  otherwise: ActorShape["kind"] = "SYSTEM",
): ActorShape {
  return { kind: user ? "USER" : token ? "TOKEN" : otherwise, user, tokenName: token?.name ?? null };
}

export const ActorRef = builder.objectRef<ActorShape>("Actor").implement({
  description: "A person, an integration or the system.",
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum, description: "What kind of actor.", resolve: (a) => a.kind }),
    name: t.string({
      description: "A person's name, a token's name, or `caseflow`.",
      resolve: (a) => a.user?.name ?? a.tokenName ?? (a.kind === "CUSTOMER" ? "Customer" : "caseflow"),
    }),
    user: t.field({
      type: UserRef,
      nullable: true,
      description: "The person, when a person acted.",
      resolve: (a, _args, ctx) => (a.user ? ctx.prisma.user.findUnique({ where: { id: a.user.id } }) : null),
    }),
  }),
});

// ─── the case ───────────────────────────────────────────────────────────────

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

export const TicketEventTypeEnum = builder.enumType("TicketEventType", {
  description: "What kind of change an audit event records.",
  values: Object.fromEntries(Object.entries(TICKET_EVENT_TYPES).map(([k, description]) => [k, { description }])) as {
    [K in keyof typeof TICKET_EVENT_TYPES]: { description: string };
  },
});

const statusIn = (json: unknown) =>
  json && typeof json === "object" && "status" in json ? ((json as { status: string }).status as never) : null;

builder.prismaObject("TicketEvent", {
  description: "One immutable entry of a case's audit trail.",
  fields: (t) => ({
    cursor: t.string({
      description: "Position in the global event order; pass it as `after` to resume from here.",
      // The commit-order position (set at commit, so every committed event has one).
      resolve: (e) => {
        if (e.position === null) throw new Error(`TicketEvent ${e.seq} has no position yet`);
        return e.position.toString();
      },
    }),
    type: t.field({ type: TicketEventTypeEnum, description: "What changed.", resolve: (e) => e.type as never }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
    actor: t.field({
      type: ActorRef,
      description: "Who.",
      select: { actorKind: true, actorUser: { select: { id: true, name: true } }, actorToken: { select: { name: true } } },
      resolve: (e) => ({ kind: e.actorKind, user: e.actorUser, tokenName: e.actorToken?.name ?? null }),
    }),
    fromStatus: t.field({
      type: TicketStatusEnum,
      nullable: true,
      description: "Status before a move.",
      resolve: (e) => statusIn(e.before),
    }),
    toStatus: t.field({ type: TicketStatusEnum, nullable: true, description: "Status after a move.", resolve: (e) => statusIn(e.after) }),
    before: t.expose("before", { type: "JSON", nullable: true, description: "The changed fields' values before." }),
    after: t.expose("after", { type: "JSON", nullable: true, description: "The changed fields' values after." }),
    note: t.exposeString("note", { nullable: true, description: "The reason or note given with the change." }),
    ticket: t.relation("ticket", { description: "The case." }),
  }),
});

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
        description: "Comments and replies, oldest first. `last: 3` gives the latest three.",
        query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
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
        description: "The audit trail, oldest first.",
        query: { orderBy: { position: "asc" } },
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

// ─── finding cases ──────────────────────────────────────────────────────────

const TicketFilter = builder.inputType("TicketFilter", {
  description: "Conditions that all must hold. Lists match any of their values.",
  fields: (t) => ({
    status: t.field({ type: [TicketStatusEnum], description: "In any of these statuses." }),
    teamId: t.id({ description: "Owned by this team." }),
    assigneeId: t.id({ description: "Assigned to this person." }),
    priority: t.field({ type: [PriorityEnum], description: "Of any of these priorities." }),
    channel: t.field({ type: [ChannelEnum], description: "From any of these channels." }),
    type: t.field({ type: [TicketTypeEnum], description: "Of any of these types." }),
    tag: t.string({ description: "Carrying this tag." }),
    search: t.string({ description: "Exact number, account ID or external ref, or words of the title or description." }),
    createdAfter: t.field({ type: "DateTime", description: "Created at or after this instant." }),
    createdBefore: t.field({ type: "DateTime", description: "Created before this instant." }),
  }),
});

const TicketOrder = builder.enumType("TicketOrder", {
  description: "Sort order of a case list.",
  values: {
    NEWEST: { description: "Most recently created first (default)." },
    OLDEST: { description: "Oldest first." },
    RECENTLY_UPDATED: { description: "Most recently changed first." },
    PRIORITY: { description: "HIGH first, then oldest." },
    DUE_SOONEST: { description: "Earliest due date first; cases without one last." },
  } as const,
});

const ORDER = {
  NEWEST: [{ createdAt: "desc" }, { id: "desc" }],
  OLDEST: [{ createdAt: "asc" }, { id: "asc" }],
  RECENTLY_UPDATED: [{ updatedAt: "desc" }, { id: "desc" }],
  PRIORITY: [{ priority: "asc" }, { createdAt: "asc" }, { id: "asc" }],
  DUE_SOONEST: [{ dueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
} as const;

builder.queryFields((t) => ({
  ticket: t.prismaField({
    type: "Ticket",
    nullable: true,
    description: "A case by global id; null when it does not exist or is hidden from the viewer.",
    authScopes: { scope: "tickets:read" },
    args: { id: t.arg.id({ required: true, description: "The case's global id." }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.prisma.ticket.findFirst({ ...query, where: visibleTicketWhere(ctx.viewer!, { id: decodeId("id", id, "Ticket") }) }),
  }),
  ticketByNumber: t.prismaField({
    type: "Ticket",
    nullable: true,
    description: "A case by its number, e.g. WX-20231025-001.",
    authScopes: { scope: "tickets:read" },
    args: { number: t.arg.string({ required: true, description: "The case number." }) },
    resolve: (query, _root, { number }, ctx) =>
      ctx.prisma.ticket.findFirst({ ...query, where: visibleTicketWhere(ctx.viewer!, { number: number.trim().toUpperCase() }) }),
  }),
  tickets: t.prismaConnection(
    {
      type: "Ticket",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 20,
      description: "Cases the viewer may see, filtered and sorted. At most 100 per page.",
      authScopes: { scope: "tickets:read" },
      args: {
        filter: t.arg({ type: TicketFilter, description: "Which cases." }),
        orderBy: t.arg({ type: TicketOrder, defaultValue: "NEWEST", description: "Sort order." }),
      },
      totalCount: (_connection, { filter }, ctx) => ctx.prisma.ticket.count({ where: ticketListWhere(ctx.viewer!, filter) }),
      resolve: (query, _root, { filter, orderBy }, ctx) =>
        ctx.prisma.ticket.findMany({
          ...query,
          relationLoadStrategy: "join",
          where: ticketListWhere(ctx.viewer!, filter),
          orderBy: [...ORDER[orderBy ?? "NEWEST"]] as never,
        }),
    },
    {
      name: "TicketConnection",
      description: "A page of cases.",
      fields: totalCountField("cases"),
    },
    { name: "TicketEdge", description: "A case and its cursor." },
  ),
}));

// ─── changing cases ─────────────────────────────────────────────────────────

/**
 * The case as it is after a write, reloaded with the client's selection. The writer
 * may see it even when the write moved it out of their sight (another team).
 */
export const changedTicketField = <T extends TicketResult>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) =>
  t.prismaField({
    type: "Ticket",
    description: "The case after the change.",
    grantScopes: ["writtenTicket"],
    resolve: (query, { ticketId }, _args, ctx) => ctx.prisma.ticket.findUniqueOrThrow({ ...query, where: { id: ticketId } }),
  });

/** Every ticket write's payload carries the case as it is after the write. */
function ticketPayload(name: string, description: string) {
  return builder.objectRef<TicketResult>(name).implement({
    description,
    fields: (t) => ({ ticket: changedTicketField(t) }),
  });
}

const RequesterInput = builder.inputType("RequesterInput", {
  description: "The customer.",
  fields: (t) => ({
    name: t.string({ description: "Nickname or name." }),
    contact: t.string({ description: "Phone number or e-mail; stored encrypted, shown masked." }),
  }),
});

const AttachmentInput = builder.inputType("AttachmentInput", {
  description: "Metadata of a file stored elsewhere.",
  fields: (t) => ({
    name: t.string({ required: true, description: "File name." }),
    kind: t.string({ required: true, description: "Media type, e.g. image/png." }),
    size: t.int({ required: true, description: "Size in bytes." }),
    url: t.string({ description: "Where the file can be fetched." }),
  }),
});

const CreateTicketInput = builder.inputType("CreateTicketInput", {
  description: "A new case. It starts in NEW; moving on needs accountId, externalRef, description, details and a team.",
  fields: (t) => ({
    title: t.string({ required: true, description: "Must contain the account ID, plus a short statement." }),
    accountId: t.string({ required: true, description: "The customer's account ID." }),
    externalRef: t.string({ description: "The front-line ticket in the chat or e-mail tool." }),
    channel: t.field({ type: ChannelEnum, required: true, description: "Where the customer reached us." }),
    type: t.field({ type: TicketTypeEnum, required: true, description: "Kind of request; routes the case when no team is given." }),
    subcategory: t.string({ description: "Finer kind, e.g. refund." }),
    priority: t.field({ type: PriorityEnum, required: true, description: "Urgency." }),
    severity: t.int({ description: "Incident severity 0-4." }),
    teamId: t.id({ description: "Owning team; routing rules pick one when omitted." }),
    description: t.string({ description: "Brief statement with keywords (≤ 2,000 characters)." }),
    details: t.string({ description: "Everything the customer tried and said (≤ 20,000 characters)." }),
    requester: t.field({ type: RequesterInput, description: "The customer." }),
    tags: t.stringList({ description: "Tags; new names are created." }),
    assigneeId: t.id({ description: "A member of the owning team." }),
    attachments: t.field({ type: [AttachmentInput], description: "Files attached." }),
    idempotencyKey: t.string({ description: "A retry with the same key returns the case the first attempt created." }),
    dueAt: t.field({ type: "DateTime", description: "When the customer must have an answer." }),
  }),
});

const UpdateTicketInput = builder.inputType("UpdateTicketInput", {
  description: "Changes to a case's fields; omitted fields stay as they are. Status moves use transitionTicket.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    expectedVersion: t.int({ description: "The version the change is based on; a newer case refuses it." }),
    title: t.string({ description: "Must contain the account ID." }),
    accountId: t.string({ description: "The customer's account ID." }),
    externalRef: t.string({ description: "The front-line ticket." }),
    type: t.field({ type: TicketTypeEnum, description: "Kind of request." }),
    subcategory: t.string({ description: "Finer kind." }),
    priority: t.field({ type: PriorityEnum, description: "Urgency." }),
    severity: t.int({ description: "Incident severity 0-4." }),
    teamId: t.id({ description: "Hand the case to another team (drops the assignee)." }),
    description: t.string({ description: "Brief statement." }),
    details: t.string({ description: "Everything the customer tried and said." }),
    requester: t.field({ type: RequesterInput, description: "The customer's name or contact." }),
    dueAt: t.field({ type: "DateTime", description: "When the customer must have an answer." }),
  }),
});

const TransitionTicketInput = builder.inputType("TransitionTicketInput", {
  description: "A move in the workflow.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    to: t.field({ type: TicketStatusEnum, required: true, description: "The next status; see availableTransitions." }),
    expectedVersion: t.int({ description: "The version the move is based on." }),
    note: t.string({
      description: "Kept as a comment. Required for the team's answer (→ INFORM_CUSTOMER) and the customer's reply (→ NOT_STARTED).",
    }),
    resolution: t.string({ description: "The final answer; required to reach DONE." }),
    breachReason: t.string({ description: "Why the case is late; required to move a case whose SLA is breached." }),
  }),
});

const AssignTicketInput = builder.inputType("AssignTicketInput", {
  description: "Who should work the case.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    assigneeId: t.id({ description: "A member of the owning team; null to unassign." }),
    expectedVersion: t.int({ description: "The version the change is based on." }),
  }),
});

const EscalateTicketInput = builder.inputType("EscalateTicketInput", {
  description: "Move a case up to a higher support tier.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    tierLevel: t.int({ required: true, description: "Target tier, above the current one (1-4)." }),
    reason: t.string({ required: true, description: "Why; kept in the audit trail." }),
    expectedVersion: t.int({ description: "The version the change is based on." }),
  }),
});

const TagsInput = builder.inputType("TicketTagsInput", {
  description: "Tags to add to or remove from a case.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    tags: t.stringList({ required: true, description: "Tag names." }),
  }),
});

const TransitionTicketPayload = builder.objectRef<TransitionResult>("TransitionTicketPayload").implement({
  description: "The moved case.",
  fields: (t) => ({
    ticket: changedTicketField(t),
    surveyToken: t.string({
      nullable: true,
      description: "When the move closed the case: the one-time token of its satisfaction survey, for the customer. Shown only here.",
      resolve: (r) => r.surveyToken ?? null,
    }),
    surveySendAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When to send the survey to the customer.",
      resolve: (r) => r.surveySendAt ?? null,
    }),
  }),
});

const writeScopes = { scope: "tickets:write" } as const;

builder.mutationFields((t) => ({
  createTicket: t.field({
    type: ticketPayload("CreateTicketPayload", "The new case."),
    description: "Creates a case in NEW. Without teamId, routing rules pick the team.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: CreateTicketInput, required: true, description: "The case." }) },
    resolve: (_root, { input }, ctx) => createTicket(ctx, input),
  }),
  updateTicket: t.field({
    type: ticketPayload("UpdateTicketPayload", "The changed case."),
    description: "Changes a case's fields; every change is audited.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: UpdateTicketInput, required: true, description: "The changes." }) },
    resolve: (_root, { input }, ctx) => updateTicket(ctx, input),
  }),
  transitionTicket: t.field({
    type: TransitionTicketPayload,
    description: "Moves a case to its next status. Refused moves name the allowed ones.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: TransitionTicketInput, required: true, description: "The move." }) },
    resolve: (_root, { input }, ctx) => transitionTicket(ctx, input),
  }),
  assignTicket: t.field({
    type: ticketPayload("AssignTicketPayload", "The reassigned case."),
    description: "Assigns or unassigns a case. Agents take or drop cases themselves; supervisors assign anyone.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: AssignTicketInput, required: true, description: "The assignment." }) },
    resolve: (_root, { input }, ctx) => assignTicket(ctx, input),
  }),
  escalateTicket: t.field({
    type: ticketPayload("EscalateTicketPayload", "The escalated case."),
    description: "Moves a case up a support tier, with a reason. Supervisors and managers.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: EscalateTicketInput, required: true, description: "The escalation." }) },
    resolve: (_root, { input }, ctx) => escalateTicket(ctx, input),
  }),
  addTags: t.field({
    type: ticketPayload("AddTagsPayload", "The tagged case."),
    description: "Adds tags to a case, creating new tag names.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: TagsInput, required: true, description: "The tags." }) },
    resolve: (_root, { input }, ctx) => changeTags(ctx, input, "add"),
  }),
  removeTags: t.field({
    type: ticketPayload("RemoveTagsPayload", "The untagged case."),
    description: "Removes tags from a case.",
    authScopes: writeScopes,
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: TagsInput, required: true, description: "The tags." }) },
    resolve: (_root, { input }, ctx) => changeTags(ctx, input, "remove"),
  }),
}));

export { ticketPayload };
