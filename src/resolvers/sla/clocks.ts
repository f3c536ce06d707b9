// Keeps a case's SLA targets in step with what happens to it. Each function runs inside
// the transaction of the write that caused it, so a target never disagrees with its
// case. What a move or reply does to which clock, and the clock rules themselves, are
// decided in src/domain/sla.ts; this module loads the policy and applies them.

import { assignments, IF_MAIN, runTogether, typed } from "../../db/sql.js";
import type { Tx } from "../../db/transaction.js";
import { ALWAYS_OPEN, type CalendarRules, type OpeningWindow } from "../../domain/business-time.js";
import {
  budgetOf,
  meetClock,
  type PolicyTargets,
  pauseClock,
  replyEffects,
  resumeClock,
  type SlaEffect,
  type SlaKind,
  schedule,
  selectPolicy,
  type TargetClock,
} from "../../domain/sla.js";
import { ValidationError } from "../../errors.js";
import { Prisma, type SlaTarget } from "../../generated/prisma/client.js";
import type { Channel, TicketStatus } from "../../generated/prisma/enums.js";

export function calendarRules(calendar: { timeZone: string; weeklyHours: unknown; holidays: unknown } | null | undefined): CalendarRules {
  if (!calendar) return ALWAYS_OPEN;
  return {
    timeZone: calendar.timeZone,
    weeklyHours: (calendar.weeklyHours ?? []) as OpeningWindow[],
    holidays: (calendar.holidays ?? []) as string[],
  };
}

export interface SlaSubject {
  id: string;
  priority: Prisma.TicketGetPayload<object>["priority"];
  teamId: string | null;
  tierId: string | null;
}

export interface CalendarRow {
  id: string;
  timeZone: string;
  weeklyHours: unknown;
  holidays: unknown;
}

export interface SettingsRow {
  tierLevel: number | null;
  channel: Channel;
  policies: { policy: PolicyTargets & { id: string }; calendar: CalendarRow | null }[];
  teamCalendar: CalendarRow | null;
  defaultCalendar: CalendarRow | null;
}

/**
 * What decides the policy and calendar that apply to a case now, as columns of a
 * statement: the case's tier and channel (a case keeps the channel it came in by), the
 * policies of its priority with their calendars, its team's calendar and the default one.
 * `ticket`: the case's facts as parameters, or `"t"` for a statement reading the case's
 * row as `t` (whose own "channel" column is then the channel). Read beside the rest of a
 * move's facts (this runs inside every move of a case).
 */
export function slaSettingsColumns(ticket: SlaSubject | "t"): Prisma.Sql {
  const of =
    ticket === "t"
      ? { tierId: Prisma.sql`t."tierId"`, teamId: Prisma.sql`t."teamId"`, priority: Prisma.sql`t."priority"`, channel: Prisma.empty }
      : {
          tierId: Prisma.sql`${ticket.tierId}::uuid`,
          teamId: Prisma.sql`${ticket.teamId}::uuid`,
          priority: Prisma.sql`${ticket.priority}::"Priority"`,
          channel: Prisma.sql`(SELECT "channel" FROM "Ticket" WHERE "id" = ${ticket.id}::uuid) AS "channel",`,
        };
  return Prisma.sql`
      (SELECT "level" FROM "Tier" WHERE "id" = ${of.tierId}) AS "tierLevel", ${of.channel}
      (SELECT coalesce(json_agg(json_build_object('policy', p, 'calendar', c)), '[]'::json)
         FROM "SlaPolicy" p LEFT JOIN "BusinessCalendar" c ON c."id" = p."calendarId"
        WHERE p."priority" = ${of.priority}) AS "policies",
      (SELECT row_to_json(c) FROM "Team" tm JOIN "BusinessCalendar" c ON c."id" = tm."calendarId"
        WHERE tm."id" = ${of.teamId}) AS "teamCalendar",
      (SELECT row_to_json(c) FROM "BusinessCalendar" c WHERE c."isDefault" LIMIT 1) AS "defaultCalendar"`;
}

