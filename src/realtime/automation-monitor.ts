// Fires time-in-status automations when they fall due, exactly once per stay with any
// number of instances. The SLA monitor's scan calls fireDueAutomations after its own
// targets, so the same timer, batch size and injected clock drive both. A check is owned
// by whichever transaction flips its firedAt from NULL first (a conditional UPDATE, as
// for SLA alerts); a move out of the status deletes the check, so a stay that ended is
// never acted on. What an automation does is decided by src/domain/automations.ts.
import type { Logger } from "pino";
import { inTransaction } from "../db/transaction.js";
import { type Automation, automationApplies, automationOutcome } from "../domain/automations.js";
import { tierForLevel } from "../domain/rules.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { recordEvent } from "../resolvers/audit.js";
import { slaOnPolicyChange } from "../resolvers/sla/clocks.js";
import { addCommentRow, setTags, tagNamesOf } from "../resolvers/ticket-rows.js";
import { raiseAlert } from "./alerts.js";
import type { Realtime } from "./pubsub.js";

export interface AutomationMonitorParts {
  prisma: PrismaClient;
  realtime: Realtime;
  logger: Logger;
}

/** Claims the check and, when the automation applies to the case as it is now, runs it. Resolves to whether it fired. */
async function fire(parts: AutomationMonitorParts, checkId: string, now: Date): Promise<boolean> {
  return inTransaction(parts, async (tx) => {
    const claim = await tx.automationCheck.updateMany({
      where: { id: checkId, firedAt: null, nextCheckAt: { lte: now } },
      data: { firedAt: now, nextCheckAt: null },
    });
    if (claim.count === 0) return false; // another instance fired it, or the case moved on
    const check = await tx.automationCheck.findUniqueOrThrow({
      where: { id: checkId },
      include: { automation: true, ticket: { include: { tier: { select: { level: true } }, customer: { select: { name: true } } } } },
    });
    const automation = check.automation as unknown as Automation;
    const { ticket } = check;
    const tags = await tagNamesOf(tx, ticket.id);
    const facts = {
      status: ticket.status,
      teamId: ticket.teamId,
      priority: ticket.priority,
      type: ticket.type,
      tags,
      tierLevel: ticket.tier?.level ?? 1,
    };
    // Conditions are read at the due instant; when they do not hold the stay is done with it.
    if (!automation.enabled || !automationApplies(automation, facts)) return false;
    const outcome = automationOutcome(automation.actions, facts, {
      "ticket.number": ticket.number,
      "ticket.title": ticket.title,
      "customer.accountId": ticket.accountId,
      "customer.name": ticket.customer?.name ?? ticket.accountId,
    });
    const tier =
      outcome.tierLevel !== facts.tierLevel
        ? (tierForLevel(await tx.tier.findMany({ orderBy: { level: "asc" } }), outcome.tierLevel) ?? null)
        : null;
    if (outcome.changes.length) {
      await setTags(tx, ticket.id, tags, outcome.tags, now);
      await tx.ticket.update({
        where: { id: ticket.id },
        data: {
          ...(outcome.priority !== facts.priority ? { priority: outcome.priority } : {}),
          ...(tier ? { tierId: tier.id } : {}),
          version: { increment: 1 },
          updatedAt: now,
        },
      });
      if (tier || outcome.priority !== facts.priority)
        await slaOnPolicyChange(tx, {
          id: ticket.id,
          teamId: ticket.teamId,
          priority: outcome.priority,
          tierId: tier?.id ?? ticket.tierId,
        });
    }
    if (outcome.note) await addCommentRow(tx, null, ticket.id, now, outcome.note, "INTERNAL", "SYSTEM");
    await recordEvent(tx, null, ticket.id, now, {
      type: "RULE_FIRED",
      before: Object.fromEntries(outcome.changes.map((c) => [c.field, c.before])) as Prisma.InputJsonValue,
      after: {
        ...Object.fromEntries(outcome.changes.map((c) => [c.field, c.after])),
        automationId: automation.id,
        status: automation.status,
        enteredAt: check.enteredAt.toISOString(),
        ...(outcome.tagsLeftOff.length ? { tagsLeftOff: outcome.tagsLeftOff } : {}),
        ...(outcome.note ? { notePosted: true } : {}),
        // Who was alerted: an assignee alert needs an assignee.
        alerted: [
          ...(outcome.alertSupervisors ? ["supervisors"] : []),
          ...(outcome.alertAssignee && ticket.assigneeId ? ["assignee"] : []),
        ],
      } as Prisma.InputJsonValue,
      note: `Automation "${automation.name}"`,
    });
    const message = `${ticket.number} has been ${automation.status} for ${automation.afterSeconds} s (automation "${automation.name}")`;
    if (outcome.alertSupervisors)
      raiseAlert(tx, {
        kind: "AUTOMATION_ALERT",
        audience: "SUPERVISORS",
        teamIds: [ticket.teamId],
        ticketId: ticket.id,
        message,
        at: now,
      });
    if (outcome.alertAssignee && ticket.assigneeId) {
      raiseAlert(tx, {
        kind: "AUTOMATION_ALERT",
        audience: "ASSIGNEE",
        teamIds: [ticket.teamId],
        userIds: [ticket.assigneeId],
        ticketId: ticket.id,
        message,
        at: now,
      });
    }
    return true;
  });
}

/** One pass over the checks due at `now` (at most `batchSize`); resolves to how many automations fired. */
export async function fireDueAutomations(parts: AutomationMonitorParts, now: Date, batchSize: number): Promise<number> {
  const due = await parts.prisma.automationCheck.findMany({
    where: { nextCheckAt: { lte: now } },
    orderBy: { nextCheckAt: "asc" },
    take: batchSize,
    select: { id: true },
  });
  let fired = 0;
  for (const { id } of due) {
    try {
      if (await fire(parts, id, now)) fired++;
    } catch (error) {
      parts.logger.error({ err: error, checkId: id }, "automation check failed; it is retried on the next scan");
    }
  }
  if (fired) parts.logger.info({ fired }, "automations fired");
  return fired;
}
