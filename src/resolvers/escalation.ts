// Escalations caseflow makes by itself, recorded as the system's. Whether and why is
// decided by escalationFor (src/domain/escalation.ts); this module only applies it.

import type { Tx } from "../db/transaction.js";
import { type EscalationTrigger, escalationFor } from "../domain/escalation.js";
import type { TicketType } from "../generated/prisma/enums.js";
import { raiseAlert } from "../realtime/alerts.js";
import { recordEvent } from "./audit.js";

/**
 * Escalates the case when the policy says so for this trigger: the next tier up, the
 * reason in the audit trail, and an alert to the team's supervisors.
 */
export async function autoEscalate(tx: Tx, ticket: { id: string; tierId: string | null }, trigger: EscalationTrigger, now: Date) {
  const current = ticket.tierId ? await tx.tier.findUnique({ where: { id: ticket.tierId } }) : null;
  const escalation = escalationFor(trigger, current?.level ?? null);
  if (!escalation) return;
  const level = current?.level ?? 0;
  // The tiers that exist above the current one; `levels` counts among them.
  const above = await tx.tier.findMany({ where: { level: { gt: level } }, orderBy: { level: "asc" }, take: escalation.levels });
  const next = above.at(-1);
  if (!next) return;
  const updated = await tx.ticket.update({
    where: { id: ticket.id },
    data: { tierId: next.id, version: { increment: 1 }, updatedAt: now },
    select: { number: true, teamId: true },
  });
  await recordEvent(tx, null, ticket.id, now, {
    type: "ESCALATED",
    before: { tierLevel: current?.level ?? null },
    after: { tierLevel: next.level },
    note: escalation.reason,
  });
  raiseAlert(tx, {
    kind: "AUTO_ESCALATED",
    audience: "SUPERVISORS",
    teamIds: [updated.teamId],
    ticketId: ticket.id,
    message: `${updated.number} was escalated to L${next.level}: ${escalation.reason}`,
    at: now,
  });
}

/**
 * On creation: the account's earlier cases of the same type are what the policy reads;
 * practice cases and real ones are counted apart, so training never escalates a customer's case.
 */
export async function autoEscalateNewCase(
  tx: Tx,
  ticket: { id: string; accountId: string; type: TicketType; tierId: string | null; practice: boolean },
  now: Date,
) {
  const earlierOfType = await tx.ticket.count({
    where: { accountId: ticket.accountId, type: ticket.type, practice: ticket.practice, id: { not: ticket.id } },
  });
  await autoEscalate(tx, ticket, { kind: "created", type: ticket.type, earlierOfType }, now);
}