/** The policy and calendar that apply, from the columns of slaSettingsColumns. */
export function slaSettingsOf(row: SettingsRow, ticket: SlaSubject) {
  const { tierLevel, channel, policies, teamCalendar, defaultCalendar } = row;
  const chosen = selectPolicy(
    policies.map(({ policy, calendar }) => ({ ...policy, channels: policy.channels ?? [], calendar })),
    { priority: ticket.priority, teamId: ticket.teamId, tierLevel, channel },
  );
  // The policy's calendar, else the owning team's, else the installation's default.
  const calendar = chosen?.calendar ?? teamCalendar ?? defaultCalendar;
  return { policy: chosen, calendarId: calendar?.id ?? null, rules: calendarRules(calendar) };
}

export type SlaSettings = ReturnType<typeof slaSettingsOf>;

async function slaSettings(tx: Tx, ticket: SlaSubject): Promise<SlaSettings> {
  const [row] = await tx.$queryRaw<SettingsRow[]>`SELECT ${slaSettingsColumns(ticket)}`;
  return slaSettingsOf(row!, ticket);
}

/** The INSERT of a new target's clock, started at `at` with the policy's budget. */
function startWrite(ticketId: string, settings: SlaSettings, kind: SlaKind, cycle: number, at: Date): Prisma.Sql | null {
  if (!settings.policy) return null;
  const clock = {
    budgetSeconds: budgetOf(settings.policy, kind),
    consumedSeconds: 0,
    warningBeforeSeconds: settings.policy.warningBeforeSeconds,
    startedAt: at,
    warnedAt: null,
    breachedAt: null,
  };
  const { dueAt, warnAt, nextCheckAt } = schedule(settings.rules, clock);
  const ts = "timestamp(3)";
  return Prisma.sql`INSERT INTO "SlaTarget" ("id", "ticketId", "kind", "cycle", "calendarId", "budgetSeconds", "consumedSeconds",
      "warningBeforeSeconds", "startedAt", "dueAt", "warnAt", "nextCheckAt")
    SELECT gen_random_uuid(), ${typed(ticketId, "uuid")}, ${typed(kind, '"SlaTargetKind"')}, ${typed(cycle, "int")},
           ${typed(settings.calendarId, "uuid")}, ${typed(clock.budgetSeconds, "int")}, 0, ${typed(clock.warningBeforeSeconds, "int")},
           ${typed(at, ts)}, ${typed(dueAt, ts)}, ${typed(warnAt, ts)}, ${typed(nextCheckAt, ts)}
    WHERE ${IF_MAIN}`;
}

/**
 * The row writes that apply what the domain decided (slaEffects, replyEffects) with the
 * policy and calendar that apply now: one INSERT or UPDATE per effect, to be sent as one
 * statement beside a case's UPDATE (an effect never touches a target another effect of the
 * same event touches; each happens only if the UPDATE did, IF_MAIN).
 */
export function slaWrites(ticketId: string, settings: SlaSettings, effects: readonly SlaEffect<SlaTarget>[]): Prisma.Sql[] {
  return effects.flatMap((effect) => {
    if (effect.op === "start") return startWrite(ticketId, settings, effect.kind, effect.cycle, effect.at) ?? [];
    const change =
      effect.op === "pause"
        ? pauseClock(settings.rules, effect.target, effect.at)
        : effect.op === "resume"
          ? resumeClock(settings.rules, effect.target, effect.at)
          : meetClock(settings.rules, effect.target, effect.at);
    return Prisma.sql`UPDATE "SlaTarget" SET ${assignments(change)} WHERE "id" = ${effect.target.id}::uuid AND ${IF_MAIN}`;
  });
}

