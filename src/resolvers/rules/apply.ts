// Routing rules and tag triggers at work on a write: loading the enabled ones, and
// applying an evaluation's changes to a case with an audit event per firing. The
// evaluation itself is pure: src/domain/rules.ts. Saving rules is ./admin.ts.
import type { Tx } from "../../db/transaction.js";
import { type Evaluation, evaluateRules, type Rule, STRATEGY_NAMES, tierForLevel } from "../../domain/rules.js";
import { dropsAssignee } from "../../domain/workflow.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { raiseAlert } from "../../realtime/alerts.js";
import { pickAssignee } from "../assignment.js";
import { recordEvent } from "../audit.js";
import { slaOnPolicyChange } from "../sla/clocks.js";
import { setTags, tagNamesOf } from "../ticket-rows.js";
import type { Write } from "../write-frame.js";

/** A stored rule row as the domain's Rule, its JSON columns typed. */
export function asRule(row: {
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
export async function recordFirings(w: Write, ticket: { id: string; number: string; practice: boolean }, evaluation: Evaluation) {
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
      "userId" in assign ? await activeMember(tx, assign.userId, teamId) : await pickAssignee(tx, teamId, assign.strategy, now, ticket);
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
