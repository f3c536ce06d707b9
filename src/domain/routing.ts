// Routing rules pick the owning team (and optionally tier) of a new case from what it
// is. Rules are data (RoutingRule rows) evaluated in ascending position; the first
// rule whose every condition matches wins.
import type { Channel, Priority, TicketType } from "../generated/prisma/enums.js";

export interface RuleConditions {
  types?: TicketType[];
  channels?: Channel[];
  priorities?: Priority[];
  /** Matches when the case carries any of these tags. */
  tags?: string[];
}

export interface RuleActions {
  teamId?: string;
  tierLevel?: number;
}

export interface RoutingRule {
  id: string;
  position: number;
  conditions: RuleConditions;
  actions: RuleActions;
}

export interface RoutingFacts {
  type: TicketType;
  channel: Channel;
  priority: Priority;
  tags: readonly string[];
}

export function ruleMatches(conditions: RuleConditions, facts: RoutingFacts): boolean {
  const within = <T>(allowed: T[] | undefined, value: T) => !allowed?.length || allowed.includes(value);
  return (
    within(conditions.types, facts.type) &&
    within(conditions.channels, facts.channel) &&
    within(conditions.priorities, facts.priority) &&
    (!conditions.tags?.length || conditions.tags.some((tag) => facts.tags.includes(tag)))
  );
}

/** The first matching rule that names a team, or null when no rule does. */
export function route(rules: readonly RoutingRule[], facts: RoutingFacts): RoutingRule | null {
  return [...rules]
    .sort((a, b) => a.position - b.position)
    .find((rule) => rule.actions.teamId && ruleMatches(rule.conditions, facts)) ?? null;
}
