// Macros: saved actions plus a reply template, applied to a case in one step.
import type { MacroActions } from "../domain/macros.js";
import { canUseMacro, usableMacrosWhere } from "../domain/macros.js";
import { PLACEHOLDERS } from "../domain/templates.js";
import { applyMacro, deleteMacro, saveMacro } from "../resolvers/macros.js";
import type { TransitionResult } from "../resolvers/tickets/transition.js";
import { builder } from "./builder.js";
import { CommentVisibilityEnum, PriorityEnum, TicketStatusEnum } from "./enums.js";
import { commonErrors, ticketWriteErrors } from "./errors.js";
import { changedTicketField } from "./ticket/payloads.js";

const placeholderList = Object.keys(PLACEHOLDERS)
  .map((p) => `{{${p}}}`)
  .join(", ");

const MacroVisibilityEnum = builder.enumType("MacroVisibility", {
  description: "Who sees and uses a macro.",
  values: {
    PERSONAL: { description: "Only its owner." },
    TEAM: { description: "Members of its team; kept by the team's supervisors." },
    GLOBAL: { description: "Everyone; kept by managers." },
  } as const,
});

const MacroCommentRef = builder.objectRef<NonNullable<MacroActions["comment"]>>("MacroComment").implement({
  description: "The reply or note a macro posts.",
  fields: (t) => ({
    template: t.exposeString("template", { description: `Text with placeholders: ${placeholderList}.` }),
    visibility: t.field({ type: CommentVisibilityEnum, description: "PUBLIC reply or INTERNAL note.", resolve: (c) => c.visibility }),
  }),
});

const MacroActionsRef = builder.objectRef<MacroActions>("MacroActions").implement({
  description: "What a macro does, run in this order: tags, priority, tier, assignee, comment, status.",
  fields: (t) => ({
    addTags: t.stringList({ description: "Tags to add.", resolve: (a) => a.addTags ?? [] }),
    removeTags: t.stringList({ description: "Tags to remove.", resolve: (a) => a.removeTags ?? [] }),
    priority: t.field({ type: PriorityEnum, nullable: true, description: "Set this priority.", resolve: (a) => a.priority ?? null }),
    tierLevel: t.int({ nullable: true, description: "Escalate to this tier (needs a supervisor).", resolve: (a) => a.tierLevel ?? null }),
    assignToMe: t.boolean({ description: "Assign the person applying it.", resolve: (a) => a.assignToMe ?? false }),
    unassign: t.boolean({ description: "Drop the assignee.", resolve: (a) => a.unassign ?? false }),
    comment: t.field({ type: MacroCommentRef, nullable: true, description: "Reply or note to post.", resolve: (a) => a.comment ?? null }),
    status: t.field({
      type: TicketStatusEnum,
      nullable: true,
      description: "Move the case here (through the workflow's rules).",
      resolve: (a) => a.status ?? null,
    }),
    resolution: t.string({
      nullable: true,
      description: "Template of the resolution, for a macro that closes the case.",
      resolve: (a) => a.resolution ?? null,
    }),
  }),
});

builder.prismaNode("Macro", {
  description: "Saved actions and a reply template, applied to a case in one step through the same rules as the separate mutations.",
  id: { field: "id" },
  // Whoever may use it sees it, however it is reached (node, payloads, lists).
  authScopes: (macro, ctx) => canUseMacro(ctx.viewer, macro),
  fields: (t) => ({
    name: t.exposeString("name", { description: "What it is for." }),
    description: t.exposeString("description", { nullable: true, description: "When to use it." }),
    visibility: t.field({ type: MacroVisibilityEnum, description: "Who sees it.", resolve: (m) => m.visibility }),
    team: t.relation("team", { nullable: true, description: "Its team, for TEAM macros." }),
    owner: t.relation("owner", { nullable: true, description: "Its owner, for PERSONAL macros." }),
    actions: t.field({ type: MacroActionsRef, description: "What it does.", resolve: (m) => m.actions as MacroActions }),
  }),
});

builder.queryField("macros", (t) =>
  t.prismaField({
    type: ["Macro"],
    description: "The macros the viewer may use, by name.",
    authScopes: { scope: "tickets:read" },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.macro.findMany({ ...query, where: usableMacrosWhere(ctx.viewer!), orderBy: [{ name: "asc" }, { id: "asc" }] }),
  }),
);

