// Routing rules and tag triggers: data configured by administrators (RoutingRule rows),
// evaluated here as a pure function of the case's facts.
//
// The documented order:
//  1. Rules run in ascending `position`, ties by name; only enabled rules whose `runsOn`
//     includes the event (CREATED for a new case, UPDATED when its tags or fields change).
//  2. Each rule fires at most once per evaluation. After a rule changes the case,
//     evaluation starts again from the first rule, so a tag one rule adds can trigger
//     another; it ends when a whole pass fires nothing.
//  3. The owning team comes from the first rule that names one (a team given
//     explicitly on creation wins over every rule). Tiers only go up: the highest tier
//     any rule asks for applies. The first assignment (a fixed person or a strategy)
//     applies, and only to a case without an assignee.
//  4. A case carries at most MAX_TAGS tags (src/domain/tags.ts): tags a rule would add
//     past it are left off and named in its firing; its other actions still apply.
//  5. A rule that would undo what another rule did in the same evaluation (set another
//     priority or at-risk flag, remove a tag another added, add one it removed) is a
//     loop: evaluation stops before that rule, and the loop is reported.
//  6. Saving a rule that could loop with another is refused (loopOnSave, below), so the
//     stop in 5 only meets rules that never passed that check: saved by an older
//     release, restored, or rules of one's own beside triggers seeded later.
import type { Channel, Priority, TicketType } from "../generated/prisma/enums.js";
import { tagChange } from "./tags.js";

export const RULE_EVENTS = ["CREATED", "UPDATED"] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

export const ASSIGNMENT_STRATEGIES = ["ROUND_ROBIN", "LEAST_LOADED"] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];
/** How the audit trail names a strategy. */
export const STRATEGY_NAMES: Record<AssignmentStrategy, string> = { ROUND_ROBIN: "round-robin", LEAST_LOADED: "least loaded" };

/** Every listed condition must hold; a list matches when the case has any of its values. */
export interface RuleConditions {
  types?: TicketType[];
  channels?: Channel[];
  priorities?: Priority[];
  /** The case carries any of these tags. */
  tags?: string[];
  /** The case is owned by any of these teams. */
  teamIds?: string[];
}

export interface RuleActions {
  teamId?: string;
  /** Raise the case to at least this tier. */
  tierLevel?: number;
  priority?: Priority;
  addTags?: string[];
  removeTags?: string[];
  atRisk?: boolean;
  assign?: AssignmentStrategy;
  /** A fixed assignee, used when they are an active member of the case's final team. */
  assigneeId?: string;
  alertSupervisors?: boolean;
}

export interface Rule {
  id: string;
  name: string;
  position: number;
  runsOn: readonly string[];
  enabled: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
}

export interface CaseFacts {
  type: TicketType;
  channel: Channel;
  priority: Priority;
  tags: readonly string[];
  teamId: string | null;
  tierLevel: number;
  atRisk: boolean;
}

/**
 * The tier that works a case needing `level`: the lowest tier at or above it, else the
 * highest there is (`tiers` in ascending level).
 */
export function tierForLevel<T extends { level: number }>(tiers: readonly T[], level: number): T | undefined {
  return tiers.find((t) => t.level >= level) ?? tiers.at(-1);
}

/** One change a rule made: the field and its value before and after. */
export type FactChange = { field: "teamId" | "tierLevel" | "priority" | "atRisk" | "tags"; before: unknown; after: unknown };

export interface Firing {
  rule: Rule;
  changes: FactChange[];
  /** Tags the rule would have added that did not fit under the cap (MAX_TAGS). */
  tagsLeftOff?: string[];
}

export interface Evaluation {
  facts: CaseFacts;
  firings: Firing[];
  assign: ({ rule: Rule } & ({ strategy: AssignmentStrategy } | { userId: string })) | null;
  alerts: Rule[];
  /** The rule that was stopped and the one whose change it would have undone. */
  loop: { stopped: Rule; undid: Rule; what: string } | null;
}

export function ruleMatches(conditions: RuleConditions, facts: CaseFacts): boolean {
  const within = <T>(allowed: readonly T[] | undefined, value: T) => !allowed?.length || allowed.includes(value);
  return (
    within(conditions.types, facts.type) &&
    within(conditions.channels, facts.channel) &&
    within(conditions.priorities, facts.priority) &&
    (!conditions.teamIds?.length || (facts.teamId !== null && conditions.teamIds.includes(facts.teamId))) &&
    (!conditions.tags?.length || conditions.tags.some((tag) => facts.tags.includes(tag)))
  );
}

export function ruleOrder(a: Pick<Rule, "position" | "name">, b: Pick<Rule, "position" | "name">): number {
  return a.position - b.position || a.name.localeCompare(b.name);
}

/** Who last set each fact in this evaluation, keyed by fact ("priority", "tag:vip"). */
type Claims = Map<string, { rule: Rule; value: unknown }>;

