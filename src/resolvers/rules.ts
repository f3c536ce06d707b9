// Routing rules and tag triggers at work: loading them, applying an evaluation's
// changes to a case with an audit event per firing, and saving rules (refusing a set
// that would loop). The evaluation itself is pure: src/domain/rules.ts.
import { z } from "zod";
import type { Context } from "../context.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import { label, parseInput, tagName } from "../domain/input.js";
import {
  ASSIGNMENT_STRATEGIES,
  type Evaluation,
  evaluateRules,
  loopOnSave,
  RULE_EVENTS,
  type Rule,
  STRATEGY_NAMES,
  tierForLevel,
} from "../domain/rules.js";
import { MAX_TAGS } from "../domain/tags.js";
import { dropsAssignee } from "../domain/workflow.js";
import { ValidationError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import { raiseAlert } from "../realtime/alerts.js";
import { pickAssignee } from "./assignment.js";
import { recordEvent } from "./audit.js";
import { decodeId } from "./ids.js";
import { slaOnPolicyChange } from "./sla/clocks.js";
import { setTags, tagNamesOf } from "./ticket-rows.js";
import type { Write } from "./write-frame.js";

function asRule(row: {
  id: string;
  name: string;
  position: number;
  runsOn: string[];
  enabled: boolean;
  conditions: unknown;
  actions: unknown;
}): Rule {
  return { ...row, conditions: (row.conditions ?? {}) as Rule["conditions"], actions: (row.actions ?? {}) as Rule["actions"] };
}

export async function enabledRules(tx: Tx): Promise<Rule[]> {
  return (await tx.routingRule.findMany({ where: { enabled: true } })).map(asRule);
}

/**
 * Records what an evaluation did to a case: one RULE_FIRED event per firing, the
 * stopped loop, the supervisors' alerts, and the automatic assignment it asked for.
 */
export async function recordFirings(w: Write, ticket: { id: string; number: string }, evaluation: Evaluation) {
  const { tx, now } = w;
  const teamId = evaluation.facts.teamId;
  for (const { rule, changes, tagsLeftOff } of evaluation.firings) {
    await recordEvent(tx, null, ticket.id, now, {
      type: "RULE_FIRED",
      before: Object.fromEntries(changes.map((c) => [c.field, c.before])) as Prisma.InputJsonValue,
      after: {
        ...Object.fromEntries(changes.map((c) => [c.field, c.after])),
        ruleId: rule.id,
        // Tags the rule could not add: the case had MAX_TAGS already.
        ...(tagsLeftOff ? { tagsLeftOff } : {}),
      } as Prisma.InputJsonValue,
      note: `Rule "${rule.name}"`,
    });
  }
  for (const rule of evaluation.alerts) {
    raiseAlert(tx, {
      kind: rule.actions.atRisk ? "AT_RISK" : "RULE_ALERT",
      audience: "SUPERVISORS",
      teamIds: [teamId],
      ticketId: ticket.id,
      message: `${ticket.number}: rule "${rule.name}"${rule.actions.atRisk ? " flagged the customer as a churn risk" : " asks for a supervisor"}`,
      at: now,
    });
  }
  if (evaluation.loop) {
    const { stopped, undid, what } = evaluation.loop;
    const message = `Rule "${stopped.name}" would undo what rule "${undid.name}" did (${what}); it was stopped`;
    await recordEvent(tx, null, ticket.id, now, {
      type: "RULE_LOOP_STOPPED",
      after: { stoppedRuleId: stopped.id, undoneRuleId: undid.id },
      note: message,
    });
    raiseAlert(tx, {
      kind: "RULE_LOOP",
      audience: "SUPERVISORS",
      teamIds: [teamId],
      ticketId: ticket.id,
      message: `${ticket.number}: ${message}`,
      at: now,
    });
  }
  if (evaluation.assign && teamId) {
    const { assign } = evaluation;
    const assigneeId =
      "userId" in assign ? await activeMember(tx, assign.userId, teamId) : await pickAssignee(tx, teamId, assign.strategy, now);
    if (assigneeId) {
      await tx.ticket.update({ where: { id: ticket.id }, data: { assigneeId, version: { increment: 1 }, updatedAt: now } });
      await recordEvent(tx, null, ticket.id, now, {
        type: "ASSIGNED",
        before: { assigneeId: null },
        after: { assigneeId },
        note: `Rule "${assign.rule.name}": ${"userId" in assign ? "fixed assignee" : STRATEGY_NAMES[assign.strategy]}`,
      });
    }
  }
}

/** The user, when they are an active member of the team; a rule's fixed assignee who left the team is skipped. */
async function activeMember(tx: Tx, userId: string, teamId: string): Promise<string | null> {
  const member = await tx.teamMember.findFirst({ where: { teamId, userId, user: { active: true } }, select: { userId: true } });
  return member?.userId ?? null;
}

/** Runs the UPDATED rules on a case after a change, inside the same write. */
export async function runRules(w: Write, ticketId: string) {
  const { tx, now } = w;
  const [rules, ticket, tags] = await Promise.all([
    enabledRules(tx),
    tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, include: { tier: { select: { level: true } } } }),
    tagNamesOf(tx, ticketId),
  ]);
  const before = {
    type: ticket.type,
    channel: ticket.channel,
    priority: ticket.priority,
    tags,
    teamId: ticket.teamId,
    tierLevel: ticket.tier?.level ?? 1,
    atRisk: ticket.atRisk,
  };
  const evaluation = evaluateRules(rules, before, "UPDATED", { assigned: ticket.assigneeId !== null });
  if (!evaluation.firings.length && !evaluation.loop) return;
  const after = evaluation.facts;
  const tier =
    after.tierLevel !== before.tierLevel
      ? (tierForLevel(await tx.tier.findMany({ orderBy: { level: "asc" } }), after.tierLevel) ?? null)
      : null;
  const teamChanged = after.teamId !== before.teamId;
  const data: Prisma.TicketUncheckedUpdateInput = {
    ...(teamChanged ? { teamId: after.teamId } : {}),
    ...(dropsAssignee(ticket, after.teamId) ? { assigneeId: null } : {}),
    ...(tier ? { tierId: tier.id } : {}),
    ...(after.priority !== before.priority ? { priority: after.priority } : {}),
    ...(after.atRisk !== before.atRisk ? { atRisk: after.atRisk } : {}),
  };
  await setTags(tx, ticketId, tags, after.tags, now);
  await tx.ticket.update({ where: { id: ticketId }, data: { ...data, version: { increment: 1 }, updatedAt: now } });
  if (teamChanged || tier || data.priority) {
    await slaOnPolicyChange(tx, { id: ticketId, teamId: after.teamId, priority: after.priority, tierId: tier?.id ?? ticket.tierId });
  }
  await recordFirings(w, ticket, { ...evaluation, assign: teamChanged || !ticket.assigneeId ? evaluation.assign : null });
}