const MacroCommentInput = builder.inputType("MacroCommentInput", {
  description: "The reply or note a macro posts.",
  fields: (t) => ({
    template: t.string({
      required: true,
      description: `Text with placeholders: ${placeholderList}. Unknown placeholders are refused at save.`,
    }),
    visibility: t.field({ type: CommentVisibilityEnum, required: true, description: "PUBLIC reply or INTERNAL note." }),
  }),
});

const MacroActionsInput = builder.inputType("MacroActionsInput", {
  description: "What the macro does; at least one action.",
  fields: (t) => ({
    addTags: t.stringList({ description: "Tags to add." }),
    removeTags: t.stringList({ description: "Tags to remove." }),
    priority: t.field({ type: PriorityEnum, description: "Set this priority." }),
    tierLevel: t.int({ description: "Escalate to this tier (1-4)." }),
    assignToMe: t.boolean({ description: "Assign the person applying it." }),
    unassign: t.boolean({ description: "Drop the assignee." }),
    comment: t.field({ type: MacroCommentInput, description: "Reply or note to post." }),
    status: t.field({ type: TicketStatusEnum, description: "Move the case here." }),
    resolution: t.string({ description: "Resolution template; required when status is DONE." }),
  }),
});

const SaveMacroInput = builder.inputType("SaveMacroInput", {
  description: "A macro to create, or to change when `id` is given.",
  fields: (t) => ({
    id: t.id({ description: "The macro to change; omit to create one." }),
    name: t.string({ required: true, description: "What it is for." }),
    description: t.string({ description: "When to use it." }),
    visibility: t.field({ type: MacroVisibilityEnum, required: true, description: "Who sees it." }),
    teamId: t.id({ description: "Its team; required for TEAM macros." }),
    actions: t.field({ type: MacroActionsInput, required: true, description: "What it does." }),
  }),
});

const ApplyMacroInput = builder.inputType("ApplyMacroInput", {
  description: "A macro to run on a case.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    macroId: t.id({ required: true, description: "The macro." }),
    expectedVersion: t.int({ description: "The case version the macro is based on." }),
  }),
});

const MacroPayload = builder.objectRef<{ id: string }>("MacroPayload").implement({
  description: "The macro after the change.",
  fields: (t) => ({
    macro: t.prismaField({
      type: "Macro",
      description: "The macro.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.macro.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const DeleteMacroPayload = builder.objectRef<{ id: string }>("DeleteMacroPayload").implement({
  description: "The macro is gone.",
  fields: (t) => ({ deletedId: t.exposeID("id", { description: "The id of the deleted macro." }) }),
});

const ApplyMacroPayload = builder.objectRef<TransitionResult>("ApplyMacroPayload").implement({
  description: "The case after the macro.",
  fields: (t) => ({
    ticket: changedTicketField(t),
    surveyToken: t.string({
      nullable: true,
      description: "When the macro closed the case: the survey's one-time token. Shown only here.",
      resolve: (r) => r.surveyToken ?? null,
    }),
  }),
});

builder.mutationFields((t) => ({
  saveMacro: t.field({
    type: MacroPayload,
    description: "Creates or changes a macro. Personal: anyone; team: its supervisors; global: managers.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: SaveMacroInput, required: true, description: "The macro." }) },
    resolve: (_root, { input }, ctx) =>
      saveMacro(ctx, { ...input, id: input.id ?? null, teamId: input.teamId ?? null, actions: input.actions as Record<string, unknown> }),
  }),
  deleteMacro: t.field({
    type: DeleteMacroPayload,
    description: "Deletes a macro; same permissions as saving it.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { id: t.arg.id({ required: true, description: "The macro." }) },
    resolve: (_root, { id }, ctx) => deleteMacro(ctx, id),
  }),
  applyMacro: t.field({
    type: ApplyMacroPayload,
    description:
      "Runs a macro's actions on a case in one transaction, each judged by the same rules as the separate mutation: all apply or none.",
    authScopes: { scope: "tickets:write" },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: ApplyMacroInput, required: true, description: "The case and macro." }) },
    resolve: (_root, { input }, ctx) => applyMacro(ctx, input),
  }),
}));
