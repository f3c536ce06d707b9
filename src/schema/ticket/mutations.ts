// Changing cases: create, update, move, assign, escalate and tag. Each resolver hands its
// input to its module in src/resolvers/tickets/ and answers the case as it is after.
import { assignTicket } from "../../resolvers/tickets/assign.js";
import { createTicket } from "../../resolvers/tickets/create.js";
import { escalateTicket } from "../../resolvers/tickets/escalate.js";
import { changeTags } from "../../resolvers/tickets/tags.js";
import { transitionTicket } from "../../resolvers/tickets/transition.js";
import { updateTicket } from "../../resolvers/tickets/update.js";
import { builder } from "../builder.js";
import { ticketWriteErrors } from "../errors.js";
import {
  AssignTicketInput,
  CreateTicketInput,
  EscalateTicketInput,
  TagsInput,
  TransitionTicketInput,
  UpdateTicketInput,
} from "./inputs.js";
import { TransitionTicketPayload, ticketPayload } from "./payloads.js";

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
