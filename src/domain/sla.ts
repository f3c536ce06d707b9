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
import type { Channel, Priority, TicketStatus } from "../generated/prisma/enums.js";
import { addBusinessSeconds, businessSecondsBetween, type CalendarRules } from "./business-time.js";
import { isFirstResponse, isWorkflowMove } from "./workflow.js";

export type SlaKind = "FIRST_RESPONSE" | "RESOLUTION" | "FOLLOW_UP";
export type SlaState = "ON_TRACK" | "AT_RISK" | "BREACHED" | "MET" | "PAUSED";

export interface PolicyTargets {
  name: string;
  priority: Priority;
  teamId: string | null;
  tierLevel: number | null;
  /** The channels it is narrowed to; empty for any channel. */
  channels: readonly Channel[];
  firstResponseSeconds: number;
  resolutionSeconds: number;
  followUpSeconds: number;
  warningBeforeSeconds: number;
}

/** What the policy choice reads of a case. */
export interface PolicySubject {
  priority: Priority;
  teamId: string | null;
  tierLevel: number | null;
  channel: Channel;
}

/**
 * How specific a policy is, as a number where a larger one wins: channel counts 4, team 2,
 * tier 1. That orders the eight scopes as
 *   team+tier+channel > team+channel > tier+channel > channel > team+tier > team > tier > default,
 * because a customer's channel sets the expectation the practices measure first (a chat
 * is answered in a minute whoever owns it), then the owning team, then the tier.
 */
export function policySpecificity(policy: Pick<PolicyTargets, "teamId" | "tierLevel" | "channels">): number {
  return (policy.channels.length ? 4 : 0) + (policy.teamId !== null ? 2 : 0) + (policy.tierLevel !== null ? 1 : 0);
}

/** Whether the policy covers the case: same priority, and each scope it names is the case's. */
export function policyMatches(policy: PolicyTargets, ticket: PolicySubject): boolean {
  return (
    policy.priority === ticket.priority &&
    (policy.teamId === null || policy.teamId === ticket.teamId) &&
    (policy.tierLevel === null || policy.tierLevel === ticket.tierLevel) &&
    (policy.channels.length === 0 || policy.channels.includes(ticket.channel))
  );
}

/**
 * The most specific policy that covers the case (policySpecificity). Saving refuses two
 * policies of one priority, team and tier whose channels overlap, so equals should not
 * meet; if they do (two saves racing), the one listing fewer channels wins, then the
 * name in code-point order, so every instance picks the same one.
 */
export function selectPolicy<P extends PolicyTargets>(policies: readonly P[], ticket: PolicySubject): P | null {
  let best: P | null = null;
  for (const policy of policies) {
    if (!policyMatches(policy, ticket)) continue;
    if (best === null || comparePolicies(policy, best) < 0) best = policy;
  }
  return best;
}

