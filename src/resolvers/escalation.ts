// Escalations caseflow makes by itself, recorded as the system's: a HIGH case that
// missed its resolution target, and a customer's second complaint.
import { raiseAlert } from "../realtime/alerts.js";
import { recordEvent, type Tx } from "./audit.js";

/** The highest support tier. */
const TOP_TIER = 4;

/** Moves a case one tier up (never past L4), with the reason in the audit trail; its supervisors are alerted. */
export async function escalateOneTier(tx: Tx, ticketId: string, tierId: string | null, now: Date, reason: string) {
  const current = tierId ? await tx.tier.findUnique({ where: { id: tierId } }) : null;
  const level = current?.level ?? 0;
  if (level >= TOP_TIER) return;
  const next = await tx.tier.findFirst({ where: { level: { gt: level } }, orderBy: { level: "asc" } });
  if (!next) return;
  const ticket = await tx.ticket.update({
    where: { id: ticketId },
    data: { tierId: next.id, version: { increment: 1 }, updatedAt: now },
    select: { number: true, teamId: true },
  });
  await recordEvent(tx, null, ticketId, now, {
    type: "ESCALATED",
    before: { tierLevel: current?.level ?? null },
    after: { tierLevel: next.level },
    note: reason,
  });
  raiseAlert(tx, {
    kind: "AUTO_ESCALATED",
    audience: "SUPERVISORS",
    teamIds: [ticket.teamId],
    ticketId,
    message: `${ticket.number} was escalated to L${next.level}: ${reason}`,
    at: now,
  });
}

/** A complaint from a customer who already complained goes straight up a tier. */
export async function escalateRepeatComplaint(tx: Tx, ticket: { id: string; accountId: string; tierId: string | null }, now: Date) {
  const earlier = await tx.ticket.count({ where: { accountId: ticket.accountId, type: "COMPLAINT", id: { not: ticket.id } } });
  if (earlier > 0) await escalateOneTier(tx, ticket.id, ticket.tierId, now, "Automatic: a repeat complaint from this customer");
}
