// The inputs of the mutations that change a case.
import { builder } from "../builder.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum, TicketTypeEnum } from "../enums.js";

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

export const CreateTicketInput = builder.inputType("CreateTicketInput", {
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
    practice: t.boolean({
      description:
        "A practice case for training: fully workable, never counted in reports, SLA attainment, live metrics, exports or webhooks. Fixed at creation.",
    }),
  }),
});

export const UpdateTicketInput = builder.inputType("UpdateTicketInput", {
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

export const TransitionTicketInput = builder.inputType("TransitionTicketInput", {
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

export const AssignTicketInput = builder.inputType("AssignTicketInput", {
  description: "Who should work the case.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    assigneeId: t.id({ description: "A member of the owning team; null to unassign." }),
    expectedVersion: t.int({ description: "The version the change is based on." }),
  }),
});

export const EscalateTicketInput = builder.inputType("EscalateTicketInput", {
  description: "Move a case up to a higher support tier.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    tierLevel: t.int({ required: true, description: "Target tier, above the current one (1-4)." }),
    reason: t.string({ required: true, description: "Why; kept in the audit trail." }),
    expectedVersion: t.int({ description: "The version the change is based on." }),
  }),
});

export const TagsInput = builder.inputType("TicketTagsInput", {
  description: "Tags to add to or remove from a case.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    tags: t.stringList({ required: true, description: "Tag names." }),
  }),
});