function undone(claims: Claims, rule: Rule, key: string, value: unknown) {
  const claim = claims.get(key);
  return claim && claim.rule.id !== rule.id && claim.value !== value ? claim.rule : null;
}

export function evaluateRules(
  rules: readonly Rule[],
  initial: CaseFacts,
  event: RuleEvent,
  options: { teamFixed?: boolean; assigned?: boolean } = {},
): Evaluation {
  const ordered = rules.filter((r) => r.enabled && r.runsOn.includes(event)).sort(ruleOrder);
  const fired = new Set<string>();
  const claims: Claims = new Map();
  const result: Evaluation = { facts: { ...initial, tags: [...initial.tags] }, firings: [], assign: null, alerts: [], loop: null };
  let teamSet = Boolean(options.teamFixed);

  for (let pass = true; pass; ) {
    pass = false;
    for (const rule of ordered) {
      if (fired.has(rule.id) || !ruleMatches(rule.conditions, result.facts)) continue;
      fired.add(rule.id);
      const facts = result.facts;
      const { actions } = rule;
      const changes: FactChange[] = [];
      const newClaims: [string, unknown][] = [];

      // The tags this rule changes, within the cap (MAX_TAGS): what does not fit is left off.
      const tagEdit = tagChange(facts.tags, actions.addTags ?? [], actions.removeTags ?? []);

      // Undo check first, so a looping rule changes nothing at all.
      const checks: [string, unknown][] = [
        ...(actions.priority && actions.priority !== facts.priority ? [["priority", actions.priority] as [string, unknown]] : []),
        ...(actions.atRisk !== undefined && actions.atRisk !== facts.atRisk ? [["atRisk", actions.atRisk] as [string, unknown]] : []),
        ...tagEdit.added.map((t): [string, unknown] => [`tag:${t}`, true]),
        ...tagEdit.removed.map((t): [string, unknown] => [`tag:${t}`, false]),
      ];
      for (const [key, value] of checks) {
        const undid = undone(claims, rule, key, value);
        if (undid) {
          result.loop = { stopped: rule, undid, what: key.startsWith("tag:") ? `tag ${key.slice(4)}` : key };
          return result;
        }
        newClaims.push([key, value]);
      }

      let next: CaseFacts = facts;
      if (actions.teamId && !teamSet) {
        teamSet = true;
        if (actions.teamId !== facts.teamId) {
          changes.push({ field: "teamId", before: facts.teamId, after: actions.teamId });
          next = { ...next, teamId: actions.teamId };
        }
      }
      if (actions.tierLevel && actions.tierLevel > facts.tierLevel) {
        changes.push({ field: "tierLevel", before: facts.tierLevel, after: actions.tierLevel });
        next = { ...next, tierLevel: actions.tierLevel };
      }
      if (actions.priority && actions.priority !== facts.priority) {
        changes.push({ field: "priority", before: facts.priority, after: actions.priority });
        next = { ...next, priority: actions.priority };
      }
      if (actions.atRisk !== undefined && actions.atRisk !== facts.atRisk) {
        changes.push({ field: "atRisk", before: facts.atRisk, after: actions.atRisk });
        next = { ...next, atRisk: actions.atRisk };
      }
      if (tagEdit.added.length || tagEdit.removed.length) {
        changes.push({ field: "tags", before: [...next.tags].sort(), after: [...tagEdit.tags].sort() });
        next = { ...next, tags: tagEdit.tags };
      }
      for (const [key, value] of newClaims) claims.set(key, { rule, value });

      const assigns = Boolean(actions.assigneeId || actions.assign) && !options.assigned && !result.assign;
      if (assigns) result.assign = actions.assigneeId ? { userId: actions.assigneeId, rule } : { strategy: actions.assign!, rule };
      if (actions.alertSupervisors) result.alerts.push(rule);
      const tagsLeftOff = tagEdit.leftOff;
      if (changes.length || assigns || actions.alertSupervisors || tagsLeftOff.length) {
        result.firings.push({ rule, changes, ...(tagsLeftOff.length ? { tagsLeftOff } : {}) });
      }
      result.facts = next;
      if (changes.length) {
        // Start again from the first rule: the change may make an earlier one match.
        pass = true;
        break;
      }
    }
  }
  return result;
}

// ─── save-time loop analysis ────────────────────────────────────────────────
//
// Two enabled rules loop when they can both fire on the same case in one evaluation
// (or, for teams, in successive ones) and one undoes what the other did. Both halves are
// decided from the rules themselves, never from sample cases, so the answer does not
// depend on positions or on which rule was saved first.

/** Priorities and teams some rule gives a case: a condition on them can come true mid-evaluation. */
export interface Settable {
  priorities: ReadonlySet<Priority>;
  teamIds: ReadonlySet<string>;
}

export function settableBy(rules: readonly Rule[]): Settable {
  const enabled = rules.filter((r) => r.enabled);
  return {
    priorities: new Set(enabled.flatMap((r) => (r.actions.priority ? [r.actions.priority] : []))),
    teamIds: new Set(enabled.flatMap((r) => (r.actions.teamId ? [r.actions.teamId] : []))),
  };
}

