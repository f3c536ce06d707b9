// Service-level targets. A case carries up to three clocks, each measured in business
// time of a calendar:
//   FIRST_RESPONSE  from submission (NEW → NOT_STARTED) until the owning team picks the
//                   case up or replies publicly; once per case.
//   RESOLUTION      while the case is with the team (NOT_STARTED, TEAM_CHECKING); paused
//                   while it waits on the customer (INFORM_CUSTOMER); met when the case
//                   is DONE, at the moment the answer was given. A reopening starts a new
//                   cycle.
//   FOLLOW_UP       while the case waits on the customer; each public reply meets it and
//                   starts the next cycle, leaving INFORM_CUSTOMER ends it.
// Each cycle warns once before its due instant and breaches once at it.
import type { Priority } from "../generated/prisma/enums.js";
import { addBusinessSeconds, businessSecondsBetween, type CalendarRules } from "./business-time.js";

export type SlaKind = "FIRST_RESPONSE" | "RESOLUTION" | "FOLLOW_UP";
export type SlaState = "ON_TRACK" | "AT_RISK" | "BREACHED" | "MET" | "PAUSED";

export interface PolicyTargets {
  priority: Priority;
  teamId: string | null;
  tierLevel: number | null;
  firstResponseSeconds: number;
  resolutionSeconds: number;
  followUpSeconds: number;
  warningBeforeSeconds: number;
}

/** The most specific policy for the case: team and tier beat team, team beats tier, tier beats the default. */
export function selectPolicy<P extends PolicyTargets>(
  policies: readonly P[],
  ticket: { priority: Priority; teamId: string | null; tierLevel: number | null },
): P | null {
  const score = (p: P) => (p.teamId ? 2 : 0) + (p.tierLevel !== null ? 1 : 0);
  return (
    policies
      .filter(
        (p) =>
          p.priority === ticket.priority &&
          (p.teamId === null || p.teamId === ticket.teamId) &&
          (p.tierLevel === null || p.tierLevel === ticket.tierLevel),
      )
      .sort((a, b) => score(b) - score(a))[0] ?? null
  );
}

/** Each kind's latest cycle: the targets that count now (earlier cycles are history). */
export function latestCycles<T extends { kind: string; cycle: number }>(targets: readonly T[]): Map<SlaKind, T> {
  const latest = new Map<SlaKind, T>();
  for (const target of targets) {
    const kind = target.kind as SlaKind;
    if ((latest.get(kind)?.cycle ?? -Infinity) < target.cycle) latest.set(kind, target);
  }
  return latest;
}

export function budgetOf(policy: PolicyTargets, kind: SlaKind): number {
  return kind === "FIRST_RESPONSE" ? policy.firstResponseSeconds : kind === "RESOLUTION" ? policy.resolutionSeconds : policy.followUpSeconds;
}

/** What is stored of a running, paused or finished clock. */
export interface TargetClock {
  budgetSeconds: number;
  consumedSeconds: number;
  warningBeforeSeconds: number;
  startedAt: Date;
  pausedAt: Date | null;
  metAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
}

/** Due and warning instants of a running clock, and when the monitor must look next. */
export function schedule(rules: CalendarRules, clock: Pick<TargetClock, "budgetSeconds" | "consumedSeconds" | "warningBeforeSeconds" | "startedAt" | "warnedAt" | "breachedAt">) {
  const left = clock.budgetSeconds - clock.consumedSeconds;
  const dueAt = addBusinessSeconds(rules, clock.startedAt, left);
  const warnAt = addBusinessSeconds(rules, clock.startedAt, Math.max(0, left - clock.warningBeforeSeconds));
  const nextCheckAt = clock.breachedAt ? null : clock.warnedAt || clock.warningBeforeSeconds <= 0 ? dueAt : warnAt;
  return { dueAt, warnAt, nextCheckAt };
}

/** Stopping the clock keeps what it consumed; nothing is due while it stands. */
export function pauseClock(rules: CalendarRules, clock: TargetClock, now: Date) {
  return {
    consumedSeconds: clock.consumedSeconds + Math.max(0, businessSecondsBetween(rules, clock.startedAt, now)),
    pausedAt: now,
    dueAt: null,
    warnAt: null,
    nextCheckAt: null,
  };
}

export function resumeClock(rules: CalendarRules, clock: TargetClock, now: Date) {
  return { startedAt: now, pausedAt: null, ...schedule(rules, { ...clock, startedAt: now }) };
}

/** Keeping a target records how much business time it took, pauses excluded. */
export function meetClock(rules: CalendarRules, clock: TargetClock, at: Date) {
  const running = clock.pausedAt ? 0 : Math.max(0, businessSecondsBetween(rules, clock.startedAt, at));
  return { metAt: at, nextCheckAt: null, elapsedSeconds: clock.consumedSeconds + running };
}

/** How a target stands at `now`, and the business seconds left (negative once overdue). */
export function clockState(rules: CalendarRules, clock: TargetClock, now: Date): { state: SlaState; remainingSeconds: number } {
  if (clock.metAt) return { state: "MET", remainingSeconds: 0 };
  if (clock.pausedAt) return { state: "PAUSED", remainingSeconds: clock.budgetSeconds - clock.consumedSeconds };
  const dueAt = clock.dueAt ?? schedule(rules, clock).dueAt;
  const remainingSeconds = businessSecondsBetween(rules, now, dueAt);
  if (clock.breachedAt || now >= dueAt) return { state: "BREACHED", remainingSeconds };
  const warnAt = clock.warnAt ?? schedule(rules, clock).warnAt;
  return { state: clock.warningBeforeSeconds > 0 && now >= warnAt ? "AT_RISK" : "ON_TRACK", remainingSeconds };
}

/** Which alert a due target owes at `now`, if any. A breach makes a pending warning moot. */
export function alertDue(clock: TargetClock, now: Date): "WARNING" | "BREACH" | null {
  if (clock.metAt || clock.pausedAt || !clock.dueAt) return null;
  if (!clock.breachedAt && now >= clock.dueAt) return "BREACH";
  if (!clock.warnedAt && !clock.breachedAt && clock.warningBeforeSeconds > 0 && clock.warnAt && now >= clock.warnAt) return "WARNING";
  return null;
}