// ─── administration ─────────────────────────────────────────────────────────

const ruleInput = z.object({
  name: label,
  position: z.number().int().min(0, "must be 0 or more").max(1_000_000, "must be at most 1,000,000"),
  runsOn: z
    .array(z.enum(RULE_EVENTS))
    .min(1, "name at least one event: CREATED, UPDATED")
    .transform((e) => [...new Set(e)]),
  enabled: z.boolean(),
  conditions: z.object({
    types: z.array(z.string()).optional(),
    channels: z.array(z.string()).optional(),
    priorities: z.array(z.string()).optional(),
    tags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
    teamIds: z.array(z.string()).optional(),
  }),
  actions: z
    .object({
      teamId: z.string().optional(),
      tierLevel: z.number().int().min(1, "must be 1-4").max(4, "must be 1-4").optional(),
      priority: z.string().optional(),
      addTags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
      removeTags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
      atRisk: z.boolean().optional(),
      assign: z.enum(ASSIGNMENT_STRATEGIES).optional(),
      assigneeId: z.string().optional(),
      alertSupervisors: z.boolean().optional(),
    })
    .refine((a) => !(a.assign && a.assigneeId), { message: "name a fixed assignee or a strategy, not both", path: ["assigneeId"] })
    .refine((a) => Object.values(a).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), "name at least one action")
    .refine((a) => !(a.addTags ?? []).some((t) => (a.removeTags ?? []).includes(t)), "a rule cannot add and remove the same tag"),
});

