// Keeps a case's pending automation checks in step with its status: entering a status
// schedules the enabled automations of that status for this stay; leaving it drops what
// the last stay had (pending or fired), which re-arms them for a later stay. Runs inside
// the transaction of the move. When an automation is due is src/domain/automations.ts.
import { IF_MAIN, runTogether, typed } from "../../db/sql.js";
import type { Tx } from "../../db/transaction.js";
import { type Automation, automationDueAt, automationsFor } from "../../domain/automations.js";
import { ALWAYS_OPEN, type CalendarRules } from "../../domain/business-time.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { TicketStatus } from "../../generated/prisma/enums.js";
import { type CalendarRow, calendarRules } from "../sla/clocks.js";

/** The calendar an automation's business time runs in: the owning team's, else the installation's default. */
export function automationCalendar(teamCalendar: CalendarRow | null, defaultCalendar: CalendarRow | null): CalendarRules {
  return calendarRules(teamCalendar ?? defaultCalendar);
}

async function caseCalendar(tx: Tx, teamId: string | null) {
  const team = teamId ? await tx.team.findUnique({ where: { id: teamId }, select: { calendar: true } }) : null;
  return automationCalendar(team?.calendar ?? null, await tx.businessCalendar.findFirst({ where: { isDefault: true } }));
}

/** The enabled automations of a status as a JSON array column, for a statement reading more than them. */
export function automationsColumn(status: TicketStatus): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(a), '[]'::json) FROM "StatusAutomation" a WHERE a."enabled" AND a."status" = ${status}::"TicketStatus")`;
}

/**
 * The row writes of a stay that begins at `now` in `to`: the last stay's checks dropped
 * and one check per automation of the new status scheduled, to be sent as one statement
 * beside the case's UPDATE (each only if the UPDATE happened, IF_MAIN).
 * A check of an automation the new stay schedules again is rescheduled in place rather
 * than dropped, so the two writes never touch the same row.
 */
export function automationWrites(
  ticketId: string,
  to: TicketStatus,
  enabled: readonly Automation[],
  calendar: CalendarRules,
  now: Date,
): Prisma.Sql[] {
  const automations = automationsFor(enabled, to);
  const ids = automations.map((a) => a.id);
  const drop = Prisma.sql`DELETE FROM "AutomationCheck"
    WHERE "ticketId" = ${ticketId}::uuid AND NOT ("automationId" = ANY(${ids}::uuid[])) AND ${IF_MAIN}`;
  if (!automations.length) return [drop];
  // Calendar time needs no calendar.
  const rules = automations.some((a) => a.businessTime) ? calendar : ALWAYS_OPEN;
  const due = automations.map((automation) => automationDueAt(automation, rules, now).toISOString());
  return [
    drop,
    Prisma.sql`INSERT INTO "AutomationCheck" ("id", "ticketId", "automationId", "enteredAt", "dueAt", "firedAt", "nextCheckAt")
      SELECT gen_random_uuid(), ${typed(ticketId, "uuid")}, a."id", ${typed(now, "timestamp(3)")}, a."due", NULL::timestamp(3), a."due"
      FROM unnest(${ids}::uuid[], ${due}::timestamp(3)[]) AS a("id", "due")
      WHERE ${IF_MAIN}
      ON CONFLICT ("ticketId", "automationId") DO UPDATE
        SET "enteredAt" = EXCLUDED."enteredAt", "dueAt" = EXCLUDED."dueAt", "firedAt" = NULL, "nextCheckAt" = EXCLUDED."nextCheckAt"`,
  ];
}

/** Schedules a case's checks for a stay in `to` that begins at `now` (a new case's first stay). */
export async function automationsOnStatusChange(tx: Tx, ticket: { id: string; teamId: string | null }, to: TicketStatus, now: Date) {
  const enabled = (await tx.statusAutomation.findMany({ where: { enabled: true, status: to } })) as unknown as Automation[];
  const rules = enabled.some((a) => a.businessTime) ? await caseCalendar(tx, ticket.teamId) : ALWAYS_OPEN;
  await runTogether(tx, automationWrites(ticket.id, to, enabled, rules, now));
}