/** A case's SLA targets as a JSON array column (`json_agg` of the rows), for a statement reading more than them (`"t"`: of the case row `t` it reads). */
export function slaTargetsColumn(ticketId: string | "t"): Prisma.Sql {
  const id = ticketId === "t" ? Prisma.sql`t."id"` : Prisma.sql`${ticketId}::uuid`;
  return Prisma.sql`(SELECT coalesce(json_agg(s), '[]'::json) FROM "SlaTarget" s WHERE s."ticketId" = ${id})`;
}

const TARGET_INSTANTS = ["startedAt", "dueAt", "warnAt", "pausedAt", "metAt", "warnedAt", "breachedAt", "nextCheckAt"] as const;

/** The targets of slaTargetsColumn as rows: JSON has no instants, and the columns hold UTC without a zone. */
export function slaTargetsFromJson(rows: Record<string, unknown>[]): SlaTarget[] {
  return rows.map((row) => {
    const target = { ...row };
    for (const key of TARGET_INSTANTS) target[key] = row[key] ? new Date(`${row[key]}Z`) : null;
    return target as unknown as SlaTarget;
  });
}

/** Every SLA target of a case, read once by a move for both the breach check and the clocks. */
export function slaTargetsOf(tx: Tx, ticketId: string): Promise<SlaTarget[]> {
  return tx.slaTarget.findMany({ where: { ticketId } });
}

/** Applies what the domain decided (slaEffects, replyEffects) with the policy and calendar that apply now. */
async function applyEffects(tx: Tx, ticket: SlaSubject, effects: readonly SlaEffect<SlaTarget>[]) {
  if (!effects.length) return;
  await runTogether(tx, slaWrites(ticket.id, await slaSettings(tx, ticket), effects));
}

/** A public reply by staff: the owning team's first response, or a follow-up while the customer is awaited. */
export async function slaOnPublicReply(tx: Tx, ticket: SlaSubject & { status: TicketStatus }, byOwningTeam: boolean, now: Date) {
  const targets = await slaTargetsOf(tx, ticket.id);
  await applyEffects(tx, ticket, replyEffects(ticket.status, byOwningTeam, targets, now));
}

/** After a priority, team or tier change, open targets take the budgets of the policy that now applies. */
export async function slaOnPolicyChange(tx: Tx, ticket: SlaSubject) {
  const settings = await slaSettings(tx, ticket);
  if (!settings.policy) return;
  const open = await tx.slaTarget.findMany({ where: { ticketId: ticket.id, metAt: null } });
  for (const target of open) {
    const clock: TargetClock = {
      ...target,
      budgetSeconds: budgetOf(settings.policy, target.kind as SlaKind),
      warningBeforeSeconds: settings.policy.warningBeforeSeconds,
    };
    if (clock.budgetSeconds === target.budgetSeconds && clock.warningBeforeSeconds === target.warningBeforeSeconds) continue;
    await tx.slaTarget.update({
      where: { id: target.id },
      data: {
        budgetSeconds: clock.budgetSeconds,
        warningBeforeSeconds: clock.warningBeforeSeconds,
        ...(target.pausedAt ? {} : schedule(settings.rules, clock)),
      },
    });
  }
}

/**
 * Moving a case on after it missed a target needs a reason. Returns nothing when no
 * unexplained breach is pending; records the reason on the breached targets otherwise.
 */
export async function explainBreaches(tx: Tx, targets: readonly SlaTarget[], reason: string | null | undefined) {
  const unexplained = targets.filter((t) => t.breachedAt && t.breachReason === null);
  if (!unexplained.length) return;
  if (!reason?.trim()) {
    const kinds = [...new Set(unexplained.map((t) => t.kind))].join(" and ");
    throw ValidationError.of("input.breachReason", `is required: the case missed its ${kinds} target; say why`);
  }
  await tx.slaTarget.updateMany({ where: { id: { in: unexplained.map((t) => t.id) } }, data: { breachReason: reason.trim() } });
}
