// Time-in-status automations, configured by administrators: "a case held in a status for
// N seconds" conditions and additive actions, fired once per stay by the SLA monitor's scan.
import { type AutomationActions, type AutomationConditions, MAX_AUTOMATION_SECONDS } from "../domain/automations.js";
import { deleteStatusAutomation, upsertStatusAutomation } from "../resolvers/automations/admin.js";
import { builder } from "./builder.js";
import { PriorityEnum, TicketStatusEnum, TicketTypeEnum } from "./enums.js";
import { commonErrors } from "./errors.js";

const AutomationConditionsRef = builder.objectRef<AutomationConditions>("AutomationConditions").implement({
  description:
    "What the case must be when the automation falls due; every listed condition must hold, a list holds when the case has any of its values.",
  fields: (t) => ({
    teams: t.prismaField({
      type: ["Team"],
      description: "Owning teams.",
      resolve: (query, c, _a, ctx) =>
        c.teamIds?.length ? ctx.prisma.team.findMany({ ...query, where: { id: { in: c.teamIds } }, orderBy: { name: "asc" } }) : [],
    }),
    priorities: t.field({ type: [PriorityEnum], description: "Priorities.", resolve: (c) => c.priorities ?? [] }),
    types: t.field({ type: [TicketTypeEnum], description: "Case types.", resolve: (c) => c.types ?? [] }),
    tags: t.stringList({ description: "Tags, any of which the case carries.", resolve: (c) => c.tags ?? [] }),
  }),
});

const AutomationActionsRef = builder.objectRef<AutomationActions>("AutomationActions").implement({
  description: "What an automation does; every action only adds, so no automation undoes another's or a routing rule's change.",
  fields: (t) => ({
    alertAssignee: t.boolean({
      description:
        "Alert the case's assignee (the `alerts` subscription, kind AUTOMATION_ALERT, audience ASSIGNEE); nothing when it has none.",
      resolve: (a) => a.alertAssignee ?? false,
    }),
    alertSupervisors: t.boolean({
      description: "Alert the owning team's supervisors (the `alerts` subscription, kind AUTOMATION_ALERT).",
      resolve: (a) => a.alertSupervisors ?? false,
    }),
    addTags: t.stringList({ description: "Tags to add (past the case's tag limit they are left off).", resolve: (a) => a.addTags ?? [] }),
    raisePriority: t.field({
      type: PriorityEnum,
      nullable: true,
      description: "Raise the priority to this one; a case at it or higher keeps its own.",
      resolve: (a) => a.raisePriority ?? null,
    }),
    escalateTier: t.boolean({ description: "Escalate one tier up (never past the top tier).", resolve: (a) => a.escalateTier ?? false }),
    note: t.string({
      nullable: true,
      description: "An internal note posted on the case, a message template ({{ticket.number}}, {{ticket.title}}, {{customer.name}} …).",
      resolve: (a) => a.note ?? null,
    }),
  }),
});

builder.prismaNode("StatusAutomation", {
  description:
    "A time-in-status automation: once a case has held `status` for `afterSeconds`, its actions run, once per stay in that status (leaving and entering again re-arms it), audited as RULE_FIRED.",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name, shown in the audit trail." }),
    status: t.expose("status", { type: TicketStatusEnum, description: "The status the case must hold." }),
    afterSeconds: t.exposeInt("afterSeconds", { description: "How long the case must have held it, in seconds." }),
    businessTime: t.exposeBoolean("businessTime", {
      description:
        "Seconds of business time of the owning team's calendar (else the default calendar) when true, of calendar time when false.",
    }),
    enabled: t.exposeBoolean("enabled", { description: "Disabled automations are kept but never scheduled." }),
    conditions: t.field({
      type: AutomationConditionsRef,
      description: "What the case must be when it falls due.",
      resolve: (a) => a.conditions as AutomationConditions,
    }),
    actions: t.field({ type: AutomationActionsRef, description: "What it does.", resolve: (a) => a.actions as AutomationActions }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "Last change." }),
  }),
});

