// Routing rules and tag triggers, configured by administrators; automatic assignment.
import { ASSIGNMENT_STRATEGIES, type RuleActions, type RuleConditions } from "../domain/rules.js";
import { deleteRoutingRule, upsertRoutingRule } from "../resolvers/rules/admin.js";
import { autoAssignTicket } from "../resolvers/tickets/assign.js";
import { builder } from "./builder.js";
import { ChannelEnum, PriorityEnum, TicketTypeEnum } from "./enums.js";
import { commonErrors, ticketWriteErrors } from "./errors.js";
import { ticketPayload } from "./ticket/payloads.js";

export const RuleEventEnum = builder.enumType("RuleEvent", {
  description: "When a rule is evaluated.",
  values: {
    CREATED: { description: "On a new case, before it is written." },
    UPDATED: { description: "After a case's tags or fields change (by a person, a bot or a macro)." },
  } as const,
});

export const AssignmentStrategyEnum = builder.enumType("AssignmentStrategy", {
  description: "How a case is handed to a member of its team. Only people AVAILABLE and inside their working hours are picked.",
  values: {
    ROUND_ROBIN: { description: "The next member in turn." },
    LEAST_LOADED: { description: "The member with the fewest open cases." },
  } as const,
});

const RuleConditionsRef = builder.objectRef<RuleConditions>("RuleConditions").implement({
  description:
    "What a case must be for the rule to fire; every listed condition must hold, a list holds when the case has any of its values.",
  fields: (t) => ({
    types: t.field({ type: [TicketTypeEnum], description: "Case types.", resolve: (c) => c.types ?? [] }),
    channels: t.field({ type: [ChannelEnum], description: "Channels.", resolve: (c) => c.channels ?? [] }),
    priorities: t.field({ type: [PriorityEnum], description: "Priorities.", resolve: (c) => c.priorities ?? [] }),
    tags: t.stringList({ description: "Tags, any of which the case carries.", resolve: (c) => c.tags ?? [] }),
    teams: t.prismaField({
      type: ["Team"],
      description: "Owning teams.",
      resolve: (query, c, _a, ctx) =>
        c.teamIds?.length ? ctx.prisma.team.findMany({ ...query, where: { id: { in: c.teamIds } }, orderBy: { name: "asc" } }) : [],
    }),
  }),
});

const RuleActionsRef = builder.objectRef<RuleActions>("RuleActions").implement({
  description: "What a rule does to a matching case.",
  fields: (t) => ({
    team: t.prismaField({
      type: "Team",
      nullable: true,
      description: "Owning team (the first rule naming a team wins; a team given on creation wins over all).",
      resolve: (query, a, _args, ctx) => (a.teamId ? ctx.prisma.team.findUnique({ ...query, where: { id: a.teamId } }) : null),
    }),
    tierLevel: t.int({
      nullable: true,
      description: "Raise the case to at least this tier; rules never lower a tier.",
      resolve: (a) => a.tierLevel ?? null,
    }),
    priority: t.field({ type: PriorityEnum, nullable: true, description: "Set this priority.", resolve: (a) => a.priority ?? null }),
    addTags: t.stringList({ description: "Tags to add.", resolve: (a) => a.addTags ?? [] }),
    removeTags: t.stringList({ description: "Tags to remove.", resolve: (a) => a.removeTags ?? [] }),
    atRisk: t.boolean({ nullable: true, description: "Set or clear the churn-risk flag.", resolve: (a) => a.atRisk ?? null }),
    assign: t.field({
      type: AssignmentStrategyEnum,
      nullable: true,
      description: "Assign an unassigned case within its team.",
      resolve: (a) => a.assign ?? null,
    }),
    assignee: t.prismaField({
      type: "User",
      nullable: true,
      description: "Assign an unassigned case to this person, when they are an active member of its team.",
      resolve: (query, a, _args, ctx) => (a.assigneeId ? ctx.prisma.user.findUnique({ ...query, where: { id: a.assigneeId } }) : null),
    }),
    alertSupervisors: t.boolean({
      description: "Alert the owning team's supervisors (the `alerts` subscription).",
      resolve: (a) => a.alertSupervisors ?? false,
    }),
  }),
});

builder.prismaNode("RoutingRule", {
  description:
    "A routing rule or tag trigger. Enabled rules run in ascending position (ties by name), each at most once per change; after a rule changes the case, evaluation restarts from the first rule. A rule that would undo another's change is stopped and recorded (RULE_LOOP_STOPPED).",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name, shown in the audit trail." }),
    position: t.exposeInt("position", { description: "Evaluation order, lowest first." }),
    runsOn: t.field({ type: [RuleEventEnum], description: "When it is evaluated.", resolve: (r) => r.runsOn as ("CREATED" | "UPDATED")[] }),
    enabled: t.exposeBoolean("enabled", { description: "Disabled rules are kept but never run." }),
    conditions: t.field({ type: RuleConditionsRef, description: "When it fires.", resolve: (r) => r.conditions as RuleConditions }),
    actions: t.field({ type: RuleActionsRef, description: "What it does.", resolve: (r) => r.actions as RuleActions }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "Last change." }),
  }),
});

