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
//  4. A rule that would undo what another rule did in the same evaluation (set another
//     priority or at-risk flag, remove a tag another added, add one it removed) is a
//     loop: evaluation stops before that rule, and the loop is reported.
import type { Channel, Priority, TicketType } from "../generated/prisma/enums.js";

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

      // Undo check first, so a looping rule changes nothing at all.
      const checks: [string, unknown][] = [
        ...(actions.priority && actions.priority !== facts.priority ? [["priority", actions.priority] as [string, unknown]] : []),
        ...(actions.atRisk !== undefined && actions.atRisk !== facts.atRisk ? [["atRisk", actions.atRisk] as [string, unknown]] : []),
        ...(actions.addTags ?? []).filter((t) => !facts.tags.includes(t)).map((t): [string, unknown] => [`tag:${t}`, true]),
        ...(actions.removeTags ?? []).filter((t) => facts.tags.includes(t)).map((t): [string, unknown] => [`tag:${t}`, false]),
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
      const tags = [...new Set([...next.tags, ...(actions.addTags ?? [])])].filter((t) => !(actions.removeTags ?? []).includes(t));
      if (tags.length !== next.tags.length || tags.some((t) => !next.tags.includes(t))) {
        changes.push({ field: "tags", before: [...next.tags].sort(), after: [...tags].sort() });
        next = { ...next, tags };
      }
      for (const [key, value] of newClaims) claims.set(key, { rule, value });

      const assigns = Boolean(actions.assigneeId || actions.assign) && !options.assigned && !result.assign;
      if (assigns) result.assign = actions.assigneeId ? { userId: actions.assigneeId, rule } : { strategy: actions.assign!, rule };
      if (actions.alertSupervisors) result.alerts.push(rule);
      if (changes.length || assigns || actions.alertSupervisors) result.firings.push({ rule, changes });
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

/**
 * A case that meets the rule's conditions, to try the rule set on: the first value of
 * each listed condition, the defaults otherwise.
 */
function witness(rule: Rule, base: CaseFacts): CaseFacts {
  const c = rule.conditions;
  return {
    ...base,
    type: c.types?.[0] ?? base.type,
    channel: c.channels?.[0] ?? base.channel,
    priority: c.priorities?.[0] ?? base.priority,
    teamId: c.teamIds?.[0] ?? base.teamId,
    tags: c.tags?.length ? [c.tags[0]!] : [],
  };
}

/**
 * Tries the rule set on a case meeting each rule's conditions, for each event the rule
 * runs on, and returns the first loop found: how a save refuses a rule that would loop
 * before it ever runs on a real case.
 */
export function findLoop(rules: readonly Rule[]): Evaluation["loop"] {
  const base: CaseFacts = { type: "INQUIRY", channel: "WEB", priority: "MEDIUM", tags: [], teamId: null, tierLevel: 1, atRisk: false };
  for (const rule of rules.filter((r) => r.enabled)) {
    for (const event of RULE_EVENTS.filter((e) => rule.runsOn.includes(e))) {
      const { loop } = evaluateRules(rules, witness(rule, base), event);
      if (loop) return loop;
    }
  }
  return null;
}