/** An absent or empty list matches every value. */
const listsMeet = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  !a?.length || !b?.length || a.some((value) => b.includes(value));
const namesSettable = <T>(list: readonly T[] | undefined, settable: ReadonlySet<T>) => Boolean(list?.some((value) => settable.has(value)));

/**
 * Whether both rules' conditions can hold on one case during one evaluation. Type and
 * channel never change, so their lists must share a value. Priority and team may be set
 * by a rule in between, so their lists must share a value or one of them must name a
 * value some rule sets. Tags never keep two rules apart: a case carries any number of
 * tags, and people or rules may add any of them. The rules must run on a common event.
 */
export function conditionsOverlap(a: Rule, b: Rule, settable: Settable): boolean {
  const [x, y] = [a.conditions, b.conditions];
  const reachable = <T>(p: readonly T[] | undefined, q: readonly T[] | undefined, values: ReadonlySet<T>) =>
    listsMeet(p, q) || namesSettable(p, values) || namesSettable(q, values);
  return (
    a.runsOn.some((event) => b.runsOn.includes(event)) &&
    listsMeet(x.types, y.types) &&
    listsMeet(x.channels, y.channels) &&
    reachable(x.priorities, y.priorities, settable.priorities) &&
    reachable(x.teamIds, y.teamIds, settable.teamIds)
  );
}

/** The rule's team condition admits cases of the team. */
const admitsTeam = (rule: Rule, teamId: string) => !rule.conditions.teamIds?.length || rule.conditions.teamIds.includes(teamId);

/**
 * Two rules naming different teams take turns only when one moves cases out of the
 * other's team and does not itself match in its own target team: the other rule then
 * wins there and sends the case back on the next update, and so on. Otherwise the first
 * by position simply owns the case (a routing table), which is not a loop. Only UPDATED
 * repeats, so both must run on it.
 */
function teamsAlternate(a: Rule, b: Rule): boolean {
  const [to, back] = [a.actions.teamId, b.actions.teamId];
  if (!to || !back || to === back || !a.runsOn.includes("UPDATED") || !b.runsOn.includes("UPDATED")) return false;
  const movesOut = (mover: Rule, target: string, other: Rule, otherTarget: string) =>
    !admitsTeam(mover, target) && Boolean(mover.conditions.teamIds?.includes(otherTarget)) && admitsTeam(other, target);
  return movesOut(a, to, b, back) || movesOut(b, back, a, to);
}

/**
 * What one rule's actions undo of the other's, or null: a different priority, the
 * opposite at-risk flag, a tag one adds and the other removes, teams that alternate
 * (teamsAlternate). Tiers only go up, so two rules raising to different tiers end at the
 * higher one and never undo each other. Rules assign only a case without an assignee, so
 * a fixed assignee or strategy never replaces another rule's choice: the first by
 * position applies and the other does nothing.
 */
export function undoes(a: Rule, b: Rule): string | null {
  const [x, y] = [a.actions, b.actions];
  if (x.priority && y.priority && x.priority !== y.priority) return "priority";
  if (x.atRisk !== undefined && y.atRisk !== undefined && x.atRisk !== y.atRisk) return "at-risk flag";
  const flipped = (x.addTags ?? []).find((t) => y.removeTags?.includes(t)) ?? (y.addTags ?? []).find((t) => x.removeTags?.includes(t));
  if (flipped) return `tag ${flipped}`;
  if (teamsAlternate(a, b)) return "team";
  return null;
}

/** What the two enabled rules would loop over, or null. */
export function ruleConflict(a: Rule, b: Rule, settable: Settable): string | null {
  if (!a.enabled || !b.enabled || a.id === b.id || !conditionsOverlap(a, b, settable)) return null;
  return undoes(a, b);
}

export interface SaveConflict {
  /** The rules that would loop; the saved one first when it is one of them. */
  rules: [Rule, Rule];
  what: string;
}

/**
 * The loop saving `candidate` would create among the enabled rules, or null: one with
 * another rule, or one between two other rules whose conditions meet only through a
 * priority or team the candidate sets. Loops already among the other rules are not the
 * candidate's doing and do not refuse it.
 */
export function loopOnSave(rules: readonly Rule[], candidate: Rule): SaveConflict | null {
  if (!candidate.enabled) return null;
  const others = rules.filter((r) => r.enabled && r.id !== candidate.id).sort(ruleOrder);
  const before = settableBy(others);
  const after = settableBy([...others, candidate]);
  for (const other of others) {
    const what = ruleConflict(candidate, other, after);
    if (what) return { rules: [candidate, other], what };
  }
  for (const [i, a] of others.entries()) {
    for (const b of others.slice(i + 1)) {
      const what = ruleConflict(a, b, after);
      if (what && !ruleConflict(a, b, before)) return { rules: [a, b], what };
    }
  }
  return null;
}
