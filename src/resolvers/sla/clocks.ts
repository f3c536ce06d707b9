// Keeps a case's SLA targets in step with what happens to it. Each function runs inside
// the transaction of the write that caused it, so a target never disagrees with its
// case. What a move or reply does to which clock, and the clock rules themselves, are
// decided in src/domain/sla.ts; this module loads the policy and applies them.

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
  slaEffects,
  type TargetClock,
} from "../../domain/sla.js";
import { ValidationError } from "../../errors.js";
import type { Prisma, SlaTarget } from "../../generated/prisma/client.js";
import type { Channel, TicketStatus } from "../../generated/prisma/enums.js";

export function calendarRules(calendar: { timeZone: string; weeklyHours: unknown; holidays: unknown } | null | undefined): CalendarRules {
  if (!calendar) return ALWAYS_OPEN;
  return {
    timeZone: calendar.timeZone,
    weeklyHours: (calendar.weeklyHours ?? []) as OpeningWindow[],
    holidays: (calendar.holidays ?? []) as string[],
  };
}

interface SlaSubject {
  id: string;
  priority: Prisma.TicketGetPayload<object>["priority"];
  teamId: string | null;
  tierId: string | null;
}

interface CalendarRow {
  id: string;
  timeZone: string;
  weeklyHours: unknown;
  holidays: unknown;
}

interface SettingsRow {
  tierLevel: number | null;
  channel: Channel;
  policies: { policy: PolicyTargets & { id: string }; calendar: CalendarRow | null }[];
  teamCalendar: CalendarRow | null;
  defaultCalendar: CalendarRow | null;
}

/**
 * The policy and calendar that apply to a case now: the case's tier and channel (a case
 * keeps the channel it came in by), the policies of its priority with their calendars, its
 * team's calendar and the default one, in one statement (this runs inside every move of a case).
 */
async function slaSettings(tx: Tx, ticket: SlaSubject) {
  const [row] = await tx.$queryRaw<SettingsRow[]>`
    SELECT
      (SELECT "level" FROM "Tier" WHERE "id" = ${ticket.tierId}::uuid) AS "tierLevel",
      (SELECT "channel" FROM "Ticket" WHERE "id" = ${ticket.id}::uuid) AS "channel",
      (SELECT coalesce(json_agg(json_build_object('policy', p, 'calendar', c)), '[]'::json)
         FROM "SlaPolicy" p LEFT JOIN "BusinessCalendar" c ON c."id" = p."calendarId"
        WHERE p."priority" = ${ticket.priority}::"Priority") AS "policies",
      (SELECT row_to_json(c) FROM "Team" t JOIN "BusinessCalendar" c ON c."id" = t."calendarId"
        WHERE t."id" = ${ticket.teamId}::uuid) AS "teamCalendar",
      (SELECT row_to_json(c) FROM "BusinessCalendar" c WHERE c."isDefault" LIMIT 1) AS "defaultCalendar"`;
  const { tierLevel, channel, policies, teamCalendar, defaultCalendar } = row!;
  const chosen = selectPolicy(
    policies.map(({ policy, calendar }) => ({ ...policy, channels: policy.channels ?? [], calendar })),
    { priority: ticket.priority, teamId: ticket.teamId, tierLevel, channel },
  );
  // The policy's calendar, else the owning team's, else the installation's default.
  const calendar = chosen?.calendar ?? teamCalendar ?? defaultCalendar;
  return { policy: chosen, calendarId: calendar?.id ?? null, rules: calendarRules(calendar) };
}

type Settings = Awaited<ReturnType<typeof slaSettings>>;

async function start(tx: Tx, ticketId: string, settings: Settings, kind: SlaKind, cycle: number, now: Date) {
  if (!settings.policy) return;
  const clock = {
    budgetSeconds: budgetOf(settings.policy, kind),
    consumedSeconds: 0,
    warningBeforeSeconds: settings.policy.warningBeforeSeconds,
    startedAt: now,
    warnedAt: null,
    breachedAt: null,
  };
  await tx.slaTarget.create({
    data: { ticketId, kind, cycle, calendarId: settings.calendarId, ...clock, ...schedule(settings.rules, clock) },
  });
}

async function update(tx: Tx, target: SlaTarget, data: Prisma.SlaTargetUncheckedUpdateInput) {
  await tx.slaTarget.update({ where: { id: target.id }, data });
}

/** Every SLA target of a case, read once by a move for both the breach check and the clocks. */
export function slaTargetsOf(tx: Tx, ticketId: string): Promise<SlaTarget[]> {
  return tx.slaTarget.findMany({ where: { ticketId } });
}

/** Applies what the domain decided (slaEffects, replyEffects) with the policy and calendar that apply now. */
async function applyEffects(tx: Tx, ticket: SlaSubject, effects: readonly SlaEffect<SlaTarget>[]) {
  if (!effects.length) return;
  const settings = await slaSettings(tx, ticket);
  for (const effect of effects) {
    if (effect.op === "start") await start(tx, ticket.id, settings, effect.kind, effect.cycle, effect.at);
    else if (effect.op === "pause") await update(tx, effect.target, pauseClock(settings.rules, effect.target, effect.at));
    else if (effect.op === "resume") await update(tx, effect.target, resumeClock(settings.rules, effect.target, effect.at));
    else await update(tx, effect.target, meetClock(settings.rules, effect.target, effect.at));
  }
}

/** Starts, pauses, resumes and meets targets as a case moves (`targets`: all of the case's, from slaTargetsOf). */
export async function slaOnTransition(tx: Tx, ticket: SlaSubject, targets: SlaTarget[], from: TicketStatus, to: TicketStatus, now: Date) {
  await applyEffects(tx, ticket, slaEffects(from, to, targets, now));
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
    await update(tx, target, {
      budgetSeconds: clock.budgetSeconds,
      warningBeforeSeconds: clock.warningBeforeSeconds,
      ...(target.pausedAt ? {} : schedule(settings.rules, clock)),
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