/** Negative when `a` wins over `b`. */
function comparePolicies(a: PolicyTargets, b: PolicyTargets): number {
  return (
    policySpecificity(b) - policySpecificity(a) || a.channels.length - b.channels.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/** Two policies that would tie for some case: the same priority, team and tier, and the same or overlapping channels. */
export function policiesOverlap(a: Pick<PolicyTargets, "priority" | "teamId" | "tierLevel" | "channels">, b: typeof a): boolean {
  if (a.priority !== b.priority || a.teamId !== b.teamId || a.tierLevel !== b.tierLevel) return false;
  if (!a.channels.length || !b.channels.length) return a.channels.length === b.channels.length;
  return a.channels.some((channel) => b.channels.includes(channel));
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
  return kind === "FIRST_RESPONSE"
    ? policy.firstResponseSeconds
    : kind === "RESOLUTION"
      ? policy.resolutionSeconds
      : policy.followUpSeconds;
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
export function schedule(
  rules: CalendarRules,
  clock: Pick<TargetClock, "budgetSeconds" | "consumedSeconds" | "warningBeforeSeconds" | "startedAt" | "warnedAt" | "breachedAt">,
) {
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

// ─── which event does what to which clock ───────────────────────────────────

/** What the state machine reads of a stored target. */
export interface TargetState {
  kind: string;
  cycle: number;
  metAt: Date | null;
  pausedAt: Date | null;
}

/**
 * One thing to do to a case's clocks, at `at`: start a new target (or cycle), pause or
 * resume a running one, or meet it. How the stored clock changes is pauseClock,
 * resumeClock and meetClock above; starting needs the policy, which the caller has.
 */
export type SlaEffect<T extends TargetState = TargetState> =
  | { op: "start"; kind: SlaKind; cycle: number; at: Date }
  | { op: "pause"; target: T; at: Date }
  | { op: "resume"; target: T; at: Date }
  | { op: "meet"; target: T; at: Date };

const isOpen = <T extends TargetState>(target: T | undefined): target is T => Boolean(target && !target.metAt);

/**
 * What a move from `from` to `to` does to the clocks, in the order to apply it, given all
 * of the case's targets (every cycle; only each kind's latest counts):
 *   NEW → NOT_STARTED            starts FIRST_RESPONSE and RESOLUTION (cycle 1, once)
 *   → TEAM_CHECKING              meets an open FIRST_RESPONSE (a first response)
 *   → INFORM_CUSTOMER            pauses a running RESOLUTION, starts the next FOLLOW_UP cycle
 *   INFORM_CUSTOMER → anything   meets the open FOLLOW_UP
 *   INFORM_CUSTOMER → NOT_STARTED  resumes the paused RESOLUTION (the customer replied)
 *   INFORM_CUSTOMER → DONE       meets RESOLUTION when the answer was given (the pause)
 *   DONE → NOT_STARTED           starts the next RESOLUTION cycle (a reopening)
 * A pair the workflow has no arrow for does nothing.
 */
export function slaEffects<T extends TargetState>(from: TicketStatus, to: TicketStatus, targets: readonly T[], now: Date): SlaEffect<T>[] {
  if (!isWorkflowMove(from, to)) return [];
  const latest = latestCycles(targets);
  const firstResponse = latest.get("FIRST_RESPONSE");
  const resolution = latest.get("RESOLUTION");
  const followUp = latest.get("FOLLOW_UP");
  const effects: SlaEffect<T>[] = [];

  if (from === "NEW" && to === "NOT_STARTED") {
    if (!firstResponse) effects.push({ op: "start", kind: "FIRST_RESPONSE", cycle: 1, at: now });
    if (!resolution) effects.push({ op: "start", kind: "RESOLUTION", cycle: 1, at: now });
  }
  if (isFirstResponse({ kind: "move", to }, !isOpen(firstResponse))) effects.push({ op: "meet", target: firstResponse!, at: now });
  if (to === "INFORM_CUSTOMER") {
    if (isOpen(resolution) && !resolution.pausedAt) effects.push({ op: "pause", target: resolution, at: now });
    effects.push({ op: "start", kind: "FOLLOW_UP", cycle: (followUp?.cycle ?? 0) + 1, at: now });
  }
  if (from === "INFORM_CUSTOMER") {
    if (isOpen(followUp)) effects.push({ op: "meet", target: followUp, at: now });
    if (to === "NOT_STARTED" && isOpen(resolution) && resolution.pausedAt) effects.push({ op: "resume", target: resolution, at: now });
    // The answer that closed the case was given when the clock stopped.
    if (to === "DONE" && isOpen(resolution)) effects.push({ op: "meet", target: resolution, at: resolution.pausedAt ?? now });
  }
  if (from === "DONE" && to === "NOT_STARTED")
    effects.push({ op: "start", kind: "RESOLUTION", cycle: (resolution?.cycle ?? 0) + 1, at: now });
  return effects;
}

/**
 * What a public reply by staff does to the clocks: from someone acting for the owning
 * team it is a first response (meets an open FIRST_RESPONSE); while the case waits on the
 * customer, any staff reply meets the open FOLLOW_UP and starts its next cycle.
 */
export function replyEffects<T extends TargetState>(
  status: TicketStatus,
  byOwningTeam: boolean,
  targets: readonly T[],
  now: Date,
): SlaEffect<T>[] {
  const latest = latestCycles(targets);
  const firstResponse = latest.get("FIRST_RESPONSE");
  const followUp = latest.get("FOLLOW_UP");
  const effects: SlaEffect<T>[] = [];
  if (isFirstResponse({ kind: "publicReply", byOwningTeam }, !isOpen(firstResponse)))
    effects.push({ op: "meet", target: firstResponse!, at: now });
  if (status === "INFORM_CUSTOMER" && isOpen(followUp)) {
    effects.push({ op: "meet", target: followUp, at: now });
    effects.push({ op: "start", kind: "FOLLOW_UP", cycle: followUp.cycle + 1, at: now });
  }
  return effects;
}