builder.queryField("routingRules", (t) =>
  t.prismaField({
    type: ["RoutingRule"],
    description: "Every rule in evaluation order.",
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.routingRule.findMany({ ...query, orderBy: [{ position: "asc" }, { name: "asc" }] }),
  }),
);

const RuleConditionsInput = builder.inputType("RuleConditionsInput", {
  description: "When the rule fires; omitted lists match every case.",
  fields: (t) => ({
    types: t.field({ type: [TicketTypeEnum], description: "Case types." }),
    channels: t.field({ type: [ChannelEnum], description: "Channels." }),
    priorities: t.field({ type: [PriorityEnum], description: "Priorities." }),
    tags: t.stringList({ description: "Tags, any of which the case carries." }),
    teamIds: t.idList({ description: "Owning teams." }),
  }),
});

const RuleActionsInput = builder.inputType("RuleActionsInput", {
  description: "What the rule does; at least one.",
  fields: (t) => ({
    teamId: t.id({ description: "Owning team." }),
    tierLevel: t.int({ description: "Raise to at least this tier (1-4)." }),
    priority: t.field({ type: PriorityEnum, description: "Set this priority." }),
    addTags: t.stringList({ description: "Tags to add." }),
    removeTags: t.stringList({ description: "Tags to remove." }),
    atRisk: t.boolean({ description: "Set (true) or clear (false) the churn-risk flag." }),
    assign: t.field({ type: AssignmentStrategyEnum, description: "Assign an unassigned case within its team." }),
    assigneeId: t.id({ description: "Assign an unassigned case to this person (skipped when they are not an active member of its team)." }),
    alertSupervisors: t.boolean({ description: "Alert the owning team's supervisors." }),
  }),
});

const UpsertRoutingRuleInput = builder.inputType("UpsertRoutingRuleInput", {
  description: "A rule to create, or to change when `id` is given. A rule that would loop with the others is refused.",
  fields: (t) => ({
    id: t.id({ description: "The rule to change; omit to create one." }),
    name: t.string({ required: true, description: "Unique name." }),
    position: t.int({ required: true, description: "Evaluation order, lowest first." }),
    runsOn: t.field({ type: [RuleEventEnum], required: true, description: "When it is evaluated." }),
    enabled: t.boolean({ description: "Default true." }),
    conditions: t.field({ type: RuleConditionsInput, required: true, description: "When it fires." }),
    actions: t.field({ type: RuleActionsInput, required: true, description: "What it does." }),
  }),
});

const RoutingRulePayload = builder.objectRef<{ id: string }>("RoutingRulePayload").implement({
  description: "The rule after the change.",
  fields: (t) => ({
    routingRule: t.prismaField({
      type: "RoutingRule",
      description: "The rule.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.routingRule.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const DeleteRoutingRulePayload = builder.objectRef<{ id: string }>("DeleteRoutingRulePayload").implement({
  description: "The rule is gone.",
  fields: (t) => ({ deletedId: t.exposeID("id", { description: "The id of the deleted rule." }) }),
});

const AutoAssignTicketInput = builder.inputType("AutoAssignTicketInput", {
  description: "Hand a case to a member of its team.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The case." }),
    strategy: t.field({ type: AssignmentStrategyEnum, required: true, description: "How to pick." }),
    expectedVersion: t.int({ description: "The version the change is based on." }),
  }),
});

const strategies: readonly string[] = ASSIGNMENT_STRATEGIES;

builder.mutationFields((t) => ({
  upsertRoutingRule: t.field({
    type: RoutingRulePayload,
    description: "Creates or changes a routing rule or tag trigger. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertRoutingRuleInput, required: true, description: "The rule." }) },
    resolve: (_root, { input }, ctx) =>
      upsertRoutingRule(ctx, {
        ...input,
        id: input.id ?? null,
        conditions: { ...input.conditions, teamIds: input.conditions.teamIds?.map(String) },
        actions: {
          ...input.actions,
          teamId: input.actions.teamId ?? undefined,
          assigneeId: input.actions.assigneeId ?? undefined,
        },
      }),
  }),
  deleteRoutingRule: t.field({
    type: DeleteRoutingRulePayload,
    description: "Deletes a rule. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { id: t.arg.id({ required: true, description: "The rule." }) },
    resolve: (_root, { id }, ctx) => deleteRoutingRule(ctx, id),
  }),
  autoAssignTicket: t.field({
    type: ticketPayload("AutoAssignTicketPayload", "The assigned case."),
    description: `Assigns a case to the next member of its team (${strategies.join(" or ")}), skipping people who are not AVAILABLE or outside their working hours. Supervisors, managers and tokens of the team.`,
    authScopes: { scope: "tickets:write" },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: AutoAssignTicketInput, required: true, description: "The case and strategy." }) },
    resolve: (_root, { input }, ctx) => autoAssignTicket(ctx, input),
  }),
}));