export interface RuleArgs {
  id?: string | null;
  name: string;
  position: number;
  runsOn: string[];
  enabled?: boolean | null;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

/** Drops null and empty entries, so the stored JSON says only what the rule checks or does. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as T;
}

export async function upsertRoutingRule(ctx: Context, args: RuleArgs) {
  const id = args.id ? decodeId("input.id", args.id, "RoutingRule") : null;
  const conditions = compact(args.conditions);
  const actions = compact(args.actions);
  const input = parseInput(ruleInput, { ...args, enabled: args.enabled ?? true, conditions, actions });
  const teamIds = (conditions.teamIds as string[] | undefined)?.map((t, i) => decodeId(`input.conditions.teamIds.${i}`, t, "Team"));
  const actionTeam = actions.teamId ? decodeId("input.actions.teamId", actions.teamId as string, "Team") : undefined;
  const actionAssignee = actions.assigneeId ? decodeId("input.actions.assigneeId", actions.assigneeId as string, "User") : undefined;
  return inTransaction(ctx, async (tx) => {
    const known = await tx.team.findMany({
      where: { id: { in: [...(teamIds ?? []), ...(actionTeam ? [actionTeam] : [])] } },
      select: { id: true },
    });
    const missing = (id: string) => !known.some((t) => t.id === id);
    if (actionTeam && missing(actionTeam)) throw ValidationError.of("input.actions.teamId", "names no team");
    if (actionAssignee && !(await tx.user.findFirst({ where: { id: actionAssignee, active: true }, select: { id: true } }))) {
      throw ValidationError.of("input.actions.assigneeId", "names no active user");
    }
    teamIds?.forEach((t, i) => {
      if (missing(t)) throw ValidationError.of(`input.conditions.teamIds.${i}`, "names no team");
    });
    if (id && !(await tx.routingRule.findUnique({ where: { id }, select: { id: true } })))
      throw ValidationError.of("input.id", "names no rule");
    const clash = await tx.routingRule.findUnique({ where: { name: input.name }, select: { id: true } });
    if (clash && clash.id !== id) throw ValidationError.of("input.name", "another rule has this name");
    const data = {
      name: input.name,
      position: input.position,
      runsOn: input.runsOn,
      enabled: input.enabled,
      conditions: compact({ ...input.conditions, teamIds }) as Prisma.InputJsonValue,
      actions: compact({ ...input.actions, teamId: actionTeam, assigneeId: actionAssignee }) as Prisma.InputJsonValue,
      teamId: actionTeam ?? null,
    };
    // Would the rule set loop with this rule in it? Refused now rather than stopped on a live case.
    // Saves take turns, so two that would loop together cannot each pass without the other;
    // this lock mode conflicts with itself and with deletes, not with reads.
    await tx.$executeRaw`LOCK TABLE "RoutingRule" IN SHARE ROW EXCLUSIVE MODE`;
    const others = (await tx.routingRule.findMany({ where: { enabled: true, ...(id ? { id: { not: id } } : {}) } })).map(asRule);
    const candidate = asRule({ id: id ?? "(new rule)", ...data, conditions: data.conditions, actions: data.actions });
    const loop = loopOnSave(others, candidate);
    if (loop) {
      const [a, b] = loop.rules;
      throw ValidationError.of(
        "input.actions",
        a === candidate
          ? `would loop with rule "${b.name}": one undoes the other's change (${loop.what})`
          : `would make rules "${a.name}" and "${b.name}" loop: it sets what lets both fire on one case, and one undoes the other's change (${loop.what})`,
      );
    }
    const saved = id ? await tx.routingRule.update({ where: { id }, data }) : await tx.routingRule.create({ data });
    return { id: saved.id };
  });
}

export async function deleteRoutingRule(ctx: Context, globalId: string) {
  const id = decodeId("input.id", globalId, "RoutingRule");
  const { count } = await inTransaction(ctx, (tx) => tx.routingRule.deleteMany({ where: { id } }));
  if (!count) throw ValidationError.of("input.id", "names no rule");
  return { id: globalId };
}