builder.queryField("statusAutomations", (t) =>
  t.prismaField({
    type: ["StatusAutomation"],
    description: "Every time-in-status automation, by status and name.",
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.statusAutomation.findMany({ ...query, orderBy: [{ status: "asc" }, { name: "asc" }] }),
  }),
);

const AutomationConditionsInput = builder.inputType("AutomationConditionsInput", {
  description: "What the case must be when the automation falls due; omitted lists match every case.",
  fields: (t) => ({
    teamIds: t.idList({ description: "Owning teams." }),
    priorities: t.field({ type: [PriorityEnum], description: "Priorities." }),
    types: t.field({ type: [TicketTypeEnum], description: "Case types." }),
    tags: t.stringList({ description: "Tags, any of which the case carries." }),
  }),
});

const AutomationActionsInput = builder.inputType("AutomationActionsInput", {
  description: "What the automation does; at least one.",
  fields: (t) => ({
    alertAssignee: t.boolean({ description: "Alert the case's assignee." }),
    alertSupervisors: t.boolean({ description: "Alert the owning team's supervisors." }),
    addTags: t.stringList({ description: "Tags to add." }),
    raisePriority: t.field({ type: PriorityEnum, description: "Raise the priority to this one (MEDIUM or HIGH)." }),
    escalateTier: t.boolean({ description: "Escalate one tier up." }),
    note: t.string({ description: "An internal note to post, a message template; unknown placeholders are refused." }),
  }),
});

const UpsertStatusAutomationInput = builder.inputType("UpsertStatusAutomationInput", {
  description: "An automation to create, or to change when `id` is given.",
  fields: (t) => ({
    id: t.id({ description: "The automation to change; omit to create one." }),
    name: t.string({ required: true, description: "Unique name." }),
    status: t.field({
      type: TicketStatusEnum,
      required: true,
      description: "The status the case must hold (NEW counts from the case's creation).",
    }),
    afterSeconds: t.int({ required: true, description: `How long, in seconds (1 to ${MAX_AUTOMATION_SECONDS}).` }),
    businessTime: t.boolean({ description: "Business time of the case's calendar (default true) or calendar time (false)." }),
    enabled: t.boolean({ description: "Default true." }),
    conditions: t.field({ type: AutomationConditionsInput, description: "What the case must be; omit for every case." }),
    actions: t.field({ type: AutomationActionsInput, required: true, description: "What it does." }),
  }),
});

const StatusAutomationPayload = builder.objectRef<{ id: string }>("StatusAutomationPayload").implement({
  description: "The automation after the change.",
  fields: (t) => ({
    statusAutomation: t.prismaField({
      type: "StatusAutomation",
      description: "The automation.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.statusAutomation.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const DeleteStatusAutomationPayload = builder.objectRef<{ id: string }>("DeleteStatusAutomationPayload").implement({
  description: "The automation is gone, with its pending checks.",
  fields: (t) => ({ deletedId: t.exposeID("id", { description: "The id of the deleted automation." }) }),
});

builder.mutationFields((t) => ({
  upsertStatusAutomation: t.field({
    type: StatusAutomationPayload,
    description:
      "Creates or changes a time-in-status automation. It is scheduled for stays that begin after the save; checks already scheduled keep their due time and read the new conditions and actions when due. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertStatusAutomationInput, required: true, description: "The automation." }) },
    resolve: (_root, { input }, ctx) =>
      upsertStatusAutomation(ctx, {
        ...input,
        id: input.id ?? null,
        conditions: { ...(input.conditions ?? {}), teamIds: input.conditions?.teamIds?.map(String) },
        actions: { ...input.actions },
      }),
  }),
  deleteStatusAutomation: t.field({
    type: DeleteStatusAutomationPayload,
    description: "Deletes an automation and its pending checks. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { id: t.arg.id({ required: true, description: "The automation." }) },
    resolve: (_root, { id }, ctx) => deleteStatusAutomation(ctx, id),
  }),
}));
