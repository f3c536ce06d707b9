// Keeps a case's pending automation checks in step with its status: entering a status
// schedules the enabled automations of that status for this stay; leaving it drops what
// the last stay had (pending or fired), which re-arms them for a later stay. Runs inside
// the transaction of the move. When an automation is due is src/domain/automations.ts.
import type { Tx } from "../../db/transaction.js";
import { type Automation, automationDueAt, automationsFor } from "../../domain/automations.js";
import { ALWAYS_OPEN } from "../../domain/business-time.js";
import type { TicketStatus } from "../../generated/prisma/enums.js";
import { calendarRules } from "../sla/clocks.js";

/** The calendar an automation's business time runs in: the owning team's, else the installation's default. */
async function caseCalendar(tx: Tx, teamId: string | null) {
  const team = teamId ? await tx.team.findUnique({ where: { id: teamId }, select: { calendar: true } }) : null;
  return calendarRules(team?.calendar ?? (await tx.businessCalendar.findFirst({ where: { isDefault: true } })));
}

export async function automationsOnStatusChange(tx: Tx, ticket: { id: string; teamId: string | null }, to: TicketStatus, now: Date) {
  await tx.automationCheck.deleteMany({ where: { ticketId: ticket.id } });
  const automations = automationsFor(
    (await tx.statusAutomation.findMany({ where: { enabled: true, status: to } })) as unknown as Automation[],
    to,
  );
  if (!automations.length) return;
  // Calendar time needs no calendar.
  const rules = automations.some((a) => a.businessTime) ? await caseCalendar(tx, ticket.teamId) : ALWAYS_OPEN;
  await tx.automationCheck.createMany({
    data: automations.map((automation) => {
      const dueAt = automationDueAt(automation, rules, now);
      return { ticketId: ticket.id, automationId: automation.id, enteredAt: now, dueAt, nextCheckAt: dueAt };
    }),
  });
}
